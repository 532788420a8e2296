"""Writes of the work on documents: decide, keep a draft, review, accept every unanimous
(or majority) document. One small function each, returning what it changed (core/ops/changes.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Sequence

from annotator.core.ops.changes import Changes, recorded
from annotator.core.text.model import Span

if TYPE_CHECKING:
    from annotator.core.store import Store
    from annotator.core.store.journal import DraftChange, DraftJournal
    from annotator.core.team.majority import AutoAccepted


def decide(store: Store, doc_id: int, annotator: str, answer: str, spans: Iterable[Span], *, by: str,
           seconds: float | None = None, suggested: Sequence[Span] = ()) -> Changes:
    """Record accept / reject / ignore with these spans (their sources dropped: the person
    decided) and end the draft. With `seconds` (the window's clock), the active time and the
    spans suggested at opening are recorded with it, in the same transaction."""
    gold = [s if s.source is None else Span(s.start, s.end, s.label) for s in spans]
    if seconds is None:
        store.annotations.save_annotation(doc_id, annotator, answer, gold)
    else:
        store.activity.save_timed_decision(doc_id, annotator, answer, gold, seconds=seconds, suggested=suggested)
    return Changes(by=by, decisions=True, drafts=True, records=seconds is not None, doc_ids=frozenset({doc_id}))


def save_draft(journal: DraftJournal, doc_id: int, spans: Iterable[Span], change: DraftChange | None = None, *,
               by: str) -> Changes:
    """Keep the work in progress (one edit when the journal knows the document: see
    DraftJournal.save)."""
    journal.save(doc_id, list(spans), change)
    return Changes(by=by, drafts=True, doc_ids=frozenset({doc_id}))


def review(store: Store, doc_id: int, reviewer: str, spans: Iterable[Span], sources: Iterable[str], *,
           by: str) -> Changes:
    """Save the adjudicated version as the document's reviewed gold."""
    from annotator.core.team.review import accept_review

    accept_review(store, doc_id, reviewer, list(spans), sources)
    return Changes(by=by, reviews=True, doc_ids=frozenset({doc_id}))


def auto_accept(store: Store, reviewer: str, min_agreement: int | None = None, *, majority: bool = True,
                by: str) -> tuple[AutoAccepted, Changes]:
    """Review every unanimous document two or more annotators accepted and, with `majority`,
    every one whose majority version (k = min_agreement) is complete (core/team/majority.py);
    returns how many of each, and what changed."""
    from annotator.core.team.majority import auto_accept as accept_agreed

    with recorded(store, by) as done:
        saved = accept_agreed(store, reviewer, min_agreement, majority=majority)
    return saved, done.changes
