"""Undo a decision, and a document's versions (`annotator history DOC`).

Undo takes back an annotator's current accept, reject or skip of a document: the version it
replaced comes back from the history (annotation_history), as a new version dated now, and
the decision taken back is filed in the history in turn (a trigger), so nothing is lost and
undoing again brings it back. When the decision was the first (no earlier version), the
document goes back to work in progress: a 'draft' version with the decided spans, and a draft
to go on editing. Through the team hub an undo is therefore a new, newer version that
replaces the decision everywhere (merge and sync keep the newer), never a delete.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from annotator.core.errors import AnnotatorError
from annotator.core.text.model import DECISIONS, Annotation, Review


class UndoError(AnnotatorError):
    """Nothing to undo."""


@dataclass(frozen=True)
class UndoResult:
    document_id: int
    annotator: str
    undone: Annotation              # the decision taken back
    current: Annotation             # what is current now
    restored: Annotation | None     # the earlier version brought back; None: back to a draft


def undo_decision(store: Any, doc_id: int, annotator: str) -> UndoResult:
    """Take back `annotator`'s current decision on `doc_id` (one transaction)."""
    undone = store.annotations.get_annotation(doc_id, annotator)
    if undone is None or undone.answer not in DECISIONS:
        raise UndoError(f"{annotator} has no decision on document {doc_id} to undo")
    previous = store.annotations.previous_version(doc_id, annotator)
    stamp = max(time.time(), undone.updated + 0.001)
    with store.transaction():
        if previous is None:
            current = store.annotations.save_annotation(doc_id, annotator, "draft", undone.spans, timestamp=stamp, validate=False)
            store.drafts.restore_draft(doc_id, annotator, undone.spans)
        else:
            current = store.annotations.save_annotation(doc_id, annotator, previous.answer, previous.spans, timestamp=stamp,
                                            validate=False)
    return UndoResult(doc_id, annotator, undone, current, previous)


@dataclass(frozen=True)
class Version:
    """One version of a document: an annotator's (decision or draft) or a review."""

    who: str
    what: str            # accept / reject / ignore / draft, or "review (hand|majority|unanimous)"
    spans: int
    time: float
    current: bool
    review: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"who": self.who, "what": self.what, "spans": self.spans, "time": self.time,
                "current": self.current, "review": self.review}


def _review(review: Review, current: bool) -> Version:
    return Version(review.reviewer, f"review ({review.method})", len(review.spans), review.created, current, True)


def document_versions(store: Any, doc_id: int) -> list[Version]:
    """Every version of a document, current and earlier, oldest first (KeyError: no such document)."""
    store.documents.get_document(doc_id)
    out = [Version(a.annotator, a.answer, len(a.spans), a.updated, True)
           for a in store.annotations.annotations_for_document(doc_id)]
    out += [Version(a.annotator, a.answer, len(a.spans), a.updated, False) for a in store.annotations.annotation_history(doc_id)]
    review = store.reviews.get_review(doc_id)
    if review is not None:
        out.append(_review(review, True))
    out += [_review(r, False) for r in store.reviews.review_history(doc_id)]
    return sorted(out, key=lambda v: (v.time, not v.current))
