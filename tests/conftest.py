"""Shared fixtures. Every test runs against temporary databases and a temporary home:
nothing touches the user's real data, settings or default project."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Before anything imports Qt: no display, and settings/data in a throwaway place.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
_SANDBOX = Path(tempfile.mkdtemp(prefix="annotator-tests-"))
os.environ["XDG_CONFIG_HOME"] = str(_SANDBOX / "config")
os.environ["XDG_DATA_HOME"] = str(_SANDBOX / "data")
os.environ["ANNOTATOR_DB"] = str(_SANDBOX / "data" / "default.db")

import pytest  # noqa: E402

from annotator.core.store import Store  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _peer_data_dir() -> Path:
    """$ANNOTATOR_PEER_DATA, else shared/peer-data beside the checkout (or beside the main
    checkout, for a git worktree one level deeper)."""
    env = os.environ.get("ANNOTATOR_PEER_DATA")
    if env:
        return Path(env)
    candidates = [REPO_ROOT.parent / "shared" / "peer-data", REPO_ROOT.parent.parent / "shared" / "peer-data"]
    return next((c for c in candidates if c.is_dir()), candidates[0])


# Markers that show a test's cost (README, "Tests"): set here from where a test lives and what it
# uses, so a new test is marked without anyone remembering to.
_RUNS_PROCESSES = ("subprocess", "multiprocessing", "sys.executable")


def _starts_processes(module) -> bool:
    source = Path(module.__file__).read_text(encoding="utf-8")
    return any(word in source for word in _RUNS_PROCESSES)


def pytest_collection_modifyitems(config, items):
    tests = Path(__file__).resolve().parent
    seen: dict[str, bool] = {}
    for item in items:
        path = Path(str(item.fspath)).resolve()
        area = path.relative_to(tests).parts[0] if path.is_relative_to(tests) else ""
        if area == "hub":
            item.add_marker(pytest.mark.hub)
        if area == "gui" or "qtbot" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.gui)
        module = getattr(item, "module", None)
        if module is not None:
            key = module.__name__
            if key not in seen:
                seen[key] = _starts_processes(module)
            if seen[key]:
                item.add_marker(pytest.mark.subprocess)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "project.db"


@pytest.fixture
def store(db_path: Path):
    s = Store(db_path)
    yield s
    s.close()


@pytest.fixture
def peer_data() -> Path:
    """Real third-party files in ../shared/peer-data (present on developer machines and CI).
    Missing on a developer's machine: skipped; missing in CI (CI=true): a failure, since a
    skipped format test would pass for nothing (.ci/run finds the folder and says where)."""
    path = _peer_data_dir()
    if not path.is_dir():
        message = f"peer data not found at {path} (set ANNOTATOR_PEER_DATA)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def seed_text() -> str:
    from annotator.paths import seeds_dir

    # The original AP sample (broken at both ends, mixed headlines): a hard real-world text.
    (path,) = seeds_dir().glob("*_e3d8d37a0122517e.txt")
    return path.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _fresh_config_folder(tmp_path_factory, monkeypatch):
    """Each test starts as on a new machine: no first-run name, no person key
    (core/team/identity.py keeps them in the config folder)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where a test saves its screenshots: $ANNOTATOR_SHOTS when set (to look at them after
    the run), else the test's own temporary folder."""
    env = os.environ.get("ANNOTATOR_SHOTS")
    folder = Path(env) if env else tmp_path / "shots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
