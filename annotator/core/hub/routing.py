"""Task routing: who labels what, in the hub's SQL, and `hub status`.

Rules (also in the README):
- Settings on the hub: annotations_per_document (default 1), overlap_share (default 0.1)
  and assignment_timeout_s (default 3600). A document needs
  max(annotations_per_document, 2 if it is an overlap document else 1) versions. Overlap
  documents are chosen from the text hash (first 8 hex digits / 2**32 < overlap_share), so
  every hub, sync and re-run picks the same ones. Changing a setting re-computes every
  document's need.
- A version is a decision with answer accept or reject. `ignore` (skip) frees the slot for
  someone else, and the document is never routed to that annotator again. A decision
  counts whether or not the document was assigned.
- Each sync tops this annotator's open assignments up to their fair share, capped by the
  batch size (default 50), with the lowest-id documents that still need versions and that
  this annotator neither holds nor decided. The fair share is ceil(waiting versions /
  annotators on the hub): waiting versions are the versions still to be decided (the open
  slots of the queue plus the assignments held), annotators the login roles in the hub's
  annotators group. So the first teammate to sync never takes every document: a two-person
  team splits twelve waiting documents six and six. The server holds hub.claim to the same
  share (hub.fair_share, hub schema 7), whoever calls it. An assignment with no decision before its timeout returns to the queue
  (it is not renewed by syncing). `annotator sync --give-back` returns the caller's open
  assignments to the queue at once (hub.release), for a person who stops for the day.
- Queries: the queue is a partial index (taken < needs) walked in id order, so claiming a
  batch costs the same on a hub of 10,000 or 1,000,000 documents.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from annotator.core.hub.connection import HubError

DEFAULT_SETTINGS = {"annotations_per_document": "1", "overlap_share": "0.1",
                    "assignment_timeout_s": "3600", "idle_transaction_timeout_s": "300"}
DEFAULT_BATCH = 50
CLAIM_CAP = 10_000  # documents one annotator may hold assigned: `sync --batch` and hub.claim


def is_overlap(digest: str, share: float) -> bool:
    """Whether the document with this text hash is one that needs 2 annotators (the same
    rule as hub.needs_for in SQL)."""
    return int(digest[:8], 16) < share * 2 ** 32


ROUTING_V1: list[str] = [
    # No SET clause on these two (they name hub.* in full): it would keep them from being
    # inlined, which makes adding documents several times slower.
    """CREATE FUNCTION hub.setting(p_key text) RETURNS text LANGUAGE sql STABLE
    AS $$ SELECT value FROM hub.settings WHERE key = p_key $$""",
    """CREATE FUNCTION hub.needs_for(p_hash text) RETURNS smallint LANGUAGE sql STABLE
    AS $$
        SELECT greatest(hub.setting('annotations_per_document')::int,
            CASE WHEN ('x' || lpad(substr(p_hash, 1, 8), 16, '0'))::bit(64)::bigint
                      < hub.setting('overlap_share')::float8 * 4294967296 THEN 2 ELSE 1 END)::smallint
    $$""",
    # Routing columns are the hub's, not the writer's: set here whatever was sent.
    """CREATE FUNCTION hub.route_new_document() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS $$
    BEGIN
        NEW.needs := hub.needs_for(NEW.hash); NEW.taken := 0; NEW.added_by := session_user;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER documents_route BEFORE INSERT ON hub.documents
    FOR EACH ROW EXECUTE FUNCTION hub.route_new_document()""",
    # A decision marks the (document, annotator) slot done or skipped and keeps `taken`
    # (versions decided + live assignments) right. Runs as the owner: annotators cannot
    # write assignments or routing columns themselves.
    """CREATE FUNCTION hub.route_decision() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
    DECLARE new_state text; old_state text; delta int;
    BEGIN
        new_state := CASE WHEN NEW.answer IN ('accept', 'reject') THEN 'done'
                          WHEN NEW.answer = 'ignore' THEN 'skipped' END;
        IF new_state IS NULL THEN RETURN NULL; END IF;
        SELECT state INTO old_state FROM hub.assignments
        WHERE document_id = NEW.document_id AND annotator = NEW.annotator FOR UPDATE;
        IF old_state IS NOT DISTINCT FROM new_state THEN RETURN NULL; END IF;
        delta := (new_state = 'done')::int - coalesce(old_state IN ('assigned', 'done'), false)::int;
        INSERT INTO hub.assignments (document_id, annotator, state, assigned, expires)
        VALUES (NEW.document_id, NEW.annotator, new_state, extract(epoch FROM clock_timestamp()), NULL)
        ON CONFLICT (document_id, annotator) DO UPDATE SET state = excluded.state, expires = NULL;
        IF delta <> 0 THEN
            UPDATE hub.documents SET taken = taken + delta WHERE id = NEW.document_id;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER decisions_route AFTER INSERT OR UPDATE OF answer ON hub.decisions
    FOR EACH ROW EXECUTE FUNCTION hub.route_decision()""",
    # Expired assignments go back to the queue; locked ones are left to whoever holds them.
    """CREATE FUNCTION hub.reclaim_expired() RETURNS integer LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
    DECLARE r record; n integer := 0;
    BEGIN
        FOR r IN SELECT document_id, annotator FROM hub.assignments
                 WHERE state = 'assigned' AND expires < extract(epoch FROM clock_timestamp())
                 ORDER BY document_id FOR UPDATE SKIP LOCKED LOOP
            DELETE FROM hub.assignments WHERE document_id = r.document_id AND annotator = r.annotator;
            UPDATE hub.documents SET taken = taken - 1 WHERE id = r.document_id;
            n := n + 1;
        END LOOP;
        RETURN n;
    END $$""",
    # The caller's open assignments after topping them up to p_batch (see module rules).
    """CREATE FUNCTION hub.claim(p_batch integer)
    RETURNS TABLE (document_id bigint, hash text, expires float8) LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
    DECLARE who text := session_user; now_s float8 := extract(epoch FROM clock_timestamp());
            timeout float8 := hub.setting('assignment_timeout_s')::float8; want integer;
    BEGIN
        IF NOT pg_has_role(session_user, hub.setting('annotators_role'), 'MEMBER') THEN
            RAISE EXCEPTION '% is not an annotator on this hub', who USING ERRCODE = 'insufficient_privilege';
        END IF;
        PERFORM hub.reclaim_expired();
        SELECT p_batch - count(*) INTO want FROM hub.assignments a
        WHERE a.annotator = who AND a.state = 'assigned';
        IF want > 0 THEN
            WITH picked AS (
                SELECT d.id FROM hub.documents d
                WHERE d.taken < d.needs AND NOT EXISTS (
                    SELECT 1 FROM hub.assignments a WHERE a.document_id = d.id AND a.annotator = who
                    OFFSET 0)  -- a probe per candidate: never a join over all assignments
                ORDER BY d.id LIMIT want FOR UPDATE SKIP LOCKED),
            added AS (
                INSERT INTO hub.assignments (document_id, annotator, state, assigned, expires)
                SELECT id, who, 'assigned', now_s, now_s + timeout FROM picked
                RETURNING hub.assignments.document_id)
            UPDATE hub.documents d SET taken = d.taken + 1 FROM added WHERE d.id = added.document_id;
        END IF;
        RETURN QUERY SELECT a.document_id, d.hash, a.expires FROM hub.assignments a
            JOIN hub.documents d ON d.id = a.document_id
            WHERE a.annotator = who AND a.state = 'assigned' ORDER BY a.document_id;
    END $$""",
]


# Give back what I hold (hub migration 6): the caller's open assignments return to the queue at
# once, not at their timeout; decided documents are not assignments any more and stay done.
RELEASE: list[str] = [
    """CREATE FUNCTION hub.release() RETURNS integer LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
    DECLARE r record; n integer := 0;
    BEGIN
        FOR r IN SELECT document_id FROM hub.assignments
                 WHERE annotator = session_user AND state = 'assigned' ORDER BY document_id FOR UPDATE LOOP
            DELETE FROM hub.assignments WHERE document_id = r.document_id AND annotator = session_user;
            UPDATE hub.documents SET taken = taken - 1 WHERE id = r.document_id;
            n := n + 1;
        END LOOP;
        RETURN n;
    END $$""",
]


# hub.claim(n) with n capped on the server (issue 29: a teammate calling it by hand with a
# million would take the whole queue), as the CLI caps --batch: hub migration 5 renames the
# claim function and puts this in front of it, so whatever body it has keeps working.
CLAIM_CAPPED: list[str] = [
    "ALTER FUNCTION hub.claim(integer) RENAME TO claim_uncapped",
    f"""CREATE FUNCTION hub.claim(p_batch integer)
    RETURNS TABLE (document_id bigint, hash text, expires float8) LANGUAGE sql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT * FROM hub.claim_uncapped(least(greatest(p_batch, 0), {CLAIM_CAP})) $$""",
]


# The fair share on the server (hub migration 7): hub.claim holds the caller to
# min(batch, fair share) whoever calls it (a sync, or psql with an annotator's login), where
# before only the client computed the share (fair_share below, the same query).
def _fair_share_sql(batch: str) -> str:
    return f"""WITH team AS (SELECT greatest(1, count(*)) AS n FROM ({_ANNOTATOR_ROLES}) r),
        queue AS (SELECT coalesce(sum(needs - taken), 0) AS slots FROM (
            SELECT needs, taken FROM hub.documents WHERE taken < needs ORDER BY id
            LIMIT {batch} * (SELECT n FROM team)) q)
        SELECT team.n, queue.slots, CASE WHEN queue.slots >= {batch} * team.n THEN 0
            ELSE (SELECT count(*) FROM hub.assignments WHERE state = 'assigned') END
        FROM team, queue"""


def apply_idle_timeout(conn: Any, seconds: float) -> None:
    """Sessions on the hub's database that sit in an open transaction longer than this are
    ended by PostgreSQL (idle_in_transaction_session_timeout): a laptop asleep mid-sync, or a
    psql left at BEGIN, cannot hold every teammate's pull back for long. New sessions only."""
    from psycopg import sql

    db = conn.execute("SELECT current_database()").fetchone()[0]
    conn.execute(sql.SQL("ALTER DATABASE {} SET idle_in_transaction_session_timeout = {}").format(
        sql.Identifier(db), sql.Literal(f"{int(round(seconds * 1000))}ms")))


# The login roles in the hub's annotators group (direct members: `hub add-annotator` grants
# it; pg_has_role would be true for every superuser).
_ANNOTATOR_ROLES = ("SELECT r.rolname FROM pg_roles r JOIN pg_auth_members m ON m.member = r.oid "
                    "JOIN pg_roles g ON g.oid = m.roleid WHERE r.rolcanlogin "
                    "AND g.rolname = hub.setting('annotators_role')")


FAIR_SHARE: list[str] = [
    f"""CREATE FUNCTION hub.fair_share(p_batch integer) RETURNS integer LANGUAGE plpgsql STABLE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    DECLARE annotators bigint; open_slots numeric; held bigint;
    BEGIN
        IF p_batch <= 0 THEN RETURN 0; END IF;
        {_fair_share_sql("p_batch")} INTO annotators, open_slots, held;
        RETURN least(p_batch, ceil((open_slots + held) / annotators))::integer;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION hub.claim(p_batch integer)
    RETURNS TABLE (document_id bigint, hash text, expires float8) LANGUAGE sql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT * FROM hub.claim_uncapped(hub.fair_share(least(greatest(p_batch, 0), {CLAIM_CAP}))) $$""",
]


def fair_share(conn: Any, batch: int) -> int:
    """How many assignments a sync may hold: min(batch, ceil(waiting versions / annotators on
    the hub)) (module rules). Read in the caller's transaction, just before hub.claim.
    Bounded: the queue is walked only until batch x annotators waiting versions are seen (then
    the share is at least the batch), so it costs the same on a hub of any size."""
    if batch <= 0:
        return 0
    annotators, open_slots, held = conn.execute(_fair_share_sql("%(batch)s"), {"batch": batch}).fetchone()
    waiting = int(open_slots) + int(held)
    return min(batch, -(-waiting // int(annotators)))


def get_settings(conn: Any) -> dict[str, str]:
    return dict(conn.execute("SELECT key, value FROM hub.settings ORDER BY key").fetchall())


def set_settings(conn: Any, *, annotations_per_document: int | None = None,
                 overlap_share: float | None = None, assignment_timeout_s: float | None = None,
                 idle_transaction_timeout_s: float | None = None) -> dict[str, str]:
    """Change routing settings (admin); re-computes every document's need. One transaction.
    idle_transaction_timeout_s: see apply_idle_timeout (default 300)."""
    changes: dict[str, str] = {}
    if annotations_per_document is not None:
        if not 1 <= annotations_per_document <= 100:
            raise HubError("annotations_per_document must be between 1 and 100")
        changes["annotations_per_document"] = str(annotations_per_document)
    if overlap_share is not None:
        if not 0.0 <= overlap_share <= 1.0:
            raise HubError("overlap_share must be between 0 and 1")
        changes["overlap_share"] = repr(float(overlap_share))
    if assignment_timeout_s is not None:
        if assignment_timeout_s <= 0:
            raise HubError("the assignment timeout must be positive")
        changes["assignment_timeout_s"] = repr(float(assignment_timeout_s))
    if idle_transaction_timeout_s is not None:
        if not 1 <= idle_transaction_timeout_s <= 86400:
            raise HubError("the idle transaction timeout must be between 1 s and 24 h")
        changes["idle_transaction_timeout_s"] = repr(float(idle_transaction_timeout_s))
    with conn.transaction():
        for key, value in changes.items():
            conn.execute("INSERT INTO hub.settings (key, value) VALUES (%s, %s) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))
        if "idle_transaction_timeout_s" in changes:
            apply_idle_timeout(conn, idle_transaction_timeout_s)  # type: ignore[arg-type]
        if {"annotations_per_document", "overlap_share"} & changes.keys():
            conn.execute("UPDATE hub.documents SET needs = hub.needs_for(hash) "
                         "WHERE needs <> hub.needs_for(hash)")
    return get_settings(conn)


@dataclass
class AnnotatorStatus:
    name: str
    done: int = 0
    assigned: int = 0


@dataclass
class HubStatus:
    """`hub status`: documents on the hub, the queue (documents still waiting for an
    annotator), and per annotator the documents decided and currently assigned."""

    documents: int
    queue: int
    annotators: list[AnnotatorStatus] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self) -> list[str]:
        out = [f"documents: {self.documents}", f"queue: {self.queue}"]
        width = max([9, *(len(a.name) for a in self.annotators)])
        out.append(f"{'annotator':<{width}}  {'done':>7}  {'assigned':>8}")
        out += [f"{a.name:<{width}}  {a.done:>7}  {a.assigned:>8}" for a in self.annotators]
        return out


def hub_status(conn: Any) -> HubStatus:
    """Reclaims expired assignments first, so the queue is what the next sync would see."""
    with conn.transaction():
        conn.execute("SELECT hub.reclaim_expired()")
    with conn.transaction():
        documents = conn.execute("SELECT count(*) FROM hub.documents").fetchone()[0]
        queue = conn.execute("SELECT count(*) FROM hub.documents WHERE taken < needs").fetchone()[0]
        people: dict[str, AnnotatorStatus] = {}
        for (name,) in conn.execute(_ANNOTATOR_ROLES + " ORDER BY 1"):
            people[name] = AnnotatorStatus(name)
        for name, n in conn.execute("SELECT annotator, count(*) FROM hub.decisions "
                                    "WHERE answer <> 'draft' GROUP BY 1"):
            people.setdefault(name, AnnotatorStatus(name)).done = n
        for name, n in conn.execute(
                "SELECT annotator, count(*) FROM hub.assignments WHERE state = 'assigned' "
                "AND expires >= extract(epoch FROM clock_timestamp()) GROUP BY 1"):
            people.setdefault(name, AnnotatorStatus(name)).assigned = n
    return HubStatus(documents, queue, [people[k] for k in sorted(people)])
