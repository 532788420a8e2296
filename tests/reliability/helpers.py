"""Shared helpers for the reliability suite: table snapshots, file fingerprints, real CLI runs."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

TABLES = ("project", "documents", "annotations", "annotation_history", "drafts", "draft_edits", "suggestions",
          "labels", "reviews", "review_history", "trained_models")


def snapshot(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every project table, in a stable order, read over a separate connection."""
    conn = sqlite3.connect(f"{Path(db_path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        out = {}
        for table in TABLES:
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            out[table] = conn.execute(f"SELECT * FROM {table} ORDER BY {', '.join(cols)}").fetchall()
        return out
    finally:
        conn.close()


@dataclass(frozen=True)
class FileState:
    sha256: str
    size: int
    mtime_ns: int


def file_state(path: Path) -> FileState:
    data = Path(path).read_bytes()
    st = os.stat(path)
    return FileState(hashlib.sha256(data).hexdigest(), st.st_size, st.st_mtime_ns)


def run_cli(args: Sequence[str], *, timeout: float = 120, cwd: Path | None = None,
            input_text: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real `python -m annotator ...` in a child process (no CliRunner shortcuts)."""
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run([sys.executable, "-m", "annotator", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, cwd=cwd, env=env, input=input_text)


def assert_clean_failure(result: subprocess.CompletedProcess[str], *must_mention: str) -> str:
    """A user-facing failure: non-zero exit, no traceback, a short message naming what it must."""
    output = (result.stdout or "") + (result.stderr or "")
    assert result.returncode != 0, output
    assert "Traceback" not in output, output
    message = output.strip()
    lines = [line for line in message.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected a one-line message, got:\n{message}"
    for needle in must_mention:
        assert needle in message, f"{needle!r} not in {message!r}"
    return message
