"""Training from gold in a child process, driven by a worker thread (no Qt in this module).

Why a process: spaCy training and the base model's loading run long Cython loops that hold
the GIL, which would freeze the window if they ran on a thread (see suggest_process). The
child runs core.train.train_pipeline on its own Store (which also records the trained
pipeline in the project); the worker thread relays its progress. One JSON object per line:

    child -> parent: {"step": n, "total": m, "loss": x, "dev_f1": f|null}
                     {"result": {...TrainResult...}} | {"error": message, "cancelled": bool}
    parent -> child: {"stop": true}; closing stdin stops the child too.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from annotator.core.errors import AnnotatorError
from annotator.jobs.child_io import messages, run_main, send

STOP_GRACE_S = 3.0  # a cancelled child stops at its next step; past this it is terminated
EXIT_WAIT_S = 10.0  # after its last line, the child only has to exit


class TrainProcessError(AnnotatorError):
    """Training failed (no gold, bad base model, the process crashed); the message says why."""


class TrainCancelled(AnnotatorError):
    """Training was stopped by the person; nothing was written."""


def progress_message(info: dict[str, Any]) -> str:
    """Status-bar text for one progress report (the indicator appends 'step/total')."""
    f1 = info.get("dev_f1")
    return f"Training (dev F1 {f1:.2f}), step" if isinstance(f1, (int, float)) else "Training, step"


# ---- parent side (runs in a Worker thread) ------------------------------------------------
def run_train_child(ctx: Any, db_path: Path, out_dir: Path, options: dict[str, Any]) -> dict[str, Any]:
    """Train in a child process; returns the TrainResult as a dict (out_dir, scores, steps,
    seconds, model_id, warnings). Progress goes to ctx.progress; ctx.should_stop() cancels
    (raises TrainCancelled). Raises TrainProcessError with the child's message on failure."""
    args = {"db": str(db_path), "out_dir": str(out_dir), "options": options}
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "annotator.jobs.train_process", json.dumps(args)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
            text=True, encoding="utf-8", bufsize=1)
        watcher = threading.Thread(target=_watch_stop, args=(ctx, proc), name="train-stop", daemon=True)
        watcher.start()
        result: dict[str, Any] | None = None
        error: str | None = None
        cancelled = False
        try:
            for msg in messages(proc):
                if "step" in msg:
                    ctx.progress(msg["step"], msg["total"], progress_message(msg))
                elif "result" in msg:
                    result = msg["result"]
                elif "error" in msg:
                    error, cancelled = msg["error"], bool(msg.get("cancelled"))
        finally:
            _end(proc)
            watcher.join(timeout=1)
        if cancelled or (ctx.should_stop() and result is None):
            raise TrainCancelled(error or "training cancelled; nothing was written")
        if error:
            raise TrainProcessError(error)
        if result is None:
            err.seek(0)
            tail = [ln for ln in err.read().splitlines() if ln.strip()][-1:]
            raise TrainProcessError(f"training stopped unexpectedly (exit code {proc.returncode})"
                                    + (f": {tail[0]}" if tail else ""))
        return result


def _watch_stop(ctx: Any, proc: subprocess.Popen) -> None:
    """Ask the child to stop once the worker is stopped; terminate it if it does not."""
    while proc.poll() is None:
        if ctx.wait(0.1):
            try:
                assert proc.stdin is not None
                proc.stdin.write(json.dumps({"stop": True}) + "\n")
                proc.stdin.flush()
            except (BrokenPipeError, OSError, ValueError):
                pass
            try:
                proc.wait(timeout=STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                proc.terminate()
            return


def _end(proc: subprocess.Popen) -> None:
    try:
        if proc.stdin is not None:
            proc.stdin.close()
    except OSError:
        pass
    try:
        proc.wait(timeout=EXIT_WAIT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# ---- child side ----------------------------------------------------------------------------
def _read_parent(stop: threading.Event) -> None:
    for line in sys.stdin:
        try:
            if json.loads(line).get("stop"):
                break
        except (ValueError, AttributeError):
            continue
    stop.set()  # asked to stop, or stdin closed: the window is gone


def child_main(args: dict[str, Any]) -> int:
    """Run train_pipeline with the window's options, reporting each step."""
    from annotator.core.store import Store
    from annotator.core.train import TrainingCancelled, train_pipeline

    stop = threading.Event()
    threading.Thread(target=_read_parent, args=(stop,), daemon=True).start()
    options = dict(args.get("options") or {})

    def on_progress(step: int, total: int, info: dict[str, Any]) -> None:
        send({"step": step, "total": total, "loss": info.get("loss"), "dev_f1": info.get("dev_f1")})

    store = Store(args["db"])
    try:
        result = train_pipeline(store, Path(args["out_dir"]), on_progress=on_progress,
                                should_stop=stop.is_set, **options)
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
