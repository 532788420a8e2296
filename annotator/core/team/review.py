"""Adjudication logic behind the review view (Qt-free): which spans the annotators agree on,
the starting final version, and which documents need a reviewer most."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from annotator.core.team.agreement import (
    DocumentDisagreement, accept_reject_row, accept_reject_rows, document_row, sort_disagreements, versions_for,
)
from annotator.core.team.majority import MIN_ANNOTATORS, majority_version
from annotator.core.text.tokens import tokenize
from annotator.core.text.model import Review, Span

if TYPE_CHECKING:
    from annotator.core.store import Store

AGREE_ALL = "all"    # every annotator has exactly this span
AGREE_SOME = "some"  # contested: others have it too, or something overlapping it instead
AGREE_ONE = "one"    # only one annotator has it and nobody marked anything there


def span_agreement(versions: Mapping[str, Sequence[Span]]) -> dict[Span, str]:
    """Classify every distinct span of the versions (annotator -> spans) as 'all', 'some' or 'one'.

    'one' is kept apart from 'some' because a span nobody else contests is usually a miss by
    the others, while 'some' is a real disagreement (a different label or boundaries, or a
    span only part of the team has).
    """
    n = len(versions)
    holders: dict[Span, set[str]] = {}
    for name, spans in versions.items():
        for span in spans:
            holders.setdefault(Span(span.start, span.end, span.label), set()).add(name)
    out: dict[Span, str] = {}
    for span, names in holders.items():
        if len(names) == n:
            out[span] = AGREE_ALL
        elif len(names) == 1 and not any(
                other.overlaps(span) for name, spans in versions.items() if name not in names
                for other in spans):
            out[span] = AGREE_ONE
        else:
            out[span] = AGREE_SOME
    return out


def initial_final(versions: Mapping[str, Sequence[Span]], min_agreement: int | None = None) -> list[Span]:
    """The final version a reviewer starts from: with three or more annotators, the spans at
    least k of them agree on (core/team/majority.py; k = min_agreement, None: a strict
    majority), offered pre-accepted; with fewer, the spans every annotator agrees on."""
    if len(versions) >= MIN_ANNOTATORS:
        return majority_version(versions, min_agreement).spans
    return sorted(s for s, kind in span_agreement(versions).items() if kind == AGREE_ALL)


# Scored rows by what they depend on (text, language, versions): the review asks again after
# every accept, and only documents whose versions changed are tokenized again. Workers (the
# review window's listing, the document order) and the GUI thread share it: one lock.
_ROWS: OrderedDict[tuple[Any, ...], DocumentDisagreement] = OrderedDict()
_ROWS_KEPT = 20_000
_ROWS_LOCK = threading.Lock()


def _scored(store: Store, doc_id: int, versions: Mapping[str, Sequence[Span]]) -> DocumentDisagreement:
    doc = store.documents.get_document(doc_id)
    key = (doc_id, doc.hash, store.settings.lang,
           tuple(sorted((name, tuple(sorted(sp.key() for sp in spans))) for name, spans in versions.items())))
    with _ROWS_LOCK:
        row = _ROWS.get(key)
        if row is not None:
            _ROWS.move_to_end(key)
            return row
    row = document_row(doc_id, doc.text, versions, tokenize(doc.text, store.settings.lang))  # outside the lock
    with _ROWS_LOCK:
        _ROWS[key] = row
        while len(_ROWS) > _ROWS_KEPT:
            _ROWS.popitem(last=False)
    return row


def disagreement_table(store: Store, *, answer: str = "accept") -> list[DocumentDisagreement]:
    """Documents with two or more versions that differ and, for "accept", those someone
    accepted and someone else rejected (reason "accept vs reject"), in the review's order
    (agreement.sort_disagreements: accept against reject first, then least agreement by the
    per-document score of core/team/agreement.py, 1 - alpha of its tokens)."""
    rows = accept_reject_rows(store) if answer == "accept" else []
    seen = {row.document_id for row in rows}
    for doc_id in store.gold.shared_document_ids(answer):
        if doc_id in seen:
            continue
        versions = versions_for(store, doc_id, answer)
        if len({frozenset(s.key() for s in spans) for spans in versions.values()}) < 2:
            continue  # every version the same: nothing to review
        rows.append(_scored(store, doc_id, versions))
    return sort_disagreements(rows)


def disputed_order(store: Store) -> list[int]:
    """The disputed documents (core/team/gold.py: unreviewed, accepted against rejected or
    accepted differently) in the review's order: the document list's "most disputed first"."""
    from annotator.core.team.gold import disputed_ids

    rows = []
    for doc_id in disputed_ids(store):
        annotations = store.annotations.annotations_for_document(doc_id)
        row = accept_reject_row(doc_id, store.documents.get_document(doc_id).text, annotations)
        if row is None:
            row = _scored(store, doc_id, {a.annotator: list(a.spans) for a in annotations if a.answer == "accept"})
        rows.append(row)
    return [row.document_id for row in sort_disagreements(rows)]


def documents_with_disagreement(store: Store, *, answer: str = "accept") -> list[tuple[int, float]]:
    """(document id, disagreement score) of every disputed document, most disputed first."""
    return [(d.document_id, d.score) for d in disagreement_table(store, answer=answer)]


def next_in_order(order: Sequence[int], after_doc_id: int | None, reviewed: set[int]) -> int | None:
    """The document after `after_doc_id` in `order` (the review's list), wrapping around and
    skipping `reviewed`; from a document not in the list, the first. None when none is left."""
    if after_doc_id in order:
        i = order.index(after_doc_id)
        order = [*order[i + 1:], *order[:i]]
    else:
        order = [d for d in order if d != after_doc_id]
    return next((doc_id for doc_id in order if doc_id not in reviewed), None)


def accept_review(store: Store, doc_id: int, reviewer: str, spans: Iterable[Span],
                  sources: Iterable[str]) -> Review:
    """Save the adjudicated version as the document's reviewed gold."""
    if not reviewer:
        raise ValueError("reviewer name must not be empty")
    return store.reviews.save_review(doc_id, reviewer, list(spans), sorted(set(sources)))
