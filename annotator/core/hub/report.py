"""What a sync did, both ways (SyncReport)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from annotator.core.hub.pull import PullCounts
from annotator.core.wording import count

OUTCOMES = ("added", "updated", "history", "unchanged")


@dataclass
class SyncReport:
    """Counts both ways. Decision and review outcomes are the merge's: added, updated (newer
    than the other side's, which went to history), history (older: filed in history) and
    unchanged (the other side had it: nothing moved). Decision records (the window's seconds
    and suggestions at opening) are only ever added: added or unchanged."""

    hub: str
    annotator: str
    hub_id: str = ""
    pushed_documents: int = 0
    documents_already_on_hub: int = 0
    pushed_labels: int = 0
    pushed_decisions: Counter = field(default_factory=Counter)
    pushed_reviews: Counter = field(default_factory=Counter)
    kept_local_decisions: int = 0   # changed here under another annotator's name
    kept_local_reviews: int = 0     # by someone else, or we are not a reviewer on the hub
    pushed_decision_times: Counter = field(default_factory=Counter)
    kept_local_decision_times: int = 0  # records merged in under another annotator's name
    decision_times_waiting: int = 0     # ours, kept until the hub's schema can hold them
    pulled: PullCounts = field(default_factory=PullCounts)
    assigned: int = 0               # open assignments held now
    seconds: float = 0.0
    refused: Counter = field(default_factory=Counter)  # (kind, reason): ours, kept local: the hub refuses them
    warnings: list[str] = field(default_factory=list)  # said once (e.g. an unencrypted connection)

    @property
    def moved(self) -> int:
        """Rows that changed on either side (0 for a sync with nothing to do)."""
        changed = ("added", "updated", "history")
        return (self.pushed_documents + self.pushed_labels + self.pulled.documents + self.pulled.labels
                + sum(c[o] for c in (self.pushed_decisions, self.pushed_reviews,
                                     self.pulled.decisions, self.pulled.reviews) for o in changed)
                + self.pushed_decision_times["added"] + self.pulled.decision_times["added"])

    def to_dict(self) -> dict[str, Any]:
        def outcomes(c: Counter) -> dict[str, int]:
            return {o: c[o] for o in OUTCOMES}

        def records(c: Counter) -> dict[str, int]:
            return {o: c[o] for o in ("added", "unchanged")}

        p = self.pulled
        return {"hub": self.hub, "hub_id": self.hub_id, "annotator": self.annotator,
                "pushed": {"documents": self.pushed_documents,
                           "documents_already_on_hub": self.documents_already_on_hub,
                           "labels": self.pushed_labels, "decisions": outcomes(self.pushed_decisions),
                           "reviews": outcomes(self.pushed_reviews),
                           "decision_times": records(self.pushed_decision_times)},
                "kept_local": {"decisions": self.kept_local_decisions, "reviews": self.kept_local_reviews,
                               "decision_times": self.kept_local_decision_times,
                               "decision_times_waiting": self.decision_times_waiting},
                "pulled": {"documents": p.documents, "labels": p.labels,
                           "decisions": outcomes(p.decisions), "reviews": outcomes(p.reviews),
                           "decision_times": records(p.decision_times),
                           "rejected": p.rejected, "skipped": p.to_list()},
                "refused": [{"kind": kind, "reason": reason, "rows": n}
                            for (kind, reason), n in sorted(self.refused.items())],
                "warnings": self.warnings,
                "assigned": self.assigned, "moved": self.moved, "seconds": round(self.seconds, 3)}

    def lines(self) -> list[str]:
        def records(c: Counter) -> str:
            return (f"{count(c['added'], 'decision record')} (seconds, suggestions at opening), "
                    f"{c['unchanged']} already there")

        def few(c: Counter) -> str:
            return (f"{c['added']} added, {c['updated']} updated, {c['history']} to history, "
                    f"{c['unchanged']} already there")

        p = self.pulled
        out = [f"Synced {self.annotator} with {self.hub} in {self.seconds:.1f} s",
               f"  pushed: {count(self.pushed_documents, 'document')} ({self.documents_already_on_hub} "
               f"already on the hub), {count(self.pushed_labels, 'label')}",
               f"  pushed decisions: {few(self.pushed_decisions)}"]
        if sum(self.pushed_reviews.values()):
            out.append(f"  pushed reviews: {few(self.pushed_reviews)}")
        out.append(f"  pushed: {records(self.pushed_decision_times)}")
        if self.kept_local_decisions:
            out.append(f"  kept local: {count(self.kept_local_decisions, 'decision')} under other annotators' "
                       f"names (only {self.annotator}'s decisions are pushed)")
        if self.kept_local_decision_times:
            out.append(f"  kept local: {count(self.kept_local_decision_times, 'decision record')} under other "
                       f"annotators' names")
        if self.decision_times_waiting:
            out.append(f"  kept local: {count(self.decision_times_waiting, 'decision record')} until the hub's admin "
                       "runs `annotator hub init` again (this hub's schema cannot hold them yet)")
        if self.kept_local_reviews:
            out.append(f"  kept local: {count(self.kept_local_reviews, 'review')} (not {self.annotator}'s, or "
                       f"{self.annotator} is not a reviewer on this hub)")
        out.append(f"  pulled: {count(p.documents, 'document')}, {count(p.labels, 'label')}")
        out.append(f"  pulled decisions: {few(p.decisions)}")
        if sum(p.reviews.values()):
            out.append(f"  pulled reviews: {few(p.reviews)}")
        out.append(f"  pulled: {records(p.decision_times)}")
        out.extend(f"  {line}" for line in p.skip_lines())
        for (kind, reason), n in sorted(self.refused.items(), key=lambda kv: (-kv[1], kv[0]))[:5]:
            out.append(f"  kept local: {count(n, kind)} the hub refuses ({reason})")
        out.append(f"  assigned to {self.annotator}: {count(self.assigned, 'document')}")
        out.extend(f"  warning: {w}" for w in self.warnings)
        return out
