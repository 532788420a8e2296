"""Scoring suggestions against accepted gold: exact span and label match, per label and overall.

The gold-learned part is scored leave-one-document-out: a document's own gold never helps
its own score, exactly as the window never proposes a document's gold back to it.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any, Hashable, Iterable, Sequence

from annotator.core.errors import AnnotatorError
from annotator.core.team.gold import GoldSummary, describe, disputed_message, iter_gold
from annotator.core.learning.learned import GoldMatcher
from annotator.core.text.model import Span
from annotator.core.learning.suggest import Suggester, load_label_map, suggest_documents
from annotator.core.learning.suggestions import compose

if TYPE_CHECKING:
    from annotator.core.store import Store

SpanKey = tuple[int, int, str]


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def prf(gold: Sequence[Iterable[Hashable]], pred: Sequence[Iterable[Hashable]]) -> dict[str, Any]:
    """Precision, recall and F1 of predicted against gold items, one set per document.

    Items are (start, end, label) tuples (or Spans; the label is the last field). Returns
    {"precision", "recall", "f1", "tp", "fp", "fn", "per_label": {label: {"precision",
    "recall", "f1", "support"}}} where support is the number of gold items of that label.
    Nothing predicted gives precision 0; nothing in the gold gives recall 0.
    """
    if len(gold) != len(pred):
        raise ValueError(f"gold has {len(gold)} documents but pred has {len(pred)}")
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for g_items, p_items in zip(gold, pred):
        g = {_key(x) for x in g_items}
        p = {_key(x) for x in p_items}
        for item in g & p:
            tp[item[2]] += 1
        for item in p - g:
            fp[item[2]] += 1
        for item in g - p:
            fn[item[2]] += 1
    per_label = {}
    for label in sorted(set(tp) | set(fp) | set(fn)):
        p_, r_ = _ratio(tp[label], tp[label] + fp[label]), _ratio(tp[label], tp[label] + fn[label])
        per_label[label] = {"precision": p_, "recall": r_, "f1": _f1(p_, r_),
                            "support": tp[label] + fn[label]}
    t, f_p, f_n = sum(tp.values()), sum(fp.values()), sum(fn.values())
    precision, recall = _ratio(t, t + f_p), _ratio(t, t + f_n)
    return {"precision": precision, "recall": recall, "f1": _f1(precision, recall),
            "tp": t, "fp": f_p, "fn": f_n, "per_label": per_label}


def _key(item: Any) -> SpanKey:
    if isinstance(item, Span):
        return item.key()
    start, end, label = item[0], item[1], item[-1]
    return (int(start), int(end), str(label))


def model_predictions(store: Store, suggester: Suggester, doc_ids: Sequence[int], *,
                      batch_size: int = 64, n_process: int = 1) -> dict[int, list[Span]]:
    """Raw model spans per document: from the cache, filling it first unless read-only."""
    if not store.readonly:
        suggest_documents(store, suggester, doc_ids, batch_size=batch_size, n_process=n_process)
    out: dict[int, list[Span]] = {}
    missing = []
    for doc_id in doc_ids:
        cached = store.suggestions.get_suggestions(doc_id, suggester.model_key)
        if cached is None:
            missing.append(doc_id)
        else:
            out[doc_id] = list(cached)
    texts = (store.documents.get_document(d).text for d in missing)
    for doc_id, spans in zip(missing, suggester.predict(texts, batch_size=batch_size, raw=True)):
        out[doc_id] = spans
    return out


def gold_items(store: Store, annotator: str | None = None, summary: GoldSummary | None = None
               ) -> list[tuple[int, str, tuple[Span, ...]]]:
    """(doc id, text, spans) to score against: the team gold policy (core/team/gold.py), or with
    `annotator` that annotator's accepted versions. `summary` gets the policy's counts."""
    if annotator:
        return [(doc.id, doc.text, ann.spans)
                for doc, ann in store.annotations.iter_annotations(annotator=annotator, answer="accept")]
    return [(doc.id, doc.text, gold.spans) for doc, gold in iter_gold(store, summary=summary)]


def evaluate(store: Store, suggester: Suggester | None, *, annotator: str | None = None,
             use_gold: bool = True, use_model: bool = True, use_patterns: bool = True, batch_size: int = 64,
             n_process: int = 1) -> dict[str, Any]:
    """Score what the window would suggest (core/learning/suggestions.py) against the gold.

    The gold is the team gold policy (review, else unanimous; disputed documents are left
    out and counted in "disputed_excluded"); with `annotator`, that annotator's accepted
    versions. use_model=False (or no suggester) scores the gold-learned part alone;
    use_gold=False the model alone; the project's patterns take part unless use_patterns=False
    (or the project has none). Returns prf() plus "documents", "model", "annotator",
    "parts", "gold" (what was used) and "disputed_excluded".
    """
    summary = GoldSummary()
    items = gold_items(store, annotator, summary)
    disputed = len(summary.disputed or [])
    if not items:
        who = f"accepted by {annotator}" if annotator else "with gold (reviewed or unanimous)"
        extra = f"; {disputed_message(disputed, 'need a review first')}" if disputed else ""
        raise AnnotatorError(f"{store.path}: no documents {who} to evaluate against{extra}")
    use_model = use_model and suggester is not None
    if not use_model and not use_gold:
        raise AnnotatorError("nothing to evaluate: both the model and the gold-learned part are off")
    labels = store.labels.label_names()
    label_map = suggester.label_map if suggester is not None and suggester.label_map else load_label_map(store)
    raw = (model_predictions(store, suggester, [d for d, _, _ in items], batch_size=batch_size,
                             n_process=n_process) if use_model and suggester is not None else {})
    patterns = None
    if use_patterns and store.patterns.count_patterns():
        from annotator.core.learning.patterns.precision import matcher_for

        patterns = matcher_for(store)
    matcher: GoldMatcher | None = None
    if use_gold:
        matcher = GoldMatcher(store.settings.lang)
        matcher.add_many(items)
    golds, preds = [], []
    for doc_id, text, spans in items:
        learned = matcher.propose(text, exclude_doc=doc_id) if matcher else []
        golds.append({s.key() for s in spans})
        matched = patterns.match(text, labels) if patterns is not None else ()
        preds.append({s.key() for s in compose(text, raw.get(doc_id, ()), learned, labels, label_map, matched)})
    result = prf(golds, preds)
    result["documents"] = len(items)
    result["model"] = suggester.model_key if use_model and suggester is not None else None
    result["annotator"] = annotator
    result["parts"] = [p for p, on in (("model", use_model), ("patterns", patterns is not None),
                                        ("gold", use_gold)) if on]
    result["gold"] = describe(annotator)
    result["disputed_excluded"] = 0 if annotator else disputed
    return result
