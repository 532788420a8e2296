"""Only the store modules speak SQL: every other module calls a Store method (issue 17)."""

from __future__ import annotations

import re
from pathlib import Path

import annotator

PACKAGE = Path(annotator.__file__).parent
STORE = PACKAGE / "core" / "store"
# A connection, a statement or the sqlite-utils wrapper: what SQL outside the store looks like.
SQL = re.compile(r"\.conn\b|\bexecute(?:many|script)?\(|\bsqlite_utils\b|\bSELECT\s+\w")


def test_no_sql_outside_the_store():
    found = [f"{path.relative_to(PACKAGE)}:{n}: {line.strip()}"
             for path in sorted(PACKAGE.rglob("*.py")) if STORE not in path.parents
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if SQL.search(line)]
    assert found == []


def test_the_check_sees_sql():
    assert SQL.search('rows = store.conn.execute("SELECT document_id FROM reviews")')
    assert not SQL.search("rows = store.reviewed_document_ids()")
