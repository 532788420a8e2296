"""What the hub refuses, enforced by PostgreSQL itself (issue 29): CHECK constraints written
from the project's own admission rules (core/text/labels.py, core/text/admission.py), so a row the hub
holds is a row every teammate's project admits, whoever wrote it and however (a sync, or an
INSERT typed in psql with an annotator's login).

- labels: the name rule (1 to MAX_LABEL_CHARS characters, no whitespace, no control
  character), a colour #rrggbb, a key of one such character or none, at most MAX_LABELS
  labels (a counter row kept by statement triggers: two writers at once cannot pass it);
- documents: the body is valid UTF-8 (no NUL, no lone surrogate) of at most MAX_TEXT_BYTES,
  meta a JSON object of at most MAX_JSON_BYTES, `added` finite;
- decisions, reviews, their history and decision records: spans (and suggested spans) a JSON
  list of at most MAX_JSON_BYTES of {start, end, label[, source]} with integer offsets,
  start < end, labels by the name rule; sources a JSON list of names; every time finite;
- notes, guidelines (and their history) and label descriptions (issue 24): a described label
  by the name rule ('' is the guidelines), examples a JSON list of texts, texts within
  free_text.MAX_TEXT_BYTES (a live note not blank, trimmed as str.strip() trims), names of 1 to
  MAX_NAME_CHARS characters, times finite;
- patterns (issue 25): a label by the name rule, a phrase (1 to MAX_PHRASE_CHARS characters,
  not blank: trimmed of what Python's str.strip() trims, PY_WHITESPACE) or a list of 1 to MAX_TOKENS token objects, within MAX_PATTERN_BYTES, a finite time;
- nowhere a NUL: PostgreSQL text cannot hold one, jsonb refuses the escape \\u0000.

apply_checks() runs at every `hub init` and changes nothing when all is in place. A hub made
before (or a constraint an admin dropped) gets each constraint NOT VALID first, so rows
already there stay (a pull skips them, hub/pull.py), then validated where the rows allow;
the returned BrokenRows say how many rows of which table break which rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from annotator.core.text.admission import MAX_JSON_BYTES, MAX_NAME_CHARS, MAX_TEXT_BYTES
from annotator.core.learning.patterns.records import MAX_PATTERN_BYTES, MAX_PHRASE_CHARS, MAX_TOKENS
from annotator.core.text.free_text import MAX_TEXT_BYTES as MAX_FREE_TEXT_BYTES
from annotator.core.text.labels import FORBIDDEN_RANGES, MAX_LABEL_CHARS, MAX_LABELS


def forbidden_class() -> str:
    """The label rule's forbidden characters as a PostgreSQL regular expression bracket (NUL
    left out: PostgreSQL text cannot hold it at all)."""
    parts = [f"\\u{max(a, 1):04x}-\\u{b:04x}" if a != b else f"\\u{a:04x}" for a, b in FORBIDDEN_RANGES]
    return "[" + "".join(parts) + "]"


# What Python's str.strip() removes (str.isspace): check_pattern trims a phrase of these, so the
# hub trims the same; btrim's default trims the space alone, and a tab-only phrase got in.
PY_WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
                 "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def sql_chars(chars: str) -> str:
    """A PostgreSQL string literal of these characters, each as an escape."""
    return "E'" + "".join(f"\\u{ord(c):04x}" for c in chars) + "'"


_SEARCH_PATH = "SET search_path = pg_catalog, pg_temp"
# The simple SQL rules carry no SET clause, so PostgreSQL inlines them into the CHECK (a SET
# makes each call a full function call: 5-10x the time). They are SECURITY INVOKER and name only
# built-ins, which resolve in pg_catalog: an annotator can create no function in any schema
# a name could resolve to first (no CREATE on the database, the hub or public; pg_temp is
# never searched for functions), so they cannot be shadowed.

FUNCTIONS: list[str] = [
    """CREATE OR REPLACE FUNCTION hub.is_finite(p double precision) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT p > '-Infinity'::float8 AND p < 'Infinity'::float8 $$""",  # NaN sorts above Infinity
    f"""CREATE OR REPLACE FUNCTION hub.is_label_name(p text) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT char_length(p) BETWEEN 1 AND {MAX_LABEL_CHARS} AND p !~ '{forbidden_class()}' $$""",
    f"""CREATE OR REPLACE FUNCTION hub.is_key(p text) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT char_length(p) = 1 AND p !~ '{forbidden_class()}' $$""",
    """CREATE OR REPLACE FUNCTION hub.is_colour(p text) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT p ~ '^#[0-9a-fA-F]{6}$' $$""",
    # convert() checks its input is valid in the source encoding whatever the database's: no
    # NUL byte, no overlong form, no surrogate. An invalid body is false, not an error.
    f"""CREATE OR REPLACE FUNCTION hub.is_utf8(p bytea) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE {_SEARCH_PATH} AS $$
    BEGIN
        PERFORM convert(p, 'UTF8', 'UTF8');
        RETURN true;
    EXCEPTION WHEN character_not_in_repertoire OR untranslatable_character THEN
        RETURN false;
    END $$""",
    # JSON text as jsonb, or NULL when it is too big or not JSON (jsonb refuses \\u0000).
    f"""CREATE OR REPLACE FUNCTION hub.json_or_null(p text) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE {_SEARCH_PATH} AS $$
    BEGIN
        IF octet_length(p) > {MAX_JSON_BYTES} THEN RETURN NULL; END IF;
        RETURN p::jsonb;
    EXCEPTION WHEN invalid_text_representation OR untranslatable_character
                   OR program_limit_exceeded OR statement_too_complex THEN
        RETURN NULL;
    END $$""",
    # The JSON rules are PL/pgSQL, not SQL: a SQL rule with a subquery is parsed and planned
    # again at every INSERT (a CHECK's expression is prepared per statement), PL/pgSQL keeps
    # its plan for the session (5x cheaper per pushed decision here).
    f"""CREATE OR REPLACE FUNCTION hub.is_json_object(p text) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE {_SEARCH_PATH} AS $$
    BEGIN
        RETURN coalesce(jsonb_typeof(hub.json_or_null(p)) = 'object', false);
    END $$""",
    f"""CREATE OR REPLACE FUNCTION hub.are_spans(p text) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE {_SEARCH_PATH} AS $$
    DECLARE j jsonb := hub.json_or_null(p);
    BEGIN
        RETURN coalesce(jsonb_typeof(j) = 'array' AND NOT EXISTS (
            SELECT 1 FROM jsonb_array_elements(j) e
            WHERE NOT coalesce(
                jsonb_typeof(e) = 'object'
                AND jsonb_typeof(e -> 'start') = 'number' AND (e ->> 'start') ~ '^[0-9]{{1,10}}$'
                AND jsonb_typeof(e -> 'end') = 'number' AND (e ->> 'end') ~ '^[0-9]{{1,10}}$'
                AND (e ->> 'start')::bigint < (e ->> 'end')::bigint
                AND jsonb_typeof(e -> 'label') = 'string' AND hub.is_label_name(e ->> 'label')
                AND (NOT e ? 'source' OR jsonb_typeof(e -> 'source') IN ('string', 'null')),
                false)), false);
    END $$""",
    f"""CREATE OR REPLACE FUNCTION hub.are_sources(p text) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE {_SEARCH_PATH} AS $$
    DECLARE j jsonb := hub.json_or_null(p);
    BEGIN
        RETURN coalesce(jsonb_typeof(j) = 'array' AND NOT EXISTS (
            SELECT 1 FROM jsonb_array_elements(j) e
            WHERE NOT coalesce(jsonb_typeof(e) = 'string'
                               AND char_length(e #>> '{{}}') BETWEEN 1 AND {MAX_NAME_CHARS}, false)), false);
    END $$""",
    # A label description's examples: a JSON list of texts (free_text's rule; no NUL: jsonb).
    f"""CREATE OR REPLACE FUNCTION hub.are_phrases(p text) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE {_SEARCH_PATH} AS $$
    DECLARE j jsonb := hub.json_or_null(p);
    BEGIN
        RETURN coalesce(octet_length(p) <= {MAX_FREE_TEXT_BYTES} AND jsonb_typeof(j) = 'array' AND NOT EXISTS (
            SELECT 1 FROM jsonb_array_elements(j) e WHERE jsonb_typeof(e) <> 'string'), false);
    END $$""",
    # A pattern (learning/patterns/records.py check_pattern's shape): a phrase, or token objects.
    f"""CREATE OR REPLACE FUNCTION hub.is_pattern(p text) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE {_SEARCH_PATH} AS $$
    DECLARE j jsonb := CASE WHEN octet_length(p) <= {MAX_PATTERN_BYTES} THEN hub.json_or_null(p) END;
    BEGIN
        IF jsonb_typeof(j) = 'string' THEN
            RETURN btrim(j #>> '{{}}', {sql_chars(PY_WHITESPACE)}) <> ''
                AND char_length(btrim(j #>> '{{}}', {sql_chars(PY_WHITESPACE)})) <= {MAX_PHRASE_CHARS};
        END IF;
        RETURN coalesce(jsonb_typeof(j) = 'array' AND jsonb_array_length(j) BETWEEN 1 AND {MAX_TOKENS}
            AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(j) e WHERE jsonb_typeof(e) <> 'object'), false);
    END $$""",
]

CHECK_FUNCTIONS = ["hub.is_finite", "hub.is_label_name", "hub.is_key", "hub.is_colour", "hub.is_utf8",
                   "hub.json_or_null", "hub.is_json_object", "hub.are_spans", "hub.are_sources", "hub.are_phrases",
                   "hub.is_pattern"]

# (table, constraint, condition): named <table>_<constraint>.
CONSTRAINTS: list[tuple[str, str, str]] = [
    ("labels", "name_rule", "hub.is_label_name(name)"),
    ("labels", "colour_rule", "hub.is_colour(color)"),
    ("labels", "key_rule", "key IS NULL OR hub.is_key(key)"),
    ("documents", "body_rule", f"octet_length(body) <= {MAX_TEXT_BYTES} AND hub.is_utf8(body)"),
    ("documents", "meta_rule", "hub.is_json_object(meta)"),
    ("documents", "added_rule", "hub.is_finite(added)"),
    *[(table, rule, condition) for table in ("decisions", "decision_history") for rule, condition in (
        ("spans_rule", "hub.are_spans(spans)"),
        ("times_rule", "hub.is_finite(created) AND hub.is_finite(updated)"))],
    ("decision_history", "answer_rule", "answer IN ('accept', 'reject', 'ignore', 'draft')"),
    *[(table, rule, condition) for table in ("reviews", "review_history") for rule, condition in (
        ("spans_rule", "hub.are_spans(spans)"), ("sources_rule", "hub.are_sources(sources)"),
        ("times_rule", "hub.is_finite(created)"))],
    ("decision_times", "spans_rule", "suggested IS NULL OR hub.are_spans(suggested)"),
    ("decision_times", "times_rule", "hub.is_finite(decided)"),
    ("notes", "author_rule", f"char_length(author) BETWEEN 1 AND {MAX_NAME_CHARS}"),
    ("notes", "text_rule", f"octet_length(text) <= {MAX_FREE_TEXT_BYTES}"),
    # A live note is not blank as str.strip() sees it (the pull's rule; the table's own CHECK
    # trims the space alone).
    ("notes", "blank_rule", f"deleted OR btrim(text, {sql_chars(PY_WHITESPACE)}) <> ''"),
    ("notes", "times_rule", "hub.is_finite(created) AND hub.is_finite(updated)"),
    *[(table, rule, condition) for table in ("guidelines", "guideline_history") for rule, condition in (
        ("subject_rule", "subject = '' OR hub.is_label_name(subject)"),
        ("author_rule", f"char_length(author) BETWEEN 1 AND {MAX_NAME_CHARS}"),
        ("text_rule", f"octet_length(text) <= {MAX_FREE_TEXT_BYTES}"),
        ("examples_rule", "hub.are_phrases(examples)"),
        ("times_rule", "hub.is_finite(updated)"))],
    ("patterns", "label_rule", "hub.is_label_name(label)"),
    ("patterns", "pattern_rule", "hub.is_pattern(pattern)"),
    ("patterns", "author_rule", f"char_length(author) BETWEEN 1 AND {MAX_NAME_CHARS}"),
    ("patterns", "times_rule", "hub.is_finite(changed)"),
]

# Why, in the words `hub init` and the README use.
RULES = {"name_rule": "label names", "colour_rule": "colours #rrggbb", "key_rule": "keys",
         "body_rule": "texts (UTF-8, no NUL, size)", "meta_rule": "meta (a JSON object, no NUL, size)",
         "added_rule": "finite times", "spans_rule": "spans (JSON, offsets, labels, no NUL, size)",
         "times_rule": "finite times", "answer_rule": "answers", "sources_rule": "sources",
         "author_rule": "names (1 to 1,000 characters)", "text_rule": "notes and guidelines (size)",
         "subject_rule": "described labels (label names)", "examples_rule": "examples (a JSON list of texts)",
         "label_rule": "label names", "pattern_rule": "patterns (a phrase or a list of token objects)",
         "blank_rule": "live notes (not blank)"}

# The label count: one counter row, kept by statement triggers that run as the owner. Its
# row lock serialises writers that add labels (only those), so two teammates adding 6,000
# labels at once cannot both pass the cap; REPEATABLE READ writers get a serialization
# failure instead of a stale count.
LABEL_COUNT: list[str] = [
    "CREATE TABLE IF NOT EXISTS hub.label_count (one boolean PRIMARY KEY DEFAULT true CHECK (one), "
    "n integer NOT NULL)",
    "INSERT INTO hub.label_count (n) SELECT count(*) FROM hub.labels "
    "ON CONFLICT (one) DO UPDATE SET n = excluded.n",
    f"""CREATE OR REPLACE FUNCTION hub.count_labels() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER {_SEARCH_PATH} AS $$
    DECLARE delta integer; total integer;
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            UPDATE hub.label_count SET n = 0;
            RETURN NULL;
        ELSIF TG_OP = 'INSERT' THEN
            SELECT count(*) INTO delta FROM added;
        ELSE
            SELECT -count(*) INTO delta FROM removed;
        END IF;
        IF delta = 0 THEN RETURN NULL; END IF;
        UPDATE hub.label_count SET n = n + delta RETURNING n INTO total;
        IF total > {MAX_LABELS} THEN
            RAISE EXCEPTION 'the hub holds at most {MAX_LABELS:,} labels' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS labels_count_added ON hub.labels",
    "CREATE TRIGGER labels_count_added AFTER INSERT ON hub.labels REFERENCING NEW TABLE AS added "
    "FOR EACH STATEMENT EXECUTE FUNCTION hub.count_labels()",
    "DROP TRIGGER IF EXISTS labels_count_removed ON hub.labels",
    "CREATE TRIGGER labels_count_removed AFTER DELETE ON hub.labels REFERENCING OLD TABLE AS removed "
    "FOR EACH STATEMENT EXECUTE FUNCTION hub.count_labels()",
    "DROP TRIGGER IF EXISTS labels_count_truncated ON hub.labels",
    "CREATE TRIGGER labels_count_truncated AFTER TRUNCATE ON hub.labels "
    "FOR EACH STATEMENT EXECUTE FUNCTION hub.count_labels()",
    "REVOKE ALL ON hub.label_count FROM PUBLIC",
]


@dataclass(frozen=True)
class BrokenRows:
    """Rows already on the hub that break a rule (they stay; pulls skip them)."""

    table: str
    rule: str
    rows: int

    def line(self) -> str:
        rows, verb = ("1 row", "breaks") if self.rows == 1 else (f"{self.rows:,} rows", "break")
        return (f"{rows} of hub.{self.table} {verb} the rule on {RULES.get(self.rule, self.rule)}: "
                "they stay, and every sync skips them")


def _ours(conn: Any) -> dict[tuple[str, str], bool]:
    """(table, constraint) -> validated, for the CHECK constraints on the hub's tables."""
    return {(r[0], r[1]): r[2] for r in conn.execute(
        "SELECT t.relname, c.conname, c.convalidated FROM pg_constraint c "
        "JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
        "WHERE n.nspname = 'hub' AND c.contype = 'c'")}


def apply_checks(conn: Any) -> None:
    """Create or refresh the functions, the label counter and every constraint, and validate
    each constraint the rows allow. Runs inside the caller's transaction (`hub init`)."""
    import psycopg

    for statement in FUNCTIONS + LABEL_COUNT:
        conn.execute(statement)
    present = _ours(conn)
    for table, rule, condition in CONSTRAINTS:
        name = f"{table}_{rule}"
        if (table, name) not in present:
            conn.execute(f"ALTER TABLE hub.{table} ADD CONSTRAINT {name} CHECK ({condition}) NOT VALID")
        elif present[(table, name)]:
            continue
        try:
            with conn.transaction():  # a savepoint: a row that breaks it leaves it NOT VALID
                conn.execute(f"ALTER TABLE hub.{table} VALIDATE CONSTRAINT {name}")
        except psycopg.errors.CheckViolation:
            pass


def broken_rows(conn: Any) -> list[BrokenRows]:
    """The rows that break a rule whose constraint could not be validated (hub made before
    the rule, or a constraint an admin dropped and `hub init` added again)."""
    present = _ours(conn)
    out = []
    for table, rule, condition in CONSTRAINTS:
        if present.get((table, f"{table}_{rule}"), True):
            continue
        rows = conn.execute(f"SELECT count(*) FROM hub.{table} WHERE NOT coalesce({condition}, false)").fetchone()[0]
        if rows:
            out.append(BrokenRows(table, rule, rows))
    return out
