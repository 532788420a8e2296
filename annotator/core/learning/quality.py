"""Who needs coaching: per-annotator quality figures for `agreement` and the review window.

- documents: how many documents the annotator accepted.
- unchanged_from_suggestions: the share (0..1) of those documents whose spans equal exactly
  what the window would suggest from the model alone (core/suggestions.model_suggestions:
  the project model's cached suggestions, mapped and filtered to the project's labels).
  Counted over the accepted documents whose model suggestions are cached; None when none
  are. A rubber-stamper stands out near 1.0.
- vs_gold: the annotator's accepted versions scored (exact spans) against the gold policy's
  version on the documents where that gold is a review, so nobody is scored against their
  own unanimous version. None when no document they accepted has been reviewed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.core.learning.evaluate import prf
from annotator.core.team.gold import KIND_REVIEW, resolve
from annotator.core.learning.suggest import load_label_map, project_model_key
from annotator.core.learning.suggestions import model_suggestions

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


def annotator_quality(store: "Store", model_key: str | None = None) -> list[AnnotatorQuality]:
    """One row per annotator who accepted something, by name. model_key: whose cached
    suggestions count as "the model's" (default: the project's model)."""
    key = model_key if model_key is not None else project_model_key(store)
    labels, label_map = store.label_names(), load_label_map(store)
    accepted: dict[str, int] = {}
    unchanged: dict[str, int] = {}
    compared: dict[str, int] = {}
    golds: dict[str, list[set]] = {}
    preds: dict[str, list[set]] = {}
    for doc, versions, review in store.iter_decided_documents():
        gold = resolve(doc.id, versions, review)
        suggested = (model_suggestions(store, doc.id, key, doc.text, labels=labels, label_map=label_map)
                     if key and versions else None)
        for version in versions:
            name = version.annotator
            accepted[name] = accepted.get(name, 0) + 1
            mine = {s.key() for s in version.spans}
            if suggested is not None:
                compared[name] = compared.get(name, 0) + 1
                unchanged[name] = unchanged.get(name, 0) + (mine == {s.key() for s in suggested})
            if gold is not None and gold.kind == KIND_REVIEW:
                golds.setdefault(name, []).append({s.key() for s in gold.spans})
                preds.setdefault(name, []).append(mine)
    rows = []
    for name in sorted(accepted):
        vs_gold = None
        if golds.get(name):
            scores = prf(golds[name], preds[name])
            vs_gold = {"precision": round(scores["precision"], 4), "recall": round(scores["recall"], 4),
                       "f1": round(scores["f1"], 4), "documents": len(golds[name])}
        n = compared.get(name, 0)
        rows.append(AnnotatorQuality(name, accepted[name], unchanged.get(name, 0) / n if n else None, n,
                                     vs_gold))
    return rows
