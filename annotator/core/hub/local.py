"""The local side of the hub sync, in the project's SQLite file (no network here).

Watermarks, per hub (its hub_id) and annotator, in hub_state:
- pushed_rev / pushed_review_rev: the sync_log rev up to which this annotator's decisions
  (reviews) were pushed. sync_log gets a new, ever larger rev on every change of an
  annotation or review, by triggers; timestamps cannot serve, since versions merged in from
  a file keep their old `updated`.
- pushed_document, pushed_annotation_history, pushed_review_history: row ids (these rows
  are only ever added, so their ids only grow).
- pulled_xid / pulled_all_xid: the hub transaction id below which every hub row was pulled
  (pulled_all_xid: documents, for `sync --all`).
A watermark is written in the same SQLite transaction as the data it covers (pulls), or
after the hub committed (pushes: a push repeated after a crash merges as "unchanged").

Rows written by a pull are not logged (sync_quiet), so they are never pushed back.
The project remembers the hub in its settings: hub_url (never with a password), hub_id and
hub_annotator; pending_decisions() and assigned_document_ids() read them.
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass, fields
from typing import Any, Iterator

from annotator.core.store import Store

WATERMARKS = ("pushed_rev", "pushed_review_rev", "pushed_document", "pushed_annotation_history",
              "pushed_review_history", "pulled_xid", "pulled_all_xid")


@dataclass
class LocalState:
    hub_id: str
    annotator: str
    url: str
    pushed_rev: int = 0
    pushed_review_rev: int = 0
    pushed_document: int = 0
    pushed_annotation_history: int = 0
    pushed_review_history: int = 0
    pulled_xid: int = 0
    pulled_all_xid: int = 0
    last_sync: float | None = None


_COLUMNS = [f.name for f in fields(LocalState)]


def load_state(store: Store, hub_id: str, annotator: str, url: str) -> LocalState:
    """This hub's watermarks for this annotator (created at zero), and the project
    remembers the hub (URL without password)."""
    select = f"SELECT {', '.join(_COLUMNS)} FROM hub_state WHERE hub_id = ? AND annotator = ?"
    row = store.conn.execute(select, (hub_id, annotator)).fetchone()
    remembered = [store.get_setting(k) for k in ("hub_url", "hub_id", "hub_annotator")]
    if row is not None and row[2] == url and remembered == [url, hub_id, annotator]:
        return LocalState(*row)  # no write: a sync with nothing to do commits once
    with store.transaction() as c:
        c.execute("INSERT OR IGNORE INTO hub_state (hub_id, annotator, url) VALUES (?, ?, ?)",
                  (hub_id, annotator, url))
        c.execute("UPDATE hub_state SET url = ? WHERE hub_id = ? AND annotator = ?", (url, hub_id, annotator))
        for key, value in (("hub_url", url), ("hub_id", hub_id), ("hub_annotator", annotator)):
            c.execute("INSERT INTO project (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE "
                      "SET value = excluded.value", (key, value))
        row = c.execute(select, (hub_id, annotator)).fetchone()
    return LocalState(*row)


def save_state(conn: sqlite3.Connection, state: LocalState, **values: Any) -> None:
    """Set watermarks inside the caller's transaction (and on `state` once written)."""
    assert set(values) <= set(WATERMARKS) | {"last_sync"}
    sets = ", ".join(f"{k} = ?" for k in values)
    conn.execute(f"UPDATE hub_state SET {sets} WHERE hub_id = ? AND annotator = ?",
                 (*values.values(), state.hub_id, state.annotator))
    for key, value in values.items():
        setattr(state, key, value)


@contextlib.contextmanager
def pull_transaction(store: Store) -> Iterator[sqlite3.Connection]:
    """One local transaction for hub data: what it writes is not logged for pushing."""
    with store.transaction() as c:
        c.execute("INSERT INTO sync_quiet (on_pull) VALUES (1)")
        yield c
        c.execute("DELETE FROM sync_quiet")


def max_document_id(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT coalesce(max(id), 0) FROM documents").fetchone()[0]


# ---- what to push ------------------------------------------------------------------------
def documents_after(store: Store, after: int, limit: int) -> list[tuple[int, str, str, str, float]]:
    """(id, hash, text, meta JSON, added) of documents with id > after."""
    return store.conn.execute("SELECT id, hash, text, meta, added FROM documents WHERE id > ? "
                              "ORDER BY id LIMIT ?", (after, limit)).fetchall()


def changed_annotations(store: Store, after_rev: int, limit: int) -> list[tuple[Any, ...]]:
    """(rev, hash, annotator, answer, spans, created, updated) changed since after_rev."""
    return store.conn.execute(
        "SELECT l.rev, d.hash, a.annotator, a.answer, a.spans, a.created, a.updated FROM sync_log l "
        "JOIN annotations a ON a.id = l.row_id JOIN documents d ON d.id = a.document_id "
        "WHERE l.kind = 'annotation' AND l.rev > ? ORDER BY l.rev LIMIT ?", (after_rev, limit)).fetchall()


def annotation_history_after(store: Store, after: int, limit: int) -> list[tuple[Any, ...]]:
    """(id, hash, annotator, answer, spans, created, updated) of history rows id > after."""
    return store.conn.execute(
        "SELECT h.id, d.hash, h.annotator, h.answer, h.spans, h.created, h.updated "
        "FROM annotation_history h JOIN documents d ON d.id = h.document_id "
        "WHERE h.id > ? ORDER BY h.id LIMIT ?", (after, limit)).fetchall()


def changed_reviews(store: Store, after_rev: int, limit: int) -> list[tuple[Any, ...]]:
    """(rev, hash, reviewer, spans, sources, created) changed since after_rev."""
    return store.conn.execute(
        "SELECT l.rev, d.hash, r.reviewer, r.spans, r.sources, r.created FROM sync_log l "
        "JOIN reviews r ON r.document_id = l.row_id JOIN documents d ON d.id = r.document_id "
        "WHERE l.kind = 'review' AND l.rev > ? ORDER BY l.rev LIMIT ?", (after_rev, limit)).fetchall()


def review_history_after(store: Store, after: int, limit: int) -> list[tuple[Any, ...]]:
    """(id, hash, reviewer, spans, sources, created) of review history rows id > after."""
    return store.conn.execute(
        "SELECT h.id, d.hash, h.reviewer, h.spans, h.sources, h.created FROM review_history h "
        "JOIN documents d ON d.id = h.document_id WHERE h.id > ? ORDER BY h.id LIMIT ?",
        (after, limit)).fetchall()


# ---- for the window's status bar and "next" (no network) -------------------------------------
def _remembered(store: Store, annotator: str | None, hub_id: str | None) -> tuple[str | None, str | None]:
    return (hub_id or store.get_setting("hub_id"), annotator or store.get_setting("hub_annotator"))


def pending_decisions(store: Store, annotator: str | None = None, hub_id: str | None = None) -> int:
    """How many of this annotator's decisions changed since the last push to the hub (the
    project's remembered hub and annotator unless given); 0 when it never synced."""
    hub_id, annotator = _remembered(store, annotator, hub_id)
    if not hub_id or not annotator:
        return 0
    row = store.conn.execute("SELECT pushed_rev FROM hub_state WHERE hub_id = ? AND annotator = ?",
                             (hub_id, annotator)).fetchone()
    return store.conn.execute(
        "SELECT count(*) FROM sync_log l JOIN annotations a ON a.id = l.row_id "
        "WHERE l.kind = 'annotation' AND l.rev > ? AND a.annotator = ?",
        (row[0] if row else 0, annotator)).fetchone()[0]


def set_assignments(conn: sqlite3.Connection, hub_id: str, annotator: str,
                    rows: list[tuple[int, float]]) -> None:
    """Replace this annotator's assignments from this hub with (local document id, expires)."""
    conn.execute("DELETE FROM hub_assignments WHERE hub_id = ? AND annotator = ?", (hub_id, annotator))
    conn.executemany("INSERT INTO hub_assignments (hub_id, annotator, document_id, expires) "
                     "VALUES (?, ?, ?, ?)", [(hub_id, annotator, d, e) for d, e in rows])


def assignments(store: Store, hub_id: str, annotator: str) -> set[tuple[str, float]]:
    """(document hash, expires) of the assignments remembered from this hub."""
    return set(store.conn.execute(
        "SELECT d.hash, h.expires FROM hub_assignments h JOIN documents d ON d.id = h.document_id "
        "WHERE h.hub_id = ? AND h.annotator = ?", (hub_id, annotator)).fetchall())


def assigned_document_ids(store: Store, annotator: str | None = None, hub_id: str | None = None,
                          *, undecided: bool = True) -> list[int]:
    """Local ids of the documents the hub assigned to this annotator at the last sync, in
    the hub's order (the window's "next" takes these first). undecided: leave out those the
    annotator has decided since (accept, reject or ignore)."""
    hub_id, annotator = _remembered(store, annotator, hub_id)
    if not hub_id or not annotator:
        return []
    sql = "SELECT h.document_id FROM hub_assignments h WHERE h.hub_id = ? AND h.annotator = ?"
    if undecided:
        sql += (" AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.document_id = h.document_id "
                "AND a.annotator = h.annotator AND a.answer <> 'draft')")
    return [r[0] for r in store.conn.execute(sql + " ORDER BY h.document_id", (hub_id, annotator))]
