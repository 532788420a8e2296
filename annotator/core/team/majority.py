"""Majority adjudication: with three or more annotators, the spans at least k of n agree on.

k is a project setting (SETTING_MIN_AGREEMENT; absent: a strict majority of each document's
annotators, n // 2 + 1); `annotator review --min-agreement K` gives it for one run. With
fewer than three annotators there is no majority: two must agree (the unanimous rule).

The majority version of a document (majority_version):
- a span (start, end, label) that at least k annotators accepted is in it. Two such spans
  can only overlap when k is not a strict majority: the one more annotators hold wins, a tie
  leaves both out and the region unsettled;
- it is *complete* when every other span any annotator marked is settled: it overlaps a span
  of the majority version (the majority decided that stretch of text), or at least k
  annotators marked nothing overlapping it (the majority says it is no entity). Otherwise
  (e.g. three annotators, three different labels on the same name) it is incomplete, and a
  person reviews the document.

In the review window the final version of such a document starts from the majority version
(offered pre-accepted); `review --auto-accept --min-agreement K` saves it as the review of
every document where it is complete, marked as decided by majority (Review.method), so the
gold policy, the report and `review --json` tell it from a hand review. The versions are the
accepted ones; a document someone rejected is never settled by majority (accept against
reject is a dispute of its own, core/team/gold.py: a person decides whether it belongs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from annotator.core.errors import AnnotatorError
from annotator.core.text.model import REVIEW_MAJORITY, REVIEW_UNANIMOUS, Span
from annotator.core.settings import MIN_AGREEMENT, settings

SETTING_MIN_AGREEMENT = MIN_AGREEMENT.name
MIN_ANNOTATORS = 3  # a majority needs three or more annotators


def strict_majority(n: int) -> int:
    return n // 2 + 1


def required(n: int, k: int | None) -> int:
    """How many of n annotators must hold a span (k None: a strict majority)."""
    return strict_majority(n) if k is None else k


def check_k(k: int | None) -> int | None:
    if k is not None and k < 2:
        raise AnnotatorError(f"at least 2 annotators must agree for a majority, not {k}")
    return k


def min_agreement(store: Any) -> int | None:
    """The project's k (None: a strict majority)."""
    return settings(store).get(MIN_AGREEMENT)


def set_min_agreement(store: Any, k: int | None) -> None:
    settings(store).set(MIN_AGREEMENT, check_k(k))


def describe_k(k: int | None) -> str:
    return "a strict majority" if k is None else f"at least {k}"


@dataclass
class MajorityVersion:
    spans: list[Span] = field(default_factory=list)
    complete: bool = False
    unsettled: list[Span] = field(default_factory=list)  # spans no majority decided
    needed: int = 0
    annotators: int = 0


def majority_version(versions: Mapping[str, Sequence[Span]], k: int | None = None) -> MajorityVersion:
    """The spans at least k of the versions hold, and whether that settles the document."""
    n = len(versions)
    need = required(n, k)
    holders: dict[Span, int] = {}
    for spans in versions.values():
        for s in {Span(s.start, s.end, s.label) for s in spans}:
            holders[s] = holders.get(s, 0) + 1
    out = MajorityVersion(needed=need, annotators=n)
    candidates = sorted((s for s, h in holders.items() if h >= need), key=lambda s: (-holders[s], s))
    tied: set[Span] = set()
    for span in candidates:
        clash = next((c for c in out.spans if c.overlaps(span)), None)
        if clash is None:
            out.spans.append(span)
        elif holders[clash] == holders[span]:
            tied.update((clash, span))
    out.spans = sorted(s for s in out.spans if s not in tied)
    for span in sorted(holders):
        if span in out.spans:
            continue
        if any(c.overlaps(span) for c in out.spans):
            continue
        nothing_there = sum(1 for spans in versions.values() if not any(s.overlaps(span) for s in spans))
        if span in tied or nothing_there < need:
            out.unsettled.append(span)
    out.complete = n >= MIN_ANNOTATORS and not out.unsettled
    return out


@dataclass
class AutoAccepted:
    """What `review --auto-accept` saved, and how many disputed documents are left."""

    unanimous: int = 0
    majority: int = 0
    left: int = 0
    majority_ids: list[int] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return self.unanimous + self.majority

    def to_dict(self) -> dict[str, int]:
        return {"accepted": self.accepted, "unanimous": self.unanimous, "majority": self.majority,
                "left": self.left}


def auto_accept(store: Any, reviewer: str, min_agreement: int | None = None, *, majority: bool = True
                ) -> AutoAccepted:
    """Save a review for every unreviewed document that two or more annotators accepted
    identically (method 'unanimous') and, with `majority`, for every one with three or more
    whose majority version (k = min_agreement, None: strict majority) is complete (method
    'majority'); one transaction, idempotent. A document someone rejected is left to a person
    (accept against reject is a dispute the spans' majority does not settle: core/team/gold.py).
    `left`: disputed documents still without gold."""
    from annotator.core.team.gold import disputed_ids, resolve

    if not reviewer:
        raise ValueError("reviewer name must not be empty")
    check_k(min_agreement)
    done = AutoAccepted()
    with store.transaction():
        for doc, versions, review in store.gold.iter_decided_documents(store.gold.shared_accepted_ids()):
            accepted = [v for v in versions if v.answer == "accept"]  # versions holds rejects too
            if review is not None or len(accepted) < 2:
                continue
            names = sorted(v.annotator for v in accepted)
            gold = resolve(doc.id, versions, None)
            if gold is not None:
                store.reviews.save_review(doc.id, reviewer, list(gold.spans), names, method=REVIEW_UNANIMOUS)
                done.unanimous += 1
                continue
            if not majority or len(accepted) < MIN_ANNOTATORS or len(accepted) < len(versions):
                continue  # accept against reject: whether it belongs at all is a person's call
            found = majority_version({v.annotator: v.spans for v in accepted}, min_agreement)
            if found.complete:
                store.reviews.save_review(doc.id, reviewer, found.spans, names, method=REVIEW_MAJORITY)
                done.majority += 1
                done.majority_ids.append(doc.id)
    done.left = len(disputed_ids(store))
    return done
