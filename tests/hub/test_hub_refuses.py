"""Issue 29: each value a teammate's INSERT put on the hub, which then stopped everyone's sync,
is now refused by PostgreSQL itself. Each case is the attack as run: mallory, an ordinary
annotator (or a reviewer for reviews), types the INSERT in psql; the server refuses it and
the hub's data is unchanged."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors

from annotator.core.text.admission import MAX_JSON_BYTES, MAX_TEXT_BYTES
from annotator.core.text.labels import MAX_LABELS
from tests.cli.helpers import run
from tests.hub.conftest import new_hub
from tests.hub.test_rights import DOC, snapshot

DECISION = ("INSERT INTO hub.decisions (document_id, annotator, answer, spans, created, updated) "
            f"VALUES ({DOC}, 'mallory', 'accept', %s, %s, %s)")
HISTORY = DECISION.replace("hub.decisions", "hub.decision_history")
REVIEW = ("INSERT INTO hub.reviews (document_id, reviewer, spans, sources, created) "
          f"VALUES ({DOC}, 'mallory', %s, %s, %s)")
RECORD = ("INSERT INTO hub.decision_times (document_id, annotator, answer, decided, seconds, suggested) "
          f"VALUES ({DOC}, 'mallory', 'accept', %s, 1, %s)")
LABEL = "INSERT INTO hub.labels (name, color, key, position) VALUES (%s, %s, %s, 1)"
DOCUMENT = "INSERT INTO hub.documents (hash, body, meta, added) VALUES (encode(sha256(%s), 'hex'), %s, %s, %s)"
SPAN = '[{"start": 0, "end": 5, "label": "PERSON"}]'

ATTACKS: dict[str, tuple[str, tuple[object, ...]]] = {
    # 1. a label with a space (every teammate's sync then ended at "must not contain spaces")
    "label with a space": (LABEL, ("BAD LABEL", "#aabbcc", None)),
    "label with a tab": (LABEL, ("BAD\tLABEL", "#aabbcc", None)),
    "label with a no-break space": (LABEL, ("BAD\u00a0LABEL", "#aabbcc", None)),
    # 2. NUL in a span's label (the pull took it, and every later push failed)
    "NUL in a span label": (DECISION, ('[{"start": 0, "end": 5, "label": "X\\u0000Y"}]', 1, 2)),
    "NUL in a history span": (HISTORY, ('[{"start": 0, "end": 5, "label": "X\\u0000Y"}]', 1, 2)),
    "NUL in a span source": (RECORD, (5, '[{"start": 0, "end": 5, "label": "PERSON", "source": "m\\u0000"}]')),
    "NUL in a document's meta": (DOCUMENT, (b"meta nul", b"meta nul", '{"k": "a\\u0000b"}', 1)),
    # 3. non-finite times (SQLite stores NaN as NULL: "the project file is damaged")
    "NaN created": (DECISION, (SPAN, float("nan"), 2)),
    "NaN updated": (DECISION, (SPAN, 1, float("nan"))),
    "Infinity updated": (DECISION, (SPAN, 1, float("inf"))),
    "-Infinity created in history": (HISTORY, (SPAN, float("-inf"), 2)),
    "NaN decided": (RECORD, (float("nan"), None)),
    "NaN added": (DOCUMENT, (b"nan added", b"nan added", "{}", float("nan"))),
    # 4. a body that is not UTF-8 but matches its hash (a traceback on every sync)
    "body not UTF-8": (DOCUMENT, (b"caf\xe9", b"caf\xe9", "{}", 1)),
    "body with NUL": (DOCUMENT, (b"a\x00b", b"a\x00b", "{}", 1)),
    "body with a lone surrogate": (DOCUMENT, (b"\xed\xa0\x80x", b"\xed\xa0\x80x", "{}", 1)),
    # 5. colour, key, name length (check, report, the label bar and the review choked)
    "colour notacolor": (LABEL, ("COLOURED", "notacolor", None)),
    "colour css": (LABEL, ("COLOURED", "red; font-size: 900px", None)),
    "key zz": (LABEL, ("KEYED", "#aabbcc", "zz")),
    "key space": (LABEL, ("KEYED", "#aabbcc", " ")),
    "100,000-character name": (LABEL, ("A" * 100_000, "#aabbcc", None)),
    "empty name": (LABEL, ("", "#aabbcc", None)),
    # spans that are not spans
    "spans not JSON": (DECISION, ("[{", 1, 2)),
    "spans an object": (DECISION, ('{"start": 0}', 1, 2)),
    "offset 0.5": (DECISION, ('[{"start": 0.5, "end": 5, "label": "PERSON"}]', 1, 2)),
    "offset true": (DECISION, ('[{"start": true, "end": 5, "label": "PERSON"}]', 1, 2)),
    'offset "3"': (DECISION, ('[{"start": "3", "end": 5, "label": "PERSON"}]', 1, 2)),
    "reversed span": (DECISION, ('[{"start": 5, "end": 1, "label": "PERSON"}]', 1, 2)),
    "span label with a space": (DECISION, ('[{"start": 0, "end": 5, "label": " GPE "}]', 1, 2)),
    "meta a list": (DOCUMENT, (b"meta list", b"meta list", "[1]", 1)),
}


@pytest.fixture(scope="module")
def attacked(pg_server):
    """A hub with one document, and mallory (annotator) and rev (reviewer)."""
    hub = new_hub(pg_server)
    hub.add("mallory")
    hub.add("rev", reviewer=True)
    with hub.admin() as conn:
        conn.execute("INSERT INTO hub.documents (hash, body, meta, added) VALUES "
                     "(encode(sha256('Alice met Bob.'), 'hex'), 'Alice met Bob.', '{}', 1)")
    return hub


@pytest.mark.parametrize("what", sorted(ATTACKS))
def test_the_server_refuses_it(attacked, what):
    sql, params = ATTACKS[what]
    before = snapshot(attacked)
    with psycopg.connect(attacked.url("mallory"), autocommit=True) as conn:
        with pytest.raises(errors.CheckViolation):
            conn.execute(sql, params)
    assert snapshot(attacked) == before


@pytest.mark.parametrize("spans, sources, created", [
    ('[{"start": 0, "end": 5, "label": "X\\u0000Y"}]', "[]", 1),
    (SPAN, "[]", float("nan")),
    (SPAN, '["a\\u0000"]', 1),
    (SPAN, '[""]', 1),
])
def test_the_server_refuses_a_reviewers_bad_review(attacked, spans, sources, created):
    before = snapshot(attacked)
    with psycopg.connect(attacked.url("rev"), autocommit=True) as conn:
        with pytest.raises(errors.CheckViolation):
            conn.execute(REVIEW.replace("'mallory'", "'rev'"), (spans, sources, created))
    assert snapshot(attacked) == before


def test_the_rules_let_good_rows_in(attacked):
    """The same statements with values a project admits are accepted (the checks look)."""
    with psycopg.connect(attacked.url("mallory"), autocommit=True) as conn, conn.transaction():
        conn.execute(LABEL, ("GOOD_LABEL", "#AAbbcc", "é"))
        conn.execute(DECISION, ('[{"start": 0, "end": 5, "label": "PERSON"}, {"start": 10, "end": 13, '
                                '"label": "<b>x</b>"}]', 1, 2))
        conn.execute(RECORD, (5, '[{"start": 0, "end": 5, "label": "PERSON", "source": "model"}]'))
        conn.execute(DOCUMENT, ("Zoë 😀".encode(), "Zoë 😀".encode(), '{"k": "\\\\u0000 is text"}', 1))
        raise psycopg.Rollback()


@pytest.mark.slow
def test_sizes_are_the_projects_limits(attacked):
    """Spans over 16 MiB and a body over 32 MiB are refused (a 50 MB spans value once cost
    every teammate gigabytes of memory); at the limit they are taken."""
    spans = '[{"start": 0, "end": 5, "label": "PERSON"}' + " " * (MAX_JSON_BYTES - 43) + "]"
    body = b"a" * MAX_TEXT_BYTES
    with psycopg.connect(attacked.url("mallory"), autocommit=True) as conn:
        with pytest.raises(errors.CheckViolation):
            conn.execute(DECISION, (spans + " ", 1, 2))
        with pytest.raises(errors.CheckViolation):
            conn.execute(DOCUMENT, (body + b"a", body + b"a", "{}", 1))
        with pytest.raises(errors.CheckViolation):
            conn.execute(DOCUMENT, (b"big meta", b"big meta", '{"k": "' + "x" * MAX_JSON_BYTES + '"}', 1))
        with conn.transaction():
            conn.execute(DECISION, (spans, 1, 2))
            conn.execute(DOCUMENT, (body, body, "{}", 1))
            raise psycopg.Rollback()


@pytest.mark.slow
def test_at_most_ten_thousand_labels(hub):
    """6. 12,000 labels (the pull was quadratic, the project then failed `check`): refused whole;
    10,000 go in, the next one is refused, in one statement or many."""
    hub.add("mallory")
    many = "INSERT INTO hub.labels (name, color, key, position) SELECT 'L' || i, '#aabbcc', NULL, i FROM generate_series(1, %s) i"
    with psycopg.connect(hub.url("mallory"), autocommit=True) as conn:
        with pytest.raises(errors.CheckViolation, match="at most 10,000 labels"):
            conn.execute(many, (12_000,))
        assert conn.execute("SELECT count(*) FROM hub.labels").fetchone()[0] == 0
        conn.execute(many, (MAX_LABELS,))
        with pytest.raises(errors.CheckViolation):
            conn.execute(LABEL, ("ONE_MORE", "#aabbcc", None))
    assert hub.count("SELECT count(*) FROM hub.labels") == MAX_LABELS
    with hub.admin() as conn:  # the admin removes some: room again
        conn.execute("DELETE FROM hub.labels WHERE position <= 5")
    with psycopg.connect(hub.url("mallory"), autocommit=True) as conn:
        conn.execute(LABEL, ("ONE_MORE", "#aabbcc", None))
    assert hub.count("SELECT n FROM hub.label_count") == MAX_LABELS - 4


@pytest.mark.slow
def test_a_hub_attacked_before_the_upgrade_says_so_and_keeps_its_rows(hub, make_project):
    """Rows written before `hub init` added a rule (here: the admin dropped it, as a hub of the
    previous release lacks it) stay; `hub init` puts the rule back for new rows and says how
    many rows break it."""
    from annotator.core.hub.checks import broken_rows
    from annotator.core.hub.roles import init_hub

    hub.add("mallory")
    with hub.admin() as conn:
        conn.execute("ALTER TABLE hub.labels DROP CONSTRAINT labels_name_rule")
    with psycopg.connect(hub.url("mallory"), autocommit=True) as conn:
        conn.execute(LABEL, ("BAD LABEL", "#aabbcc", None))
    with hub.admin() as conn:
        init_hub(conn)
        (broken,) = broken_rows(conn)
        assert (broken.table, broken.rule, broken.rows) == ("labels", "name_rule", 1)
    got = run("hub", "init", hub.admin_url)
    assert got.exit_code == 0 and ("  warning: 1 row of hub.labels breaks the rule on label names: they stay, "
                                   "and every sync skips them") in got.output.splitlines()
    with psycopg.connect(hub.url("mallory"), autocommit=True) as conn:
        with pytest.raises(errors.CheckViolation):
            conn.execute(LABEL, ("WORSE LABEL", "#aabbcc", None))
    assert hub.count("SELECT count(*) FROM hub.labels") == 1
