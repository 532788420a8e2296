"""The team gold policy: the one answer to "what is the gold for this document?".

For each document, its gold version is, in this order:

1. the latest review (the adjudicated final version), if there is one;
2. else, if every annotator who accepted the document accepted the same spans (same start,
   end and label), that version: it is *unanimous*;
3. else the document is *disputed*: it has no gold until someone reviews it.

Only accepted decisions are versions: rejected, skipped and draft decisions are not. A
document nobody accepted (and nobody reviewed) has no gold and is not disputed. A
single-annotator project is therefore unchanged: every accepted document is unanimous.

Every consumer (learned suggestions, evaluation, training, export, review, agreement, the
window) asks this module, so they all mean the same thing by "gold".

Who made a gold version (`Gold.made_by`, the `_annotator_id` of a gold export): the
reviewer as "reviewed:NAME" for a review; for a unanimous version the annotator's name, or
the names joined by "+" in alphabetical order when several annotators agree ("alice+bob").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator, Sequence

from annotator.core import wording
from annotator.core.text.model import Annotation, Document, Review, Span

if TYPE_CHECKING:
    from annotator.core.store import Store

KIND_REVIEW = "review"
KIND_UNANIMOUS = "unanimous"
KIND_OWN = "own"  # the current annotator's own accepted version (learned suggestions only)
REVIEWED_PREFIX = "reviewed:"

# Where a disputed document is resolved, for messages in the CLI and the window.
RESOLVE_HINT = ("review them in the window (Ctrl+R: Review → Review teammates' labels); "
                "`annotator review` lists them")


@dataclass(frozen=True)
class Gold:
    """A document's gold version and where it came from."""

    document_id: int
    spans: tuple[Span, ...]
    kind: str                       # KIND_REVIEW, KIND_UNANIMOUS (or KIND_OWN)
    annotators: tuple[str, ...]     # who accepted this version (for a review: its sources)
    made_by: str                    # "reviewed:NAME", or the annotator(s) who agree
    timestamp: float                # when the review was saved / the latest agreeing accept


@dataclass
class GoldSummary:
    """How many documents have gold, and which are disputed."""

    reviewed: int = 0
    unanimous: int = 0
    disputed: list[int] | None = None

    @property
    def gold(self) -> int:
        return self.reviewed + self.unanimous


def _keys(spans: Sequence[Span]) -> frozenset[tuple[int, int, str]]:
    return frozenset(s.key() for s in spans)


def is_unanimous(versions: Sequence[Annotation]) -> bool:
    """True when there is at least one accepted version and they all have the same spans."""
    accepted = [v for v in versions if v.answer == "accept"]
    return bool(accepted) and len({_keys(v.spans) for v in accepted}) == 1


def resolve(doc_id: int, versions: Sequence[Annotation], review: Review | None) -> Gold | None:
    """The policy itself, on one document's decisions: None when it has no gold."""
    if review is not None:
        return Gold(doc_id, tuple(sorted(review.spans)), KIND_REVIEW, tuple(review.sources),
                    REVIEWED_PREFIX + review.reviewer, review.created)
    accepted = sorted((v for v in versions if v.answer == "accept"), key=lambda v: v.annotator)
    if not is_unanimous(accepted):
        return None
    names = tuple(v.annotator for v in accepted)
    spans = tuple(sorted(Span(s.start, s.end, s.label) for s in accepted[0].spans))
    return Gold(doc_id, spans, KIND_UNANIMOUS, names, "+".join(names),
                max(v.updated for v in accepted))


def is_disputed(versions: Sequence[Annotation], review: Review | None) -> bool:
    """Accepted by someone, not reviewed, and the accepted versions differ."""
    return review is None and any(v.answer == "accept" for v in versions) and not is_unanimous(versions)


def summarize(store: "Store") -> GoldSummary:
    """Counts without reading every document: SQL finds the candidates, only documents whose
    versions differ as text are compared span by span."""
    disputed = disputed_ids(store)
    return GoldSummary(reviewed=len(store.reviewed_document_ids()),
                       unanimous=store.count_accepted_unreviewed() - len(disputed), disputed=disputed)


def gold_for(store: "Store", doc_id: int) -> Gold | None:
    """The gold version of one document (None: no gold, or disputed)."""
    return resolve(doc_id, store.annotations_for_document(doc_id), store.get_review(doc_id))


def iter_gold(store: "Store", *, own: str | None = None, summary: GoldSummary | None = None
              ) -> Iterator[tuple[Document, Gold]]:
    """Every document's gold version, in document order, streamed.

    own: also this annotator's own accepted version where the document is not reviewed
    (their work in progress on disputed documents: used for what *they* are suggested).
    summary: filled with the counts, disputed documents included, as the stream goes.
    """
    for doc, versions, review in store.iter_decided_documents():
        gold = resolve(doc.id, versions, review)
        if summary is not None:
            if gold is None:
                if is_disputed(versions, review):
                    summary.disputed = (summary.disputed or []) + [doc.id]
            elif gold.kind == KIND_REVIEW:
                summary.reviewed += 1
            else:
                summary.unanimous += 1
        if own and review is None:
            mine = next((v for v in versions if v.annotator == own), None)
            if mine is not None and (gold is None or own not in gold.annotators):
                gold = Gold(doc.id, tuple(sorted(Span(s.start, s.end, s.label) for s in mine.spans)),
                            KIND_OWN, (own,), own, mine.updated)
        if gold is not None:
            yield doc, gold


def learned_version(store: "Store", doc_id: int, annotator: str) -> tuple[Span, ...] | None:
    """What a document teaches `annotator`'s learned suggestions: its review, else their own
    accepted version, else the unanimous version; None when it teaches nothing (disputed
    and not theirs, or undecided). The same rule as iter_gold(own=annotator)."""
    versions = store.annotations_for_document(doc_id)
    review = store.get_review(doc_id)
    if review is None:
        mine = next((v for v in versions if v.annotator == annotator and v.answer == "accept"), None)
        if mine is not None:
            return tuple(sorted(Span(s.start, s.end, s.label) for s in mine.spans))
    gold = resolve(doc_id, versions, review)
    return gold.spans if gold is not None else None


def disputed_ids(store: "Store") -> list[int]:
    """Documents that have no gold because their accepted versions differ, in id order."""
    out = []
    candidates = store.maybe_disputed_ids()
    for doc, versions, review in store.iter_decided_documents(candidates):
        if is_disputed(versions, review):
            out.append(doc.id)
    return out


def unanimous_shared(store: "Store") -> list[tuple[int, Gold]]:
    """Unreviewed documents accepted by two or more annotators who all agree: what
    `review --auto-accept` saves as reviewed."""
    out = []
    for doc, versions, review in store.iter_decided_documents(store.shared_accepted_ids()):
        if review is None and len(versions) >= 2:
            gold = resolve(doc.id, versions, None)
            if gold is not None:
                out.append((doc.id, gold))
    return out


def auto_accept(store: "Store", reviewer: str) -> int:
    """Save a review for every unanimous document with at least two annotators (as Prodigy's
    review recipe with auto-accept), in one transaction; returns how many. Idempotent:
    reviewed documents are left alone, so a second run saves none."""
    if not reviewer:
        raise ValueError("reviewer name must not be empty")
    todo = unanimous_shared(store)
    with store.transaction():
        for doc_id, gold in todo:
            store.save_review(doc_id, reviewer, list(gold.spans), gold.annotators)
    return len(todo)


def describe(annotator: str | None = None, reviewed: bool = False) -> str:
    """A short description of the gold a consumer used (for --json and messages)."""
    if reviewed:
        return "reviews only"
    if annotator:
        return f"accepted by {annotator}"
    return "team gold (review, else unanimous accepts; disputed left out)"


def disputed_message(count: int, what: str = "left out") -> str:
    """One line for stderr / the window when disputed documents were left out."""
    return (f"{wording.count(count, 'disputed document')} {what} (annotators disagree and nobody "
            f"has reviewed {'it' if count == 1 else 'them'}): {RESOLVE_HINT}")
