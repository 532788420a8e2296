"""The benchmark scripts must not rot: the smallest import benchmark runs end to end and its
figures render into the RESULTS.md table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_import_benchmark_smoke(tmp_path: Path) -> None:
    got = subprocess.run(
        [sys.executable, "benchmarks/bench_import.py", "--docs", "200", "--repeat", "1", "--no-cli",
         "--profile-docs", "0", "--workdir", str(tmp_path)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert got.returncode == 0, got.stderr
    line = next(ln for ln in got.stdout.splitlines() if ln.startswith("RESULT "))
    result = orjson.loads(line[len("RESULT "):])
    assert result["benchmark"] == "import" and result["sizes"]["documents"] == 200
    figures = {f["name"]: f for f in result["figures"]}
    ratio = figures["import time / bare time"]
    assert ratio["value"] > 0 and ratio["target"] == "<= 1.25" and isinstance(ratio["met"], bool)
    assert figures["import_paths throughput"]["value"] > 0
    assert not list(tmp_path.glob("*.jsonl")) and not list(tmp_path.glob("*.db"))  # cleaned up

    sys.path.insert(0, str(REPO_ROOT))
    try:
        from benchmarks.run_all import render
    finally:
        sys.path.remove(str(REPO_ROOT))
    page = render([("import", "1. Import", result, "", 1.0)], {"nproc": "2"}, [], quick=True)
    assert "| import time / bare time |" in page and "<= 1.25" in page


def test_article_benchmark_smoke(tmp_path: Path) -> None:
    got = subprocess.run(
        [sys.executable, "benchmarks/bench_articles.py", "--files", "5", "--repeat", "1", "--no-cli",
         "--workdir", str(tmp_path)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert got.returncode == 0, got.stderr
    line = next(ln for ln in got.stdout.splitlines() if ln.startswith("RESULT "))
    result = orjson.loads(line[len("RESULT "):])
    figures = {f["name"]: f for f in result["figures"]}
    for kind in ("docx", "odt", "html", "pdf"):
        assert figures[f"import of the .{kind} folder"]["value"] > 0
    assert list(tmp_path.iterdir()) == []  # cleaned up


def test_keyboard_benchmark_smoke() -> None:
    """bench_keyboard.py labels the sample article to its gold by keys only (it checks the saved
    annotation itself) and reports keys per entity."""
    import pytest

    pytest.importorskip("PySide6")
    got = subprocess.run([sys.executable, "benchmarks/bench_keyboard.py", "--model", "none"],
                         cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert got.returncode == 0, got.stderr[-2000:]
    line = next(ln for ln in got.stdout.splitlines() if ln.startswith("RESULT "))
    figures = {f["name"]: f for f in orjson.loads(line[len("RESULT "):])["figures"]}
    median = figures["keys per entity, median, by hand (no suggestions)"]
    assert median["value"] > 0 and median["target"] == "<= 4" and isinstance(median["met"], bool)
    assert figures["keys for the article, by hand (no suggestions)"]["value"] > 64
