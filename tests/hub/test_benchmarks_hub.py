"""The hub benchmarks must not rot: both run end to end at tiny sizes, each with its own
throwaway server, and report their figures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tests.hub.pgserver import find_bindir

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str) -> dict:
    got = subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert got.returncode == 0, got.stdout[-2000:] + got.stderr[-2000:]
    line = next(ln for ln in got.stdout.splitlines() if ln.startswith("RESULT "))
    return {f["name"]: f for f in orjson.loads(line[len("RESULT "):])["figures"]}


@pytest.mark.slow
def test_hub_benchmarks_smoke(pg_server):  # pg_server: skipped or failed like the other hub tests
    assert find_bindir() is not None
    sync = _run("benchmarks/bench_hub_sync.py", "--annotators", "2", "--decisions", "10", "--every", "5")
    assert sync["decisions on the hub"]["met"] is True and sync["decisions on the hub"]["value"] == 20
    assert sync["sync latency, p95"]["value"] >= sync["sync latency, median"]["value"] > 0
    queue = _run("benchmarks/bench_hub_queue.py", "--sizes", "100,300", "--repeat", "1", "--batch", "5")
    assert queue["sync time at 300 / at 100 documents"]["value"] > 0
