"""What a sync did, both ways (SyncReport)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from annotator.core.hub.patterns import PatternCounts
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
    kept_local_reviews: int = 0     # changed here under another reviewer's name
    reviews_waiting_for_role: int = 0  # ours, kept until our role is a reviewer on the hub
    pushed_decision_times: Counter = field(default_factory=Counter)
    kept_local_decision_times: int = 0  # records merged in under another annotator's name
    decision_times_waiting: int = 0     # ours, kept until the hub's schema can hold them
    pushed_notes: Counter = field(default_factory=Counter)       # added / updated / unchanged
    pushed_guidelines: Counter = field(default_factory=Counter)  # as reviews
    kept_local_notes: int = 0           # notes merged in under another author's name
    kept_local_guidelines: int = 0      # not this reviewer's, or we are not a reviewer on the hub
    teamwork_waiting: int = 0           # notes and guidelines kept until the hub can hold them
    review_methods_dropped: int = 0     # reviews by majority/unanimous pushed to an older hub as plain
    kept_local_samples: int = 0     # bundled sample articles in this project: never pushed
    sample_work: int = 0            # decisions, reviews and notes on them, kept too
    kept_names: dict[str, set[str]] = field(default_factory=dict)  # kind -> the other names kept
    pulled: PullCounts = field(default_factory=PullCounts)
    assigned: int = 0               # open assignments held now
    assigned_received: int = 0      # of them, documents this sync brought into the project
    released: int | None = None     # given back to the queue (sync --give-back), else None
    seconds: float = 0.0
    patterns: PatternCounts = field(default_factory=PatternCounts)  # both ways (core/hub/patterns.py)
    refused: Counter = field(default_factory=Counter)  # (kind, reason): ours, kept local: the hub refuses them
    warnings: list[str] = field(default_factory=list)  # said once (e.g. an unencrypted connection)

    @property
    def moved(self) -> int:
        """Rows that changed on either side (0 for a sync with nothing to do)."""
        changed = ("added", "updated", "history")
        return (self.pushed_documents + self.pushed_labels + self.pulled.documents + self.pulled.labels
                + sum(c[o] for c in (self.pushed_decisions, self.pushed_reviews,
                                     self.pulled.decisions, self.pulled.reviews) for o in changed)
                + self.pushed_decision_times["added"] + self.pulled.decision_times["added"] + self.patterns.moved
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
                               "reviews_waiting_for_role": self.reviews_waiting_for_role,
                               "decision_times": self.kept_local_decision_times,
                               "decision_times_waiting": self.decision_times_waiting,
                               "notes": self.kept_local_notes, "guidelines": self.kept_local_guidelines,
                               "notes_and_guidelines_waiting": self.teamwork_waiting,
                               "review_methods_dropped": self.review_methods_dropped,
                               "samples": self.kept_local_samples, "sample_work": self.sample_work,
                               "other_names": {k: sorted(v) for k, v in sorted(self.kept_names.items()) if v}},
                "pulled": {"documents": p.documents, "labels": p.labels,
                           "decisions": outcomes(p.decisions), "reviews": outcomes(p.reviews),
                           "decision_times": records(p.decision_times),
                           "notes": outcomes(p.notes), "guidelines": outcomes(p.guidelines),
                           "rejected": p.rejected, "skipped": p.to_list()},
                "patterns": self.patterns.to_dict(),
                "refused": [{"kind": kind, "reason": reason, "rows": n}
                            for (kind, reason), n in sorted(self.refused.items())],
                "warnings": self.warnings,
                "assigned": self.assigned, "assigned_received": self.assigned_received, "released": self.released,
                "moved": self.moved, "seconds": round(self.seconds, 3)}

    def lines(self) -> list[str]:
        """The report in words whose numbers add up: what was sent, what came back (echoes of
        what this project sent are not counted again), what stayed here and why, and the
        assignments held with where they are."""
        p, me = self.pulled, self.annotator
        already = f" ({self.documents_already_on_hub:,} already there)" if self.documents_already_on_hub else ""
        out = [f"Synced {me} with {self.hub} in {self.seconds:.1f} s",
               f"  documents: {self.pushed_documents:,} sent to the hub{already}; {p.documents:,} received"]
        if self.pushed_labels or p.labels:
            out.append(f"  labels: {self.pushed_labels:,} sent; {p.labels:,} received")
        out.append(f"  your work sent: {_sent(self.pushed_decisions, 'decision')}, "
                   f"{_sent(self.pushed_reviews, 'review')}, {_sent(self.pushed_decision_times, 'decision record')}")
        out.append(f"  received from the hub: {_received(p.decisions, 'decision')}, "
                   f"{_received(p.reviews, 'review')}, {_received(p.decision_times, 'decision record')}")
        if sum(self.pushed_notes.values()) or sum(self.pushed_guidelines.values()) \
                or sum(p.notes.values()) or sum(p.guidelines.values()):
            out.append(f"  notes and guidelines: {_sent(self.pushed_notes, 'note')} and "
                       f"{_sent(self.pushed_guidelines, 'guideline change')} sent; {_received(p.notes, 'note')} and "
                       f"{_received(p.guidelines, 'guideline change')} received")
        out += self._kept_lines()
        out.extend(f"  {line}" for line in p.skip_lines())
        for (kind, reason), n in sorted(self.refused.items(), key=lambda kv: (-kv[1], kv[0]))[:5]:
            out.append(f"  kept in this project: {count(n, kind)} the hub refuses ({reason})")
        out.extend(self.patterns.lines(self.annotator))
        held = self.assigned - self.assigned_received
        if self.released is not None:
            out.append(f"  given back to the team's queue: {count(self.released, 'undecided document')}; "
                       "none assigned to you now")
        else:
            out.append(f"  assigned to you: {count(self.assigned, 'document')} ({self.assigned_received:,} received "
                       f"now, {held:,} already in your project)")
        out.extend(f"  warning: {w}" for w in self.warnings)
        return out

    def _kept_lines(self) -> list[str]:
        me, out = self.annotator, []
        if self.kept_local_samples:
            work = count(self.sample_work, "decision, review or note", "decisions, reviews and notes")
            on_them = f", with the {work} on them" if self.sample_work else ""
            out.append(f"  {count(self.kept_local_samples, 'sample article')} kept in this project (the bundled "
                       f"examples never go to a hub){on_them}")
        for kind, number, noun in (("decisions", self.kept_local_decisions, "decision"),
                                   ("reviews", self.kept_local_reviews, "review"),
                                   ("decision records", self.kept_local_decision_times, "decision record"),
                                   ("notes", self.kept_local_notes, "note")):
            if number:
                names = ", ".join(sorted(self.kept_names.get(kind, ())))
                out.append(f"  kept in this project: {count(number, noun)} by other names ({names}): only "
                           f"{me}'s work is sent")
        if self.reviews_waiting_for_role:
            out.append(f"  kept in this project: {count(self.reviews_waiting_for_role, 'review')} by {me}: {me} is "
                       f"not a reviewer on this hub (its admin can run `annotator hub add-annotator URL {me} "
                       "--reviewer`; they go up at the next sync after that)")
        if self.decision_times_waiting:
            out.append(f"  kept in this project: {count(self.decision_times_waiting, 'decision record')} until the "
                       "hub's admin runs `annotator hub init` again (this hub's schema cannot hold them yet)")
        if self.kept_local_guidelines:
            out.append(f"  kept in this project: {count(self.kept_local_guidelines, 'guideline change')}: only "
                       "reviewers change the guidelines on the hub, and only their own are sent")
        if self.teamwork_waiting:
            waiting = count(self.teamwork_waiting, "note or guideline change", "notes and guideline changes")
            out.append(f"  kept in this project: {waiting} until the hub's admin runs `annotator hub init` again "
                       "(this hub's schema cannot hold them yet)")
        if self.review_methods_dropped:
            out.append(f"  {count(self.review_methods_dropped, 'review')} by majority or unanimous went up as hand "
                       "reviews: this hub's schema is older, the admin runs `annotator hub init` again")
        return out


def _sent(outcomes: Counter, noun: str) -> str:
    """'3 decisions' (all sent), with those the hub already had or had newer said apart."""
    total = sum(outcomes.values())
    notes = [f"{outcomes[k]:,} {words}" for k, words in (("unchanged", "already there"),
                                                         ("history", "older than the hub's, kept in its history"))
             if outcomes[k]]
    return count(total, noun) + (f" ({'; '.join(notes)})" if notes else "")


def _received(outcomes: Counter, noun: str) -> str:
    """What changed this project; rows it already had (its own, coming back) are not counted."""
    return count(outcomes["added"] + outcomes["updated"] + outcomes["history"], noun)
