"""A real PostgreSQL server for the hub tests: one per session (tests/hub/pgserver.py), a
fresh database with `hub init` per test. Skipped with install instructions when the server
binaries are missing, except in CI (CI=true), where that is a failure."""

from __future__ import annotations

import itertools
import os
import secrets
import signal
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hub.pgserver import INSTALL_HINT, PgServer, find_bindir

_COUNTER = itertools.count(1)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@pytest.fixture(scope="session")
def pg_server():
    bindir = find_bindir()
    if bindir is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {INSTALL_HINT}", pytrace=False)
        pytest.skip(INSTALL_HINT)
    server = PgServer(bindir, fsync=False)
    saved = {k: os.environ.get(k) for k in ("PGPASSFILE", "PYTHON_KEYRING_BACKEND")}
    os.environ["PGPASSFILE"] = str(server.passfile)
    # No desktop keyring here: the keyring tests install their own backend.
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    # A SIGTERM (a CI timeout, a killed run) must still stop the server: teardown runs on
    # KeyboardInterrupt.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.start()
        yield server
    finally:
        server.destroy()
        signal.signal(signal.SIGTERM, previous)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@dataclass
class Hub:
    """A hub database on the test server; add() makes teammates whose passwords libpq finds."""

    server: PgServer
    db: str

    @property
    def admin_url(self) -> str:
        return self.server.url(db=self.db)

    def url(self, user: str) -> str:
        return self.server.url(user, self.db)

    def add(self, name: str, *, reviewer: bool = False) -> str:
        return self.server.add_annotator(self.db, name, reviewer=reviewer)

    def admin(self):  # type: ignore[no-untyped-def]
        return self.server.admin(self.db)

    def count(self, sql: str, *params: object) -> int:
        with self.admin() as conn:
            return conn.execute(sql, params).fetchone()[0]


def new_hub(server: PgServer) -> Hub:
    """A fresh database on the server, with `hub init` run by the admin."""
    db = f"hub{next(_COUNTER)}_{secrets.token_hex(3)}"
    server.create_hub(db)
    return Hub(server, db)


@pytest.fixture
def hub(pg_server: PgServer) -> Hub:
    return new_hub(pg_server)


def project_maker(folder: Path):  # type: ignore[no-untyped-def]
    from annotator.core.store import Store

    def make(name: str, texts: list[str] = ()) -> Path:  # type: ignore[assignment]
        path = folder / f"{name}.db"
        with Store(path) as store:
            store.documents.add_documents([(t, {"n": i}) for i, t in enumerate(texts)])
        return path

    return make


@dataclass
class Stage:
    """sync()'s on_stage: remembers the step under way, for an on_progress that acts at one step."""

    name: str = ""

    def __call__(self, name: str) -> None:
        self.name = name


@pytest.fixture
def make_project(tmp_path: Path):
    """make_project(name, texts) -> path of a project holding these documents."""
    return project_maker(tmp_path)


def sync_until_the_server_stops(pg_server: PgServer, path: Path, url: str, stage: str, done: int) -> None:
    """Sync the project at `path`, stopping the server (immediate mode: a crash) once `stage`
    reported `done` rows; the sync must fail with "lost the hub". The server is restarted."""
    from annotator.core.errors import AnnotatorError
    from annotator.core.hub.sync import sync
    from annotator.core.store import Store

    at = Stage()

    def crash(n: int, total: int) -> None:
        if at.name == stage and n == done:
            pg_server.stop("immediate")

    try:
        with Store(path) as s, pytest.raises(AnnotatorError, match="lost the hub"):
            sync(s, url, on_stage=at, on_progress=crash)
    finally:
        if not pg_server.running():
            pg_server.start()


def undo_teamwork_migration(conn) -> None:  # type: ignore[no-untyped-def]
    """Undo the notes/guidelines migration (hub schema TEAMWORK_VERSION) on the admin's hub."""
    from annotator.core.hub.schema import MIGRATIONS, TEAMWORK_VERSION

    for function in ("merge_note", "merge_guideline", "merge_review_decided", "keep_guideline_history"):
        conn.execute(f"DROP FUNCTION hub.{function} CASCADE")
    for table in ("notes", "guideline_history", "guidelines"):
        conn.execute(f"DROP TABLE hub.{table}")
    for table in ("reviews", "review_history"):
        conn.execute(f"ALTER TABLE hub.{table} DROP COLUMN method")
    conn.execute(next(sql for sql in MIGRATIONS[0] if "hub.keep_review_history()" in sql)
                 .replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"))
    conn.execute("DELETE FROM hub.schema_version WHERE version = %s", (TEAMWORK_VERSION,))


def undo_patterns_migration(conn) -> None:  # type: ignore[no-untyped-def]
    """Undo the patterns migration (hub schema PATTERNS_VERSION) on the admin's hub."""
    from annotator.core.hub.schema import PATTERNS_VERSION

    conn.execute("DROP FUNCTION hub.merge_pattern")
    conn.execute("DROP TABLE hub.patterns")
    conn.execute("DELETE FROM hub.schema_version WHERE version = %s", (PATTERNS_VERSION,))


def undo_decision_times_migration(conn) -> None:  # type: ignore[no-untyped-def]
    """Undo the decision records' migration (hub schema DECISION_TIMES_VERSION)."""
    from annotator.core.hub.schema import DECISION_TIMES_VERSION

    conn.execute("DROP FUNCTION hub.add_decision_time")
    conn.execute("DROP TABLE hub.decision_times")
    conn.execute("DELETE FROM hub.schema_version WHERE version = %s", (DECISION_TIMES_VERSION,))


def undo_claim_cap_migration(conn) -> None:  # type: ignore[no-untyped-def]
    """Undo issue 29's migration (hub schema CLAIM_CAP_VERSION): hub.claim uncapped again,
    hub.merge_note as the teamwork migration made it."""
    from annotator.core.hub.schema import CLAIM_CAP_VERSION, TEAMWORK_MIGRATION

    group = conn.execute("SELECT value FROM hub.settings WHERE key = 'annotators_role'").fetchone()[0]
    conn.execute("DROP FUNCTION hub.claim(integer)")
    conn.execute("ALTER FUNCTION hub.claim_uncapped(integer) RENAME TO claim")
    conn.execute(f'GRANT EXECUTE ON FUNCTION hub.claim(integer) TO "{group}"')
    conn.execute(next(sql for sql in TEAMWORK_MIGRATION if "FUNCTION hub.merge_note(" in sql)
                 .replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"))
    conn.execute("DELETE FROM hub.schema_version WHERE version = %s", (CLAIM_CAP_VERSION,))


def undo_fair_share_migration(conn) -> None:  # type: ignore[no-untyped-def]
    """Undo hub schema FAIR_SHARE_VERSION: hub.claim capped at 10,000 only, as migration 5 made it."""
    from annotator.core.hub.routing import CLAIM_CAPPED
    from annotator.core.hub.schema import FAIR_SHARE_VERSION

    conn.execute(CLAIM_CAPPED[1].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"))
    conn.execute("DROP FUNCTION hub.fair_share(integer)")
    conn.execute("DELETE FROM hub.schema_version WHERE version = %s", (FAIR_SHARE_VERSION,))


def undo_release_migration(conn) -> None:  # type: ignore[no-untyped-def]
    """Undo hub schema RELEASE_VERSION: no hub.release (giving back assignments)."""
    from annotator.core.hub.schema import RELEASE_VERSION

    conn.execute("DROP FUNCTION hub.release()")
    conn.execute("DELETE FROM hub.schema_version WHERE version = %s", (RELEASE_VERSION,))


def older_hub(conn, version: int) -> None:  # type: ignore[no-untyped-def]
    """Make the admin's hub what it was before hub schema `version`, to test a newer annotator
    against an older hub: every later migration undone, newest first (each found by its
    content, whatever number it has)."""
    from annotator.core.hub.schema import (
        CLAIM_CAP_VERSION, DECISION_TIMES_VERSION, FAIR_SHARE_VERSION, PATTERNS_VERSION, RELEASE_VERSION,
        SCHEMA_VERSION, TEAMWORK_VERSION,
    )

    undo = {FAIR_SHARE_VERSION: undo_fair_share_migration, RELEASE_VERSION: undo_release_migration, CLAIM_CAP_VERSION: undo_claim_cap_migration, TEAMWORK_VERSION: undo_teamwork_migration,
            PATTERNS_VERSION: undo_patterns_migration, DECISION_TIMES_VERSION: undo_decision_times_migration}
    assert set(range(version, SCHEMA_VERSION + 1)) <= set(undo), "a migration this helper cannot undo"
    for number in sorted((n for n in undo if n >= version), reverse=True):
        undo[number](conn)
