"""Pre-annotation in a child process, driven by a worker thread (no Qt in this module).

Why a process: loading a spaCy pipeline runs long Cython loops that hold the GIL (reading
en_core_web_sm's vocabulary alone holds it for 200-400 ms), which would freeze the window
however the thread is scheduled. The child loads the model and runs suggest_documents on its
own Store; the worker thread in the window relays its progress as events and sends it the
documents the person will see next. Protocol: one JSON object per line each way.

    child -> parent: {"loaded": key, "name": name}
                     {"suggested": [ids], "done": n, "total": m} {"error": message}
                     (when nothing is left to do, {"suggested": [], "done": n, "total": n}
                     once, so the window can say "Pre-annotated n/n")
    parent -> child: {"ahead": [ids]}; closing stdin (or terminating) stops the child.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Iterator

from annotator.core.errors import AnnotatorError
from annotator.jobs.child_io import messages, run_main, send


class SuggestProcessError(AnnotatorError):
    """The pre-annotation process failed (model not found, broken model, crashed)."""


class Ahead:
    """The documents to pre-annotate first; set by one thread, taken by another."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids: list[int] = []
        self._changed = threading.Event()

    def set(self, doc_ids: list[int]) -> None:
        with self._lock:
            self._ids = list(doc_ids)
        self._changed.set()

    def snapshot(self) -> list[int]:
        with self._lock:
            self._changed.clear()
            return list(self._ids)

    def take(self, exclude: set[int], n: int) -> list[int]:
        return [d for d in self.snapshot() if d not in exclude][:n]

    def wait_changed(self, seconds: float) -> bool:
        return self._changed.wait(seconds)


# ---- parent side (runs in a Worker thread) ------------------------------------------------
def run_child(ctx: Any, db_path: Path, model: str | None, ahead: Ahead, *, batch_size: int = 8,
              labels: list[str] | None = None) -> Iterator[tuple[Any, ...]]:
    """Start the child, feed it `ahead`, and yield its events as tuples:
    ("located", key, name), ("loaded", key, name), ("suggested", ids). Progress goes to
    ctx.progress. Raises SuggestProcessError with the child's message if it fails."""
    from annotator.core.learning.suggest import Suggester

    # The cache key needs only meta.json (cheap, no spaCy): cached suggestions show before
    # the child has even started, and an unknown model fails here at once.
    located = Suggester(model=model)
    yield ("located", located.model_key, located.model_name)
    args = {"db": str(db_path), "model": model, "batch_size": batch_size, "labels": labels}
    proc = subprocess.Popen(
        [sys.executable, "-m", "annotator.jobs.suggest_process", json.dumps(args)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True, encoding="utf-8", bufsize=1)

    def feed() -> None:
        # Sends the lookahead whenever it changes; ends the child when the worker stops.
        try:
            while proc.poll() is None:
                if ctx.should_stop():
                    proc.terminate()
                    return
                if ahead.wait_changed(0.1):
                    assert proc.stdin is not None
                    proc.stdin.write(json.dumps({"ahead": ahead.snapshot()}) + "\n")
                    proc.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            pass

    ahead._changed.set()  # send the current lookahead first thing
    feeder = threading.Thread(target=feed, name="suggest-feed", daemon=True)
    feeder.start()
    error = None
    try:
        for msg in messages(proc):
            if "error" in msg:
                error = msg["error"]
            elif "loaded" in msg:
                yield ("loaded", msg["loaded"], msg["name"])
            elif "suggested" in msg:
                finished = msg["done"] >= msg["total"]
                ctx.progress(msg["done"], msg["total"], "Pre-annotated" if finished else "Pre-annotating")
                yield ("suggested", msg["suggested"])
    finally:
        if proc.poll() is None:
            proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        feeder.join(timeout=1)
    if error:
        raise SuggestProcessError(error)
    if proc.returncode not in (0, None) and not ctx.should_stop():
        raise SuggestProcessError(f"pre-annotation stopped unexpectedly (exit code {proc.returncode})")


# ---- child side ----------------------------------------------------------------------------
def _read_parent(ahead: Ahead, gone: threading.Event) -> None:
    for line in sys.stdin:
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if "ahead" in msg:
            ahead.set([int(d) for d in msg["ahead"]])
    gone.set()  # stdin closed: the window is gone
    ahead._changed.set()


def child_main(args: dict[str, Any]) -> int:
    """Load the model and pre-annotate: lookahead first, then the project in order, until
    the parent closes stdin."""
    from annotator.core.store import Store
    from annotator.core.learning.suggest import Suggester, suggest_documents

    ahead, gone = Ahead(), threading.Event()
    threading.Thread(target=_read_parent, args=(ahead, gone), daemon=True).start()
    batch_size = int(args.get("batch_size") or 8)
    suggester = Suggester(model=args.get("model"), labels=args.get("labels"))
    suggester.load()
    send({"loaded": suggester.model_key, "name": suggester.model_name})
    store = Store(args["db"])
    try:
        done = store.suggestions.suggested_ids(suggester.model_key)
        all_ids = store.documents.document_ids()
        cursor = 0
        reported = False  # whether the parent has heard how far along the project is
        while not gone.is_set():
            batch = ahead.take(done, batch_size)
            if not batch:
                while cursor < len(all_ids) and all_ids[cursor] in done:
                    cursor += 1
                batch = [d for d in all_ids[cursor:cursor + batch_size] if d not in done]
            if not batch:
                if not reported:  # everything was cached already: say so at once
                    send({"suggested": [], "done": len(all_ids), "total": len(all_ids)})
                    reported = True
                # All done: wait for the person to move or for new documents.
                ahead.wait_changed(1.0)
                fresh = store.documents.document_ids()
                if len(fresh) != len(all_ids):
                    all_ids, cursor, reported = fresh, 0, False
                continue
            suggest_documents(store, suggester, batch, batch_size=batch_size,
                              should_stop=gone.is_set)
            done.update(batch)
            send({"suggested": batch, "done": min(len(done), len(all_ids)), "total": len(all_ids)})
            reported = True
    finally:
        store.close()
    return 0


def main() -> None:
    run_main(child_main)


if __name__ == "__main__":
    main()
