"""`hub init`, `hub add-annotator` and the rights PostgreSQL enforces.

Rules (also in the README):
- Two group roles per hub database, NOLOGIN: DB_annotators and DB_reviewers (DB = the
  database name); the reviewers group is a member of the annotators group. A teammate is a
  LOGIN role named as their annotator name, member of one or both groups.
- Annotators: SELECT on everything; INSERT documents and labels (only their data columns:
  routing columns and `xid` are set by triggers); INSERT/UPDATE decisions and INSERT
  decision history only where annotator = session_user (row-level security: an UPDATE, or a
  SELECT ... FOR UPDATE, does not even see another's decision, so nobody can lock a
  teammate's rows and stall their sync); INSERT the
  window's decision records (decision_times: seconds, suggestions at opening) likewise only
  as themselves, and never UPDATE one (records are only added). No UPDATE or DELETE of
  documents, no DELETE or TRUNCATE anywhere, no CREATE in any schema.
- Reviewers: also INSERT/UPDATE reviews and INSERT review history, only as themselves, and
  INSERT/UPDATE patterns (as their author; annotators only read them).
- Notes (hub schema TEAMWORK_VERSION): everyone reads them and adds their own (author =
  session_user); only the author UPDATEs a note (its text, its time, its deletion: a
  tombstone), and nobody may UPDATE the author column or DELETE a note.
- Guidelines and label descriptions: everyone reads them; only reviewers INSERT/UPDATE them
  and INSERT their history, as themselves. The admin (the owner) may change anything.
- The admin who ran `hub init` owns every object: only they delete or change the schema.
- session_user (the login role), not current_user, is who writes: a member cannot
  SET ROLE to a group to write under its name.
- Every value is checked by the server itself (hub/checks.py), and a session left idle in
  an open transaction is ended after the hub's idle_transaction_timeout_s (routing.py).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from annotator.core.hub.checks import CHECK_FUNCTIONS, apply_checks
from annotator.core.hub.connection import HubError
from annotator.core.hub.routing import DEFAULT_SETTINGS, ROUTING_V1, apply_idle_timeout
from annotator.core.hub.schema import MIGRATIONS, SCHEMA_VERSION, hub_version

NAME_RE = re.compile(r"[a-z][a-z0-9_]{0,62}")
ROUTING_MIGRATION = 0  # ROUTING_V1 belongs to migration 1


def check_name(name: str) -> str:
    """A valid hub annotator (= role) name, or HubError saying what is allowed."""
    if not NAME_RE.fullmatch(name) or name.startswith("pg_") or name == "public":
        raise HubError(f"{name!r} cannot be a hub annotator name: use lowercase letters, digits "
                       "and _, starting with a letter, at most 63 characters (not pg_...)")
    return name


@dataclass(frozen=True)
class HubInfo:
    hub_id: str
    version: int
    annotators_role: str
    reviewers_role: str
    user: str
    is_annotator: bool
    is_reviewer: bool


def hub_info(conn: Any) -> HubInfo:
    """Who we are on this hub; HubError when `hub init` never ran or the hub is newer."""
    version = hub_version(conn)
    if version == 0:
        raise HubError("this database is not a team hub: run `annotator hub init URL` first")
    if version > SCHEMA_VERSION:
        raise HubError(f"the hub has schema {version}; this annotator reads up to "
                       f"{SCHEMA_VERSION}: upgrade annotator")
    settings = dict(conn.execute("SELECT key, value FROM hub.settings").fetchall())
    row = conn.execute("SELECT session_user, pg_has_role(session_user, %s, 'MEMBER'), "
                       "pg_has_role(session_user, %s, 'MEMBER')",
                       (settings["annotators_role"], settings["reviewers_role"])).fetchone()
    conn.commit()
    return HubInfo(settings["hub_id"], version, settings["annotators_role"],
                   settings["reviewers_role"], row[0], row[1], row[2])


def init_hub(conn: Any) -> tuple[int, int]:
    """Create or upgrade the hub in this database, as its admin; returns (old, new) version.
    One transaction: a failure leaves the database as it was."""
    from psycopg import sql

    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('annotator hub init'))")
        db, me = conn.execute("SELECT current_database(), current_user").fetchone()
        owner = conn.execute("SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'hub'"
                             ).fetchone()
        if owner and owner[0] != me:
            raise HubError(f"the hub in {db} belongs to {owner[0]}: run `hub init` as {owner[0]}")
        if not owner:
            conn.execute("CREATE SCHEMA hub")
        conn.execute("CREATE TABLE IF NOT EXISTS hub.schema_version (version integer NOT NULL)")
        old = hub_version(conn)
        if old > SCHEMA_VERSION:
            raise HubError(f"the hub has schema {old}; this annotator knows up to {SCHEMA_VERSION}")
        for n in range(old, SCHEMA_VERSION):
            for statement in MIGRATIONS[n] + (ROUTING_V1 if n == ROUTING_MIGRATION else []):
                conn.execute(statement)
            conn.execute("INSERT INTO hub.schema_version (version) VALUES (%s)", (n + 1,))
        annotators, reviewers = f"{db}_annotators", f"{db}_reviewers"
        defaults = dict(DEFAULT_SETTINGS, hub_id=str(uuid.uuid4()), annotators_role=annotators,
                        reviewers_role=reviewers)
        for key, value in defaults.items():
            conn.execute("INSERT INTO hub.settings (key, value) VALUES (%s, %s) "
                         "ON CONFLICT (key) DO NOTHING", (key, value))
        for role in (annotators, reviewers):
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
                conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
        conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(annotators), sql.Identifier(reviewers)))
        apply_checks(conn)
        apply_rights(conn, db, annotators, reviewers)
        idle = conn.execute("SELECT value FROM hub.settings WHERE key = 'idle_transaction_timeout_s'").fetchone()
        apply_idle_timeout(conn, float(idle[0]))
    return old, SCHEMA_VERSION


_MAY = "session_user = {col}"
_REVIEWER = "pg_has_role(session_user, {rev_lit}, 'MEMBER')"


# Issue 24's tables (schema.py TEAMWORK_MIGRATION), kept together so they can move with it.
_TEAMWORK_GRANTS = [
    "GRANT INSERT (document_id, reviewer, spans, sources, created, method), "
    "UPDATE (reviewer, spans, sources, created, method) ON hub.reviews TO {rev}",
    "GRANT INSERT (document_id, reviewer, spans, sources, created, method) ON hub.review_history TO {rev}",
    "GRANT INSERT (uid, document_id, author, text, created, updated, deleted), "
    "UPDATE (text, updated, deleted) ON hub.notes TO {ann}",
    "GRANT INSERT (subject, text, examples, author, updated), UPDATE (text, examples, author, updated) "
    "ON hub.guidelines TO {rev}",
    "GRANT INSERT (subject, text, examples, author, updated) ON hub.guideline_history TO {rev}",
    "GRANT EXECUTE ON FUNCTION hub.merge_review_decided, hub.merge_note, hub.merge_guideline TO {ann}",
]


def _teamwork_policies() -> list[tuple[str, str, str, str]]:
    own = _MAY.format(col="author")
    reviewer_may = f"{own} AND {_REVIEWER}"
    return [
        ("notes", "read", "SELECT", "USING (true)"),
        ("notes", "insert", "INSERT", f"WITH CHECK ({own})"),
        # USING (own): another's note is invisible to an UPDATE and to SELECT ... FOR UPDATE
        # (issue 29: locking a teammate's notes would stall her sync); hub.merge_note says
        # "note ... is alice's" for a note under another's name.
        ("notes", "update", "UPDATE", f"USING ({own}) WITH CHECK ({own})"),
        ("guidelines", "read", "SELECT", "USING (true)"),
        ("guidelines", "insert", "INSERT", f"WITH CHECK ({reviewer_may})"),
        ("guidelines", "update", "UPDATE", f"USING ({_REVIEWER}) WITH CHECK ({reviewer_may})"),
        ("guideline_history", "read", "SELECT", "USING (true)"),
        ("guideline_history", "insert", "INSERT", f"WITH CHECK ({reviewer_may})"),
    ]


def apply_rights(conn: Any, db: str, annotators: str, reviewers: str) -> None:
    """GRANTs and row-level security policies (idempotent: re-run by every `hub init`)."""
    from psycopg import sql

    ann, rev, rev_lit = sql.Identifier(annotators), sql.Identifier(reviewers), sql.Literal(reviewers)
    statements = [
        "REVOKE ALL ON SCHEMA hub FROM PUBLIC", "GRANT USAGE ON SCHEMA hub TO {ann}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        "REVOKE ALL ON DATABASE {db} FROM PUBLIC", "GRANT CONNECT ON DATABASE {db} TO {ann}",
        "REVOKE ALL ON ALL TABLES IN SCHEMA hub FROM PUBLIC",
        "REVOKE ALL ON ALL FUNCTIONS IN SCHEMA hub FROM PUBLIC",
        "GRANT SELECT ON ALL TABLES IN SCHEMA hub TO {ann}",
        "GRANT USAGE ON ALL SEQUENCES IN SCHEMA hub TO {ann}",
        "GRANT INSERT (hash, body, meta, added) ON hub.documents TO {ann}",
        "GRANT INSERT (name, color, key, position) ON hub.labels TO {ann}",
        "GRANT INSERT (document_id, annotator, answer, spans, created, updated), "
        "UPDATE (answer, spans, created, updated) ON hub.decisions TO {ann}",
        "GRANT INSERT (document_id, annotator, answer, spans, created, updated) "
        "ON hub.decision_history TO {ann}",
        "GRANT INSERT (document_id, annotator, answer, decided, seconds, suggested) "
        "ON hub.decision_times TO {ann}",
        "GRANT INSERT (document_id, reviewer, spans, sources, created), "
        "UPDATE (reviewer, spans, sources, created) ON hub.reviews TO {rev}",
        "GRANT INSERT (document_id, reviewer, spans, sources, created) ON hub.review_history TO {rev}",
        "GRANT INSERT (key, label, pattern, changed, removed), UPDATE (changed, removed, author) "
        "ON hub.patterns TO {rev}",
        "GRANT EXECUTE ON FUNCTION hub.merge_decision, hub.merge_review, hub.document_id, hub.claim, "
        "hub.reclaim_expired, hub.setting, hub.needs_for, hub.add_decision_time, hub.merge_pattern, "
        "hub.release TO {ann}",
        *_TEAMWORK_GRANTS,
        # CHECK constraints run as the writer: they must be able to call the rules.
        f"GRANT EXECUTE ON FUNCTION {', '.join(CHECK_FUNCTIONS)} TO {{ann}}",
    ]
    own = _MAY.format(col="annotator")
    reviewer_may = f"{_MAY.format(col='reviewer')} AND {_REVIEWER}"
    policies = [
        ("decisions", "read", "SELECT", "USING (true)"),
        ("decisions", "insert", "INSERT", f"WITH CHECK ({own})"),
        # USING (own): another's decision is invisible to an UPDATE and to SELECT ... FOR
        # UPDATE (issue 29: a teammate could lock alice's rows and stall her sync for good).
        ("decisions", "update", "UPDATE", f"USING ({own}) WITH CHECK ({own})"),
        ("decision_history", "read", "SELECT", "USING (true)"),
        ("decision_history", "insert", "INSERT", f"WITH CHECK ({own})"),
        # No UPDATE policy and no UPDATE grant: a record, once on the hub, is what was measured.
        ("decision_times", "read", "SELECT", "USING (true)"),
        ("decision_times", "insert", "INSERT", f"WITH CHECK ({own})"),
        ("reviews", "read", "SELECT", "USING (true)"),
        ("reviews", "insert", "INSERT", f"WITH CHECK ({reviewer_may})"),
        ("reviews", "update", "UPDATE", f"USING ({_REVIEWER}) WITH CHECK ({reviewer_may})"),
        ("review_history", "read", "SELECT", "USING (true)"),
        ("review_history", "insert", "INSERT", f"WITH CHECK ({reviewer_may})"),
        ("patterns", "read", "SELECT", "USING (true)"),
        ("patterns", "insert", "INSERT", f"WITH CHECK ({_MAY.format(col='author')} AND {_REVIEWER})"),
        ("patterns", "update", "UPDATE", f"USING ({_REVIEWER}) WITH CHECK ({_MAY.format(col='author')} AND {_REVIEWER})"),
        *_teamwork_policies(),
    ]
    for table in sorted({p[0] for p in policies}):
        statements.append(f"ALTER TABLE hub.{table} ENABLE ROW LEVEL SECURITY")
    for table, name, command, rule in policies:
        statements.append(f"DROP POLICY IF EXISTS {table}_{name} ON hub.{table}")
        statements.append(f"CREATE POLICY {table}_{name} ON hub.{table} FOR {command} {rule}")
    names = {"ann": ann, "rev": rev, "rev_lit": rev_lit, "db": sql.Identifier(db)}
    for statement in statements:
        conn.execute(sql.SQL(statement).format(**names))


def add_annotator(conn: Any, name: str, *, reviewer: bool = False,
                  password: str | None = None) -> bool:
    """Create the login role NAME in this hub's groups; returns True when it was created.

    A role that already exists (e.g. a teammate on another hub of the same server) joins
    the groups, and gets the new password only when one is given. The password is hashed
    (SCRAM) on this machine: the server and its logs never see it in clear.
    """
    from psycopg import sql

    check_name(name)
    info = hub_info(conn)
    if name in (info.annotators_role, info.reviewers_role):
        raise HubError(f"{name} is one of the hub's group roles")
    with conn.transaction():
        row = conn.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
        if row is not None and not row[0]:
            raise HubError(f"{name} is an existing role that cannot log in (a group?): choose another name")
        if row is None and not password:
            raise HubError(f"a password is needed to create the role {name}")
        role = sql.Identifier(name)
        if password:
            hashed = conn.pgconn.encrypt_password(password.encode("utf-8"), name.encode("utf-8"),
                                                  b"scram-sha-256").decode("ascii")
            verb = "CREATE ROLE {} LOGIN PASSWORD {}" if row is None else "ALTER ROLE {} PASSWORD {}"
            conn.execute(sql.SQL(verb).format(role, sql.Literal(hashed)))
        conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(info.annotators_role), role))
        if reviewer:
            conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(info.reviewers_role), role))
    return row is None
