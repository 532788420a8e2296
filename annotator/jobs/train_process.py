"""Training from gold in a child process, driven by a worker thread (no Qt in this module).

Why a process: spaCy training and the base model's loading run long Cython loops that hold
the GIL, which would freeze the window if they ran on a thread (see suggest_process). The
child runs core.train.train_pipeline (or, for a learning curve, core.train.learning_curve) on
its own Store, which records the trained pipeline (or the curve) in the project; the worker
thread relays its progress. One JSON object per line:

    child -> parent: {"step": n, "total": m, "loss", "dev_f1", "best_f1", "elapsed_s", "budget_s"}
                     {"result": {...TrainResult...}} | {"error": message, "cancelled": bool}
    parent -> child: {"stop": true}; closing stdin stops the child too.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.errors import AnnotatorError
from annotator.jobs.child_io import run_child, run_main, send, stop_event

if TYPE_CHECKING:
    from annotator.core.learning.train_loop import StepScores


class TrainProcessError(AnnotatorError):
    """Training failed (no gold, bad base model, the process crashed); the message says why."""


class TrainCancelled(AnnotatorError):
    """Training was stopped by the person; nothing was written."""


# What each progress line carries besides (step, total): fields of core/train_loop's StepScores,
# the held-out F1 so far and the time budget, for the dialog and the status bar.
PROGRESS_KEYS = ("loss", "dev_f1", "best_f1", "elapsed_s", "budget_s")


class StepLines:
    """Child side: training's two callbacks as one progress line per step. on_scores keeps the
    step's scores; on_progress, which train_loop calls right after, sends them with (step, total)
    as plain JSON values."""

    def __init__(self) -> None:
        self.scores: dict[str, Any] = {}

    def on_scores(self, scores: StepScores) -> None:
        self.scores = asdict(scores)

    def on_progress(self, step: int, total: int) -> None:
        send({"step": step, "total": total, **{k: self.scores.get(k) for k in PROGRESS_KEYS}})


def progress_message(info: dict[str, Any], what: str = "Training") -> str:
    """Status-bar text for one progress report (the indicator appends 'step/total'): the best
    held-out F1 so far and the time spent of the budget, when known."""
    parts = []
    f1 = info.get("best_f1", info.get("dev_f1"))
    if isinstance(f1, (int, float)):
        parts.append(f"dev F1 {f1:.2f}")  # best held-out (dev) F1 so far
    elapsed, budget = info.get("elapsed_s"), info.get("budget_s")
    if isinstance(elapsed, (int, float)) and isinstance(budget, (int, float)):
        parts.append(f"{elapsed:.0f} of {budget:.0f} s")
    return f"{what} ({', '.join(parts)}), step" if parts else f"{what}, step"


# ---- parent side (runs in a Worker thread) ------------------------------------------------
def run_train_child(ctx: Any, db_path: Path, out_dir: Path | None, options: dict[str, Any], *,
                    curve: bool = False) -> dict[str, Any]:
    """Train in a child process; returns the TrainResult as a dict (out_dir, scores, steps,
    seconds, model_id, warnings), or with `curve` {"curve": learning_curve's rows}. Progress
    goes to ctx.progress; ctx.should_stop() cancels (raises TrainCancelled). Raises
    TrainProcessError with the child's message on failure."""
    args = {"db": str(db_path), "out_dir": str(out_dir or ""), "options": options, "curve": curve}
    return run_child("annotator.jobs.train_process", args, ctx, progress_message,
                     cancelled=TrainCancelled, failed=TrainProcessError, what="training")


# ---- child side ----------------------------------------------------------------------------
BY_TRAINING = "training"  # who wrote (core/ops/changes.py): the window reads it from the change log

def child_main(args: dict[str, Any]) -> int:
    """Run train_pipeline (or learning_curve) with the window's options, reporting each step."""
    from annotator.core.learning.train import TrainingCancelled
    from annotator.core.ops import learning
    from annotator.core.store import Store

    stop = stop_event()
    options = dict(args.get("options") or {})

    lines = StepLines()
    store = Store(args["db"])
    try:
        if args.get("curve"):
            rows, _ = learning.learning_curve(store, by=BY_TRAINING, on_progress=lines.on_progress,
                                              on_scores=lines.on_scores, should_stop=stop.is_set, **options)
            send({"result": {"curve": rows}})
            return 0
        result, _ = learning.train(store, Path(args["out_dir"]), by=BY_TRAINING, on_progress=lines.on_progress,
                                   on_scores=lines.on_scores, should_stop=stop.is_set, **options)
    except TrainingCancelled as exc:
        send({"error": str(exc), "cancelled": True})
        return 0
    finally:
        store.close()
    send({"result": {"out_dir": str(result.out_dir), "scores": result.scores, "steps": result.steps,
                      "seconds": result.seconds, "model_id": result.model_id, "warnings": result.warnings}})
    return 0


def main() -> None:
    run_main(child_main)


if __name__ == "__main__":
    main()
