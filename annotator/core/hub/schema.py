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

from annotator.core.hub.routing import CLAIM_CAPPED

HUB_SCHEMA = "hub"
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
        # Store.merge_annotation in SQL. SECURITY INVOKER: row-level security applies.
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
        # Store.merge_review in SQL (one current review per document, the newer wins).
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
]

# 3 (issue 29): hub.claim caps its batch (routing.CLAIM_CAPPED). The value checks are not a
# migration: every `hub init` applies them afresh (hub/checks.py).
MIGRATIONS.append(CLAIM_CAPPED)

SCHEMA_VERSION = len(MIGRATIONS)
# The first hub schema holding the window's decision records (a newer annotator syncing with
# an older hub keeps them local until the admin runs `hub init` again).
DECISION_TIMES_VERSION = 2


def hub_version(conn: Any) -> int:
    """The hub's schema version; 0 when `hub init` never ran on this database."""
    row = conn.execute("SELECT to_regclass('hub.schema_version') IS NOT NULL").fetchone()
    if not row[0]:
        return 0
    return conn.execute("SELECT max(version) FROM hub.schema_version").fetchone()[0] or 0
