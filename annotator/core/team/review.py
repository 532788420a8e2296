"""Adjudication logic behind the review view (Qt-free): which spans the annotators agree on,
the starting final version, and which documents need a reviewer most."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from annotator.core.team.agreement import (
    DocumentDisagreement, disagreement_score, disputed_spans, preview,
    sort_disagreements, versions_for,
)
from annotator.core.text.model import Review, Span

if TYPE_CHECKING:
    from annotator.core.store import Store

AGREE_ALL = "all"    # every annotator has exactly this span
AGREE_SOME = "some"  # contested: others have it too, or something overlapping it instead
AGREE_ONE = "one"    # only one annotator has it and nobody marked anything there
AGREEMENTS = (AGREE_ALL, AGREE_SOME, AGREE_ONE)


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


def initial_final(versions: Mapping[str, Sequence[Span]]) -> list[Span]:
    """The final version a reviewer starts from: the spans every annotator agrees on."""
    return sorted(s for s, kind in span_agreement(versions).items() if kind == AGREE_ALL)


def disagreement_table(store: Store, *, answer: str = "accept") -> list[DocumentDisagreement]:
    """Documents with two or more versions that differ, most disputed first."""
    rows = []
    for doc_id in store.shared_document_ids(answer):
        versions = versions_for(store, doc_id, answer)
        score = disagreement_score(versions)
        disputed = disputed_spans(versions)
        if score > 0 or disputed:
            rows.append(DocumentDisagreement(doc_id, preview(store.get_document(doc_id).text),
                                             tuple(sorted(versions)), disputed, score))
    return sort_disagreements(rows)


def documents_with_disagreement(store: Store, *, answer: str = "accept") -> list[tuple[int, float]]:
    """(document id, disagreement score) of every disputed document, most disputed first."""
    return [(d.document_id, d.score) for d in disagreement_table(store, answer=answer)]


def next_disputed(store: Store, after_doc_id: int | None = None, *, skip_reviewed: bool = True,
                  answer: str = "accept") -> int | None:
    """The disputed document after `after_doc_id` in most-disputed-first order, wrapping
    around; reviewed documents are skipped unless asked. None when nothing is left."""
    order = [doc_id for doc_id, _ in documents_with_disagreement(store, answer=answer)]
    if after_doc_id in order:
        i = order.index(after_doc_id)
        order = order[i + 1:] + order[:i]
    else:
        order = [d for d in order if d != after_doc_id]
    for doc_id in order:
        if not skip_reviewed or store.get_review(doc_id) is None:
            return doc_id
    return None


def accept_review(store: Store, doc_id: int, reviewer: str, spans: Iterable[Span],
                  sources: Iterable[str]) -> Review:
    """Save the adjudicated version as the document's reviewed gold."""
    if not reviewer:
        raise ValueError("reviewer name must not be empty")
    return store.save_review(doc_id, reviewer, list(spans), sorted(set(sources)))
