"""Notes on documents ("is this the same marsh as in the first article?"): anyone adds one,
only its author edits or deletes it (the hub's row-level security enforces the same rule).

The text of a note follows core/text/free_text.py (any Unicode, at most 100 KB, no NUL) and is
not empty. The document is named by its number, as the document list shows it.
"""

from __future__ import annotations

import time
import uuid
from typing import Any, Iterable

from annotator.core.text.free_text import MAX_TEXT_BYTES, TeamTextError, check_text
from annotator.core.text.model import Note
from annotator.core.wording import count

__all__ = ["MAX_TEXT_BYTES", "TeamTextError", "add_note", "check_text", "delete_note", "edit_note", "note_dict",
           "notes_by_document", "notes_for"]

def _document(store: Any, doc_id: int) -> int:
    try:
        store.documents.get_document(doc_id)
    except KeyError:
        raise TeamTextError(f"no document {doc_id} in this project "
                            f"(it has {count(store.documents.count_documents(), 'document')})") from None
    return doc_id


def add_note(store: Any, doc_id: int, author: str, text: str) -> Note:
    """Add a note to a document (any annotator may)."""
    if not author or not author.strip():
        raise TeamTextError("a note needs its author's name")
    check_text(text, "the note", empty=False)
    return store.notes.insert_note(uuid.uuid4().hex, _document(store, doc_id), author, text, time.time())


def _own(store: Any, note_id: int, author: str, doing: str) -> Note:
    note = store.notes.get_note(note_id)
    if note is None or note.deleted:
        raise TeamTextError(f"no note {note_id}")
    if note.author != author:
        raise TeamTextError(f"note {note_id} is {note.author}'s: only its author may {doing} it")
    return note


def _later(note: Note) -> float:
    """A change is newer than what it changes (merge and sync keep the newer version)."""
    return max(time.time(), note.updated + 0.001)


def edit_note(store: Any, note_id: int, author: str, text: str) -> Note:
    """Change the text of one's own note."""
    note = _own(store, note_id, author, "edit")
    check_text(text, "the note", empty=False)
    store.notes.update_note(note.id, text, _later(note))
    return store.notes.get_note(note.id)


def delete_note(store: Any, note_id: int, author: str) -> Note:
    """Delete one's own note: a tombstone that travels with merge and sync."""
    note = _own(store, note_id, author, "delete")
    store.notes.update_note(note.id, "", _later(note), deleted=True)
    return store.notes.get_note(note.id)


def notes_for(store: Any, doc_id: int) -> list[Note]:
    return store.notes.all([doc_id])


def note_dict(note: Note) -> dict[str, Any]:
    """A note as `notes list --json` and a JSONL export's meta write it."""
    return {"id": note.id, "document": note.document_id, "author": note.author, "text": note.text,
            "created": note.created, "updated": note.updated}


def notes_by_document(store: Any, doc_ids: Iterable[int] | None = None) -> dict[int, list[Note]]:
    out: dict[int, list[Note]] = {}
    for note in store.notes.all(doc_ids):
        out.setdefault(note.document_id, []).append(note)
    return out
