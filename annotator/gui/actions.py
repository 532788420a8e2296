"""One small function per user action over the store (Anki's operations pattern).

They take a Session (store, annotator, what the suggester knows) and plain values, write
synchronously (a decision is ~1 ms and is on disk before the next document shows) and
return what the window needs to update itself. No widgets here, so every action is
testable on its own and the window stays a thin layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from annotator.core.store.journal import DraftChange, DraftJournal
from annotator.core.text.model import ANSWER_TO_STATUS, Annotation, Span
from annotator.core.store import Store
from annotator.core.learning.suggestions import (  # noqa: F401 (re-exported)
    FROM_ANNOTATION, FROM_DRAFT, FROM_NOTHING, FROM_SUGGESTIONS,
)

# Where the spans shown for a document came from (core/learning/suggestions.py), or that they load.
FROM_LOADING = "loading"  # a long document's spans are being read in a worker

LONG_TEXT = 100_000  # characters: spans read and suggested off the GUI thread (gui/editor/long_docs.py)


@dataclass
class Session:
    """What the actions need: the GUI thread's store, who annotates, and the suggester's
    state (model cache key once the model has loaded, gold matcher once built)."""

    store: Store
    annotator: str
    model_key: str | None = None
    matcher: Any = None
    patterns: Any = None  # the project's PatternMatcher once built (None: no patterns, or not yet)
    # Decisions made before the matcher was built, replayed into it when it arrives.
    pending_gold: dict[int, tuple[str, str, list[Span]]] = field(default_factory=dict)
    # A long document was decided: the matcher is rebuilt in a worker, not fed on this thread.
    matcher_stale: bool = False
    drafts: DraftJournal = field(init=False)

    def __post_init__(self) -> None:
        self.drafts = DraftJournal(self.store, self.annotator)

    def close(self) -> None:
        """Let a draft compaction finish, then close the store."""
        self.drafts.wait()
        self.store.close()

    def set_matcher(self, matcher: Any) -> None:
        for doc_id, (answer, text, spans) in self.pending_gold.items():
            if answer == "accept":
                matcher.add(doc_id, text, spans)
            else:
                matcher.remove(doc_id)
        self.pending_gold.clear()
        self.matcher = matcher


def suggestions_for(session: Session, doc_id: int, text: str | None = None) -> list[Span]:
    """What the window suggests for a document now (core/learning/suggestions.py composes it)."""
    from annotator.core.learning.suggestions import current_suggestions

    return current_suggestions(session.store, doc_id, session.model_key, session.matcher, text, session.patterns)


def spans_to_show(session: Session, doc_id: int, text: str | None = None) -> tuple[list[Span], str]:
    """What a document shows when opened (core/suggestions.spans_to_show): (spans, origin)."""
    from annotator.core.learning.suggestions import spans_to_show as shown

    return shown(session.store, doc_id, session.annotator, session.model_key, session.matcher, text,
                 session.patterns)


def is_long(text: str) -> bool:
    return len(text) > LONG_TEXT


def document_shown(session: Session, doc_id: int, text: str, spans: list[Span], origin: str,
                   base: str | None = None) -> None:
    """What the store holds for the document now on screen, so the next draft save writes
    only the edit (core/store/journal.py). `base`: codec.dumps_spans(spans), if already made."""
    if session.drafts.annotator != session.annotator:  # the person changed their name
        session.drafts = DraftJournal(session.store, session.annotator)
    session.drafts.shown(doc_id, text, spans, stored=origin == FROM_DRAFT, base=base)


def save_draft(session: Session, doc_id: int, spans: Iterable[Span], change: DraftChange | None = None) -> str:
    """Keep the work in progress (one edit, when the journal knows the document); returns the
    document's status afterwards."""
    if session.drafts.annotator != session.annotator:
        session.drafts = DraftJournal(session.store, session.annotator)
    session.drafts.save(doc_id, list(spans), change)
    return session.store.status(doc_id, session.annotator)


def decide(session: Session, doc_id: int, answer: str, spans: Iterable[Span], *, seconds: float | None = None,
           suggested: Sequence[Span] = ()) -> Annotation:
    """Record accept / reject / ignore with the spans on screen (sources dropped: the person
    decided), clear the draft, and keep the gold matcher in step with what the document now
    teaches this annotator (core/gold.learned_version: a review wins over their own work).
    With `seconds` (the window's clock), the active time and the spans suggested at opening
    are recorded with it, in the same transaction."""
    from annotator.core.team.gold import learned_version

    gold = [s if s.source is None else Span(s.start, s.end, s.label) for s in spans]
    if seconds is None:
        ann = session.store.save_annotation(doc_id, session.annotator, answer, gold)
    else:
        ann = session.store.save_timed_decision(doc_id, session.annotator, answer, gold, seconds=seconds,
                                                suggested=suggested)
    session.drafts.forget(doc_id)
    teaches = learned_version(session.store, doc_id, session.annotator)
    text = session.store.get_document(doc_id).text if teaches is not None else ""
    learn = ("accept", text, list(teaches)) if teaches is not None else (answer, "", [])
    if is_long(text):
        session.matcher_stale = True  # tokenizing it here would freeze the window: rebuilt in a worker
    elif session.matcher is None:
        session.pending_gold[doc_id] = learn
    elif teaches is not None:
        session.matcher.add(doc_id, text, list(teaches))
    else:
        session.matcher.remove(doc_id)
    return ann


def accept(session: Session, doc_id: int, spans: Iterable[Span]) -> Annotation:
    return decide(session, doc_id, "accept", spans)


def reject(session: Session, doc_id: int, spans: Iterable[Span]) -> Annotation:
    return decide(session, doc_id, "reject", spans)


def skip(session: Session, doc_id: int, spans: Iterable[Span]) -> Annotation:
    return decide(session, doc_id, "ignore", spans)


def status_after(answer: str) -> str:
    return ANSWER_TO_STATUS[answer]


