"""Notes on documents (local migration 8). The rules (who may edit, text limits) are in
core/team/notes.py; this module only reads and writes rows.

A note keeps its uid in every project and on the hub. Deleting leaves a tombstone (deleted,
empty text, a new `updated`), so a deletion travels with merge and sync like an edit: the
newer version of a note wins, its author never changes.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from annotator.core.text.model import Note
from annotator.core.store.connection import Database, Repository
from annotator.core.store.documents import Documents
from annotator.core.store.guard.values import BadValue

NOTE_COLUMNS = "id, uid, document_id, author, text, created, updated, deleted"


def _note(row: Sequence[Any]) -> Note:
    if not all(isinstance(v, str) for v in (row[1], row[3], row[4])):
        raise BadValue("its uid, author or text is not text")
    return Note(row[0], row[1], row[2], row[3], row[4], row[5], row[6], bool(row[7]))


class Notes(Repository):
    """Notes on documents, each owned by its author."""

    def __init__(self, database: Database, documents: Documents) -> None:
        super().__init__(database)
        self._documents = documents

    def insert_note(self, uid: str, doc_id: int, author: str, text: str, created: float) -> Note:
        self._documents.get_document(doc_id)  # KeyError for a document that is not there
        with self.transaction() as c:
            note_id = c.execute("INSERT INTO document_notes (uid, document_id, author, text, created, updated) "
                                "VALUES (?, ?, ?, ?, ?, ?)", (uid, doc_id, author, text, created, created)).lastrowid
        return Note(int(note_id or 0), uid, doc_id, author, text, created, created)

    def update_note(self, note_id: int, text: str, updated: float, *, deleted: bool = False) -> None:
        with self.transaction():
            self.db["document_notes"].update(note_id, {"text": text, "updated": updated, "deleted": int(deleted)})

    def get_note(self, note_id: int) -> Note | None:
        row = self.conn.execute(f"SELECT {NOTE_COLUMNS} FROM document_notes WHERE id = ?", (note_id,)).fetchone()
        return self._value(f"note {note_id}", _note, row) if row else None

    def all(self, doc_ids: Iterable[int] | None = None, *, deleted: bool = False) -> list[Note]:
        """Notes of these documents (all when None), by document then time written; tombstones
        only when asked. One indexed query per 500 documents."""
        live = "" if deleted else " AND deleted = 0"
        order = " ORDER BY document_id, created, id"
        if doc_ids is None:
            rows = self.conn.execute(f"SELECT {NOTE_COLUMNS} FROM document_notes WHERE 1{live}{order}").fetchall()
        else:
            ids, rows = sorted(set(doc_ids)), []
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                rows += self.conn.execute(f"SELECT {NOTE_COLUMNS} FROM document_notes WHERE document_id IN "
                                          f"({','.join('?' * len(chunk))}){live}{order}", chunk).fetchall()
        return [self._value(f"note {r[0]}", _note, r) for r in rows]

    def noted_document_ids(self) -> set[int]:
        """Documents with at least one note (not deleted): the list's ✎ and its filter."""
        return {r[0] for r in self.conn.execute("SELECT DISTINCT document_id FROM document_notes WHERE deleted = 0")}

    def merge_note(self, uid: str, doc_id: int, author: str, text: str, created: float, updated: float,
                   deleted: bool) -> str:
        """Bring in a note made elsewhere: 'added', 'updated' (newer than ours), 'unchanged'
        (the same, or older: a note has no history). A note under another author than ours
        with the same uid is refused (ValueError): nobody takes over another's note."""
        with self.transaction() as c:
            row = c.execute("SELECT id, author, text, updated, deleted FROM document_notes WHERE uid = ?", (uid,)).fetchone()
            if row is None:
                c.execute("INSERT INTO document_notes (uid, document_id, author, text, created, updated, deleted) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?)", (uid, doc_id, author, text, created, updated, int(deleted)))
                return "added"
            if row[1] != author:
                raise ValueError(f"note {uid[:12]} is {row[1]}'s here, not {author}'s")
            if updated > row[3] and (row[2], bool(row[4])) != (text, deleted):
                c.execute("UPDATE document_notes SET text = ?, updated = ?, deleted = ? WHERE id = ?",
                          (text, updated, int(deleted), row[0]))
                return "updated"
            return "unchanged"

    # ---- the team hub (core/hub/teamwork.py) -------------------------------------------------
    def changed_notes(self, after_rev: int, limit: int) -> list[tuple[Any, ...]]:
        """(rev, hash, author, uid, text, created, updated, deleted) of notes changed since after_rev."""
        return self.conn.execute(
            "SELECT l.rev, d.hash, n.author, n.uid, n.text, n.created, n.updated, n.deleted FROM sync_log l "
            "JOIN document_notes n ON n.id = l.row_id JOIN documents d ON d.id = n.document_id "
            "WHERE l.kind = 'note' AND l.rev > ? ORDER BY l.rev LIMIT ?", (after_rev, limit)).fetchall()
