"""The team gold policy: the one answer to "what is the gold for this document?".

For each document, its gold version is, in this order:

1. the latest review (the adjudicated final version), if there is one;
2. else, if every annotator who accepted the document accepted the same spans (same start,
   end and label) and nobody rejected it, that version: it is *unanimous*;
3. else the document is *disputed*: it has no gold until someone reviews it. The reasons
   (dispute_reasons): "accept vs reject" when one annotator accepted it and another
   rejected it (the team disagrees on whether it belongs in the data), "spans differ" when
   the accepted versions differ.

Accepted decisions are the versions of a document; a reject is a judgement too (the
document does not belong), so it breaks unanimity. Skipped and draft decisions are not
judgements and count for nothing. A document nobody accepted (and nobody reviewed) has no
gold and is not disputed, whether it was rejected or not. A single-annotator project is
therefore unchanged: every accepted document is unanimous.

Every consumer (learned suggestions, evaluation, training, export, review, agreement, the
window) asks this module, so they all mean the same thing by "gold".

How a review was decided (`Gold.method`, Review.method): by a person ("hand"), by the majority
of three or more annotators ("majority", core/team/majority.py) or saved for a unanimous
document ("unanimous"); each is a review, and the first rule above, but a consumer can tell a
hand review from the others. A unanimous version without a review has method "unanimous".

Who made a gold version (`Gold.made_by`, the `_annotator_id` of a gold export): the
reviewer as "reviewed:NAME" for a review; for a unanimous version the annotator's name, or
the names joined by "+" in alphabetical order when several annotators agree ("alice+bob").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator, Sequence

from annotator.core import wording
from annotator.core.text.model import REVIEW_MAJORITY, REVIEW_UNANIMOUS, Annotation, Document, Review, Span

if TYPE_CHECKING:
    from annotator.core.store import Store

KIND_REVIEW = "review"
KIND_UNANIMOUS = "unanimous"
KIND_OWN = "own"  # the current annotator's own accepted version (learned suggestions only)
REASON_ACCEPT_REJECT = "accept vs reject"
REASON_SPANS = "spans differ"
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
    method: str = REVIEW_UNANIMOUS  # a review's method (hand, majority, unanimous)


@dataclass
class GoldSummary:
    """How many documents have gold, and which are disputed."""

    reviewed: int = 0
    unanimous: int = 0
    disputed: list[int] | None = None
    majority: int = 0  # of the reviewed: decided by majority (core/team/majority.py)

    @property
    def gold(self) -> int:
        return self.reviewed + self.unanimous


def _keys(spans: Sequence[Span]) -> frozenset[tuple[int, int, str]]:
    return frozenset(s.key() for s in spans)


def dispute_reasons(versions: Sequence[Annotation], review: Review | None) -> tuple[str, ...]:
    """Why a document is disputed (empty when it is not): accepted by someone, not reviewed,
    and rejected by someone else (REASON_ACCEPT_REJECT) or accepted with differing spans
    (REASON_SPANS). `versions`: the document's decisions, any answers."""
    accepted = [v for v in versions if v.answer == "accept"]
    if review is not None or not accepted:
        return ()
    reasons = []
    if any(v.answer == "reject" for v in versions):
        reasons.append(REASON_ACCEPT_REJECT)
    if len({_keys(v.spans) for v in accepted}) > 1:
        reasons.append(REASON_SPANS)
    return tuple(reasons)


def is_unanimous(versions: Sequence[Annotation]) -> bool:
    """True when someone accepted, every accepted version has the same spans and nobody
    rejected the document."""
    return any(v.answer == "accept" for v in versions) and not dispute_reasons(versions, None)


def resolve(doc_id: int, versions: Sequence[Annotation], review: Review | None) -> Gold | None:
    """The policy itself, on one document's decisions (any answers): None when it has no gold."""
    if review is not None:
        return Gold(doc_id, tuple(sorted(review.spans)), KIND_REVIEW, tuple(review.sources),
                    REVIEWED_PREFIX + review.reviewer, review.created, review.method)
    if not is_unanimous(versions):
        return None
    accepted = sorted((v for v in versions if v.answer == "accept"), key=lambda v: v.annotator)
    names = tuple(v.annotator for v in accepted)
    spans = tuple(sorted(Span(s.start, s.end, s.label) for s in accepted[0].spans))
    return Gold(doc_id, spans, KIND_UNANIMOUS, names, "+".join(names),
                max(v.updated for v in accepted))


def is_disputed(versions: Sequence[Annotation], review: Review | None) -> bool:
    """Accepted by someone, not reviewed, and rejected by another or accepted differently."""
    return bool(dispute_reasons(versions, review))


def summarize(store: "Store") -> GoldSummary:
    """Counts without reading every document: SQL finds the candidates, only documents whose
    versions differ as text are compared span by span."""
    disputed = disputed_ids(store)
    return GoldSummary(reviewed=len(store.queries.reviewed_document_ids()),
                       unanimous=store.gold.count_accepted_unreviewed() - len(disputed), disputed=disputed,
                       majority=store.reviews.review_methods()[REVIEW_MAJORITY])


def gold_for(store: "Store", doc_id: int) -> Gold | None:
    """The gold version of one document (None: no gold, or disputed)."""
    return resolve(doc_id, store.annotations.annotations_for_document(doc_id), store.reviews.get_review(doc_id))


def iter_gold(store: "Store", *, own: str | None = None, summary: GoldSummary | None = None
              ) -> Iterator[tuple[Document, Gold]]:
    """Every document's gold version, in document order, streamed.

    own: also this annotator's own accepted version where the document is not reviewed
    (their work in progress on disputed documents: used for what *they* are suggested).
    summary: filled with the counts, disputed documents included, as the stream goes.
    """
    for doc, versions, review in store.gold.iter_decided_documents():
        gold = resolve(doc.id, versions, review)
        if summary is not None:
            if gold is None:
                if is_disputed(versions, review):
                    summary.disputed = (summary.disputed or []) + [doc.id]
            elif gold.kind == KIND_REVIEW:
                summary.reviewed += 1
                summary.majority += gold.method == REVIEW_MAJORITY
            else:
                summary.unanimous += 1
        if own and review is None:
            mine = next((v for v in versions if v.annotator == own and v.answer == "accept"), None)
            if mine is not None and (gold is None or own not in gold.annotators):
                gold = Gold(doc.id, tuple(sorted(Span(s.start, s.end, s.label) for s in mine.spans)),
                            KIND_OWN, (own,), own, mine.updated)
        if gold is not None:
            yield doc, gold


def learned_version(store: "Store", doc_id: int, annotator: str) -> tuple[Span, ...] | None:
    """What a document teaches `annotator`'s learned suggestions: its review, else their own
    accepted version, else the unanimous version; None when it teaches nothing (disputed
    and not theirs, or undecided). The same rule as iter_gold(own=annotator)."""
    versions = store.annotations.annotations_for_document(doc_id)
    review = store.reviews.get_review(doc_id)
    if review is None:
        mine = next((v for v in versions if v.annotator == annotator and v.answer == "accept"), None)
        if mine is not None:
            return tuple(sorted(Span(s.start, s.end, s.label) for s in mine.spans))
    gold = resolve(doc_id, versions, review)
    return gold.spans if gold is not None else None


def disputed_ids(store: "Store") -> list[int]:
    """Documents that have no gold because their annotators disagree (dispute_reasons), in
    id order."""
    out = []
    candidates = store.gold.maybe_disputed_ids()
    for doc, versions, review in store.gold.iter_decided_documents(candidates):
        if is_disputed(versions, review):
            out.append(doc.id)
    return out


def unanimous_shared(store: "Store") -> list[tuple[int, Gold]]:
    """Unreviewed documents accepted by two or more annotators who all agree: what
    `review --auto-accept` saves as reviewed (core/team/majority.py auto_accept)."""
    out = []
    for doc, versions, review in store.gold.iter_decided_documents(store.gold.shared_accepted_ids()):
        if review is None and sum(v.answer == "accept" for v in versions) >= 2:
            gold = resolve(doc.id, versions, None)
            if gold is not None:
                out.append((doc.id, gold))
    return out


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
