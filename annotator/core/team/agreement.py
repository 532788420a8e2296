"""Inter-annotator agreement: pairwise span F1 (exact and partial overlap), token-level
Cohen's kappa over IOB tags, and a per-document disagreement table.

Only versions with the chosen answer (accepted, by default) are compared: a draft or a
rejection is not a claim about which entities the text contains.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

from annotator.core.text.model import Span
from annotator.core.text.tokens import Token, tokenize

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


# ---- token-level kappa ----------------------------------------------------------------
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


@dataclass
class KappaCounts:
    """Running tallies for Cohen's kappa, so a pair over many documents needs no tag lists."""

    n: int = 0
    agree: int = 0
    a: Counter = field(default_factory=Counter)
    b: Counter = field(default_factory=Counter)

    def add(self, tags_a: Sequence[str], tags_b: Sequence[str]) -> None:
        if len(tags_a) != len(tags_b):
            raise ValueError("tag sequences differ in length")
        self.n += len(tags_a)
        self.agree += sum(x == y for x, y in zip(tags_a, tags_b))
        self.a.update(tags_a)
        self.b.update(tags_b)

    @property
    def kappa(self) -> float | None:
        """(p_o - p_e) / (1 - p_e); None when chance agreement is total (e.g. both tagged
        every token O), where kappa is undefined."""
        if not self.n:
            return None
        observed = self.agree / self.n
        expected = sum(self.a[t] * self.b[t] for t in self.a) / (self.n * self.n)
        if expected >= 1.0:
            return None
        return (observed - expected) / (1 - expected)


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float | None:
    """Cohen's kappa of two equally long tag sequences (None when undefined)."""
    counts = KappaCounts()
    counts.add(a, b)
    return counts.kappa


# ---- per document -----------------------------------------------------------------------
def pairwise_f1(versions: Mapping[str, Sequence[Span]]) -> list[float]:
    """Exact F1 of every annotator pair on one document (two empty versions agree: 1.0)."""
    out = []
    for x, y in itertools.combinations(sorted(versions), 2):
        f1 = compare_spans(versions[x], versions[y]).f1
        out.append(1.0 if f1 is None else f1)
    return out


def disagreement_score(versions: Mapping[str, Sequence[Span]]) -> float:
    """1 - mean pairwise exact F1: 0 when all agree, 1 when no pair shares a span."""
    scores = pairwise_f1(versions)
    return 1.0 - sum(scores) / len(scores) if scores else 0.0


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
@dataclass
class PairAgreement:
    a: str
    b: str
    documents: int = 0
    counts: SpanComparison = field(default_factory=SpanComparison)
    labels: dict[str, SpanComparison] = field(default_factory=dict)
    tag_counts: KappaCounts = field(default_factory=KappaCounts, repr=False)

    @property
    def f1(self) -> float | None:
        return self.counts.f1

    @property
    def partial_f1(self) -> float | None:
        return self.counts.partial_f1

    @property
    def kappa(self) -> float | None:
        return self.tag_counts.kappa

    @property
    def tokens(self) -> int:
        return self.tag_counts.n

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "documents": self.documents, "f1": _round(self.f1),
                "partial_f1": _round(self.partial_f1), "kappa": _round(self.kappa),
                "tokens": self.tokens, "counts": self.counts.to_dict(),
                "per_label": {lab: c.to_dict() for lab, c in sorted(self.labels.items())}}


@dataclass(frozen=True)
class DocumentDisagreement:
    document_id: int
    preview: str
    annotators: tuple[str, ...]
    disputed: int
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.document_id, "preview": self.preview, "annotators": list(self.annotators),
                "disputed_spans": self.disputed, "score": _round(self.score)}


@dataclass
class AgreementReport:
    answer: str
    pairs: list[PairAgreement]
    documents: list[DocumentDisagreement]
    annotators: list[Any] = field(default_factory=list)  # core.quality.AnnotatorQuality

    def to_dict(self) -> dict[str, Any]:
        return {"answer": self.answer, "pairs": [p.to_dict() for p in self.pairs],
                "documents": [d.to_dict() for d in self.documents],
                "annotators": [a.to_dict() for a in self.annotators]}


def shared_document_ids(store: Store, answer: str = "accept") -> list[int]:
    """Documents that two or more annotators gave this answer, in id order."""
    return store.shared_document_ids(answer)


def versions_for(store: Store, doc_id: int, answer: str = "accept") -> dict[str, list[Span]]:
    """annotator -> spans of every version of this document with the given answer."""
    return {a.annotator: list(a.spans) for a in store.annotations_for_document(doc_id)
            if a.answer == answer}


def sort_disagreements(rows: Iterable[DocumentDisagreement]) -> list[DocumentDisagreement]:
    """Most contested first: by score, then number of disputed spans, then document id."""
    return sorted(rows, key=lambda d: (-d.score, -d.disputed, d.document_id))


def compute_agreement(store: Store, *, answer: str = "accept", quality: bool = True, kappa: bool = True,
                      on_progress: Callable[[int, int], None] | None = None) -> AgreementReport:
    """Pairwise figures over all documents both annotators gave `answer`, plus the
    per-document disagreement table (documents with two or more such versions) and, with
    `quality`, the per-annotator figures of core/learning/quality.py. kappa=False skips tokenizing
    (the kappa is then None): span figures only, for the window's live overview."""
    doc_ids = shared_document_ids(store, answer)
    pairs: dict[tuple[str, str], PairAgreement] = {}
    docs: list[DocumentDisagreement] = []
    lang = store.lang
    for n, doc_id in enumerate(doc_ids, 1):
        versions = versions_for(store, doc_id, answer)
        text = store.get_document(doc_id).text
        tokens = tokenize(text, lang) if kappa else []
        tags = {name: iob_tags(tokens, spans) for name, spans in versions.items()}
        for x, y in itertools.combinations(sorted(versions), 2):
            pair = pairs.setdefault((x, y), PairAgreement(x, y))
            pair.documents += 1
            pair.counts.add(compare_spans(versions[x], versions[y]))
            for lab, comp in per_label(versions[x], versions[y]).items():
                pair.labels.setdefault(lab, SpanComparison()).add(comp)
            pair.tag_counts.add(tags[x], tags[y])
        docs.append(DocumentDisagreement(doc_id, preview(text), tuple(sorted(versions)),
                                         disputed_spans(versions), disagreement_score(versions)))
        if on_progress:
            on_progress(n, len(doc_ids))
    report = AgreementReport(answer, [pairs[k] for k in sorted(pairs)], sort_disagreements(docs))
    if quality:
        from annotator.core.learning.quality import annotator_quality

        report.annotators = annotator_quality(store)
    return report


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
