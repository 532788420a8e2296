"""Figures from what the window records with each decision (store/activity.py): time per
document and the quality of the suggestions over time. Used by `stats --json`, the overview
and the report. The rules (README, "Overview and report"):

- Suggestion quality of a decision: only accepted decisions count (a reject or a skip says
  nothing about which entities the text holds). Its F1 is the exact-match F1 (start, end and
  label, agreement.compare_spans) of the spans suggested when the document was opened
  against the spans accepted; nothing suggested and nothing accepted is 1.0 (the suggester
  was right), nothing suggested and something accepted is 0.0.
- By source: a span learned from gold (★, source "gold") is "learned", any other suggested
  span (the model, imported predictions) is "model". Per source the figure is the share of
  its suggested spans accepted exactly (precision): the two sources suggest different spans
  of the same document, so an F1 of one source alone would count the other's spans as
  misses.
- Corrections of an accepted decision: the edits from the suggestions to the accepted spans,
  each counted once: a span added, a span removed, a boundary moved or a label changed
  (agreement.compare_spans: only_b + only_a + boundary + label).
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
from annotator.core.text.model import SOURCE_GOLD, Span, TimedDecision

if TYPE_CHECKING:
    from annotator.core.store import Store

ROLLING = 10
MODEL, LEARNED = "model", "learned"


def source_of(span: Span) -> str:
    return LEARNED if span.source == SOURCE_GOLD else MODEL


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
    "median_seconds_per_document": s or None, "timed_decisions": n}} for everyone who decided
    something or has timed decisions."""
    records = store.timed_decisions() if records is None else records
    days = store.decisions_per_day()
    medians = median_seconds(records)
    timed: dict[str, int] = {}
    for rec in records:
        timed[rec.annotator] = timed.get(rec.annotator, 0) + 1
    return {name: {"decisions_per_day": days.get(name, {}),
                   "median_seconds_per_document": None if name not in medians else round(medians[name], 1),
                   "timed_decisions": timed.get(name, 0)}
            for name in sorted(set(days) | set(medians))}
