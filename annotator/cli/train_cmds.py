"""`annotator train` and `annotator train-curve`: a NER pipeline from the project's gold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from annotator.cli.common import BY_CLI, db_option, open_store, progress, user_errors
from annotator.core.learning.train import DEFAULT_BATCH_SIZE, DEFAULT_BUDGET_S, DEFAULT_MAX_STEPS, DEFAULT_PATIENCE
from annotator.core.wording import count

if TYPE_CHECKING:
    from annotator.core.learning.train_loop import StepScores


def _gold_options(f: Any) -> Any:
    """Options shared by both commands: what gold, which base, how to split and train."""
    for option in reversed([
        click.option("--base", default=None, metavar="MODEL",
                     help="Pipeline (package name or folder) whose NER is fine-tuned "
                          "(default: the suggester's default model)."),
        click.option("--from-scratch", is_flag=True, help="Train a new NER instead of fine-tuning one."),
        click.option("--eval-split", type=click.FloatRange(0.0, 1.0, max_open=True), default=0.2,
                     show_default=True, help="Part of the gold held out for scoring (deterministic per seed)."),
        click.option("--annotator", default=None, metavar="NAME",
                     help="Gold = documents NAME accepted (default: the team gold: the review, "
                          "else the version every annotator accepted; disputed documents are left out)."),
        click.option("--reviewed", is_flag=True, help="Gold = the adjudicated reviews."),
        click.option("--label-map", "label_map", multiple=True, metavar="SRC=DST",
                     help="Rename gold labels before training; SRC= (empty DST) drops SRC. Repeatable."),
        click.option("--max-steps", type=click.IntRange(min=1), default=DEFAULT_MAX_STEPS, show_default=True,
                     help=f"At most this many updates (mini-batches of {DEFAULT_BATCH_SIZE} documents); "
                          "early stopping usually ends training sooner."),
        click.option("--patience", type=click.IntRange(min=0), default=DEFAULT_PATIENCE, show_default=True,
                     help="Stop after this many updates without a better held-out F1 (the best weights "
                          "are kept); 0 = no early stopping, run --max-steps."),
        click.option("--budget", "budget_s", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_BUDGET_S,
                     show_default=True, help="Seconds of training at most."),
        click.option("--no-augment", is_flag=True,
                     help="Do not add lowercased and punctuation-free copies of the training documents "
                          "(added by default when the base model sees letter case)."),
        click.option("--seed", type=int, default=0, show_default=True, help="Seed for the split and training."),
    ]):
        f = option(f)
    return f


def _recipe(max_steps: int, patience: int, budget_s: float, no_augment: bool) -> dict[str, Any]:
    return {"max_steps": max_steps, "patience": patience or None, "budget_s": budget_s, "augment": not no_augment}


def _check(base: str | None, from_scratch: bool, annotator: str | None, reviewed: bool) -> None:
    if base and from_scratch:
        raise click.UsageError("--base and --from-scratch exclude each other")
    if annotator and reviewed:
        raise click.UsageError("--annotator and --reviewed exclude each other")


class _TrainBar:
    """The bar's two training callbacks: on_scores keeps the step's figures, on_progress (called
    right after it) moves the bar and draws them."""

    def __init__(self, bar: Any) -> None:
        self.bar = bar
        self.post: dict[str, str] = {}

    def on_scores(self, s: StepScores) -> None:
        post = {"loss": f"{s.loss:.1f}"}
        if s.dev_f1 is not None:
            post["dev_f1"] = f"{s.dev_f1:.3f}"
        if s.best_f1 is not None:
            post["best"] = f"{s.best_f1:.3f}"
        if s.budget_s is not None:
            post["time"] = f"{s.elapsed_s:.0f}/{s.budget_s:.0f}s"
        if s.fraction is not None:
            post["part"] = f"{s.fraction:.0%}"
        self.post = post

    def on_progress(self, step: int, total: int) -> None:
        if step == 1:
            self.bar.reset(total=total)  # the clock starts with training, not with loading the base
        self.bar.n = step
        self.bar.set_postfix(self.post, refresh=False)
        self.bar.refresh()


def _fmt(scores: dict | None) -> str:
    if not scores:
        return "-"
    return f"F1 {scores['f1']:.3f}  P {scores['precision']:.3f}  R {scores['recall']:.3f}"


@click.command("train", short_help="Train a NER pipeline on the project's gold.")
@db_option
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the trained pipeline (new, empty, or one trained before).")
@_gold_options
@click.option("--with-patterns", is_flag=True,
              help="Add the project's patterns to the pipeline as an entity_ruler before the NER.")
@click.option("--json", "as_json", is_flag=True, help="Print scores.json instead of a summary.")
def train(db_path: Path | None, out_dir: Path, base: str | None, from_scratch: bool, eval_split: float,
          annotator: str | None, reviewed: bool, label_map: tuple[str, ...], max_steps: int, patience: int,
          budget_s: float, no_augment: bool, seed: int, with_patterns: bool, as_json: bool) -> None:
    """Train a NER pipeline on the project's gold and write it to a folder.

    The pipeline is scored on the held-out part, beside the base model on the same part
    (scores.json in the folder); use it with `annotator suggest --model FOLDER`."""
    from annotator.core.learning.suggest import parse_label_map
    from annotator.core.ops import learning

    _check(base, from_scratch, annotator, reviewed)
    with user_errors():
        mapping = parse_label_map(label_map)
    with open_store(db_path, must_exist=True) as store, user_errors():
        with progress(max_steps, "train", unit="step") as bar:
            hooks = _TrainBar(bar)
            result, _ = learning.train(store, out_dir, by=BY_CLI, base=base, from_scratch=from_scratch,
                                       eval_split=eval_split, annotator=annotator, reviewed=reviewed,
                                       label_map=mapping, seed=seed, on_progress=hooks.on_progress,
                                       on_scores=hooks.on_scores, with_patterns=with_patterns,
                                       **_recipe(max_steps, patience, budget_s, no_augment))
    for note in result.warnings[:20]:
        click.echo(f"warning: {note}", err=True)
    if len(result.warnings) > 20:
        click.echo(f"warning: ... and {len(result.warnings) - 20} more", err=True)
    s = result.scores
    if as_json:
        click.echo(json.dumps(s, indent=2, sort_keys=True))
        return
    click.echo(f"Gold: {s['gold']}.")
    click.echo(f"Trained on {count(s['train_docs'], 'document')}, {s['dev_docs']} held out, labels "
               f"{', '.join(s['labels'])}; {count(result.steps, 'step')} in {result.seconds:.0f} s.")
    stop = s["early_stopping"]
    if stop["stopped"] != "max_steps" or stop["best_step"]:
        why = {"patience": f"no better held-out F1 for {stop['patience']} steps", "budget": "time budget spent",
               "max_steps": "--max-steps reached"}[stop["stopped"]]
        click.echo(f"Stopped: {why}; kept the weights of step {stop['best_step']}"
                   + (f" ({s['augmented_copies']} lowercased/punctuation-free copies trained too)."
                      if s["augmented_copies"] else "."))
    click.echo(f"  trained: {_fmt(s['trained'])}")
    if s.get("patterns"):
        click.echo(f"  with {count(s['patterns'], 'pattern')} (entity ruler): {_fmt(s['with_patterns'])}")
    if not s["from_scratch"]:
        click.echo(f"  base ({s['base_model']}): {_fmt(s['base'])}")
    if s["trained"]:
        for label, row in s["trained"]["per_label"].items():
            base_row = (s["base"] or {}).get("per_label", {}).get(label)
            base_txt = f"   base F1 {base_row['f1']:.3f}" if base_row else ""
            click.echo(f"    {label:<12} F1 {row['f1']:.3f}{base_txt}   ({row['support']} in held-out)")
    click.echo(f"Wrote {out_dir}")


@click.command("train-curve", short_help="Held-out F1 after training on part of the gold.")
@db_option
@_gold_options
@click.option("--fractions", default="0.25,0.5,0.75,1.0", show_default=True,
              help="Comma-separated parts of the training set to train on.")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
def train_curve(db_path: Path | None, base: str | None, from_scratch: bool, eval_split: float,
                annotator: str | None, reviewed: bool, label_map: tuple[str, ...], max_steps: int, patience: int,
                budget_s: float, no_augment: bool, seed: int, fractions: str, as_json: bool) -> None:
    """Held-out F1 after training on 25/50/75/100% of the training part: does more gold still help?"""
    from annotator.core.learning.suggest import parse_label_map
    from annotator.core.ops import learning

    _check(base, from_scratch, annotator, reviewed)
    try:
        parts = tuple(float(x) for x in fractions.split(",") if x.strip())
    except ValueError:
        raise click.BadParameter(f"{fractions!r} is not a list of numbers like 0.25,0.5,1",
                                 param_hint="--fractions") from None
    with user_errors():
        mapping = parse_label_map(label_map)
    with open_store(db_path, must_exist=True) as store, user_errors():
        with progress(max_steps * len(parts), "train-curve", unit="step") as bar:
            hooks = _TrainBar(bar)
            rows, _ = learning.learning_curve(store, by=BY_CLI, fractions=parts, base=base,
                                              from_scratch=from_scratch, eval_split=eval_split, annotator=annotator,
                                              reviewed=reviewed, label_map=mapping, seed=seed,
                                              on_progress=hooks.on_progress, on_scores=hooks.on_scores,
                                              **_recipe(max_steps, patience, budget_s, no_augment))
    if as_json:
        click.echo(json.dumps(rows, indent=2, sort_keys=True))
        return
    click.echo(f"{'part':>6} {'docs':>6} {'F1':>7} {'P':>7} {'R':>7}")
    for row in rows:
        part = "base" if row["fraction"] == 0 else f"{row['fraction']:.0%}"
        click.echo(f"{part:>6} {row['train_docs']:>6} {row['f1']:>7.3f} {row['precision']:>7.3f} "
                   f"{row['recall']:>7.3f}")
    click.echo(f"(held out: {count(rows[-1]['dev_docs'], 'document')})")


COMMANDS = [train, train_curve]
