"""The hub's schema in PostgreSQL, with a version table and migrations like the local store.

Everything lives in the schema `hub`, owned by the admin who ran `hub init`. Rows carry
`xid`, the id of the transaction that last wrote them (a trigger sets it, nobody can forge
it): a reader takes only rows below the oldest transaction still running
(pg_snapshot_xmin), so a row committed late by a slow writer is never skipped (a sequence
would be: a lower number can commit after a reader saw a higher one). See sync.py.

Rights and row-level security are in roles.py; routing functions in routing.py.
"""

from __future__ import annotations

from typing import Any

from annotator.core.hub.routing import CLAIM_CAPPED, FAIR_SHARE, RELEASE

# History rows: when the version was replaced, and the writing transaction (see above).
_HISTORY_TAIL = """replaced float8 NOT NULL DEFAULT extract(epoch FROM clock_timestamp()),
            xid xid8 NOT NULL DEFAULT pg_current_xact_id()"""

# Each migration: statements run in one transaction by the admin; {annotators} and
# {reviewers} are the group roles' quoted names, {reviewers_lit} the reviewers' as a literal.
MIGRATIONS: list[list[str]] = [
    # 1: first release
    [
        "CREATE TABLE hub.settings (key text PRIMARY KEY, value text NOT NULL)",
        """CREATE FUNCTION hub.stamp_xid() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN NEW.xid := pg_current_xact_id(); RETURN NEW; END $$""",
        # Document text as UTF-8 bytes: PostgreSQL text refuses NUL and lone surrogates,
        # which a project can hold; the hash check makes the text and its hash agree.
        """CREATE TABLE hub.documents (
            id bigserial PRIMARY KEY,
            hash text NOT NULL UNIQUE,
            body bytea NOT NULL,
            meta text NOT NULL DEFAULT '{}',
            added float8 NOT NULL,
            added_by text NOT NULL DEFAULT session_user,
            needs smallint NOT NULL DEFAULT 1,
            taken smallint NOT NULL DEFAULT 0,
            xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
            CHECK (hash = encode(sha256(body), 'hex'))
        )""",
        # The queue: documents still needing versions, in id order (routing.claim).
        "CREATE INDEX documents_open ON hub.documents (id) WHERE taken < needs",
        "CREATE INDEX documents_xid ON hub.documents (xid)",
        """CREATE TABLE hub.decisions (
            id bigserial PRIMARY KEY,
            document_id bigint NOT NULL REFERENCES hub.documents(id),
            annotator text NOT NULL,
            answer text NOT NULL CHECK (answer IN ('accept', 'reject', 'ignore', 'draft')),
            spans text NOT NULL,
            created float8 NOT NULL,
            updated float8 NOT NULL,
            xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
            UNIQUE (document_id, annotator)
        )""",
        "CREATE INDEX decisions_xid ON hub.decisions (xid)",
        "CREATE INDEX decisions_annotator ON hub.decisions (annotator)",
        f"""CREATE TABLE hub.decision_history (
            id bigserial PRIMARY KEY,
            document_id bigint NOT NULL REFERENCES hub.documents(id),
            annotator text NOT NULL,
            answer text NOT NULL,
            spans text NOT NULL,
            created float8 NOT NULL,
            updated float8 NOT NULL,
            {_HISTORY_TAIL}
        )""",
        "CREATE INDEX decision_history_document ON hub.decision_history (document_id, annotator)",
        "CREATE INDEX decision_history_xid ON hub.decision_history (xid)",
        """CREATE TABLE hub.reviews (
            document_id bigint PRIMARY KEY REFERENCES hub.documents(id),
            reviewer text NOT NULL,
            spans text NOT NULL,
            sources text NOT NULL DEFAULT '[]',
            created float8 NOT NULL,
            xid xid8 NOT NULL DEFAULT pg_current_xact_id()
        )""",
        "CREATE INDEX reviews_xid ON hub.reviews (xid)",
        f"""CREATE TABLE hub.review_history (
            id bigserial PRIMARY KEY,
            document_id bigint NOT NULL REFERENCES hub.documents(id),
            reviewer text NOT NULL,
            spans text NOT NULL,
            sources text NOT NULL,
            created float8 NOT NULL,
            {_HISTORY_TAIL}
        )""",
        "CREATE INDEX review_history_document ON hub.review_history (document_id)",
        "CREATE INDEX review_history_xid ON hub.review_history (xid)",
        """CREATE TABLE hub.labels (
            name text PRIMARY KEY,
            color text NOT NULL,
            key text,
            position integer NOT NULL,
            added_by text NOT NULL DEFAULT session_user,
            xid xid8 NOT NULL DEFAULT pg_current_xact_id()
        )""",
        # One row per (document, annotator) routed or decided: 'assigned' until `expires`,
        # 'done' (accept/reject: counts as a version), 'skipped' (ignore: frees the slot, but
        # the document is never routed to this annotator again).
        """CREATE TABLE hub.assignments (
            document_id bigint NOT NULL REFERENCES hub.documents(id),
            annotator text NOT NULL,
            state text NOT NULL CHECK (state IN ('assigned', 'done', 'skipped')),
            assigned float8 NOT NULL,
            expires float8,
            PRIMARY KEY (document_id, annotator)
        )""",
        "CREATE INDEX assignments_open ON hub.assignments (annotator) WHERE state = 'assigned'",
        "CREATE INDEX assignments_expiry ON hub.assignments (expires) WHERE state = 'assigned'",
        *[f"""CREATE TRIGGER {table}_xid BEFORE INSERT{' OR UPDATE' if upd else ''} ON hub.{table}
        FOR EACH ROW EXECUTE FUNCTION hub.stamp_xid()"""
          for table, upd in (("documents", False), ("decisions", True), ("decision_history", False),
                             ("reviews", True), ("review_history", False), ("labels", False))],
        # History is kept by triggers, as in the local store. SECURITY DEFINER: the owner
        # files the old version, whoever's it was (nobody else may write another's history).
        """CREATE FUNCTION hub.keep_decision_history() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            INSERT INTO hub.decision_history (document_id, annotator, answer, spans, created, updated)
            VALUES (OLD.document_id, OLD.annotator, OLD.answer, OLD.spans, OLD.created, OLD.updated);
            RETURN NEW;
        END $$""",
        """CREATE TRIGGER decisions_keep_history BEFORE UPDATE ON hub.decisions
        FOR EACH ROW EXECUTE FUNCTION hub.keep_decision_history()""",
        """CREATE FUNCTION hub.keep_review_history() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            INSERT INTO hub.review_history (document_id, reviewer, spans, sources, created)
            VALUES (OLD.document_id, OLD.reviewer, OLD.spans, OLD.sources, OLD.created);
            RETURN NEW;
        END $$""",
        """CREATE TRIGGER reviews_keep_history BEFORE UPDATE ON hub.reviews
        FOR EACH ROW EXECUTE FUNCTION hub.keep_review_history()""",
        """CREATE FUNCTION hub.document_id(p_hash text) RETURNS bigint LANGUAGE plpgsql STABLE
        SET search_path = pg_catalog, pg_temp AS $$
        DECLARE doc bigint;
        BEGIN
            SELECT id INTO doc FROM hub.documents WHERE hash = p_hash;
            IF doc IS NULL THEN
                RAISE EXCEPTION 'no document with hash % on the hub', p_hash
                    USING ERRCODE = 'foreign_key_violation';
            END IF;
            RETURN doc;
        END $$""",
        # Store.annotations.merge_annotation in SQL. SECURITY INVOKER: row-level security applies.
        """CREATE FUNCTION hub.merge_decision(p_hash text, p_annotator text, p_answer text,
            p_spans text, p_created float8, p_updated float8) RETURNS text LANGUAGE plpgsql
        SET search_path = pg_catalog, pg_temp AS $$
        DECLARE doc bigint; cur record;
        BEGIN
            doc := hub.document_id(p_hash);
            INSERT INTO hub.decisions (document_id, annotator, answer, spans, created, updated)
            VALUES (doc, p_annotator, p_answer, p_spans, p_created, p_updated)
            ON CONFLICT (document_id, annotator) DO NOTHING;
            IF FOUND THEN RETURN 'added'; END IF;
            SELECT id, answer, spans, updated INTO cur FROM hub.decisions
            WHERE document_id = doc AND annotator = p_annotator FOR UPDATE;
            IF cur.answer = p_answer AND cur.spans::jsonb = p_spans::jsonb THEN RETURN 'unchanged'; END IF;
            IF p_updated > cur.updated THEN
                UPDATE hub.decisions SET answer = p_answer, spans = p_spans, created = p_created,
                    updated = p_updated WHERE id = cur.id;
                RETURN 'updated';
            END IF;
            IF EXISTS (SELECT 1 FROM hub.decision_history WHERE document_id = doc
                       AND annotator = p_annotator AND answer = p_answer AND updated = p_updated
                       AND spans::jsonb = p_spans::jsonb) THEN
                RETURN 'unchanged';
            END IF;
            INSERT INTO hub.decision_history (document_id, annotator, answer, spans, created, updated)
            VALUES (doc, p_annotator, p_answer, p_spans, p_created, p_updated);
            RETURN 'history';
        END $$""",
        # Store.reviews.merge_review in SQL (one current review per document, the newer wins).
        """CREATE FUNCTION hub.merge_review(p_hash text, p_reviewer text, p_spans text,
            p_sources text, p_created float8) RETURNS text LANGUAGE plpgsql
        SET search_path = pg_catalog, pg_temp AS $$
        DECLARE doc bigint; cur record;
        BEGIN
            doc := hub.document_id(p_hash);
            INSERT INTO hub.reviews (document_id, reviewer, spans, sources, created)
            VALUES (doc, p_reviewer, p_spans, p_sources, p_created)
            ON CONFLICT (document_id) DO NOTHING;
            IF FOUND THEN RETURN 'added'; END IF;
            SELECT reviewer, spans, sources, created INTO cur FROM hub.reviews
            WHERE document_id = doc FOR UPDATE;
            IF cur.reviewer = p_reviewer AND cur.spans::jsonb = p_spans::jsonb
               AND cur.sources::jsonb = p_sources::jsonb THEN RETURN 'unchanged'; END IF;
            IF p_created > cur.created THEN
                UPDATE hub.reviews SET reviewer = p_reviewer, spans = p_spans, sources = p_sources,
                    created = p_created WHERE document_id = doc;
                RETURN 'updated';
            END IF;
            IF EXISTS (SELECT 1 FROM hub.review_history WHERE document_id = doc
                       AND reviewer = p_reviewer AND created = p_created
                       AND spans::jsonb = p_spans::jsonb AND sources::jsonb = p_sources::jsonb) THEN
                RETURN 'unchanged';
            END IF;
            INSERT INTO hub.review_history (document_id, reviewer, spans, sources, created)
            VALUES (doc, p_reviewer, p_spans, p_sources, p_created);
            RETURN 'history';
        END $$""",
    ],
    # 2: decisions recorded by the window (local store/activity.py): active seconds and the
    # spans suggested when the document was opened (JSON with their sources, NULL when
    # nothing was), as `annotator merge` carries them. Only ever added: no UPDATE trigger,
    # no history; the natural key makes a repeated push add nothing.
    [
        """CREATE TABLE hub.decision_times (
            id bigserial PRIMARY KEY,
            document_id bigint NOT NULL REFERENCES hub.documents(id),
            annotator text NOT NULL,
            answer text NOT NULL CHECK (answer IN ('accept', 'reject', 'ignore')),
            decided float8 NOT NULL,
            seconds float8 NOT NULL CHECK (seconds >= 0 AND seconds <= 86400),
            suggested text CHECK (suggested IS NULL OR jsonb_typeof(suggested::jsonb) = 'array'),
            xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
            UNIQUE (document_id, annotator, decided)
        )""",
        "CREATE INDEX decision_times_xid ON hub.decision_times (xid)",
        """CREATE TRIGGER decision_times_xid BEFORE INSERT ON hub.decision_times
        FOR EACH ROW EXECUTE FUNCTION hub.stamp_xid()""",
        # 'added' or 'unchanged' (already there). SECURITY INVOKER: row-level security applies.
        """CREATE FUNCTION hub.add_decision_time(p_hash text, p_annotator text, p_answer text,
            p_decided float8, p_seconds float8, p_suggested text) RETURNS text LANGUAGE plpgsql
        SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            INSERT INTO hub.decision_times (document_id, annotator, answer, decided, seconds, suggested)
            VALUES (hub.document_id(p_hash), p_annotator, p_answer, p_decided, p_seconds, p_suggested)
            ON CONFLICT (document_id, annotator, decided) DO NOTHING;
            RETURN CASE WHEN FOUND THEN 'added' ELSE 'unchanged' END;
        END $$""",
    ],
    # Patterns and term lists (core/learning/patterns; local migration 7; synced by core/hub/patterns.py).
    # A reviewer or the admin changes them, annotators read them (roles.py: row-level security).
    # One row per pattern key (its content: label and pattern); a removal stays as removed =
    # true so it reaches every project; for one key the newer `changed` wins (merge_pattern).
    # The CHECKs hold what the client checks: the label rule (no whitespace, as Python's
    # str.isspace sees it), no NUL (nor its JSON escape), a phrase or token list, sizes.
    [
        """CREATE TABLE hub.patterns (
            key text PRIMARY KEY CHECK (key ~ '^[0-9a-f]{16}$'),
            label text NOT NULL CHECK (length(label) BETWEEN 1 AND 1000 AND label !~ (
                '[\\t\\n\\v\\f\\r\\u001c-\\u001f \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029'
                || '\\u202f\\u205f\\u3000]')),
            pattern text NOT NULL CHECK (octet_length(pattern) <= 10000 AND strpos(pattern, '\\u0000') = 0
                AND jsonb_typeof(pattern::jsonb) IN ('string', 'array')),
            author text NOT NULL DEFAULT session_user CHECK (length(author) BETWEEN 1 AND 63),
            changed float8 NOT NULL CHECK (changed > 0 AND changed < 'Infinity'::float8),
            removed boolean NOT NULL DEFAULT false,
            xid xid8 NOT NULL DEFAULT pg_current_xact_id()
        )""",
        "CREATE INDEX patterns_xid ON hub.patterns (xid)",
        """CREATE TRIGGER patterns_xid BEFORE INSERT OR UPDATE ON hub.patterns
        FOR EACH ROW EXECUTE FUNCTION hub.stamp_xid()""",
        # Store.patterns.merge_pattern in SQL: 'added', 'updated' (newer) or 'unchanged'. SECURITY
        # INVOKER: row-level security applies (an annotator is refused).
        """CREATE FUNCTION hub.merge_pattern(p_key text, p_label text, p_pattern text, p_changed float8,
            p_removed boolean) RETURNS text LANGUAGE plpgsql
        SET search_path = pg_catalog, pg_temp AS $$
        DECLARE cur float8;
        BEGIN
            INSERT INTO hub.patterns (key, label, pattern, changed, removed)
            VALUES (p_key, p_label, p_pattern, p_changed, p_removed)
            ON CONFLICT (key) DO NOTHING;
            IF FOUND THEN RETURN 'added'; END IF;
            SELECT changed INTO cur FROM hub.patterns WHERE key = p_key FOR UPDATE;
            IF p_changed > cur THEN
                UPDATE hub.patterns SET changed = p_changed, removed = p_removed, author = session_user
                WHERE key = p_key;
                RETURN 'updated';
            END IF;
            RETURN 'unchanged';
        END $$""",
    ],
]

# Issue 24, a part of its own (core/hub/teamwork.py syncs it): how a review was decided, notes
# on documents and the team's guidelines with label descriptions. Size caps and shapes are
# CHECK constraints (a text column cannot hold NUL at all: PostgreSQL refuses it itself);
# who may write what is row-level security (roles.py).
_TEXT_CAP = "octet_length({col}) <= 102400"  # core/text/free_text.py MAX_TEXT_BYTES
TEAMWORK_MIGRATION = [
    "ALTER TABLE hub.reviews ADD COLUMN method text NOT NULL DEFAULT 'hand' "
    "CHECK (method IN ('hand', 'majority', 'unanimous'))",
    "ALTER TABLE hub.review_history ADD COLUMN method text NOT NULL DEFAULT 'hand' "
    "CHECK (method IN ('hand', 'majority', 'unanimous'))",
    """CREATE OR REPLACE FUNCTION hub.keep_review_history() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    BEGIN
        INSERT INTO hub.review_history (document_id, reviewer, spans, sources, created, method)
        VALUES (OLD.document_id, OLD.reviewer, OLD.spans, OLD.sources, OLD.created, OLD.method);
        RETURN NEW;
    END $$""",
    # hub.merge_review with the method (a new name: an overload would make GRANTs ambiguous).
    """CREATE FUNCTION hub.merge_review_decided(p_hash text, p_reviewer text, p_spans text,
        p_sources text, p_created float8, p_method text) RETURNS text LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS $$
    DECLARE doc bigint; cur record;
    BEGIN
        doc := hub.document_id(p_hash);
        INSERT INTO hub.reviews (document_id, reviewer, spans, sources, created, method)
        VALUES (doc, p_reviewer, p_spans, p_sources, p_created, p_method)
        ON CONFLICT (document_id) DO NOTHING;
        IF FOUND THEN RETURN 'added'; END IF;
        SELECT reviewer, spans, sources, created, method INTO cur FROM hub.reviews
        WHERE document_id = doc FOR UPDATE;
        IF cur.reviewer = p_reviewer AND cur.spans::jsonb = p_spans::jsonb
           AND cur.sources::jsonb = p_sources::jsonb AND cur.method = p_method THEN RETURN 'unchanged'; END IF;
        IF p_created > cur.created THEN
            UPDATE hub.reviews SET reviewer = p_reviewer, spans = p_spans, sources = p_sources,
                created = p_created, method = p_method WHERE document_id = doc;
            RETURN 'updated';
        END IF;
        IF EXISTS (SELECT 1 FROM hub.review_history WHERE document_id = doc
                   AND reviewer = p_reviewer AND created = p_created AND method = p_method
                   AND spans::jsonb = p_spans::jsonb AND sources::jsonb = p_sources::jsonb) THEN
            RETURN 'unchanged';
        END IF;
        INSERT INTO hub.review_history (document_id, reviewer, spans, sources, created, method)
        VALUES (doc, p_reviewer, p_spans, p_sources, p_created, p_method);
        RETURN 'history';
    END $$""",
    # A note keeps its uid in every project; deleting leaves a tombstone (never a DELETE).
    f"""CREATE TABLE hub.notes (
        uid text PRIMARY KEY CHECK (uid ~ '^[A-Za-z0-9_-]{{8,64}}$'),
        document_id bigint NOT NULL REFERENCES hub.documents(id),
        author text NOT NULL CHECK (author <> ''),
        text text NOT NULL CHECK ({_TEXT_CAP.format(col="text")}),
        created float8 NOT NULL,
        updated float8 NOT NULL,
        deleted boolean NOT NULL DEFAULT false,
        xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
        CHECK (NOT deleted OR text = ''),
        CHECK (deleted OR btrim(text) <> '')
    )""",
    "CREATE INDEX notes_xid ON hub.notes (xid)",
    "CREATE INDEX notes_document ON hub.notes (document_id)",
    # subject '' is the project's guidelines (Markdown), any other a label's description.
    f"""CREATE TABLE hub.guidelines (
        subject text PRIMARY KEY CHECK (subject !~ '\\s'),
        text text NOT NULL CHECK ({_TEXT_CAP.format(col="text")}),
        examples text NOT NULL DEFAULT '[]' CHECK ({_TEXT_CAP.format(col="examples")}
                                                   AND jsonb_typeof(examples::jsonb) = 'array'),
        author text NOT NULL CHECK (author <> ''),
        updated float8 NOT NULL,
        xid xid8 NOT NULL DEFAULT pg_current_xact_id()
    )""",
    f"""CREATE TABLE hub.guideline_history (
        id bigserial PRIMARY KEY,
        subject text NOT NULL,
        text text NOT NULL CHECK ({_TEXT_CAP.format(col="text")}),
        examples text NOT NULL CHECK ({_TEXT_CAP.format(col="examples")}),
        author text NOT NULL,
        updated float8 NOT NULL,
        {_HISTORY_TAIL}
    )""",
    "CREATE INDEX guidelines_xid ON hub.guidelines (xid)",
    "CREATE INDEX guideline_history_xid ON hub.guideline_history (xid)",
    *[f"""CREATE TRIGGER {table}_xid BEFORE INSERT{' OR UPDATE' if upd else ''} ON hub.{table}
    FOR EACH ROW EXECUTE FUNCTION hub.stamp_xid()"""
      for table, upd in (("notes", True), ("guidelines", True), ("guideline_history", False))],
    """CREATE FUNCTION hub.keep_guideline_history() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    BEGIN
        INSERT INTO hub.guideline_history (subject, text, examples, author, updated)
        VALUES (OLD.subject, OLD.text, OLD.examples, OLD.author, OLD.updated);
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER guidelines_keep_history BEFORE UPDATE ON hub.guidelines
    FOR EACH ROW EXECUTE FUNCTION hub.keep_guideline_history()""",
    # Store.notes.merge_note in SQL; SECURITY INVOKER: row-level security applies. A note's author
    # never changes: a version under another name is an error, not a takeover.
    """CREATE FUNCTION hub.merge_note(p_hash text, p_author text, p_uid text, p_text text,
        p_created float8, p_updated float8, p_deleted boolean) RETURNS text LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS $$
    DECLARE doc bigint; cur record;
    BEGIN
        doc := hub.document_id(p_hash);
        INSERT INTO hub.notes (uid, document_id, author, text, created, updated, deleted)
        VALUES (p_uid, doc, p_author, p_text, p_created, p_updated, p_deleted)
        ON CONFLICT (uid) DO NOTHING;
        IF FOUND THEN RETURN 'added'; END IF;
        SELECT author, text, updated, deleted INTO cur FROM hub.notes WHERE uid = p_uid FOR UPDATE;
        IF cur.author <> p_author THEN
            RAISE EXCEPTION 'note % is %''s, not %''s', p_uid, cur.author, p_author
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF p_updated > cur.updated AND (cur.text, cur.deleted) IS DISTINCT FROM (p_text, p_deleted) THEN
            UPDATE hub.notes SET text = p_text, updated = p_updated, deleted = p_deleted WHERE uid = p_uid;
            RETURN 'updated';
        END IF;
        RETURN 'unchanged';
    END $$""",
    # Store.guidelines.merge_guideline in SQL: the newer is current, the older filed in history.
    """CREATE FUNCTION hub.merge_guideline(p_subject text, p_author text, p_text text, p_examples text,
        p_updated float8) RETURNS text LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS $$
    DECLARE cur record;
    BEGIN
        INSERT INTO hub.guidelines (subject, text, examples, author, updated)
        VALUES (p_subject, p_text, p_examples, p_author, p_updated)
        ON CONFLICT (subject) DO NOTHING;
        IF FOUND THEN RETURN 'added'; END IF;
        SELECT text, examples, author, updated INTO cur FROM hub.guidelines WHERE subject = p_subject FOR UPDATE;
        IF cur.text = p_text AND cur.examples::jsonb = p_examples::jsonb AND cur.author = p_author
           AND cur.updated = p_updated THEN RETURN 'unchanged'; END IF;
        IF p_updated > cur.updated THEN
            UPDATE hub.guidelines SET text = p_text, examples = p_examples, author = p_author,
                updated = p_updated WHERE subject = p_subject;
            RETURN 'updated';
        END IF;
        IF EXISTS (SELECT 1 FROM hub.guideline_history WHERE subject = p_subject AND text = p_text
                   AND author = p_author AND updated = p_updated AND examples::jsonb = p_examples::jsonb) THEN
            RETURN 'unchanged';
        END IF;
        INSERT INTO hub.guideline_history (subject, text, examples, author, updated)
        VALUES (p_subject, p_text, p_examples, p_author, p_updated);
        RETURN 'history';
    END $$""",
]
MIGRATIONS.append(TEAMWORK_MIGRATION)

# 5 (issue 29): hub.claim caps its batch (routing.CLAIM_CAPPED), and hub.merge_note learns a
# note's author before it locks the row: the notes' UPDATE policy is USING (own) since (roles.py),
# so nobody can lock another's notes and stall their sync, and a note under another's name is
# still an error, not 'unchanged'. The value checks are not a migration: every `hub init`
# applies them afresh (hub/checks.py).
MERGE_NOTE_OWNER_FIRST = """CREATE OR REPLACE FUNCTION hub.merge_note(p_hash text, p_author text, p_uid text,
    p_text text, p_created float8, p_updated float8, p_deleted boolean) RETURNS text LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $$
DECLARE doc bigint; owner text; cur record;
BEGIN
    doc := hub.document_id(p_hash);
    INSERT INTO hub.notes (uid, document_id, author, text, created, updated, deleted)
    VALUES (p_uid, doc, p_author, p_text, p_created, p_updated, p_deleted)
    ON CONFLICT (uid) DO NOTHING;
    IF FOUND THEN RETURN 'added'; END IF;
    SELECT author INTO owner FROM hub.notes WHERE uid = p_uid;
    IF owner IS DISTINCT FROM p_author THEN
        RAISE EXCEPTION 'note % is %''s, not %''s', p_uid, owner, p_author
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT text, updated, deleted INTO cur FROM hub.notes WHERE uid = p_uid FOR UPDATE;
    IF p_updated > cur.updated AND (cur.text, cur.deleted) IS DISTINCT FROM (p_text, p_deleted) THEN
        UPDATE hub.notes SET text = p_text, updated = p_updated, deleted = p_deleted WHERE uid = p_uid;
        RETURN 'updated';
    END IF;
    RETURN 'unchanged';
END $$"""
ISSUE29_MIGRATION = [*CLAIM_CAPPED, MERGE_NOTE_OWNER_FIRST]
MIGRATIONS.append(ISSUE29_MIGRATION)
# 6: hub.release, giving back the caller's open assignments (routing.RELEASE).
MIGRATIONS.append(RELEASE)
# 7: hub.claim holds its caller to the fair share on the server too (routing.FAIR_SHARE).
MIGRATIONS.append(FAIR_SHARE)

SCHEMA_VERSION = len(MIGRATIONS)
# The first hub schema with notes, guidelines and how reviews were decided (an older hub:
# they wait, and the report says to run `hub init`).
TEAMWORK_VERSION = MIGRATIONS.index(TEAMWORK_MIGRATION) + 1
# The first hub schema holding the window's decision records (a newer annotator syncing with
# an older hub keeps them local until the admin runs `hub init` again).
DECISION_TIMES_VERSION = 2
# The first hub schema holding patterns (found by content, not by number: migrations of other
# work may come before it).
PATTERNS_VERSION = next(n for n, m in enumerate(MIGRATIONS, 1) if any("CREATE TABLE hub.patterns" in s for s in m))
# The first hub schema whose hub.claim caps its batch (routing.CLAIM_CAP), and whose
# hub.merge_note locks only the caller's own note.
CLAIM_CAP_VERSION = MIGRATIONS.index(ISSUE29_MIGRATION) + 1
# The first hub schema that can take assignments back before their timeout (hub.release).
RELEASE_VERSION = MIGRATIONS.index(RELEASE) + 1
# The first hub schema whose hub.claim computes the fair share itself.
FAIR_SHARE_VERSION = MIGRATIONS.index(FAIR_SHARE) + 1


def hub_version(conn: Any) -> int:
    """The hub's schema version; 0 when `hub init` never ran on this database."""
    row = conn.execute("SELECT to_regclass('hub.schema_version') IS NOT NULL").fetchone()
    if not row[0]:
        return 0
    return conn.execute("SELECT max(version) FROM hub.schema_version").fetchone()[0] or 0
