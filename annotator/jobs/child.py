"""The child-process protocol of background jobs: JSON lines on stdout to the parent, on stdin
from it ({"stop": true}, or stdin closed, asks the child to stop). No Qt on either side.

    child -> parent: {"step": n, "total": m, ...progress}  then  {"result": {...}}
                     or {"error": message, "cancelled": bool}
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from typing import Any, Callable, Iterator

from annotator.core.errors import AnnotatorError

STOP_GRACE_S = 3.0  # a stopped child ends at its next step; past this it is terminated
EXIT_WAIT_S = 10.0


class JobError(AnnotatorError):
    """The job failed (its own message, or how the process ended)."""


class JobCancelled(AnnotatorError):
    """The job was stopped; it wrote nothing."""


# ---- child side ----------------------------------------------------------------------------
def send(msg: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(msg) + "\n")
    sys.stdout.flush()


def stop_event() -> threading.Event:
    """Set when the parent asks to stop or goes away (stdin closed)."""
    stop = threading.Event()

    def read() -> None:
        for line in sys.stdin:
            try:
                if json.loads(line).get("stop"):
                    break
            except (ValueError, AttributeError):
                continue
        stop.set()

    threading.Thread(target=read, daemon=True).start()
    return stop


def run_main(child_main: Callable[[dict[str, Any]], int]) -> None:
    """Run child_main with the JSON arguments in argv[1]; report a failure as an {"error"}
    line, then exit without spaCy's slow interpreter teardown."""
    try:
        code = child_main(json.loads(sys.argv[1]))
    except BrokenPipeError:
        code = 0
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which shows it
        try:
            send({"error": str(exc) or type(exc).__name__})
        except OSError:
            pass
        code = 1
    sys.stdout.flush()
    os._exit(code)


# ---- parent side (runs in a worker thread) --------------------------------------------------
def _messages(proc: subprocess.Popen) -> Iterator[dict[str, Any]]:
    assert proc.stdout is not None
    for line in proc.stdout:
        try:
            msg = json.loads(line)
        except ValueError:
            continue  # a stray print from a library
        if isinstance(msg, dict):
            yield msg


def _watch_stop(ctx: Any, proc: subprocess.Popen) -> None:
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


def run_child(module: str, args: dict[str, Any], ctx: Any,
              describe: Callable[[dict[str, Any]], str] = lambda msg: "Working") -> dict[str, Any]:
    """Run `python -m module ARGS` and return its result. ctx is the worker's context:
    ctx.progress(step, total, text) gets every progress line (text from describe(msg)),
    ctx.wait(seconds) -> True once the worker is asked to stop, ctx.should_stop().
    Raises JobCancelled when stopped, JobError with the child's message on failure."""
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as err:
        proc = subprocess.Popen([sys.executable, "-m", module, json.dumps(args)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                                text=True, encoding="utf-8", bufsize=1)
        watcher = threading.Thread(target=_watch_stop, args=(ctx, proc), name=f"{module}-stop", daemon=True)
        watcher.start()
        result: dict[str, Any] | None = None
        error: str | None = None
        cancelled = False
        try:
            for msg in _messages(proc):
                if "step" in msg:
                    ctx.progress(msg["step"], msg.get("total", 0), describe(msg))
                elif "result" in msg:
                    result = msg["result"]
                elif "error" in msg:
                    error, cancelled = msg["error"], bool(msg.get("cancelled"))
        finally:
            _end(proc)
            watcher.join(timeout=1)
        if cancelled or (ctx.should_stop() and result is None):
            raise JobCancelled(error or "stopped; nothing was written")
        if error:
            raise JobError(error)
        if result is None:
            err.seek(0)
            tail = [ln for ln in err.read().splitlines() if ln.strip()][-1:]
            raise JobError(f"the background job stopped unexpectedly (exit code {proc.returncode})"
                           + (f": {tail[0]}" if tail else ""))
        return result
