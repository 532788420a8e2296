"""Only the store modules speak SQL: every other module calls a Store method (issue 17).

One exception, the team hub (annotator/core/hub, issue 12): its PostgreSQL statements are the
hub's own store, so that package may speak SQL, but PostgreSQL only. It never touches the
project file: no `store.conn`, no sqlite3, no sqlite_utils; the local side of a sync is the
store mixin annotator/core/store/sync_state.py. core/store/schema.py is the migrations' text (DDL,
triggers), run only by the store.
"""

from __future__ import annotations

import re
from pathlib import Path

import annotator

PACKAGE = Path(annotator.__file__).parent
STORE = PACKAGE / "core" / "store"
HUB = PACKAGE / "core" / "hub"
MIGRATIONS = PACKAGE / "core" / "schema.py"
# A connection, a statement or the sqlite-utils wrapper: what SQL outside the store looks like.
SQL = re.compile(r"\.conn\b|\bexecute(?:many|script)?\(|\bsqlite_utils\b|\bSELECT\s+\w")
# What reaching the project file looks like (the hub's own connection is `self.conn`/`conn`).
SQLITE = re.compile(r"\bstore\.conn\b|\bsqlite3\b|\bsqlite_utils\b|\bsqlite_master\b|\bPRAGMA\b")


def _lines(root: Path, skip: tuple[Path, ...] = ()) -> list[tuple[Path, int, str]]:
    return [(path, n, line) for path in sorted(root.rglob("*.py"))
            if not any(s == path or s in path.parents for s in skip)
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)]


def test_no_sql_outside_the_store():
    found = [f"{path.relative_to(PACKAGE)}:{n}: {line.strip()}"
             for path, n, line in _lines(PACKAGE, skip=(STORE, HUB, MIGRATIONS)) if SQL.search(line)]
    assert found == []


def test_the_hub_speaks_postgresql_only():
    found = [f"{path.relative_to(PACKAGE)}:{n}: {line.strip()}"
             for path, n, line in _lines(HUB) if SQLITE.search(line)]
    assert found == []
    # and it does speak SQL (so the exception above is needed, and the check is looking)
    assert any(SQL.search(line) for _p, _n, line in _lines(HUB))


def test_the_check_sees_sql():
    assert SQL.search('rows = store.conn.execute("SELECT document_id FROM reviews")')
    assert not SQL.search("rows = store.queries.reviewed_document_ids()")
    assert SQLITE.search("total = self.store.conn.execute('SELECT 1')")
    assert SQLITE.search("import sqlite3")
    assert not SQLITE.search('cur.execute("SELECT hash FROM hub.documents")')


def test_a_sync_speaks_sql_only_through_the_hub_store():
    """sync.py orchestrates, pull.py admits, teamwork.py and patterns.py decide what moves:
    every statement a sync runs on the hub is hub_store.py's (the admin's are the schema's)."""
    sync_side = [HUB / name for name in ("sync.py", "pull.py", "teamwork.py", "patterns.py", "report.py")]
    found = [f"{path.name}:{n}: {line.strip()}" for path in sync_side
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if SQL.search(line) or "conn.cursor" in line]
    assert found == []
