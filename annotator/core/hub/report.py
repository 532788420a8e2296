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
    pushed_notes: Counter = field(default_factory=Counter)       # added / updated / unchanged
    pushed_guidelines: Counter = field(default_factory=Counter)  # as reviews
    kept_local_notes: int = 0           # notes merged in under another author's name
    kept_local_guidelines: int = 0      # not this reviewer's, or we are not a reviewer on the hub
    teamwork_waiting: int = 0           # notes and guidelines kept until the hub can hold them
    review_methods_dropped: int = 0     # reviews by majority/unanimous pushed to an older hub as plain
    pulled: PullCounts = field(default_factory=PullCounts)
    assigned: int = 0               # open assignments held now
    seconds: float = 0.0

    @property
    def moved(self) -> int:
        """Rows that changed on either side (0 for a sync with nothing to do)."""
        changed = ("added", "updated", "history")
        return (self.pushed_documents + self.pushed_labels + self.pulled.documents + self.pulled.labels
                + sum(c[o] for c in (self.pushed_decisions, self.pushed_reviews,
                                     self.pulled.decisions, self.pulled.reviews) for o in changed)
                + self.pushed_decision_times["added"] + self.pulled.decision_times["added"]
                + sum(c[o] for c in (self.pushed_notes, self.pushed_guidelines, self.pulled.notes,
                                     self.pulled.guidelines) for o in changed))

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
                           "decision_times": records(self.pushed_decision_times),
                           "notes": outcomes(self.pushed_notes), "guidelines": outcomes(self.pushed_guidelines)},
                "kept_local": {"decisions": self.kept_local_decisions, "reviews": self.kept_local_reviews,
                               "decision_times": self.kept_local_decision_times,
                               "decision_times_waiting": self.decision_times_waiting,
                               "notes": self.kept_local_notes, "guidelines": self.kept_local_guidelines,
                               "notes_and_guidelines_waiting": self.teamwork_waiting,
                               "review_methods_dropped": self.review_methods_dropped},
                "pulled": {"documents": p.documents, "labels": p.labels,
                           "decisions": outcomes(p.decisions), "reviews": outcomes(p.reviews),
                           "decision_times": records(p.decision_times),
                           "notes": outcomes(p.notes), "guidelines": outcomes(p.guidelines),
                           "rejected": p.rejected, "problems": p.problems},
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
        if sum(self.pushed_notes.values()) or sum(self.pushed_guidelines.values()):
            out.append(f"  pushed notes: {few(self.pushed_notes)}; guidelines: {few(self.pushed_guidelines)}")
        if self.kept_local_notes:
            out.append(f"  kept local: {count(self.kept_local_notes, 'note')} by other authors (only "
                       f"{self.annotator}'s notes are pushed)")
        if self.kept_local_guidelines:
            out.append(f"  kept local: {count(self.kept_local_guidelines, 'guideline change')} (only reviewers "
                       f"change the guidelines on the hub, and only their own are pushed)")
        if self.teamwork_waiting or self.review_methods_dropped:
            waiting = count(self.teamwork_waiting, "note or guideline change", "notes and guideline changes")
            dropped = count(self.review_methods_dropped, "review")
            out.append(f"  kept local: {waiting}; {dropped} by majority or unanimous went up as hand reviews: this "
                       "hub's schema is older, the admin runs `annotator hub init` again")
        if self.kept_local_reviews:
            out.append(f"  kept local: {count(self.kept_local_reviews, 'review')} (not {self.annotator}'s, or "
                       f"{self.annotator} is not a reviewer on this hub)")
        out.append(f"  pulled: {count(p.documents, 'document')}, {count(p.labels, 'label')}")
        out.append(f"  pulled decisions: {few(p.decisions)}")
        if sum(p.reviews.values()):
            out.append(f"  pulled reviews: {few(p.reviews)}")
        out.append(f"  pulled: {records(p.decision_times)}")
        if sum(p.notes.values()) or sum(p.guidelines.values()):
            out.append(f"  pulled notes: {few(p.notes)}; guidelines: {few(p.guidelines)}")
        if p.rejected:
            out.append(f"  not applied: {count(p.rejected, 'bad row')} from the hub, e.g. {p.problems[0]}")
        out.append(f"  assigned to {self.annotator}: {count(self.assigned, 'document')}")
        return out
