"""The one-folder app (PyInstaller, sys.frozen and sys._MEIPASS set) finds its resources and
sample articles inside its own folder, never writes there, and puts data in the user's data
folder as an install does. The layout is the one annotator/bundle/contents.py builds."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from annotator import paths
from annotator.bundle import contents
from annotator.core.project import open_project

REPO_ROOT = Path(__file__).resolve().parents[2]


def app_folder(root: Path) -> Path:
    """A folder laid out as the bundle lays out annotator's data (contents.app_files)."""
    for source, dest in contents.app_files():
        shutil.copytree(source, root / dest)
    return root


@pytest.fixture
def frozen(monkeypatch, tmp_path):
    root = app_folder(tmp_path / "_internal")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(root), raising=False)
    return root


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def test_not_frozen_means_no_app_folder():
    assert paths.frozen_root() is None
    assert (paths.resource_path("labels.json")).is_file()


def test_frozen_lookups_point_into_the_app_folder(frozen):
    assert paths.frozen_root() == frozen
    assert paths.resource_path("labels.json") == frozen / "annotator" / "resources" / "labels.json"
    assert paths.resource_path("icons/annotator.svg").is_file()
    assert paths.seeds_dir() == frozen / "annotator" / "seeds"
    assert sorted(p.name for p in paths.seeds_dir().glob("*.txt")) == \
        sorted(p.name for p in (REPO_ROOT / "seeds").glob("*.txt"))


def test_frozen_without_meipass_uses_the_programs_folder(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "annotator"))
    assert paths.frozen_root() == tmp_path.resolve()


def test_first_start_seeds_from_the_app_folder_and_writes_only_user_data(frozen, monkeypatch, tmp_path):
    data_home = tmp_path / "xdg-data"
    monkeypatch.delenv("ANNOTATOR_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    before = snapshot(frozen)
    store = open_project()  # the default project, as `annotator` with no arguments opens it
    try:
        assert store.documents.count_documents() == len(list((REPO_ROOT / "seeds").glob("*.txt")))
    finally:
        store.close()
    assert paths.default_db_path() == data_home / "annotator" / "default.db"
    assert (data_home / "annotator" / "default.db").is_file()
    assert snapshot(frozen) == before  # the app's folder may be read-only: nothing written there
