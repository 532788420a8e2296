"""Continuous learning in a child process: one round of core/continuous.run_round.

The window (phase 2) starts it with run_continuous() from a worker thread whenever
core.continuous.is_due(store) after an accept, with the toggle on; it never waits for it.
Progress lines: {"step", "total", "dev_f1", "best_f1", "elapsed_s", "budget_s"}; the result
is RoundResult.to_dict() ({"adopted", "reason", "candidate_f1", "current_f1", "model", ...}),
for the status bar ("New model adopted: held-out F1 0.62 > 0.55").

    python -m annotator.jobs.continuous '{"db": "project.db", "options": {...}}'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator.core.errors import AnnotatorError
from annotator.jobs.child_io import run_child, run_main, send, stop_event
from annotator.jobs.train_process import StepLines, progress_message

MODULE = "annotator.jobs.continuous"


class ContinuousError(AnnotatorError):
    """A round failed (no gold, a broken model, the process crashed); the message says why."""


class ContinuousCancelled(AnnotatorError):
    """The round was stopped (the window closed or the toggle went off); nothing was adopted."""


def progress_text(msg: dict[str, Any]) -> str:
    """Status-bar text for one progress line (the indicator appends step/total)."""
    return progress_message(msg, "Improving the model in the background")


def run_continuous(ctx: Any, db_path: Path, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Parent side: run one round in a child process; returns the RoundResult as a dict.
    Raises ContinuousCancelled (stopped) or ContinuousError."""
    return run_child(MODULE, {"db": str(db_path), "options": dict(options or {})}, ctx, progress_text,
                     cancelled=ContinuousCancelled, failed=ContinuousError, what="continuous learning")


def child_main(args: dict[str, Any]) -> int:
    from annotator.core.learning.train_loop import TrainingCancelled
    from annotator.core.ops.learning import continuous_round
    from annotator.core.store import Store

    stop = stop_event()
    options = dict(args.get("options") or {})
    if "out_root" in options:
        options["out_root"] = Path(options["out_root"])

    lines = StepLines()
    store = Store(args["db"])
    try:
        # The window learns what the round changed from the change log (its poll).
        result, _ = continuous_round(store, by="continuous", on_progress=lines.on_progress,
                                     on_scores=lines.on_scores, should_stop=stop.is_set, **options)
    except TrainingCancelled as exc:
        send({"error": str(exc), "cancelled": True})
        return 0
    finally:
        store.close()
    send({"result": result.to_dict()})
    return 0


if __name__ == "__main__":
    run_main(child_main)
