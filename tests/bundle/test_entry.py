"""The bundled program's entry script: the `annotator` command, plus `-m annotator.jobs.X`
because the window starts its child processes as `sys.executable -m …` and in the app
sys.executable is the program itself. Run here with Python, the way PyInstaller runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotator import __version__
from annotator.bundle import entry

ENTRY = Path(entry.__file__).resolve()


def run_entry(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ENTRY), *args], capture_output=True, text=True, timeout=120,
                          **kwargs)


def test_it_is_the_annotator_command():
    result = run_entry("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"annotator, version {__version__}"
    assert "Usage: annotator" in run_entry("--help").stdout


@pytest.mark.slow
def test_child_jobs_run_by_module_name_with_their_arguments(tmp_path):
    """A real job module (uncertainty scoring) reads its JSON arguments from argv[1] and
    answers on stdout, as under `python -m`: here with a model that does not exist."""
    args = {"db": str(tmp_path / "p.db"), "model": str(tmp_path / "no-such-model")}
    result = run_entry("-m", "annotator.jobs.uncertainty", json.dumps(args))
    assert result.returncode == 1, result.stderr
    (line,) = result.stdout.splitlines()
    assert "no-such-model" in json.loads(line)["error"]


def test_only_annotators_jobs_can_be_run(tmp_path):
    result = run_entry("-m", "http.server", cwd=tmp_path)
    assert result.returncode == 2
    assert "-m runs only annotator's own jobs" in result.stderr and "http.server" in result.stderr


def test_child_module_is_read_only_from_the_first_two_arguments():
    assert entry.child_module(["annotator", "-m", "annotator.jobs.train_process", "{}"]) == \
        "annotator.jobs.train_process"
    assert entry.child_module(["annotator", "import", "-m"]) is None
    assert entry.child_module(["annotator"]) is None
