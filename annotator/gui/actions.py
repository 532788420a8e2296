"""The window's session over the store and what it reads: who annotates, what the suggester
knows (model cache key, gold matcher), the draft journal; what a document shows and is
suggested. The writes themselves are the core's operations (core/ops), called by the
Project (gui/project.py). No widgets here, so each function is testable on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from annotator.core.store.journal import DraftJournal
from annotator.core.text.model import Span
from annotator.core.store import Store
from annotator.core.learning.suggestions import (  # noqa: F401 (re-exported)
    FROM_ANNOTATION, FROM_DRAFT, FROM_NOTHING, FROM_SUGGESTIONS,
)

# Where the spans shown for a document came from (core/learning/suggestions.py), or that they load.
FROM_LOADING = "loading"  # a long document's spans are being read in a worker

LONG_TEXT = 100_000  # characters: spans read and suggested off the GUI thread (gui/editor/long_docs.py)
LEARN_IN_PLACE = 20  # documents the gold matcher learns on the GUI thread; more: rebuilt in a worker


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
    # A rebuild in a worker was asked for: what is learned meanwhile is kept for it too.
    rebuilding: bool = False
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
        self.matcher, self.rebuilding = matcher, False


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
    journal(session).shown(doc_id, text, spans, stored=origin == FROM_DRAFT, base=base)


def journal(session: Session) -> DraftJournal:
    """The draft journal of the person annotating now (a new one after a change of name)."""
    if session.drafts.annotator != session.annotator:
        session.drafts = DraftJournal(session.store, session.annotator)
    return session.drafts


def learn_from(session: Session, doc_ids: Iterable[int]) -> bool:
    """Keep the gold matcher in step with what these documents now teach this annotator
    (core/team/gold.learned_version: a review wins over their own work, their own over the
    unanimous version): a few index reads and one document tokenized each. False when it
    must be rebuilt in a worker instead: too many documents, or a long one (tokenizing it
    here would freeze the window)."""
    from annotator.core.team.gold import learned_version

    doc_ids = list(doc_ids)
    if len(doc_ids) > LEARN_IN_PLACE:
        return False
    store = session.store
    for doc_id in doc_ids:
        teaches = learned_version(store, doc_id, session.annotator)
        text = store.documents.get_document(doc_id).text if teaches is not None else ""
        if is_long(text):
            return False
        if session.matcher is None or session.rebuilding:  # replayed into the one being built
            session.pending_gold[doc_id] = ("accept", text, list(teaches)) if teaches is not None else ("", "", [])
        if session.matcher is None:
            continue
        if teaches is not None:
            session.matcher.add(doc_id, text, list(teaches))
        else:
            session.matcher.remove(doc_id)
    return True
