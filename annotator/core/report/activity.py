"""Figures from what the window records with each decision (store/activity.py): time per
document and the quality of the suggestions over time. Used by `stats --json`, the overview
and the report. The rules (README, "Overview and report"):

- Suggestion quality of a decision: only accepted decisions count (a reject or a skip says
  nothing about which entities the text holds). Its F1 is the exact-match F1 (start, end and
  label, agreement.compare_spans) of the spans suggested when the document was opened
  against the spans accepted; nothing suggested and nothing accepted is 1.0 (the suggester
  was right), nothing suggested and something accepted is 0.0.
- By source: a span learned from gold (★, source "gold") is "learned", a pattern's match (◆,
  source "pattern") is "patterns", any other suggested span (the model, imported
  predictions) is "model". Per source the figure is the share of
  its suggested spans accepted exactly (precision): the two sources suggest different spans
  of the same document, so an F1 of one source alone would count the other's spans as
  misses.
- Corrections of an accepted decision: the edits from the suggestions to the accepted spans,
  each counted once: a span added, a span removed, a boundary moved or a label changed
  (agreement.compare_spans: only_b + only_a + boundary + label).
- Unchanged (the rubber-stamp measure, one definition for `agreement`, `stats --json`, the
  report and the review window): an accepted decision is unchanged when the spans accepted
  are exactly the spans the window showed when the document was opened (start, end and
  label; from any source: the model, ★ learned from gold, propagated, imported
  predictions), i.e. it has no correction. Per annotator, each document counts once, by the
  latest decision recorded on it; the share is of their documents whose latest recorded
  decision is an accept. Decisions not made in the window (imported, made in another tool)
  have no record of what was shown: they are not compared, and an annotator with none has
  no share (None, shown "n/a").
- Rolling mean: over the last ROLLING (10) decisions in the order made (fewer at the start).
- Median seconds per document: over an annotator's timed decisions, all answers (a skip
  costs time too).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from annotator.core.team.agreement import compare_spans
from annotator.core.text.model import SOURCE_GOLD, SOURCE_PATTERN, Span, TimedDecision

if TYPE_CHECKING:
    from annotator.core.store import Store

ROLLING = 10
MODEL, LEARNED, PATTERNS = "model", "learned", "patterns"


def source_of(span: Span) -> str:
    return LEARNED if span.source == SOURCE_GOLD else PATTERNS if span.source == SOURCE_PATTERN else MODEL


@dataclass(frozen=True)
class SuggestionPoint:
    """One accepted decision: how its suggestions at opening compared with what was accepted."""

    annotator: str
    document: int
    decided: float
    seconds: float
    f1: float
    corrections: int
    suggested: int
    kept: dict[str, tuple[int, int]] = field(default_factory=dict)  # source -> (kept, suggested)

    def share_kept(self, source: str) -> float | None:
        kept, total = self.kept.get(source, (0, 0))
        return kept / total if total else None

    def to_dict(self) -> dict[str, Any]:
        return {"annotator": self.annotator, "document": self.document, "decided_at": iso_time(self.decided),
                "f1": round(self.f1, 4), "seconds": round(self.seconds, 1), "corrections": self.corrections,
                "suggested": self.suggested,
                "sources": {s: {"kept": k, "suggested": n} for s, (k, n) in sorted(self.kept.items())}}


def iso_time(timestamp: float) -> str:
    """Local time with its UTC offset, to the second (as the days of decisions_per_day)."""
    return datetime.fromtimestamp(timestamp).astimezone().isoformat(timespec="seconds")


def suggestion_point(rec: TimedDecision) -> SuggestionPoint | None:
    """The point of an accepted decision whose saved version is known; else None."""
    if rec.answer != "accept" or rec.decided_spans is None:
        return None
    comparison = compare_spans(rec.suggested, rec.decided_spans)
    f1 = comparison.f1
    accepted = {s.key() for s in rec.decided_spans}
    kept: dict[str, tuple[int, int]] = {}
    for span in rec.suggested:
        k, n = kept.get(source_of(span), (0, 0))
        kept[source_of(span)] = (k + (span.key() in accepted), n + 1)
    corrections = comparison.only_a + comparison.only_b + comparison.boundary + comparison.label
    return SuggestionPoint(rec.annotator, rec.document_id, rec.decided, rec.seconds,
                           1.0 if f1 is None else f1, corrections, len(rec.suggested), kept)


def suggestion_points(records: Iterable[TimedDecision]) -> list[SuggestionPoint]:
    """Points of the accepted decisions, in the order of the records (the order made)."""
    return [p for p in map(suggestion_point, records) if p is not None]


def is_unchanged(point: SuggestionPoint) -> bool:
    """The accepted spans are exactly what the window showed at opening (module rules)."""
    return point.corrections == 0


@dataclass(frozen=True)
class Unchanged:
    """An annotator's documents accepted unchanged, of those compared (module rules)."""

    unchanged: int = 0
    compared: int = 0

    @property
    def share(self) -> float | None:
        return self.unchanged / self.compared if self.compared else None


def unchanged_by_annotator(records: Iterable[TimedDecision]) -> dict[str, Unchanged]:
    """name -> Unchanged, over each annotator's latest recorded decision per document."""
    latest: dict[tuple[str, int], TimedDecision] = {}
    for rec in records:  # in the order made: the last one wins
        latest[(rec.annotator, rec.document_id)] = rec
    out: dict[str, Unchanged] = {}
    for (name, _doc), rec in sorted(latest.items()):
        point = suggestion_point(rec)
        if point is not None:
            before = out.get(name, Unchanged())
            out[name] = Unchanged(before.unchanged + is_unchanged(point), before.compared + 1)
    return out


def rolling_mean(values: Sequence[float], window: int = ROLLING) -> list[float]:
    """Trailing mean of the last `window` values at each position."""
    out, total = [], 0.0
    for i, value in enumerate(values):
        total += value
        if i >= window:
            total -= values[i - window]
        out.append(total / min(i + 1, window))
    return out


def median_seconds(records: Iterable[TimedDecision]) -> dict[str, float]:
    """Median active seconds per document, per annotator (by name)."""
    times: dict[str, list[float]] = {}
    for rec in records:
        times.setdefault(rec.annotator, []).append(rec.seconds)
    return {name: statistics.median(values) for name, values in sorted(times.items())}


def per_annotator(store: "Store", records: Sequence[TimedDecision] | None = None) -> dict[str, dict[str, Any]]:
    """`stats --json` "per_annotator": {name: {"decisions_per_day": {day: n},
    "median_seconds_per_document": s or None, "timed_decisions": n,
    "unchanged_from_suggestions": share or None, "unchanged_compared": n}} for everyone who
    decided something or has timed decisions (unchanged: see the module rules)."""
    records = store.activity.timed_decisions() if records is None else records
    days = store.activity.decisions_per_day()
    medians = median_seconds(records)
    unchanged = unchanged_by_annotator(records)
    timed: dict[str, int] = {}
    for rec in records:
        timed[rec.annotator] = timed.get(rec.annotator, 0) + 1
    return {name: {"decisions_per_day": days.get(name, {}),
                   "median_seconds_per_document": None if name not in medians else round(medians[name], 1),
                   "timed_decisions": timed.get(name, 0),
                   **_unchanged_dict(unchanged.get(name, Unchanged()))}
            for name in sorted(set(days) | set(medians))}


def _unchanged_dict(figure: Unchanged) -> dict[str, Any]:
    share = figure.share
    return {"unchanged_from_suggestions": None if share is None else round(share, 4),
            "unchanged_compared": figure.compared}
