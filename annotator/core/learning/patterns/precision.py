"""Each pattern's precision, measured from the decisions made on its suggestions.

The rules (README, "Patterns and term lists"):
- The window records, with each decision, the spans suggested when the document was opened
  with their sources (store/activity.py); pattern matches carry the source "pattern". Only
  accepted decisions count (a reject or a skip says nothing about which entities the text
  holds), the person's own and teammates' alike (their records come by merge and sync).
- A suggested pattern span was, in the version accepted: *kept* (the same start, end and
  label), *relabelled* (the same start and end, another label) or *removed* (no span with
  its start and end: taken away, or its boundaries moved). It is *shown* once per decision.
- It counts for every current pattern that, matched alone on the span's text, gives all of
  it with its label (two patterns that make the same suggestion share its fate).
- Precision = kept / shown. A pattern is flagged when it was shown at least `after` times
  (default 10) and its precision is below `below` (default 0.5); both are project settings,
  set in the Patterns window (`patterns list|remove --below F --after N` use others for one run).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.core.text.model import SOURCE_PATTERN
from annotator.core.learning.patterns.matcher import PatternMatcher
from annotator.core.learning.patterns.records import Pattern
from annotator.core.wording import count
from annotator.core.settings import PATTERNS_FLAG_AFTER, PATTERNS_FLAG_BELOW, settings

if TYPE_CHECKING:
    from annotator.core.store import Store

SETTING_BELOW = PATTERNS_FLAG_BELOW.name
SETTING_AFTER = PATTERNS_FLAG_AFTER.name


@dataclass(frozen=True)
class FlagRule:
    below: float = 0.5
    after: int = 10

    def describe(self) -> str:
        return f"precision below {self.below:g} after at least {count(self.after, 'showing')}"


def flag_rule(store: "Store") -> FlagRule:
    """The project's rule (defaults where unset or unreadable)."""
    default = FlagRule()
    below = settings(store).get(PATTERNS_FLAG_BELOW)
    after = settings(store).get(PATTERNS_FLAG_AFTER)
    below = default.below if below is None else below
    after = default.after if after is None else after
    return FlagRule(below, after) if 0 <= below <= 1 and after >= 1 else default


def save_flag_rule(store: "Store", rule: FlagRule) -> None:
    if not 0 <= rule.below <= 1 or rule.after < 1:
        raise ValueError("the flag rule needs a precision from 0 to 1 and at least 1 showing")
    with store.transaction():
        settings(store).set(PATTERNS_FLAG_BELOW, float(rule.below))
        settings(store).set(PATTERNS_FLAG_AFTER, int(rule.after))


@dataclass
class PatternFigures:
    pattern: Pattern
    shown: int = 0
    kept: int = 0
    relabelled: int = 0
    removed: int = 0

    @property
    def precision(self) -> float | None:
        return self.kept / self.shown if self.shown else None

    def flagged(self, rule: FlagRule) -> bool:
        return self.shown >= rule.after and (self.precision or 0.0) < rule.below

    def to_dict(self, rule: FlagRule) -> dict[str, Any]:
        p = self.pattern
        return {"id": p.id, "label": p.label, "pattern": p.pattern, "shown": self.shown, "kept": self.kept,
                "relabelled": self.relabelled, "removed": self.removed,
                "precision": None if self.precision is None else round(self.precision, 4),
                "flagged": self.flagged(rule)}


_CACHE_LOCK = threading.Lock()
_CACHE: dict[tuple[Any, ...], PatternMatcher] = {}


def matcher_for(store: "Store") -> PatternMatcher:
    """A matcher of the project's patterns, reused while they do not change (the overview
    recomputes after every decision; a 100,000-term list need not be rebuilt each time)."""
    key = (str(store.path), store.patterns.patterns_version(), store.settings.lang)
    with _CACHE_LOCK:
        if key in _CACHE:
            return _CACHE[key]
    matcher = PatternMatcher(store.patterns.all(), store.settings.lang)
    with _CACHE_LOCK:
        _CACHE.clear()
        _CACHE[key] = matcher
    return matcher


def pattern_figures(store: "Store", matcher: PatternMatcher | None = None) -> list[PatternFigures]:
    """Shown / kept / relabelled / removed for every current pattern, in the order added."""
    patterns = store.patterns.all() if matcher is None else matcher.patterns
    if not patterns:
        return []
    matcher = matcher or matcher_for(store)
    figures = {p.id: PatternFigures(p) for p in patterns}
    made_by: dict[tuple[str, str], list[Pattern]] = {}  # the same words recur: attributed once
    for _rid, text, suggested, decided in store.patterns.pattern_decisions():
        exact = {s.key() for s in decided}
        extents = {(s.start, s.end) for s in decided}
        for span in suggested:
            if span.source != SOURCE_PATTERN:
                continue
            outcome = ("kept" if span.key() in exact else
                       "relabelled" if (span.start, span.end) in extents else "removed")
            words = (text[span.start:span.end], span.label)
            if words not in made_by:
                made_by[words] = matcher.which(*words)
            for pattern in made_by[words]:
                row = figures.get(pattern.id)
                if row is not None:
                    row.shown += 1
                    setattr(row, outcome, getattr(row, outcome) + 1)
    return list(figures.values())


def flagged(figures: list[PatternFigures], rule: FlagRule) -> list[PatternFigures]:
    return [f for f in figures if f.flagged(rule)]
