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


def downgrade(conn, version: int) -> None:  # type: ignore[no-untyped-def]
    """Make a hub look as the release that made `version` left it (as its admin): undo, newest
    first, what each later hub migration did."""
    group = conn.execute("SELECT value FROM hub.settings WHERE key = 'annotators_role'").fetchone()[0]
    undo = {
        3: ["DROP FUNCTION hub.claim(integer)", "ALTER FUNCTION hub.claim_uncapped(integer) RENAME TO claim",
            f'GRANT EXECUTE ON FUNCTION hub.claim(integer) TO "{group}"'],
        2: ["DROP FUNCTION hub.add_decision_time", "DROP TABLE hub.decision_times"],
    }
    current = conn.execute("SELECT max(version) FROM hub.schema_version").fetchone()[0]
    for n in range(current, version, -1):
        for statement in undo[n]:
            conn.execute(statement)
    conn.execute("DELETE FROM hub.schema_version WHERE version > %s", (version,))


def project_maker(folder: Path):  # type: ignore[no-untyped-def]
    from annotator.core.store import Store

    def make(name: str, texts: list[str] = ()) -> Path:  # type: ignore[assignment]
        path = folder / f"{name}.db"
        with Store(path) as store:
            store.add_documents([(t, {"n": i}) for i, t in enumerate(texts)])
        return path

    return make


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

    def crash(at: str, n: int, total: int) -> None:
        if at == stage and n == done:
            pg_server.stop("immediate")

    try:
        with Store(path) as s, pytest.raises(AnnotatorError, match="lost the hub"):
            sync(s, url, on_progress=crash)
    finally:
        if not pg_server.running():
            pg_server.start()
