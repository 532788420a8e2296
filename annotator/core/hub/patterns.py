"""Patterns through the team hub (hub schema PATTERNS_VERSION; local migration 7).

- Push: a reviewer (or the hub's admin, its owner) pushes the pattern changes logged since
  the last push, additions and removals alike, each through hub.merge_pattern (for one
  pattern the newer change wins). An annotator's own pattern changes stay in their project
  and are counted: PostgreSQL's row-level security would refuse them, and the watermark waits,
  so they go up if the role becomes a reviewer.
- Pull: the hub's pattern rows written since the last pull, in the pull's snapshot and local
  transaction. Each is checked as a teammate's file's (a valid pattern whose key is its
  content) and merged, newer wins; a bad one is not applied, counted and named.
- A hub older than PATTERNS_VERSION has none: changes wait (counted) until `hub init`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import orjson

from annotator.core.learning.patterns.records import PatternError, check_pattern, dumps_pattern
from annotator.core.hub.schema import PATTERNS_VERSION
from annotator.core.store import Store
from annotator.core.wording import count

CHUNK = 500
_ROWS = "key, label, pattern, author, changed, removed"


@dataclass
class PatternCounts:
    pushed: Counter = field(default_factory=Counter)   # added / updated / unchanged
    pulled: Counter = field(default_factory=Counter)   # added / updated / unchanged
    kept_local: int = 0      # changes not pushed: not a reviewer on this hub
    waiting: int = 0         # the hub's schema cannot hold patterns yet
    rejected: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def moved(self) -> int:
        return sum(c[o] for c in (self.pushed, self.pulled) for o in ("added", "updated"))

    def to_dict(self) -> dict[str, Any]:
        outcomes = ("added", "updated", "unchanged")
        return {"pushed": {o: self.pushed[o] for o in outcomes}, "pulled": {o: self.pulled[o] for o in outcomes},
                "kept_local": self.kept_local, "waiting": self.waiting, "rejected": self.rejected,
                "problems": self.problems}

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
        if self.rejected:
            out.append(f"  not applied: {count(self.rejected, 'bad pattern')} from the hub, e.g. {self.problems[0]}")
        return out


def may_change(conn: Any, is_reviewer: bool) -> bool:
    """A reviewer, or the hub's owner (the admin, whom row-level security does not bind)."""
    if is_reviewer:
        return True
    row = conn.execute("SELECT nspowner::regrole::text = session_user FROM pg_namespace "
                       "WHERE nspname = 'hub'").fetchone()
    conn.commit()
    return bool(row and row[0])


def push_patterns(run: Any) -> None:
    """The push step of a sync (`run`: core/hub/sync.py's _Run)."""
    store, state, counts = run.store, run.state, run.report.patterns
    if run.info.version < PATTERNS_VERSION:
        counts.waiting = store.count_changed_patterns(state.pushed_pattern_rev)
        return
    if not may_change(run.conn, run.info.is_reviewer):
        counts.kept_local = store.count_changed_patterns(state.pushed_pattern_rev)
        return
    done = 0
    while rows := store.changed_patterns(state.pushed_pattern_rev, CHUNK):
        params = [(key, label, pattern, changed, bool(removed)) for _rev, key, label, pattern, _a, changed, removed
                  in rows]
        for outcome in run._merge_on_hub("merge_pattern", params):
            counts.pushed[outcome] += 1
        store.save_hub_state(state, pushed_pattern_rev=rows[-1][0])
        done += len(rows)
        run.progress("patterns", done, 0)


def pull_patterns(conn: Any, store: Store, lo: int, hi: int, version: int, counts: PatternCounts) -> None:
    """Inside the pull's snapshot (conn) and local transaction (store): merge the hub's
    pattern rows written with lo <= xid < hi."""
    if version < PATTERNS_VERSION:
        return
    cur = conn.cursor(name="pull_patterns")
    cur.execute(f"SELECT {_ROWS} FROM hub.patterns WHERE xid >= %s::text::xid8 AND xid < %s::text::xid8 "
                "ORDER BY key", (str(lo), str(hi)))
    while rows := cur.fetchmany(1000):
        for key, label, raw, author, changed, removed in rows:
            try:
                pattern = check_pattern(label, orjson.loads(raw))
                if pattern.key != key:
                    raise PatternError("its key does not match its label and pattern")
                counts.pulled[store.merge_pattern(key, pattern.label, dumps_pattern(pattern.pattern), author,
                                                  float(changed), bool(removed))] += 1
            except (PatternError, orjson.JSONDecodeError, TypeError, ValueError) as exc:
                counts.rejected += 1
                if len(counts.problems) < 10:
                    counts.problems.append(f"pattern {str(key)[:16]}: {exc}")
    cur.close()
