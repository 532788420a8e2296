"""spaCy side of training: build the NER pipeline, update it, score it.

Kept apart from core/learning/train.py (which knows the store and the output folder) so the model
code can be read on its own. Nothing here touches the project.

The trained pipeline holds only the tokenizer and one `ner` component, whose labels are
exactly the labels of the gold: when fine-tuning, a fresh NER is built with those labels
and the base model's weights are copied into it (the embedding/encoder and hidden layer
whole, the output layer row by row for the actions that both share). So labels of the base
model that the project's gold does not use are never predicted by the trained pipeline.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from annotator.core.errors import AnnotatorError
from annotator.core.progress import Progress
from annotator.core.text.model import Span
from annotator.core.text.spacy_docs import make_doc

StopFn = Callable[[], bool]

NER_FACTORIES = ("ner", "beam_ner")
DEFAULT_EVAL_EVERY = 25


class TrainingCancelled(AnnotatorError):
    """should_stop() returned True: training stopped and nothing was written."""


@dataclass(frozen=True)
class GoldDoc:
    """One gold document as training sees it: text and its (label-mapped) spans."""

    document_id: int
    text: str
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class StepScores:
    """How one training update went: on_scores(StepScores) is called after every update, just
    before on_progress(step, total) reports how far training is (core/progress.py's rule)."""

    loss: float
    dev_f1: float | None        # the latest held-out F1 (None: nothing held out, or not measured yet)
    best_f1: float | None       # the best held-out F1 so far (early stopping only)
    best_step: int
    epoch: int
    elapsed_s: float
    budget_s: float | None
    patience: int | None
    fraction: float | None = None  # learning_curve: the part of the training set this run trains on


ScoresFn = Callable[[StepScores], None]


@dataclass
class LoopResult:
    steps: int
    seconds: float
    losses: list[float] = field(default_factory=list)
    dev_f1: list[tuple[int, float]] = field(default_factory=list)
    start_f1: float | None = None   # held-out F1 before the first update (early stopping)
    best_f1: float | None = None    # the best held-out F1 seen; its weights are the ones kept
    best_step: int = 0
    stopped: str = "max_steps"      # or "patience" (no better held-out F1 for a while), "budget"


# ---- loading ------------------------------------------------------------------------------
def _ner_name(nlp: Any, base: str) -> str:
    for name, comp_cfg in nlp.config["components"].items():
        if comp_cfg.get("factory") in NER_FACTORIES and name in nlp.component_names:
            return name
    raise AnnotatorError(f"base model {base} has no NER component; train with --from-scratch")


def load_ner_only(base: str) -> Any:
    """Load `base` (package name or path) keeping only its tokenizer and NER.

    A NER that listens to a shared tok2vec/transformer gets its own copy of it first, so
    the result has one self-contained component named 'ner'."""
    import spacy

    try:
        nlp = spacy.load(base)
    except Exception as exc:  # noqa: BLE001 - a missing or broken pipeline fails in many ways
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise AnnotatorError(f"cannot load base model {base}: {first}") from None
    ner = _ner_name(nlp, base)
    for name in list(nlp.pipe_names):
        listeners = getattr(nlp.get_pipe(name), "listening_components", None) or []
        if ner in listeners:
            nlp.replace_listeners(name, ner, ["model.tok2vec"])
    for name in list(nlp.component_names):
        if name != ner:
            nlp.remove_pipe(name)
    if ner != "ner":
        nlp.rename_pipe(ner, "ner")
    return nlp


def _copy_params(src: Any, dst: Any) -> None:
    """Copy every parameter (and hash seed) of src's layer tree into dst's same-shaped tree."""
    src_nodes, dst_nodes = list(src.walk()), list(dst.walk())
    if [n.name for n in src_nodes] != [n.name for n in dst_nodes]:
        raise AnnotatorError("cannot copy weights: the base NER's layers differ from the new NER's")
    for s, d in zip(src_nodes, dst_nodes):
        if "seed" in s.attrs:
            d.attrs["seed"] = s.attrs["seed"]
        for p in s.param_names:
            if s.has_param(p):
                value = s.get_param(p)
                if d.has_param(p) and d.get_param(p).shape != value.shape:
                    raise AnnotatorError(f"cannot copy weights: layer {s.name} param {p} differs in shape")
                d.set_param(p, value.copy())


def _copy_output_rows(old: Any, new: Any) -> int:
    """Copy the output layer's rows for the actions (B-PERSON, U-ORG, O...) both NERs have."""
    up_old, up_new = old.model.get_ref("upper"), new.model.get_ref("upper")
    names_old = {old.moves.get_class_name(i): i for i in range(old.moves.n_moves)}
    W_old, b_old = up_old.get_param("W"), up_old.get_param("b")  # noqa: N806 - thinc names
    W_new, b_new = up_new.get_param("W").copy(), up_new.get_param("b").copy()  # noqa: N806
    copied = 0
    for j in range(new.moves.n_moves):
        i = names_old.get(new.moves.get_class_name(j))
        if i is not None:
            W_new[j] = W_old[i]
            b_new[j] = b_old[i]
            copied += 1
    up_new.set_param("W", W_new)
    up_new.set_param("b", b_new)
    return copied


def new_pipeline(base: str | None, lang: str = "en") -> Any:
    """The starting point: the base model's tokenizer + NER, or a blank pipeline (base=None)."""
    import spacy

    return load_ner_only(base) if base else spacy.blank(lang)


def add_ner(nlp: Any, labels: Sequence[str], examples: Sequence[Any], *, factory: str = "ner",
            config: dict[str, Any] | None = None) -> Any:
    """A new `ner` component over exactly `labels`, initialised on `examples`."""
    ner = nlp.add_pipe(factory, name="ner", config=config or {})
    for label in labels:
        ner.add_label(label)
    ner.initialize(lambda: examples, nlp=nlp)
    return ner


def carry_weights(old: Any, ner: Any, copy_tok2vec: Callable[[Any, Any], Any] | None = None) -> None:
    """The old NER's weights into the new one: the embedding/encoder (by `copy_tok2vec`, default
    a whole copy) and hidden layer whole, the output layer row by row for the actions both share."""
    (copy_tok2vec or _copy_params)(old.model.get_ref("tok2vec"), ner.model.get_ref("tok2vec"))
    _copy_params(old.model.get_ref("lower"), ner.model.get_ref("lower"))
    _copy_output_rows(old, ner)


def prepare_ner(nlp: Any, labels: Sequence[str], examples: Sequence[Any]) -> Any:
    """Give `nlp` a fresh, initialised `ner` over exactly `labels`.

    If nlp already has a `ner` (the base model's), its weights are carried over: the
    embedding/encoder and hidden layer whole, the output layer row by row for the actions
    (B-PERSON, U-ORG, O...) both share. `examples` must come from nlp's own tokenizer."""
    if "ner" not in nlp.pipe_names:
        add_ner(nlp, labels, examples)
        return nlp
    old = nlp.get_pipe("ner")
    if not getattr(old.model, "attrs", {}).get("has_upper") or not old.model.has_ref("upper"):
        raise AnnotatorError("the base model's NER has no output layer to fine-tune (use --from-scratch)")
    cfg = {k: v for k, v in nlp.config["components"]["ner"].items() if k != "factory"}
    factory = nlp.config["components"]["ner"]["factory"]
    nlp.remove_pipe("ner")
    carry_weights(old, add_ner(nlp, labels, examples, factory=factory, config=cfg))
    return nlp


# ---- examples and scoring -------------------------------------------------------------
def make_examples(nlp: Any, docs: Iterable[GoldDoc], warnings: list[str] | None = None) -> list[Any]:
    """spaCy Examples (tokenised text -> gold ents) for `docs`."""
    from spacy.training import Example

    out = []
    for gold in docs:
        ref, notes = make_doc(nlp, gold.text, gold.spans)
        if warnings is not None:
            warnings.extend(f"document {gold.document_id}: {n}" for n in notes)
        out.append(Example(nlp.make_doc(gold.text), ref))
    return out


def score(nlp: Any, docs: Sequence[GoldDoc], labels: Iterable[str], batch_size: int = 32) -> dict[str, Any]:
    """Exact-match entity P/R/F of `nlp` on `docs`, counting only `labels`.

    Scored like `annotator evaluate` (core/evaluate.prf): character offsets against the gold
    spans as annotated. Predictions with other labels are dropped first (the base model
    predicts DATE, CARDINAL... that the gold may not use; the suggester shows only project
    labels too). per_label has every label in `labels`, with zeros where nothing was seen."""
    from annotator.core.learning.evaluate import prf

    keep = sorted(set(labels))
    gold = [{s.key() for s in g.spans if s.label in keep} for g in docs]
    pred = [{(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in keep}
            for doc in nlp.pipe((g.text for g in docs), batch_size=batch_size)]
    out = prf(gold, pred)
    zero = {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    out["per_label"] = {label: out["per_label"].get(label, zero) for label in keep}
    out["docs"] = len(docs)
    return out


# ---- the update loop -----------------------------------------------------------------
def _batches(n: int, batch_size: int, rng: random.Random) -> Iterable[list[int]]:
    """Endless shuffled mini-batches of indices, epoch after epoch."""
    while True:
        order = list(range(n))
        rng.shuffle(order)
        for i in range(0, n, batch_size):
            yield order[i:i + batch_size]


def _snapshot(model: Any, params: dict | None = None) -> dict[tuple[int, str], Any]:
    """Copies of the model's parameters (or of `params`, the optimizer's averages, where it has them)."""
    out = {}
    for node in model.walk():
        for name in node.param_names:
            key = (node.id, name)
            if params is not None and key in params:
                out[key] = params[key].copy()
            elif node.has_param(name):
                out[key] = node.get_param(name).copy()
    return out


def _restore(model: Any, snapshot: dict[tuple[int, str], Any]) -> None:
    for node in model.walk():
        for name in node.param_names:
            if (node.id, name) in snapshot:
                node.set_param(name, snapshot[(node.id, name)].copy())


def train_loop(nlp: Any, train: Sequence[Any], dev: Sequence[GoldDoc], labels: Sequence[str], *,
               max_steps: int, seed: int = 0, batch_size: int = 8, dropout: float = 0.1,
               eval_every: int | None = None, patience: int | None = None, budget_s: float | None = None,
               on_progress: Progress | None = None, on_scores: ScoresFn | None = None,
               should_stop: StopFn | None = None) -> LoopResult:
    """Update the pipeline's NER on shuffled mini-batches of `train` (Examples).

    Early stopping (patience set and a held-out part `dev`): held-out F1 is measured before the
    first update and every `eval_every` steps with the optimizer's averaged weights; training
    stops once `patience` steps passed without a better F1, or when `budget_s` seconds are
    spent, or at `max_steps`; the weights that scored best are kept (so the held-out F1 never
    ends below the starting point's). Without patience: exactly max_steps updates, ending on the
    averaged weights (what `spacy train` saves). After every update on_scores(StepScores: loss,
    latest and best held-out F1, time spent...) then on_progress(step, max_steps). Raises
    TrainingCancelled when should_stop() turns true."""
    from spacy.util import fix_random_seed

    if not train:
        raise AnnotatorError("no training documents")
    fix_random_seed(seed)
    rng = random.Random(seed)
    optimizer = nlp.create_optimizer()
    early = patience is not None and bool(dev)
    eval_every = eval_every or (DEFAULT_EVAL_EVERY if early else max(10, max_steps // 10))
    model = nlp.get_pipe("ner").model
    result = LoopResult(0, 0.0)
    start = time.perf_counter()
    dev_f1: float | None = None
    best: dict[tuple[int, str], Any] | None = None
    if early:
        dev_f1 = result.start_f1 = result.best_f1 = score(nlp, dev, labels)["f1"]
        result.dev_f1.append((0, dev_f1))
        best = _snapshot(model)
    batches = _batches(len(train), batch_size, rng)
    step = 0
    while step < max_steps:
        if should_stop is not None and should_stop():
            raise TrainingCancelled("training cancelled; nothing was written")
        step += 1
        losses: dict[str, float] = {}
        nlp.update([train[i] for i in next(batches)], sgd=optimizer, drop=dropout, losses=losses)
        loss = float(losses.get("ner", 0.0))
        result.losses.append(loss)
        elapsed = time.perf_counter() - start
        out_of_time = budget_s is not None and elapsed >= budget_s
        if dev and (step % eval_every == 0 or step == max_steps or out_of_time):
            with nlp.use_params(optimizer.averages):
                dev_f1 = score(nlp, dev, labels)["f1"]
                if early and dev_f1 > (result.best_f1 or 0.0):
                    result.best_f1, result.best_step = dev_f1, step
                    best = _snapshot(model, optimizer.averages)
            result.dev_f1.append((step, dev_f1))
        if on_scores is not None:
            on_scores(StepScores(loss, dev_f1, result.best_f1, result.best_step, (step * batch_size) // len(train),
                                 round(elapsed, 1), budget_s, patience))
        if on_progress is not None:
            on_progress(step, max_steps)
        if out_of_time:
            result.stopped = "budget"
            break
        if early and step - result.best_step >= patience:
            result.stopped = "patience"
            break
    if best is not None:
        _restore(model, best)
    elif optimizer.averages:
        # Keep the averaged weights: smoother than the last step's, and what `spacy train` saves.
        _restore(model, _snapshot(model, optimizer.averages))
    result.steps = step
    result.seconds = time.perf_counter() - start
    return result
