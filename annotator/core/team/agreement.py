"""Inter-annotator agreement built for spans, per annotator pair, per label and overall:

- exact F1: a span counts when start, end and label are the same;
- overlap F1: same label and overlapping extents count too (`partial_f1`);
- token-level Cohen's kappa: each token's IOB tag, on the documents both accepted;
- Krippendorff's alpha: nominal, the token as the unit, any number of annotators, missing
  ones allowed (core/team/alpha.py; "not defined" rather than 0 or 1 when nothing can be
  compared);

and a per-document score (document_score) that ranks the review's list.

Only versions with the chosen answer (accepted, by default) are compared: a draft or a
rejection is not a claim about which entities the text contains. The per-document table
also lists, for "accept", each document someone accepted and someone else rejected (reason
"accept vs reject", core/team/gold.py): it ranks first (sort_disagreements).
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from annotator.core.team.alpha import (
    NO_UNITS, Alpha, alpha_from_units, document_units, kappa_from_pairs, pair_units, project_pairs, project_units,
)
from annotator.core.team.gold import REASON_ACCEPT_REJECT, REASON_SPANS, dispute_reasons
from annotator.core.text.model import Annotation, Span
from annotator.core.text.tokens import Token, tokenize
from annotator.core.progress import Progress

if TYPE_CHECKING:
    from annotator.core.store import Store

PREVIEW_CHARS = 80


# ---- comparing two annotators' spans ------------------------------------------------
@dataclass
class SpanComparison:
    """How two versions of the same text(s) line up, span by span.

    Every span of A falls in exactly one of exact / boundary / label / only_a (same for B),
    so n_a = exact + boundary + label + only_a.
    """

    exact: int = 0      # same start, end and label
    boundary: int = 0   # overlap with the same label, different boundaries
    label: int = 0      # same boundaries, different label
    only_a: int = 0     # A's spans with no counterpart in B
    only_b: int = 0
    n_a: int = 0
    n_b: int = 0

    def add(self, other: "SpanComparison") -> None:
        for name in ("exact", "boundary", "label", "only_a", "only_b", "n_a", "n_b"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def f1(self) -> float | None:
        """Exact-match F1 (symmetric: A's precision is B's recall). None when neither has spans."""
        total = self.n_a + self.n_b
        return 2 * self.exact / total if total else None

    @property
    def partial_f1(self) -> float | None:
        """F1 where an overlapping span with the same label also counts as a match."""
        total = self.n_a + self.n_b
        return 2 * (self.exact + self.boundary) / total if total else None

    def to_dict(self) -> dict[str, Any]:
        return {"f1": _round(self.f1), "partial_f1": _round(self.partial_f1),
                "exact": self.exact, "boundary_only": self.boundary, "label_only": self.label,
                "only_a": self.only_a, "only_b": self.only_b, "spans_a": self.n_a, "spans_b": self.n_b}


def compare_spans(a: Iterable[Span], b: Iterable[Span]) -> SpanComparison:
    """Pair A's spans with B's one to one: exact matches first, then same boundaries with a
    different label, then same label with overlapping boundaries (largest overlap first)."""
    left = sorted(set(a))
    right = sorted(set(b))
    out = SpanComparison(n_a=len(left), n_b=len(right))
    right_keys = {s.key() for s in right}
    exact = {s.key() for s in left} & right_keys
    out.exact = len(exact)
    rest_a = [s for s in left if s.key() not in exact]
    rest_b = [s for s in right if s.key() not in exact]

    by_bounds = {(s.start, s.end): s for s in rest_b}
    still_a = []
    for s in rest_a:
        other = by_bounds.pop((s.start, s.end), None)
        if other is None:
            still_a.append(s)
        else:
            out.label += 1
    rest_b = list(by_bounds.values())

    candidates = sorted(
        ((min(x.end, y.end) - max(x.start, y.start), i, j)
         for i, x in enumerate(still_a) for j, y in enumerate(rest_b)
         if x.label == y.label and x.overlaps(y)),
        key=lambda c: (-c[0], c[1], c[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    for _, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            out.boundary += 1
    out.only_a = len(still_a) - len(used_a)
    out.only_b = len(rest_b) - len(used_b)
    return out


def per_label(a: Iterable[Span], b: Iterable[Span]) -> dict[str, SpanComparison]:
    """compare_spans restricted to each label either side uses."""
    a, b = list(a), list(b)
    labels = sorted({s.label for s in a} | {s.label for s in b})
    return {lab: compare_spans([s for s in a if s.label == lab], [s for s in b if s.label == lab])
            for lab in labels}


# ---- token-level tags ----------------------------------------------------------------
def iob_tags(tokens: Sequence[Token], spans: Iterable[Span]) -> list[str]:
    """B-LABEL / I-LABEL / O per token; a token is inside a span when it overlaps it."""
    ordered = sorted(spans)
    tags = []
    k = 0
    current: Span | None = None
    for tok in tokens:
        while k < len(ordered) and ordered[k].end <= tok.start:
            k += 1
        span = ordered[k] if k < len(ordered) and ordered[k].start < tok.end else None
        if span is None:
            tags.append("O")
        else:
            tags.append(("I-" if span is current else "B-") + span.label)
        current = span
    return tags


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float | None:
    """Cohen's kappa of two equally long tag sequences (None when undefined)."""
    if len(a) != len(b):
        raise ValueError("tag sequences differ in length")
    return kappa_from_pairs(Counter(zip(a, b))).value


# ---- per document -----------------------------------------------------------------------
def pairwise_f1(versions: Mapping[str, Sequence[Span]], *, overlap: bool = False) -> list[float]:
    """Exact (or overlap) F1 of every annotator pair on one document (two empty versions agree: 1.0)."""
    out = []
    for x, y in itertools.combinations(sorted(versions), 2):
        comp = compare_spans(versions[x], versions[y])
        f1 = comp.partial_f1 if overlap else comp.f1
        out.append(1.0 if f1 is None else f1)
    return out


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


@dataclass(frozen=True)
class DocumentScore:
    """How far a document's versions agree. `score` ranks the review's list and the document
    list's "most disputed first" (after the documents accepted by one and rejected by another:
    sort_disagreements): 1 - alpha of the document's tokens (any number of
    annotators; 0 = all agree, 1 = no better than chance, above 1 = worse than chance); when
    alpha is not defined there (everyone gave every token the same tag), 1 - mean pairwise
    exact F1, which is 0 unless spans differ inside a token."""

    score: float
    alpha: Alpha | None
    exact_f1: float | None
    overlap_f1: float | None


def document_score(versions: Mapping[str, Sequence[Span]], tokens: Sequence[Token] | None,
                   units: Mapping[tuple[str, ...], int] | None = None) -> DocumentScore:
    """The per-document score (tokens None: spans only, the F1 fallback; `units`: the
    document's document_units when already counted)."""
    exact, overlap = _mean(pairwise_f1(versions)), _mean(pairwise_f1(versions, overlap=True))
    if units is None and tokens is not None:
        units = document_units([iob_tags(tokens, v) for v in versions.values()])
    alpha = alpha_from_units(units) if units is not None and len(versions) >= 2 else None
    if alpha is not None and alpha.value is not None:
        return DocumentScore(1.0 - alpha.value, alpha, exact, overlap)
    return DocumentScore(0.0 if exact is None else 1.0 - exact, alpha, exact, overlap)


def disputed_spans(versions: Mapping[str, Sequence[Span]]) -> int:
    """Distinct spans (start, end, label) that not every annotator has."""
    keys = [{s.key() for s in spans} for spans in versions.values()]
    if not keys:
        return 0
    return len(set().union(*keys) - set.intersection(*keys))


def preview(text: str, limit: int = PREVIEW_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# ---- the whole project -------------------------------------------------------------------
@dataclass(frozen=True)
class PairDocument:
    """One document behind a pair's figures (the agreement panel lists them on a click)."""

    document_id: int
    exact_f1: float  # two empty versions agree: 1.0
    overlap_f1: float
    labels: frozenset[str]


def _measures(counts: SpanComparison, kappa: float | None, alpha: Alpha | None) -> dict[str, Any]:
    out = {"exact_f1": _round(counts.f1), "overlap_f1": _round(counts.partial_f1), "kappa": _round(kappa)}
    out.update(alpha.to_dict() if alpha is not None else {"alpha": None, "alpha_not_defined": NO_UNITS})
    return out


@dataclass
class PairAgreement:
    a: str
    b: str
    documents: int = 0
    counts: SpanComparison = field(default_factory=SpanComparison)
    labels: dict[str, SpanComparison] = field(default_factory=dict)
    tag_pairs: Counter = field(default_factory=Counter, repr=False)  # (tag of a, tag of b) -> tokens
    rows: list[PairDocument] = field(default_factory=list, repr=False)

    @property
    def f1(self) -> float | None:
        return self.counts.f1

    @property
    def partial_f1(self) -> float | None:
        return self.counts.partial_f1

    @property
    def kappa(self) -> float | None:
        return kappa_from_pairs(self.tag_pairs).value

    @property
    def alpha(self) -> Alpha:
        return alpha_from_units(pair_units(self.tag_pairs))

    @property
    def tokens(self) -> int:
        return sum(self.tag_pairs.values())

    def label_kappa(self, label: str) -> float | None:
        return kappa_from_pairs(project_pairs(self.tag_pairs, label)).value

    def label_alpha(self, label: str) -> Alpha:
        return alpha_from_units(pair_units(project_pairs(self.tag_pairs, label)))

    def to_dict(self) -> dict[str, Any]:
        out = {"a": self.a, "b": self.b, "documents": self.documents, "f1": _round(self.f1),
               "partial_f1": _round(self.partial_f1), **_measures(self.counts, self.kappa, self.alpha),
               "tokens": self.tokens, "counts": self.counts.to_dict()}
        out["per_label"] = {lab: {**c.to_dict(), **_measures(c, self.label_kappa(lab), self.label_alpha(lab))}
                            for lab, c in sorted(self.labels.items())}
        return out


@dataclass
class OverallAgreement:
    """Every annotator together: span F1 pooled over all pairs, kappa as the mean of the pairs'
    (Light's kappa), alpha over every token of every shared document (missing annotators left out)."""

    annotators: list[str] = field(default_factory=list)
    documents: int = 0
    counts: SpanComparison = field(default_factory=SpanComparison)
    labels: dict[str, SpanComparison] = field(default_factory=dict)
    units: Counter = field(default_factory=Counter, repr=False)  # a token's tags -> tokens
    pairs: list[PairAgreement] = field(default_factory=list, repr=False)

    @property
    def kappa(self) -> float | None:
        return _mean([k for k in (p.kappa for p in self.pairs) if k is not None])

    @property
    def alpha(self) -> Alpha:
        return alpha_from_units(self.units)

    def label_kappa(self, label: str) -> float | None:
        return _mean([k for k in (p.label_kappa(label) for p in self.pairs) if k is not None])

    def label_alpha(self, label: str) -> Alpha:
        return alpha_from_units(project_units(self.units, label))

    def to_dict(self) -> dict[str, Any]:
        return {"annotators": self.annotators, "documents": self.documents,
                **_measures(self.counts, self.kappa, self.alpha), "counts": self.counts.to_dict(),
                "per_label": {lab: {**c.to_dict(), **_measures(c, self.label_kappa(lab), self.label_alpha(lab))}
                              for lab, c in sorted(self.labels.items())}}


@dataclass(frozen=True)
class DocumentDisagreement:
    document_id: int
    preview: str
    annotators: tuple[str, ...]
    disputed: int
    score: float
    alpha: Alpha | None = None
    exact_f1: float | None = None
    overlap_f1: float | None = None
    reason: str = REASON_SPANS  # core/team/gold.py's dispute reasons, joined by ", "

    @property
    def accept_vs_reject(self) -> bool:
        return REASON_ACCEPT_REJECT in self.reason.split(", ")

    def to_dict(self) -> dict[str, Any]:
        out = {"id": self.document_id, "preview": self.preview, "annotators": list(self.annotators),
               "disputed_spans": self.disputed, "score": _round(self.score), "reason": self.reason,
               "exact_f1": _round(self.exact_f1), "overlap_f1": _round(self.overlap_f1)}
        out.update(self.alpha.to_dict() if self.alpha is not None else {"alpha": None})
        return out


def document_row(doc_id: int, text: str, versions: Mapping[str, Sequence[Span]],
                 tokens: Sequence[Token] | None, units: Mapping[tuple[str, ...], int] | None = None
                 ) -> DocumentDisagreement:
    scored = document_score(versions, tokens, units)
    return DocumentDisagreement(doc_id, preview(text), tuple(sorted(versions)), disputed_spans(versions),
                                scored.score, scored.alpha, scored.exact_f1, scored.overlap_f1)


def accept_reject_row(doc_id: int, text: str, annotations: Sequence[Annotation],
                      measured: DocumentDisagreement | None = None) -> DocumentDisagreement | None:
    """The row of a document someone accepted and someone else rejected (None otherwise).
    Its score is 1 and it ranks before every other (sort_disagreements): the team disagrees
    on whether the document belongs in the data at all. A rejecter counts as a version
    without spans, so every accepted span is a disputed one. Its reason also says when the
    accepted spans differ; `measured`: the accepted versions' own row, whose alpha and F1
    it keeps."""
    versions = {a.annotator: list(a.spans) for a in annotations if a.answer == "accept"}
    rejected = {a.annotator: [] for a in annotations if a.answer == "reject"}
    if not versions or not rejected:
        return None
    both = {**versions, **rejected}
    return DocumentDisagreement(doc_id, preview(text), tuple(sorted(both)), disputed_spans(both), 1.0,
                                measured.alpha if measured else None, measured.exact_f1 if measured else None,
                                measured.overlap_f1 if measured else None,
                                ", ".join(dispute_reasons(annotations, None)))


def accept_reject_rows(store: Store, measured: Mapping[int, DocumentDisagreement] | None = None
                       ) -> list[DocumentDisagreement]:
    """accept_reject_row of every document both accepted and rejected, in id order."""
    rows = []
    for doc_id in store.gold.accepted_and_rejected_ids():
        row = accept_reject_row(doc_id, store.documents.get_document(doc_id).text, store.annotations.annotations_for_document(doc_id),
                                (measured or {}).get(doc_id))
        if row is not None:
            rows.append(row)
    return rows


@dataclass
class AgreementReport:
    answer: str
    pairs: list[PairAgreement]
    documents: list[DocumentDisagreement]
    annotators: list[Any] = field(default_factory=list)  # core.quality.AnnotatorQuality
    overall: OverallAgreement = field(default_factory=OverallAgreement)

    def to_dict(self) -> dict[str, Any]:
        return {"answer": self.answer, "overall": self.overall.to_dict(),
                "pairs": [p.to_dict() for p in self.pairs],
                "documents": [d.to_dict() for d in self.documents],
                "annotators": [a.to_dict() for a in self.annotators]}

    def documents_behind(self, pair: tuple[str, str] | None = None, label: str | None = None) -> list[int]:
        """The documents behind a figure, least agreement first: a pair's (None: every shared
        document), narrowed to those where either side used `label`."""
        if pair is None:
            rank = [d.document_id for d in self.documents]
            if label is None:
                return rank
            used = {r.document_id for p in self.pairs for r in p.rows if label in r.labels}
            return [d for d in rank if d in used]
        found = next((p for p in self.pairs if (p.a, p.b) == pair), None)
        rows = [r for r in (found.rows if found else []) if label is None or label in r.labels]
        return [r.document_id for r in sorted(rows, key=lambda r: (r.overlap_f1, r.exact_f1, r.document_id))]


def shared_document_ids(store: Store, answer: str = "accept") -> list[int]:
    """Documents that two or more annotators gave this answer, in id order."""
    return store.gold.shared_document_ids(answer)


def versions_for(store: Store, doc_id: int, answer: str = "accept") -> dict[str, list[Span]]:
    """annotator -> spans of every version of this document with the given answer."""
    return {a.annotator: list(a.spans) for a in store.annotations.annotations_for_document(doc_id)
            if a.answer == answer}


def sort_disagreements(rows: Iterable[DocumentDisagreement]) -> list[DocumentDisagreement]:
    """The review's order, the one rule for "most disputed first": accept against reject
    first (whether the document belongs at all), then least agreement (highest score: 1 -
    alpha can pass 1), then more disputed spans, then document id."""
    return sorted(rows, key=lambda d: (not d.accept_vs_reject, -d.score, -d.disputed, d.document_id))


def compute_agreement(store: Store, *, answer: str = "accept", kappa: bool = True,
                      on_progress: Progress | None = None) -> AgreementReport:
    """Pairwise and overall figures over all documents two or more annotators gave `answer`,
    and the per-document table (documents with two or more such versions, and for "accept"
    those someone accepted and someone else rejected: accept_reject_row);
    core/learning/quality.py agreement_report adds the per-annotator figures. kappa=False
    skips tokenizing (kappa and alpha are then not computed, documents are scored on spans):
    span figures only, for the window's live overview."""
    doc_ids = shared_document_ids(store, answer)
    pairs: dict[tuple[str, str], PairAgreement] = {}
    overall = OverallAgreement()
    docs: list[DocumentDisagreement] = []
    lang = store.settings.lang
    for n, doc_id in enumerate(doc_ids, 1):
        versions = versions_for(store, doc_id, answer)
        text = store.documents.get_document(doc_id).text
        tokens = tokenize(text, lang) if kappa else None
        tags = {name: iob_tags(tokens, spans) for name, spans in versions.items()} if tokens is not None else {}
        for x, y in itertools.combinations(sorted(versions), 2):
            pair = pairs.setdefault((x, y), PairAgreement(x, y))
            pair.documents += 1
            comp = compare_spans(versions[x], versions[y])
            pair.counts.add(comp)
            overall.counts.add(comp)
            for lab, c in per_label(versions[x], versions[y]).items():
                pair.labels.setdefault(lab, SpanComparison()).add(c)
                overall.labels.setdefault(lab, SpanComparison()).add(c)
            if tags:
                pair.tag_pairs.update(zip(tags[x], tags[y]))
            used = frozenset(s.label for s in (*versions[x], *versions[y]))
            pair.rows.append(PairDocument(doc_id, _one(comp.f1), _one(comp.partial_f1), used))
        units = document_units(list(tags.values())) if tags else None
        if units:
            overall.units.update(units)
        overall.documents += 1
        docs.append(document_row(doc_id, text, versions, tokens, units))
        if on_progress:
            on_progress(n, len(doc_ids))
    if answer == "accept":  # accept against reject is a disagreement too (core/team/gold.py)
        extra = {row.document_id: row for row in accept_reject_rows(store, {d.document_id: d for d in docs})}
        docs = [d for d in docs if d.document_id not in extra] + list(extra.values())
    report = AgreementReport(answer, [pairs[k] for k in sorted(pairs)], sort_disagreements(docs))
    overall.pairs = report.pairs
    overall.annotators = sorted({name for p in report.pairs for name in (p.a, p.b)})
    report.overall = overall
    return report


def _one(value: float | None) -> float:
    """A pair's F1 on one document: two empty versions agree."""
    return 1.0 if value is None else value


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
