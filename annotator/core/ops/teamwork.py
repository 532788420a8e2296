"""Writes of the team's quality loop (issue 24): notes on documents, the guidelines and label
descriptions, taking back a decision, the review's majority setting. The rules are in
core/team (notes.py, guidelines.py, undo.py, majority.py); each function here calls the rule
and says what it changed (core/ops/changes.py), so the window shows a note added from the
command line (✎) as it shows its own."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from annotator.core.ops.changes import Changes, recorded

if TYPE_CHECKING:
    from annotator.core.store import Store
    from annotator.core.text.model import Guideline, Note
    from annotator.core.team.undo import UndoResult


def _noted(note: Note, by: str) -> tuple[Note, Changes]:
    return note, Changes(by=by, notes=True, note_ids=frozenset({note.document_id}))


def add_note(store: Store, doc_id: int, author: str, text: str, *, by: str) -> tuple[Note, Changes]:
    """A note by `author` on document `doc_id` (core/team/notes.py checks the text)."""
    from annotator.core.team import notes

    return _noted(notes.add_note(store, doc_id, author, text), by)


def edit_note(store: Store, note_id: int, author: str, text: str, *, by: str) -> tuple[Note, Changes]:
    """New text for the author's own note."""
    from annotator.core.team import notes

    return _noted(notes.edit_note(store, note_id, author, text), by)


def delete_note(store: Store, note_id: int, author: str, *, by: str) -> tuple[Note, Changes]:
    """Delete the author's own note (a tombstone that travels with merge and sync)."""
    from annotator.core.team import notes

    return _noted(notes.delete_note(store, note_id, author), by)


def set_guidelines(store: Store, text: str, author: str, *, by: str) -> tuple[Guideline, Changes]:
    """The project's guidelines (Markdown); the earlier text goes to the history."""
    from annotator.core.team import guidelines

    return guidelines.set_guidelines(store, text, author), Changes(by=by, guidelines=True)


def describe_label(store: Store, label: str, text: str, author: str, examples: Sequence[str] = (), *,
                   by: str) -> tuple[Guideline, Changes]:
    """What a label means, with example phrases (an unknown label is refused)."""
    from annotator.core.team import guidelines

    return guidelines.describe_label(store, label, text, author, examples), Changes(by=by, guidelines=True)


def undo_decision(store: Store, doc_id: int, annotator: str, *, by: str) -> tuple[UndoResult, Changes]:
    """Take back `annotator`'s decision on `doc_id`: the earlier version is current again, or
    the document is back to a draft (core/team/undo.py; one transaction)."""
    from annotator.core.team.undo import undo_decision as take_back

    with recorded(store, by) as done:
        result = take_back(store, doc_id, annotator)
    return result, done.changes


def set_min_agreement(store: Store, k: int | None, *, by: str) -> Changes:
    """How many annotators must agree on a span for the review to offer it pre-accepted
    (None: a strict majority; core/team/majority.py checks k)."""
    from annotator.core.team.majority import SETTING_MIN_AGREEMENT, set_min_agreement as save

    save(store, k)
    return Changes(by=by, settings=frozenset({SETTING_MIN_AGREEMENT}))
