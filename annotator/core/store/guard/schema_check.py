"""The schema check every open runs before any other query on a project file.

What the file must hold is derived, never written down: the migrations up to the file's schema
version are run on an empty in-memory database (cached per list of migrations; a migration that
moves data costs nothing there), and the file must match it exactly for our
tables: each a real table (not a view, not a virtual table) with the same definition, columns
and types, the same indexes, and the triggers our migrations create and no others. A table,
view, full-text index or trigger of the user's own on the side (as sqlite-utils makes them) is
fine, because we never query it; so is a plain extra index on one of our tables. A unique,
partial or expression index on our tables is not: it changes what our writes do.
"""

from __future__ import annotations

import functools
import sqlite3
from dataclasses import dataclass
from typing import Sequence

_COLLATIONS = {"BINARY", "NOCASE", "RTRIM"}


@dataclass(frozen=True)
class TableShape:
    sql: str
    columns: tuple[tuple[object, ...], ...]  # PRAGMA table_xinfo rows
    indexes: dict[str, tuple[object, ...]]   # name -> (unique, origin, partial, sql)


@dataclass(frozen=True)
class Shape:
    tables: dict[str, TableShape]            # lower-case name -> shape
    triggers: dict[str, tuple[str, str]]     # lower-case name -> (lower-case table, sql)


def _norm(sql: str | None) -> str:
    return " ".join((sql or "").split())


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _table(conn: sqlite3.Connection, name: str, sql: str, index_sql: dict[str, str]) -> TableShape:
    columns = tuple(tuple(r) for r in conn.execute(f"PRAGMA table_xinfo({_quote(name)})"))
    indexes = {r[1].lower(): (r[2], r[3], r[4], index_sql.get(r[1].lower(), ""))
               for r in conn.execute(f"PRAGMA index_list({_quote(name)})")}
    return TableShape(_norm(sql), columns, indexes)


def _master(conn: sqlite3.Connection) -> list[tuple[str, str, str, str]]:
    return [(t, n, tbl, _norm(sql)) for t, n, tbl, sql in
            conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")]


@functools.lru_cache(maxsize=8)
def expected_shape(migrations: tuple[tuple[str, ...], ...]) -> Shape:
    """What these migrations make, read back from a scratch in-memory database."""
    conn = sqlite3.connect(":memory:")
    try:
        for statements in migrations:
            for sql in statements:
                conn.execute(sql)
        master = _master(conn)
        index_sql = {n.lower(): sql for t, n, _tbl, sql in master if t == "index"}
        tables = {n.lower(): _table(conn, n, sql, index_sql) for t, n, _tbl, sql in master
                  if t == "table" and not n.startswith("sqlite_")}
        triggers = {n.lower(): (tbl.lower(), sql) for t, n, tbl, sql in master if t == "trigger"}
        return Shape(tables, triggers)
    finally:
        conn.close()


def schema_problem(conn: sqlite3.Connection, migrations: Sequence[Sequence[str]]) -> str | None:
    """What is wrong with the file's schema for its version (the migrations it has run), or None."""
    expected = expected_shape(tuple(tuple(m) for m in migrations))
    master = _master(conn)
    objects = {n.lower(): (t, sql) for t, n, _tbl, sql in master}
    index_sql = {n.lower(): sql for t, n, _tbl, sql in master if t == "index"}
    for name, want in expected.tables.items():
        kind, sql = objects.get(name, (None, ""))
        if kind is None:
            return f"table {name} is missing"
        if kind != "table":
            return f"{name} is a {kind}, not a table"
        if sql.upper().startswith("CREATE VIRTUAL TABLE"):
            return f"{name} is a virtual table, not a table"
        got = _table(conn, name, sql, index_sql)
        problem = _columns_problem(name, got.columns, want.columns)
        if problem:
            return problem
        if got.sql != want.sql:
            return f"table {name} is not defined as annotator defines it (its constraints differ)"
        problem = _indexes_problem(conn, name, got.indexes, want.indexes)
        if problem:
            return problem
    for name, (table, sql) in expected.triggers.items():
        if objects.get(name) != ("trigger", sql):
            return f"trigger {name} on table {table} is missing or changed"
    for kind, name, table, _sql in master:
        if kind == "trigger" and table.lower() in expected.tables and name.lower() not in expected.triggers:
            return f"trigger {name} on table {table} is not annotator's"
    return None


def _columns_problem(table: str, got: tuple[tuple[object, ...], ...],
                     want: tuple[tuple[object, ...], ...]) -> str | None:
    have = {str(c[1]).lower(): c for c in got}
    for column in want:
        mine = have.get(str(column[1]).lower())
        if mine is None:
            return f"table {table} has no column {column[1]}"
        if str(mine[2]).upper() != str(column[2]).upper():
            return f"table {table}: column {column[1]} is {mine[2] or 'untyped'}, expected {column[2]}"
    if got != want:
        extra = sorted(set(have) - {str(c[1]).lower() for c in want})
        what = f"an extra column {extra[0]}" if extra else "columns that differ in constraints or order"
        return f"table {table} has {what}"
    return None


def _indexes_problem(conn: sqlite3.Connection, table: str, got: dict[str, tuple[object, ...]],
                     want: dict[str, tuple[object, ...]]) -> str | None:
    for name, shape in want.items():
        if got.get(name) != shape:
            return f"index {name} on table {table} is missing or changed"
    for name, (unique, origin, partial, _sql) in got.items():
        if name in want:
            continue
        keys = [r for r in conn.execute(f"PRAGMA index_xinfo({_quote(name)})") if r[5]]
        plain = (not unique and origin == "c" and not partial
                 and all(r[1] >= 0 and str(r[4]).upper() in _COLLATIONS for r in keys))
        if not plain:
            return (f"index {name} on table {table} is not annotator's (a unique, partial or "
                    "expression index changes what annotator writes)")
    return None
