"""The core must import with PySide6 unavailable (napari's import-linter contract, as a test)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CODE = r"""
import builtins, importlib, pkgutil
real_import = builtins.__import__
def guard(name, *args, **kwargs):
    if name.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6"):
        raise ImportError("Qt is forbidden in the core: " + name)
    return real_import(name, *args, **kwargs)
builtins.__import__ = guard
import annotator.core, annotator.cli, annotator.jobs
mods = [m.name for m in pkgutil.walk_packages(annotator.core.__path__, "annotator.core.")]
mods += [m.name for m in pkgutil.walk_packages(annotator.cli.__path__, "annotator.cli.")]
mods += [m.name for m in pkgutil.walk_packages(annotator.jobs.__path__, "annotator.jobs.")]
for m in mods:
    importlib.import_module(m)
print(len(mods))
"""


@pytest.mark.slow
def test_core_and_cli_import_without_qt():
    result = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) >= 5
