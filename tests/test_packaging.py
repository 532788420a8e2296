"""A non-editable install must carry resources/ and seeds/ inside the package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_ships_resources_and_seeds(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
         "-w", str(tmp_path), str(REPO_ROOT)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    wheel = next(tmp_path.glob("annotator-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "annotator/resources/labels.json" in names
    seeds = sorted(p.name for p in (REPO_ROOT / "seeds").glob("*.txt"))
    assert seeds and all(f"annotator/seeds/{name}" in names for name in seeds)
    assert not any(name.startswith(("tests/", "benchmarks/")) for name in names)
    # The one-folder app builds from a wheel install too: its PyInstaller hooks, desktop entry and icons.
    assert {"annotator/bundle/hooks/hook-spacy.py", "annotator/bundle/hooks/hook-thinc.py",
            "annotator/resources/annotator.desktop", "annotator/resources/icons/annotator.png"} <= names


@pytest.mark.slow
def test_every_subpackage_is_listed_in_pyproject():
    """pyproject lists packages by hand (resources/ and seeds/ are mapped in): a new
    subpackage missing from the list would be absent from a non-editable install."""
    import tomllib

    listed = set(tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(REPO_ROOT).parts)
             for p in (REPO_ROOT / "annotator").rglob("__init__.py")}
    assert found <= listed, f"add to pyproject's packages: {sorted(found - listed)}"
