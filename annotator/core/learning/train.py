"""Close the loop: train a spaCy NER pipeline from the project's gold and score it.

`train_pipeline` takes the accepted annotations (or the reviews) of a project, holds out a
deterministic part of them, fine-tunes the base model's NER (or a new one) on the rest and
writes a normal pipeline folder that spacy.load() and the suggester read, with scores.json
beside it: held-out scores of the trained pipeline and of the base model on the same part.
`learning_curve` trains on growing parts of the training set to show whether more
annotation still helps. See core/learning/train_loop.py for the spaCy side.

The defaults are chosen for a few hundred documents (benchmarks/bench_train.py measures them):
mini-batches of DEFAULT_BATCH_SIZE documents, dropout DEFAULT_DROPOUT, held-out early stopping
(held-out F1 every 25 steps; stop after DEFAULT_PATIENCE steps without a better one, after
DEFAULT_BUDGET_S seconds, or at DEFAULT_MAX_STEPS; keep the best weights), and, when the base
model sees letter case, lowercased and punctuation-free copies of the training documents
(core/learning/augment.py). The held-out part is never trained on, in any form; scores.json holds the
scores on it. Because the same part also chose when to stop, its trained score is slightly
optimistic: benchmarks/bench_train.py scores on articles training never saw at all.
"""

from __future__ import annotations

import json
import math
import random
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

from annotator.core.errors import AnnotatorError
from annotator.core.progress import Progress
from annotator.core.team.gold import KIND_REVIEW, GoldSummary, describe, disputed_message, iter_gold
from annotator.core.text.model import Span
from annotator.core.wording import count
from annotator.core.learning.suggest import default_model_name, map_spans
from annotator.core.learning.train_loop import (
    GoldDoc, ScoresFn, StepScores, StopFn, TrainingCancelled, make_examples, new_pipeline, prepare_ner, score,
    train_loop,
)

if TYPE_CHECKING:
    from annotator.core.store import Store

__all__ = ["DEFAULT_BUDGET_S", "DEFAULT_MAX_STEPS", "DEFAULT_PATIENCE", "GoldDoc", "StepScores", "TrainResult",
           "TrainingCancelled",
           "collect_gold", "default_base",
           "learning_curve", "split_gold", "train_pipeline"]

DEFAULT_MAX_STEPS = 2000      # a cap: early stopping usually ends training well before
DEFAULT_PATIENCE = 150        # steps without a better held-out F1 before stopping
DEFAULT_BUDGET_S = 600.0      # seconds of training at most
DEFAULT_BATCH_SIZE = 4        # documents per update
DEFAULT_DROPOUT = 0.2
SCORES_FILE = "scores.json"
CORPUS_DIR = "corpus"
# Written in every pipeline we train; marks a folder we may overwrite on retraining.
MARKER_KEY = "annotator_training"


@dataclass
class TrainResult:
    """What train_pipeline did: where the pipeline is, its scores and the notes made on the way."""

    out_dir: Path
    scores: dict[str, Any]
    steps: int
    seconds: float
    model_id: int | None = None
    warnings: list[str] = field(default_factory=list)


def default_base() -> str:
    """The suggester's default model: what fine-tuning starts from unless told otherwise."""
    return default_model_name()


# Fewer gold documents than this, or fewer held out, and the scores are noise: say so.
MIN_GOLD_DOCUMENTS = 20
MIN_HELD_OUT = 5


def collect_gold(store: Store, *, annotator: str | None = None, reviewed: bool = False,
                 label_map: Mapping[str, str] | None = None,
                 summary: GoldSummary | None = None) -> list[GoldDoc]:
    """The gold documents in document-id order, one version per document.

    By default the team gold policy (core/team/gold.py: review, else unanimous accepts; disputed
    documents are left out and listed in `summary`). `reviewed`: the reviews only.
    `annotator`: that annotator's accepted versions only. `label_map` renames labels
    (SRC -> "" drops SRC, as everywhere)."""
    mapping = dict(label_map or {})

    def gold_doc(doc_id: int, text: str, spans: Iterable[Span]) -> GoldDoc:
        return GoldDoc(doc_id, text, tuple(Span(s.start, s.end, s.label)
                                           for s in map_spans(spans, mapping, None)))

    if annotator:
        return [gold_doc(doc.id, doc.text, ann.spans)
                for doc, ann in store.annotations.iter_annotations(annotator=annotator, answer="accept")]
    return [gold_doc(doc.id, doc.text, gold.spans) for doc, gold in iter_gold(store, summary=summary)
            if not reviewed or gold.kind == KIND_REVIEW]


def split_gold(gold: Sequence[GoldDoc], eval_split: float, seed: int) -> tuple[list[GoldDoc], list[GoldDoc]]:
    """Deterministic (train, held-out) split: the same gold and seed give the same parts."""
    if not 0.0 <= eval_split < 1.0:
        raise AnnotatorError(f"eval split must be at least 0 and below 1, not {eval_split}")
    order = sorted(gold, key=lambda g: g.document_id)
    random.Random(seed).shuffle(order)
    n_dev = 0
    if eval_split > 0 and len(order) >= 2:
        n_dev = min(len(order) - 1, max(1, round(len(order) * eval_split)))
    dev = sorted(order[:n_dev], key=lambda g: g.document_id)
    return order[n_dev:], dev


def _labels(gold: Sequence[GoldDoc]) -> list[str]:
    return sorted({s.label for g in gold for s in g.spans})


@dataclass
class PreparedGold:
    """The gold split for training, and what was noticed on the way."""

    train: list[GoldDoc]
    dev: list[GoldDoc]
    labels: list[str]
    warnings: list[str]
    disputed_excluded: int
    description: str


def _prepare(store: Store, *, annotator: str | None, reviewed: bool, label_map: Mapping[str, str] | None,
             eval_split: float, seed: int, held_out: Callable[[int], bool] | None = None) -> PreparedGold:
    if reviewed and annotator:
        raise AnnotatorError("choose either an annotator or the reviewed gold, not both")
    summary = GoldSummary()
    gold = collect_gold(store, annotator=annotator, reviewed=reviewed, label_map=label_map, summary=summary)
    disputed = 0 if annotator or reviewed else len(summary.disputed or [])
    noun, rest = ("reviewed document", "") if reviewed else (
        ("document", f" accepted by {annotator}") if annotator else ("gold document", " (reviewed or unanimous)"))
    if not gold:
        extra = f"; {disputed_message(disputed, 'need a review first')}" if disputed else ""
        raise AnnotatorError(f"no gold to train on: the project has no {noun}s{rest}{extra}")
    labels = _labels(gold)
    if not labels:
        raise AnnotatorError(f"the gold ({count(len(gold), noun)}{rest}) has no entity spans: "
                             f"nothing to learn")
    if held_out is not None:
        train = [g for g in gold if not held_out(g.document_id)]
        dev = [g for g in gold if held_out(g.document_id)]
        if not train:
            raise AnnotatorError(f"all {len(gold)} gold documents are held out: nothing to train on")
    else:
        train, dev = split_gold(gold, eval_split, seed)
    notes = []
    if len(gold) < MIN_GOLD_DOCUMENTS:
        notes.append(f"only {count(len(gold), 'gold document')}: at least "
                     f"{MIN_GOLD_DOCUMENTS} are needed for training to generalise; scores on so few "
                     "documents are noise")
    if eval_split > 0 and len(dev) < MIN_HELD_OUT:
        notes.append(f"only {count(len(dev), 'document')} held out (fewer than "
                     f"{MIN_HELD_OUT}): scores on so few documents are noise")
    if disputed:
        notes.append(disputed_message(disputed))
    unknown = sorted(set(labels) - set(store.labels.label_names()))
    if unknown:
        notes.append(f"label(s) {', '.join(unknown)} (from the label map) are not project labels: "
                     f"the suggester will not show them until they are added")
    return PreparedGold(train, dev, labels, notes, disputed, describe(annotator, reviewed))


def _check_out_dir(out_dir: Path) -> None:
    """Refuse to overwrite a folder that is neither empty nor a pipeline we trained before."""
    if out_dir.exists() and not out_dir.is_dir():
        raise AnnotatorError(f"{out_dir}: exists and is not a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()):
        meta = out_dir / "meta.json"
        try:
            ours = MARKER_KEY in json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            ours = False
        if not ours:
            raise AnnotatorError(f"{out_dir}: folder is not empty and is not a pipeline trained by "
                                 f"annotator; choose a new or empty folder")


def _write_atomically(out_dir: Path, write: Any) -> None:
    """Build the folder beside out_dir, then swap it in: a crash never leaves half a pipeline."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    old = out_dir.with_name(f".{out_dir.name}.old-{uuid.uuid4().hex[:8]}")
    try:
        write(tmp)
        if out_dir.exists():
            out_dir.rename(old)
        tmp.rename(out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old.exists() and not out_dir.exists():
            old.rename(out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _doc_bin(nlp: Any, examples: Sequence[Any]) -> Any:
    from spacy.tokens import DocBin

    return DocBin(docs=[eg.reference for eg in examples], store_user_data=False)


def training_examples(nlp: Any, train: Sequence[GoldDoc], augment: bool = True,
                      warnings: list[str] | None = None) -> tuple[list[Any], list[Any]]:
    """(Examples of the training documents, their users'-style copies). Copies only when
    `augment` and the pipeline sees letter case (core/learning/augment.py); only ever made from `train`,
    so nothing held out reaches training in any form."""
    from annotator.core.learning.augment import is_cased, users_style_copies  # imports spaCy: not at CLI start

    examples = make_examples(nlp, train, warnings)
    return examples, (users_style_copies(nlp, examples) if augment and is_cased(nlp) else [])


def train_pipeline(store: Store, out_dir: str | Path, *, base: str | None = None, from_scratch: bool = False,
                   eval_split: float = 0.2, annotator: str | None = None, reviewed: bool = False,
                   label_map: Mapping[str, str] | None = None, max_steps: int = DEFAULT_MAX_STEPS,
                   patience: int | None = DEFAULT_PATIENCE, budget_s: float | None = DEFAULT_BUDGET_S,
                   seed: int = 0, batch_size: int = DEFAULT_BATCH_SIZE, dropout: float = DEFAULT_DROPOUT,
                   augment: bool = True, held_out: Callable[[int], bool] | None = None,
                   on_progress: Progress | None = None, on_scores: ScoresFn | None = None,
                   should_stop: StopFn | None = None, record: bool = True, with_patterns: bool = False) -> TrainResult:
    """Train a NER pipeline on the project's gold (the team gold policy unless narrowed to
    `annotator` or `reviewed`) and write it to out_dir.

    out_dir then holds a spaCy pipeline (tokenizer + `ner` over the gold's labels only),
    scores.json ({"trained", "base", "train_docs", "dev_docs", "labels", ...}: held-out scores)
    and corpus/ train.spacy + dev.spacy (the gold as annotated, without augmented copies).
    Training stops early (see the module docstring) unless patience is None or nothing is held
    out; then it runs max_steps. `augment`: add users'-style copies of the training documents
    when the base model is cased. `held_out(document_id)` chooses the held-out part instead of
    eval_split (continuous learning keeps it stable as the gold grows). The run is recorded in
    the project's trained_models table (record=False to skip). After every update
    on_scores(StepScores: loss, dev_f1, best_f1, elapsed_s, budget_s...) then on_progress(step,
    max_steps), as in train_loop; should_stop() -> True cancels (TrainingCancelled, nothing written). Re-training into the
    same folder replaces it. `with_patterns`: the project's patterns go into the pipeline as an
    entity_ruler before the NER (core/learning/patterns/ruler.py); scores.json then has the
    held-out scores with it ("with_patterns") beside the NER's alone ("trained")."""
    out_dir = Path(out_dir)
    if max_steps < 1:
        raise AnnotatorError(f"max steps must be at least 1, not {max_steps}")
    _check_out_dir(out_dir)
    base_name = None if from_scratch else (base or default_base())
    prepared = _prepare(store, annotator=annotator, reviewed=reviewed, label_map=label_map,
                        eval_split=eval_split, seed=seed, held_out=held_out)
    train, dev, labels, warnings = prepared.train, prepared.dev, prepared.labels, prepared.warnings
    started = time.time()
    nlp = new_pipeline(base_name, store.settings.lang)
    train_egs, copies = training_examples(nlp, train, augment, warnings)
    dev_egs = make_examples(nlp, dev, warnings)
    base_scores = score(nlp, dev, labels) if base_name and dev else None
    prepare_ner(nlp, labels, train_egs)
    loop = train_loop(nlp, train_egs + copies, dev, labels, max_steps=max_steps, seed=seed,
                      batch_size=batch_size, dropout=dropout, patience=patience, budget_s=budget_s,
                      on_progress=on_progress, on_scores=on_scores, should_stop=should_stop)
    trained_scores = score(nlp, dev, labels) if dev else None
    ruled = _add_patterns(store, nlp, labels, warnings) if with_patterns else 0
    scores: dict[str, Any] = {
        "trained": trained_scores, "base": base_scores, "train_docs": len(train), "dev_docs": len(dev),
        "labels": labels, "base_model": base_name, "from_scratch": base_name is None, "steps": loop.steps,
        "seed": seed, "eval_split": eval_split, "seconds": round(loop.seconds, 2),
        "dev_f1_history": [[step, f1] for step, f1 in loop.dev_f1],
        "augmented_copies": len(copies), "batch_size": batch_size, "dropout": dropout,
        "early_stopping": {"patience": patience, "budget_s": budget_s, "max_steps": max_steps,
                           "stopped": loop.stopped, "best_step": loop.best_step,
                           "start_f1": loop.start_f1, "best_f1": loop.best_f1},
        "gold": prepared.description, "train_documents": len(train), "eval_documents": len(dev),
        "disputed_excluded": prepared.disputed_excluded, "warnings": warnings,
        "label_map": dict(label_map or {}), "dev_document_ids": [g.document_id for g in dev],
        "trained_at": started,
        "patterns": ruled, "with_patterns": score(nlp, dev, labels) if ruled and dev else None,
    }
    final = scores["with_patterns"] or trained_scores or {}
    nlp.meta.update({
        "name": "annotator_ner", "version": "1.0.0",
        "description": f"NER trained by annotator on {len(train)} gold documents of {Path(store.path).name}"
                       + (f", fine-tuned from {base_name}" if base_name else ", from scratch"),
        "labels": {"ner": labels},
        "performance": {"ents_f": final.get("f1"), "ents_p": final.get("precision"),
                        "ents_r": final.get("recall")},
        # A fresh id per run: anything keyed on meta (suggestion caches) sees a retrained model.
        MARKER_KEY: {"run_id": uuid.uuid4().hex, "trained_at": started, "base": base_name,
                     "project": str(Path(store.path).resolve())},
    })

    def write(tmp: Path) -> None:
        nlp.to_disk(tmp)
        (tmp / CORPUS_DIR).mkdir()
        _doc_bin(nlp, train_egs).to_disk(tmp / CORPUS_DIR / "train.spacy")
        _doc_bin(nlp, dev_egs).to_disk(tmp / CORPUS_DIR / "dev.spacy")
        (tmp / SCORES_FILE).write_text(json.dumps(scores, indent=2, sort_keys=True) + "\n", encoding="utf-8")

    if should_stop is not None and should_stop():
        raise TrainingCancelled("training cancelled; nothing was written")
    _write_atomically(out_dir, write)
    model_id = None
    if record and not getattr(store, "readonly", False):
        model_id = store.models.record_trained_model(str(out_dir.resolve()), base_name, scores)
    return TrainResult(out_dir, scores, loop.steps, loop.seconds, model_id, warnings)


def _add_patterns(store: Store, nlp: Any, labels: Sequence[str], warnings: list[str]) -> int:
    from annotator.core.learning.patterns.ruler import add_entity_ruler

    patterns = store.patterns.all()
    other = sorted({p.label for p in patterns} - set(labels))
    if other:
        warnings.append(f"patterns of label(s) {', '.join(other)} left out of the entity ruler: the gold "
                        "has no such entities")
    added = add_entity_ruler(nlp, patterns, labels)
    if not added:
        warnings.append("--with-patterns: the project has no patterns of the gold's labels; no entity ruler added")
    return added


def learning_curve(store: Store, *, fractions: Sequence[float] = (0.25, 0.5, 0.75, 1.0), base: str | None = None,
                   from_scratch: bool = False, eval_split: float = 0.2, annotator: str | None = None,
                   reviewed: bool = False, label_map: Mapping[str, str] | None = None,
                   max_steps: int = DEFAULT_MAX_STEPS, patience: int | None = DEFAULT_PATIENCE,
                   budget_s: float | None = DEFAULT_BUDGET_S, seed: int = 0, batch_size: int = DEFAULT_BATCH_SIZE,
                   dropout: float = DEFAULT_DROPOUT, augment: bool = True,
                   on_progress: Progress | None = None, on_scores: ScoresFn | None = None,
                   should_stop: StopFn | None = None, record: bool = True) -> list[dict[str, Any]]:
    """Held-out scores after training on growing parts of the training set. No pipeline is
    written; the rows are recorded in the project (store.activity.record_learning_curve, shown by the
    overview and the report; record=False to skip).

    Every fraction trains from the same start with train_pipeline's recipe (early stopping,
    budget_s per fraction, augmentation) on the first ceil(fraction * n) training documents of
    the seeded order and is scored on the same held-out part. Returns one dict per fraction: {"fraction", "train_docs", "dev_docs",
    "f1", "precision", "recall", "per_label"}, preceded by {"fraction": 0.0, ...} with the
    base model's scores when fine-tuning. on_progress counts steps over all fractions; on_scores
    gets each step's StepScores with its `fraction`."""
    if not fractions or any(not 0 < f <= 1 for f in fractions):
        raise AnnotatorError("fractions must be in (0, 1]")
    if eval_split <= 0:
        raise AnnotatorError("a learning curve needs a held-out part: eval split must be above 0")
    prepared = _prepare(store, annotator=annotator, reviewed=reviewed, label_map=label_map,
                        eval_split=eval_split, seed=seed)
    train, dev, labels = prepared.train, prepared.dev, prepared.labels
    if not dev:
        raise AnnotatorError("too little gold for a held-out part: annotate at least two documents")
    base_name = None if from_scratch else (base or default_base())
    rows: list[dict[str, Any]] = []
    total = max_steps * len(fractions)  # an upper bound: early stopping ends each part sooner
    done = 0
    for fraction in sorted(fractions):
        # A fresh start per fraction; Examples must come from the pipeline that trains on them.
        nlp = new_pipeline(base_name, store.settings.lang)
        part, copies = training_examples(nlp, train[:max(1, math.ceil(fraction * len(train)))], augment)
        if base_name and not rows:
            rows.append({"fraction": 0.0, "train_docs": 0, "dev_docs": len(dev), "model": base_name,
                         **score(nlp, dev, labels)})
        prepare_ner(nlp, labels, part)

        def progress(step: int, _total: int, _done: int = done) -> None:
            if on_progress is not None:
                on_progress(_done + step, total)

        def scores(step_scores: StepScores, _f: float = fraction) -> None:
            if on_scores is not None:
                on_scores(replace(step_scores, fraction=_f))

        loop = train_loop(nlp, part + copies, dev, labels, max_steps=max_steps, seed=seed, batch_size=batch_size,
                          dropout=dropout, patience=patience, budget_s=budget_s, on_progress=progress,
                          on_scores=scores, should_stop=should_stop)
        done += loop.steps
        rows.append({"fraction": fraction, "train_docs": len(part), "dev_docs": len(dev),
                     "model": "trained", **score(nlp, dev, labels)})
    if record and not getattr(store, "readonly", False):
        store.activity.record_learning_curve(rows, {
            "gold": prepared.description, "base": base_name, "from_scratch": from_scratch,
            "eval_split": eval_split, "max_steps": max_steps, "patience": patience, "seed": seed})
    return rows
