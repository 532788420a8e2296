"""The numbers behind the overview's six charts and the report's tables (no plotting here:
core/report/charts.py draws them; the window and `annotator report` show the same figures).

1. progress: current decisions per annotator per local day; documents with team gold
   (reviewed or unanimous), disputed, decided without an accept (rejected or skipped by all
   who decided), and not decided yet (core/team/gold.py is the policy).
2. gold: spans per label and spans per document over the team gold (iter_gold).
3. agreement: pairwise exact-span F1 of accepted versions (core/team/agreement.py) as an
   annotator x annotator matrix, and per label pooled over every pair.
4. suggestions: per accepted decision made in the window, F1 of the suggestions at opening
   against the accepted spans, in the order decided, with a rolling mean (core/report/activity.py).
5. learning curve: the newest recorded `train-curve` result (held-out F1 against the share
   of the training gold used; the base model's as the 0 point).
6. time: median active seconds per document per annotator, and seconds against corrections.

Beside the charts, a table: each pattern's precision (core/learning/patterns/precision.py),
the flagged ones first, then the most shown (at most PATTERN_ROWS rows).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from annotator.core.report.activity import (
    LEARNED, MODEL, PATTERNS, SuggestionPoint, median_seconds, rolling_mean, suggestion_points,
)
from annotator.core.team.agreement import AgreementReport, SpanComparison, compute_agreement
from annotator.core.team.gold import GoldSummary, iter_gold
from annotator.core.learning.quality import agreement_report
from annotator.core.report.stats import project_stats

if TYPE_CHECKING:
    from annotator.core.learning.patterns.precision import FlagRule, PatternFigures
    from annotator.core.store import Store

PATTERN_ROWS = 200


@dataclass
class Progress:
    days: list[str]                       # local days (YYYY-MM-DD) with decisions, in order
    per_annotator: dict[str, list[int]]   # name -> decisions on each of `days`
    total: int = 0
    gold: int = 0
    disputed: int = 0
    decided_without_accept: int = 0

    @property
    def remaining(self) -> int:
        return max(0, self.total - self.gold - self.disputed - self.decided_without_accept)


@dataclass
class GoldFigures:
    labels: dict[str, int]                # gold spans per label: the project's labels in order
    spans_per_document: list[int]         # one entry per gold document
    label_colors: dict[str, str] = field(default_factory=dict)


@dataclass
class AgreementFigures:
    annotators: list[str]
    f1: list[list[float | None]]          # [i][j]: pairwise F1 (diagonal None), symmetric
    documents: list[list[int]]            # [i][j]: documents both accepted
    per_label: dict[str, float | None]    # pooled over every pair
    report: AgreementReport | None = None


@dataclass
class SuggestionFigures:
    points: list[SuggestionPoint]         # accepted decisions, in the order decided
    rolling: list[float]                  # rolling mean of the points' F1
    by_source: dict[str, list[tuple[int, float]]]  # source -> (decision number, rolling share kept)

    @property
    def split(self) -> bool:
        """Two or more sources suggested something: the chart shows them apart."""
        return len(self.by_source) >= 2


@dataclass
class CurveFigures:
    trained: list[tuple[float, float]]    # (share of the training gold, held-out F1)
    base: float | None                    # the base model's held-out F1 (fine-tuning only)
    dev_docs: int
    created: float
    settings: dict[str, Any]


@dataclass
class TimeFigures:
    median_seconds: dict[str, float]      # annotator -> median seconds per document
    decisions: dict[str, int]             # annotator -> timed decisions
    scatter: list[tuple[str, int, float]]  # (annotator, corrections, seconds) per accepted decision


@dataclass
class Overview:
    progress: Progress
    gold: GoldFigures
    agreement: AgreementFigures
    suggestions: SuggestionFigures
    curve: CurveFigures | None
    time: TimeFigures
    stats: dict[str, Any]
    project: str
    generated: float
    guidelines: list[Any] = field(default_factory=list)      # text.model.Guideline: the project's, then labels'
    review_methods: dict[str, int] = field(default_factory=dict)  # reviewed documents by how decided
    patterns: PatternTable | None = None


@dataclass
class PatternTable:
    rows: list[PatternFigures]            # flagged first (lowest precision), then most shown
    total: int                            # patterns in the project
    flagged: int
    rule: FlagRule


def pattern_table(store: "Store") -> PatternTable | None:
    """None when the project has no patterns."""
    from annotator.core.learning.patterns.precision import flag_rule, pattern_figures

    figures = pattern_figures(store)
    if not figures:
        return None
    rule = flag_rule(store)
    figures.sort(key=lambda f: (not f.flagged(rule), f.precision if f.flagged(rule) else 0.0, -f.shown,
                                f.pattern.id or 0))
    return PatternTable(figures[:PATTERN_ROWS], len(figures), sum(f.flagged(rule) for f in figures), rule)


def progress_figures(store: "Store") -> Progress:
    per_day = store.activity.decisions_per_day()
    days = sorted({day for counts in per_day.values() for day in counts})
    return Progress(days, {name: [counts.get(day, 0) for day in days] for name, counts in sorted(per_day.items())},
                    total=store.documents.count_documents(),
                    decided_without_accept=store.activity.count_decided_without_accept())


def gold_figures(store: "Store", progress: Progress) -> GoldFigures:
    """One pass over the gold; also fills progress.gold and progress.disputed."""
    labels = {label.name: 0 for label in store.labels.all()}
    colors = {label.name: label.color for label in store.labels.all()}
    per_doc: list[int] = []
    summary = GoldSummary()
    for _doc, gold in iter_gold(store, summary=summary):
        per_doc.append(len(gold.spans))
        for span in gold.spans:
            labels[span.label] = labels.get(span.label, 0) + 1
    progress.gold = summary.reviewed + summary.unanimous
    progress.disputed = len(summary.disputed or [])
    return GoldFigures(labels, per_doc, colors)


def agreement_figures(report: AgreementReport) -> AgreementFigures:
    names = sorted({p.a for p in report.pairs} | {p.b for p in report.pairs})
    index = {name: i for i, name in enumerate(names)}
    f1: list[list[float | None]] = [[None] * len(names) for _ in names]
    docs = [[0] * len(names) for _ in names]
    pooled: dict[str, SpanComparison] = {}
    for pair in report.pairs:
        i, j = index[pair.a], index[pair.b]
        f1[i][j] = f1[j][i] = pair.f1
        docs[i][j] = docs[j][i] = pair.documents
        for label, comparison in pair.labels.items():
            pooled.setdefault(label, SpanComparison()).add(comparison)
    return AgreementFigures(names, f1, docs, {label: c.f1 for label, c in sorted(pooled.items())}, report)


def suggestion_figures(points: list[SuggestionPoint]) -> SuggestionFigures:
    by_source: dict[str, list[tuple[int, float]]] = {}
    for source in (MODEL, PATTERNS, LEARNED):
        series = [(n, share) for n, p in enumerate(points, 1) if (share := p.share_kept(source)) is not None]
        if series:
            smooth = rolling_mean([share for _, share in series])
            by_source[source] = [(n, value) for (n, _), value in zip(series, smooth)]
    return SuggestionFigures(points, rolling_mean([p.f1 for p in points]), by_source)


def curve_figures(recorded: dict[str, Any] | None) -> CurveFigures | None:
    """The recorded curve, read defensively (it is JSON in the project file)."""
    if not recorded or not isinstance(recorded.get("points"), list):
        return None
    trained, base, dev = [], None, 0
    for row in recorded["points"]:
        if not isinstance(row, dict) or not isinstance(row.get("f1"), (int, float)):
            continue
        fraction = row.get("fraction")
        if not isinstance(fraction, (int, float)):
            continue
        dev = int(row.get("dev_docs") or dev) if isinstance(row.get("dev_docs"), int) else dev
        if fraction == 0:
            base = float(row["f1"])
        else:
            trained.append((float(fraction), float(row["f1"])))
    if not trained:
        return None
    settings = recorded.get("settings") if isinstance(recorded.get("settings"), dict) else {}
    return CurveFigures(sorted(trained), base, dev, float(recorded.get("created") or 0), settings)


def time_figures(records: list[Any], points: list[SuggestionPoint]) -> TimeFigures:
    decisions: dict[str, int] = {}
    for rec in records:
        decisions[rec.annotator] = decisions.get(rec.annotator, 0) + 1
    return TimeFigures(median_seconds(records), decisions,
                       [(p.annotator, p.corrections, p.seconds) for p in points])


def compute_overview(store: "Store", *, detail: bool = True,
                     on_step: Callable[[str], None] | None = None) -> Overview:
    """Everything the overview and the report show, from one store (a worker opens its own).
    detail=False leaves out what only the report's tables show (token kappa, which tokenizes
    every shared document, and the per-annotator quality): the window's live charts."""
    def step(what: str) -> None:
        if on_step is not None:
            on_step(what)

    step("progress")
    progress = progress_figures(store)
    gold = gold_figures(store, progress)
    step("agreement")
    agreement = agreement_figures(agreement_report(store) if detail else compute_agreement(store, kappa=False))
    step("suggestions")
    records = store.activity.timed_decisions()
    points = suggestion_points(records)
    step("patterns")
    patterns = pattern_table(store)
    step("statistics")
    labels = set(store.labels.label_names())
    return Overview(progress, gold, agreement, suggestion_figures(points),
                    curve_figures(store.activity.latest_learning_curve()), time_figures(records, points),
                    project_stats(store, records, points), str(store.path), time.time(),
                    [g for g in store.guidelines.all() if not g.subject or g.subject in labels], store.reviews.review_methods(),
                    patterns)
