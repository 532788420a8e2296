"""Who needs coaching: per-annotator quality figures for `agreement` and the review window.

- documents: how many documents the annotator accepted.
- unchanged_from_suggestions: the share (0..1) of their documents accepted exactly as the
  window showed them at opening (core/report/activity.py: the one definition of "unchanged", over
  the decisions the window recorded; suggestions_compared counts those documents). None
  when none was recorded. A rubber-stamper stands out near 1.0.
- vs_gold: the annotator's accepted versions scored (exact spans) against the gold policy's
  version on the documents where that gold is a review, so nobody is scored against their
  own unanimous version. None when no document they accepted has been reviewed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

from annotator.core.report.activity import Unchanged, unchanged_by_annotator
from annotator.core.team.agreement import AgreementReport, compute_agreement
from annotator.core.learning.evaluate import prf
from annotator.core.team.gold import KIND_REVIEW, resolve
from annotator.core.text.model import TimedDecision
from annotator.core.progress import Progress

if TYPE_CHECKING:
    from annotator.core.store import Store


@dataclass
class AnnotatorQuality:
    name: str
    documents: int
    unchanged_from_suggestions: float | None
    suggestions_compared: int
    vs_gold: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        share = self.unchanged_from_suggestions
        return {"name": self.name, "documents": self.documents,
                "unchanged_from_suggestions": None if share is None else round(share, 4),
                "vs_gold": self.vs_gold}


def annotator_quality(store: "Store", records: Sequence[TimedDecision] | None = None) -> list[AnnotatorQuality]:
    """One row per annotator who accepted something, by name. records: the window's
    decision records if already read (store.activity.timed_decisions())."""
    unchanged = unchanged_by_annotator(store.activity.timed_decisions() if records is None else records)
    accepted: dict[str, int] = {}
    golds: dict[str, list[set]] = {}
    preds: dict[str, list[set]] = {}
    for doc, versions, review in store.gold.iter_decided_documents():
        gold = resolve(doc.id, versions, review)
        for version in (v for v in versions if v.answer == "accept"):
            name = version.annotator
            accepted[name] = accepted.get(name, 0) + 1
            if gold is not None and gold.kind == KIND_REVIEW:
                golds.setdefault(name, []).append({s.key() for s in gold.spans})
                preds.setdefault(name, []).append({s.key() for s in version.spans})
    rows = []
    for name in sorted(accepted):
        vs_gold = None
        if golds.get(name):
            scores = prf(golds[name], preds[name])
            vs_gold = {"precision": round(scores["precision"], 4), "recall": round(scores["recall"], 4),
                       "f1": round(scores["f1"], 4), "documents": len(golds[name])}
        figure = unchanged.get(name, Unchanged())
        rows.append(AnnotatorQuality(name, accepted[name], figure.share, figure.compared, vs_gold))
    return rows


def agreement_report(store: "Store", *, answer: str = "accept", kappa: bool = True,
                     on_progress: Progress | None = None) -> AgreementReport:
    """`annotator agreement`'s report: core/agreement.compute_agreement plus the per-annotator
    figures above (the review window's panel and the report show the same)."""
    report = compute_agreement(store, answer=answer, kappa=kappa, on_progress=on_progress)
    report.annotators = annotator_quality(store)
    return report
