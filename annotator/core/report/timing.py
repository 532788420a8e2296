"""Time per document: the active time from opening a document to its decision.

The rule (README, "Overview and report"): the clock starts when a document is opened and
stops at its decision; every input (a key, a click, the wheel, a drag) on the window marks
the person as present. A gap between two marks (opening and decision count as marks) counts
in full when it is at most IDLE_LIMIT_S (60 s) long, and not at all when it is longer: the
person was away, and the whole pause is left out, as time trackers do. A document re-opened
before its decision keeps its clock. No record exceeds MAX_SECONDS (a day).
"""

from __future__ import annotations

import math
import time
from typing import Callable

IDLE_LIMIT_S = 60.0
MAX_SECONDS = 86_400.0


def check_seconds(seconds: float) -> float:
    """A recorded time: finite, 0 to MAX_SECONDS; ValueError otherwise."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds):
        raise ValueError(f"seconds must be a finite number, not {seconds!r}")
    if not 0 <= seconds <= MAX_SECONDS:
        raise ValueError(f"seconds must be between 0 and {MAX_SECONDS:.0f}, not {seconds}")
    return float(seconds)


class ActivityClock:
    """Active seconds on one document. `now` is injectable for tests (monotonic seconds)."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._last = now()
        self._active = 0.0

    def touch(self) -> None:
        """An input: the gap since the last mark counts if the person was not away."""
        t = self._now()
        gap = t - self._last
        if 0 < gap <= IDLE_LIMIT_S:
            self._active += gap
        self._last = t

    def seconds(self) -> float:
        """Active seconds so far (the decision is a mark: the gap up to now counts if short)."""
        self.touch()
        return min(self._active, MAX_SECONDS)
