"""The line protocol of the window's child processes (pre-annotation, training, continuous
learning): JSON lines on stdout to the window, on stdin from it. No Qt here: the child never
imports it.

run_child() is the parent side of a one-shot job (training, a continuous-learning round):

    child -> parent: {"step": n, "total": m, ...}  then  {"result": {...}}
                     or {"error": message, "cancelled": bool}
    parent -> child: {"stop": true}; closing stdin stops the child too (stop_event()).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from typing import Any, Callable, Iterator

STOP_GRACE_S = 3.0  # a stopped child ends at its next step; past this it is terminated
EXIT_WAIT_S = 10.0  # after its last line, the child only has to exit


def send(msg: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(msg) + "\n")
    sys.stdout.flush()


def run_main(child_main: Callable[[dict[str, Any]], int]) -> None:
    """Run a child's main with the JSON arguments in argv[1]; report any failure as an
    {"error"} line the window shows, then exit without spaCy's slow interpreter teardown."""
    try:
        code = child_main(json.loads(sys.argv[1]))
    except BrokenPipeError:
        code = 0
    except BaseException as exc:  # noqa: BLE001 - reported to the window, which shows it
        try:
            send({"error": str(exc) or type(exc).__name__})
        except OSError:
            pass
        code = 1
    sys.stdout.flush()
    os._exit(code)  # the parent is waiting


def messages(proc: subprocess.Popen) -> Iterator[dict[str, Any]]:
    """The child's JSON messages, in order, until it closes stdout (parent side)."""
    assert proc.stdout is not None
    for line in proc.stdout:
        try:
            msg = json.loads(line)
        except ValueError:
            continue  # a stray print from a library
        if isinstance(msg, dict):
            yield msg


def stop_event() -> threading.Event:
    """Child side: an event set when the parent sends {"stop": true} or closes stdin (gone)."""
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


def run_child(module: str, args: dict[str, Any], ctx: Any, describe: Callable[[dict[str, Any]], str], *,
              cancelled: type[Exception], failed: type[Exception], what: str) -> dict[str, Any]:
    """Parent side (in a worker thread): run `python -m module ARGS`, relay each progress line
    to ctx.progress(step, total, describe(msg)), stop it when ctx.wait() says so, and return
    its result. Raises `cancelled` when stopped, `failed` with the child's message (or how the
    process ended) on failure; `what` names the job in those messages."""
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as err:
        proc = subprocess.Popen([sys.executable, "-m", module, json.dumps(args)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                                text=True, encoding="utf-8", bufsize=1)
        watcher = threading.Thread(target=_watch_stop, args=(ctx, proc), name=f"{what}-stop", daemon=True)
        watcher.start()
        result: dict[str, Any] | None = None
        error: str | None = None
        stopped = False
        try:
            for msg in messages(proc):
                if "step" in msg:
                    ctx.progress(msg["step"], msg["total"], describe(msg))
                elif "result" in msg:
                    result = msg["result"]
                elif "error" in msg:
                    error, stopped = msg["error"], bool(msg.get("cancelled"))
        finally:
            _end(proc)
            watcher.join(timeout=1)
        if stopped or (ctx.should_stop() and result is None):
            raise cancelled(error or f"{what} cancelled; nothing was written")
        if error:
            raise failed(error)
        if result is None:
            err.seek(0)
            tail = [ln for ln in err.read().splitlines() if ln.strip()][-1:]
            raise failed(f"{what} stopped unexpectedly (exit code {proc.returncode})"
                         + (f": {tail[0]}" if tail else ""))
        return result
