"""The line protocol of the window's child processes (pre-annotation, training): JSON lines
on stdout to the window, on stdin from it. No Qt here: the child never imports it."""

from __future__ import annotations

import json
import os
import sys
import subprocess
from typing import Any, Callable, Iterator


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
