"""Patterns through the team hub (hub schema PATTERNS_VERSION; local migration 7).

- Push: a reviewer (or the hub's admin, its owner) pushes the pattern changes logged since
  the last push, additions and removals alike, each through hub.merge_pattern (for one
  pattern the newer change wins). An annotator's own pattern changes stay in their project
  and are counted: PostgreSQL's row-level security would refuse them, and the watermark waits,
  so they go up if the role becomes a reviewer.
- Pull: the hub's pattern rows written since the last pull, in the pull's snapshot and local
  transaction. Each is checked as a teammate's file's (a valid pattern whose key is its
  content, a finite time) and merged, newer wins; a bad one is skipped and counted with its
  teammate and reason among the pull's skipped rows (issue 29), the rest is applied.
- Pushes send only what the hub's CHECKs admit (hub/checks.py): a pattern under a label the
  label rule refuses stays local and is counted with its reason.
Its hub statements are hub_store.py's.
- A hub older than PATTERNS_VERSION has none: changes wait (counted) until `hub init`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import orjson

from annotator.core.text.admission import AdmissionError, admit_person, admit_time
from annotator.core.errors import AnnotatorError
from annotator.core.hub.hub_store import HubPattern, HubStore
from annotator.core.hub.pull import PullCounts
from annotator.core.learning.patterns.records import PatternError, check_pattern, dumps_pattern
from annotator.core.hub.schema import PATTERNS_VERSION
from annotator.core.store import Store
from annotator.core.text.labels import check_name
from annotator.core.wording import count

CHUNK = 500


@dataclass
class PatternCounts:
    pushed: Counter = field(default_factory=Counter)   # added / updated / unchanged
    pulled: Counter = field(default_factory=Counter)   # added / updated / unchanged
    kept_local: int = 0      # changes not pushed: not a reviewer on this hub
    waiting: int = 0         # the hub's schema cannot hold patterns yet

    @property
    def moved(self) -> int:
        return sum(c[o] for c in (self.pushed, self.pulled) for o in ("added", "updated"))

    def to_dict(self) -> dict[str, Any]:
        outcomes = ("added", "updated", "unchanged")
        return {"pushed": {o: self.pushed[o] for o in outcomes}, "pulled": {o: self.pulled[o] for o in outcomes},
                "kept_local": self.kept_local, "waiting": self.waiting}

    def lines(self, annotator: str) -> list[str]:
        out = []
        if sum(self.pushed.values()) or sum(self.pulled.values()):
            out.append(f"  patterns: pushed {self.pushed['added']} added, {self.pushed['updated']} updated; "
                       f"pulled {self.pulled['added']} added, {self.pulled['updated']} updated")
        if self.kept_local:
            out.append(f"  kept local: {count(self.kept_local, 'pattern change')} (only a reviewer may change the "
                       f"team's patterns; {annotator} is not one on this hub)")
        if self.waiting:
            out.append(f"  kept local: {count(self.waiting, 'pattern change')} until the hub's admin runs "
                       "`annotator hub init` again (this hub's schema cannot hold patterns yet)")
        return out


def may_change(hub: HubStore, is_reviewer: bool) -> bool:
    """A reviewer, or the hub's owner (the admin, whom row-level security does not bind)."""
    return is_reviewer or hub.owns_hub()


def push_patterns(run: Any) -> None:
    """The push step of a sync (`run`: core/hub/sync.py's _Run)."""
    store, state, counts = run.store, run.state, run.report.patterns
    if run.info.version < PATTERNS_VERSION:
        counts.waiting = store.patterns.count_changed_patterns(state.pushed_pattern_rev)
        return
    if not may_change(run.hub, run.info.is_reviewer):
        counts.kept_local = store.patterns.count_changed_patterns(state.pushed_pattern_rev)
        return
    done = 0
    while rows := store.patterns.changed_patterns(state.pushed_pattern_rev, CHUNK):
        params = []
        for _rev, key, label, pattern, _a, changed, removed in rows:
            try:
                check_name(label, strip=False)
                admit_time(changed, "changed")
                params.append((key, label, pattern, changed, bool(removed)))
            except (AnnotatorError, ValueError) as exc:
                run.report.refused[("pattern", str(exc))] += 1
        for outcome in run.send("pattern", "merge_pattern", params):
            counts.pushed[outcome] += 1
        store.sync.save_hub_state(state, pushed_pattern_rev=rows[-1][0])
        done += len(rows)
        run.progress(done, 0)


def pull_patterns(hub: HubStore, store: Store, lo: int, hi: int, counts: PatternCounts, pulled: PullCounts) -> None:
    """Inside the pull's snapshot (hub) and local transaction (store): merge the hub's
    pattern rows written with lo <= xid < hi; a bad one is skipped and counted in `pulled`."""
    for rows in hub.patterns(lo, hi):
        for row in rows:
            try:
                key, label, pattern, author, changed, removed = admit_pattern(row)
                counts.pulled[store.patterns.merge_pattern(key, label, pattern, author, changed, removed)] += 1
            except (AnnotatorError, PatternError, TypeError, ValueError) as exc:
                pulled.skip("pattern", row.author, str(exc), ("pattern", repr(row.key), repr(row.changed)))


def admit_pattern(row: HubPattern) -> tuple[str, str, str, str, float, bool]:
    """(key, label, pattern JSON, author, changed, removed) of a hub pattern, or an error."""
    if row.pattern is None:
        raise AdmissionError("the pattern is larger than the hub's limit")
    try:
        data = orjson.loads(row.pattern)
    except orjson.JSONDecodeError:
        raise AdmissionError("the pattern is not valid JSON") from None
    pattern = check_pattern(row.label, data)
    if pattern.key != row.key:
        raise AdmissionError("its key does not match its label and pattern")
    if type(row.removed) is not bool:
        raise AdmissionError("its removed flag is not true or false")
    return (row.key, pattern.label, dumps_pattern(pattern.pattern), admit_person(row.author, "author"),
            admit_time(row.changed, "changed"), row.removed)
