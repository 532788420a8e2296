"""Uncertainty scores for "most uncertain first" (core/learning/ordering.py) in a child process: the
window's document order asks for them when the current model has none stored for some
documents. The child loads the model (holding the GIL for long stretches, hence a process)
and stores the scores batch by batch; the window reorders the list when it ends.

    python -m annotator.jobs.uncertainty '{"db": "project.db", "model": "en_core_web_sm"}'

Progress lines: {"step": done, "total": todo}; the result: {"scored": n, "key": model key}.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator.core.errors import AnnotatorError
from annotator.jobs.child_io import run_child, run_main, send, stop_event

MODULE = "annotator.jobs.uncertainty"


class UncertaintyError(AnnotatorError):
    """Scoring failed (the model gives no entity probabilities, it crashed); the message says why."""


class UncertaintyCancelled(AnnotatorError):
    """Scoring was stopped; the scores stored so far are kept."""


def run_uncertainty(ctx: Any, db_path: Path, model: str) -> dict[str, Any]:
    """Parent side (a worker thread): score in a child; returns {"scored", "key"}."""
    return run_child(MODULE, {"db": str(db_path), "model": model}, ctx, lambda _msg: "Scoring uncertainty",
                     cancelled=UncertaintyCancelled, failed=UncertaintyError, what="uncertainty scoring")


def child_main(args: dict[str, Any]) -> int:
    from annotator.core.learning.ordering import score_uncertainty
    from annotator.core.store import Store
    from annotator.core.learning.suggest import Suggester, load_label_map

    stop = stop_event()
    store = Store(args["db"])
    try:
        suggester = Suggester(args["model"], label_map=load_label_map(store), labels=store.labels.label_names())
        scored = score_uncertainty(store, suggester, should_stop=stop.is_set,
                                   on_progress=lambda done, total: send({"step": done, "total": total}))
    finally:
        store.close()
    if stop.is_set():
        send({"error": "uncertainty scoring stopped", "cancelled": True})
        return 0
    send({"result": {"scored": scored, "key": suggester.model_key}})
    return 0


if __name__ == "__main__":
    run_main(child_main)
