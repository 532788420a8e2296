"""Writes of what is learned: a trained pipeline and a learning curve recorded in the project,
a round of continuous learning."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.ops.changes import Changes, recorded

if TYPE_CHECKING:
    from annotator.core.learning.continuous import RoundResult
    from annotator.core.learning.train import TrainResult
    from annotator.core.store import Store


def train(store: Store, out_dir: str | Path, *, by: str, **options: Any) -> tuple[TrainResult, Changes]:
    """Train a pipeline on the project's gold and record it (core/learning/train.py)."""
    from annotator.core.learning.train import train_pipeline

    result = train_pipeline(store, out_dir, **options)
    return result, Changes(by=by, trained=options.get("record", True))


def learning_curve(store: Store, *, by: str, **options: Any) -> tuple[list[dict[str, Any]], Changes]:
    """Held-out scores after training on growing parts of the gold, recorded in the project."""
    from annotator.core.learning.train import learning_curve as curve

    rows = curve(store, **options)
    return rows, Changes(by=by, trained=options.get("record", True))


def continuous_round(store: Store, *, by: str, **options: Any) -> tuple[RoundResult, Changes]:
    """Retrain, judge and maybe adopt the new model (core/learning/continuous.py run_round):
    its state, and when adopted the trained model and the model to suggest with."""
    from annotator.core.learning.continuous import run_round

    with recorded(store, by) as done:
        result = run_round(store, **options)
    return result, done.changes
