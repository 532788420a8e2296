"""The most useful document next: document orders for the list, `suggest -o` and the window.

- "imported" (the default): document id order, as imported.
- "uncertainty": most uncertain first, by the model itself. The NER component's beam search
  (spaCy's `beam_parse` + `scored_ents`, which the greedy `ner` of en_core_web_sm supports,
  beam width 8, about twice the cost of a greedy parse) gives every candidate entity a
  probability p. A document's uncertainty is the sum over candidates with a project label
  (after the label map) of min(p, 1 - p), per 100 tokens: how much undecided entity mass
  labelling it would settle, per unit of reading. Documents never scored come last, in id order.
  A long document is judged on its first SAMPLE_CHARS characters (cut at a space): the score is
  a density, and a 5 MB text parsed whole with a beam would hold the ordering up for many
  minutes for one number.
- "disputed": most disputed first (team gold, core/team/gold.py): documents nobody has
  reviewed that someone accepted and someone else rejected, or whose accepted versions differ,
  in the review's order (core/team/review.py disputed_order: accept against reject first,
  then least agreement, 1 - alpha of the tokens); then every other document, in id order.

Uncertainty scores are stored per model (the suggestion cache's key) in the `uncertainty`
table with the labels they were computed for, so the window reads them without recomputing;
a change of the project's labels or label map makes them stale (recomputed on demand).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

from annotator.core.errors import AnnotatorError
from annotator.core.learning.suggest import CHUNK_CHARS, ModelError, Suggester, _pieces
from annotator.core.progress import Progress

if TYPE_CHECKING:
    from annotator.core.store import Store

ORDER_IMPORTED = "imported"
ORDER_UNCERTAINTY = "uncertainty"
ORDER_DISPUTED = "disputed"
ORDERS = (ORDER_IMPORTED, ORDER_UNCERTAINTY, ORDER_DISPUTED)
BEAM_WIDTH = 8
SAMPLE_CHARS = 50_000  # about 8,000 words: what a document's uncertainty is estimated from


def _sample(text: str) -> str:
    """The part of `text` its uncertainty is estimated from: all of it, or its beginning up to
    SAMPLE_CHARS, cut at the last space so no word is cut in two."""
    if len(text) <= SAMPLE_CHARS:
        return text
    cut = text.rfind(" ", 0, SAMPLE_CHARS + 1)
    return text[:cut if cut > 0 else SAMPLE_CHARS]


def _ner(nlp: Any) -> tuple[str, Any]:
    for name, proc in nlp.pipeline:
        if hasattr(proc, "beam_parse") and hasattr(proc, "scored_ents"):
            return name, proc
    raise ModelError("the model's entity recognizer gives no entity probabilities (it is not a "
                     "spaCy `ner`/`beam_ner`): order by uncertainty needs one")


def uncertainty_scores(nlp: Any, texts: Iterable[str], labels: Iterable[str],
                       label_map: Mapping[str, str] | None = None, batch_size: int = 32) -> Iterable[float]:
    """One uncertainty per text (see the module docstring), in order, streamed."""
    name, ner = _ner(nlp)
    keep = set(labels)
    mapping = dict(label_map or {})
    before = [proc for n, proc in nlp.pipeline if n != name]  # e.g. a shared tok2vec the NER listens to

    def one_batch(batch: list[str]) -> list[float]:
        out = []
        for text in batch:
            mass, tokens = 0.0, 0
            for _, piece in _pieces(_sample(text), CHUNK_CHARS):
                doc = nlp.make_doc(piece)
                for proc in before:
                    doc = proc(doc)
                tokens += sum(1 for t in doc if not t.is_space)
                if not len(doc):
                    continue
                (scored,) = ner.scored_ents(ner.beam_parse([doc], beam_width=BEAM_WIDTH))
                for (_, _, label), p in scored.items():
                    if mapping.get(label, label) in keep:
                        mass += min(p, 1.0 - p)
            out.append(100.0 * mass / max(tokens, 1))
        return out

    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) >= batch_size:
            yield from one_batch(batch)
            batch = []
    if batch:
        yield from one_batch(batch)


def _signature(labels: Iterable[str], label_map: Mapping[str, str]) -> str:
    return json.dumps([sorted(labels), sorted(label_map.items())])


def stored_uncertainty(store: Store, model_key: str, labels: Iterable[str] | None = None,
                       label_map: Mapping[str, str] | None = None) -> dict[int, float]:
    """document id -> stored uncertainty for this model and the project's current labels."""
    from annotator.core.learning.suggest import load_label_map

    sig = _signature(store.labels.label_names() if labels is None else labels,
                     load_label_map(store) if label_map is None else label_map)
    return store.suggestions.get_uncertainty(model_key, sig)


def score_uncertainty(store: Store, suggester: Suggester, doc_ids: Sequence[int] | None = None, *,
                      batch_size: int = 32, on_progress: Progress | None = None,
                      should_stop: Callable[[], bool] | None = None) -> int:
    """Compute and store the uncertainty of the documents not scored yet for this model and
    labels (all documents, or doc_ids). Commits every batch; returns how many were computed."""
    labels = suggester.labels if suggester.labels is not None else store.labels.label_names()
    sig = _signature(labels, suggester.label_map)
    done_ids = set(stored_uncertainty(store, suggester.model_key, labels, suggester.label_map))
    todo = [d for d in (store.documents.document_ids() if doc_ids is None else doc_ids) if d not in done_ids]
    if not todo:
        return 0
    suggester.load()
    done = 0
    for i in range(0, len(todo), batch_size):
        if should_stop is not None and should_stop():
            break
        chunk = todo[i:i + batch_size]
        scores = list(uncertainty_scores(suggester.nlp, (store.documents.get_document(d).text for d in chunk), labels,
                                         suggester.label_map, batch_size))
        store.suggestions.save_uncertainty(suggester.model_key, sig, zip(chunk, scores))
        done += len(chunk)
        if on_progress is not None:
            on_progress(done, len(todo))
    return done


def disputed_rank(store: Store) -> dict[int, int]:
    """document id -> its place in the review's order (core/team/review.py disputed_order:
    accept against reject first, then least agreement, 1 - alpha), for the disputed
    documents only."""
    from annotator.core.team.review import disputed_order

    return {doc_id: place for place, doc_id in enumerate(disputed_order(store))}


def document_order(store: Store, order: str = ORDER_IMPORTED, *, model_key: str | None = None,
                   doc_ids: Sequence[int] | None = None) -> list[int]:
    """Document ids in the chosen order (all documents, or doc_ids). Ties and unscored
    documents keep id order. "uncertainty" reads stored scores only (score_uncertainty first)."""
    if order not in ORDERS:
        raise AnnotatorError(f"unknown document order {order!r}; choose one of {', '.join(ORDERS)}")
    ids = sorted(store.documents.document_ids() if doc_ids is None else doc_ids)
    if order == ORDER_IMPORTED:
        return ids
    if order == ORDER_UNCERTAINTY:
        if model_key is None:
            raise AnnotatorError("order by uncertainty needs a model")
        scores = stored_uncertainty(store, model_key)
        return sorted(ids, key=lambda d: (d not in scores, -scores.get(d, 0.0), d))
    rank = disputed_rank(store)
    return sorted(ids, key=lambda d: (d not in rank, rank.get(d, 0), d))
