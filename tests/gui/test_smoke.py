"""`annotator gui --smoke`: the window's self-test that packagers (and .ci/run, on the
one-folder app) run offscreen. It must pass on a good install and fail, with a reason and
status 1, when the window cannot do its job."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.store import Store


def all_settings() -> dict:
    from annotator.gui.settings import settings

    store = settings()
    return {key: store.value(key) for key in store.allKeys()}


def test_smoke_without_a_model_shows_the_document_and_passes(tmp_path):
    from annotator.gui.settings import settings

    db = tmp_path / "p.db"
    with Store(db) as store:
        store.documents.add_documents([("The port of Belmouth is closed.", {"file": "one.txt"}), ("Second.", {})])
    settings().remove("annotator")
    settings().setValue("recent", ["/somewhere/else.db"])
    before = all_settings()
    result = CliRunner().invoke(main, ["gui", "--smoke", "--db", str(db), "--model", "none"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("smoke: window shown in ") and lines[0].endswith(f": {db}, one.txt (31 characters)")
    assert lines[-1] == "smoke: ok" and len(lines) == 2
    # No name remembered, no recent project, no window geometry: the next real start is untouched.
    assert all_settings() == before and "annotator" not in before


def test_smoke_on_a_project_that_cannot_be_opened_fails_without_a_dialog(tmp_path):
    """The check happens before any window (a dialog would wait for a click forever)."""
    bogus = tmp_path / "notes.db"
    bogus.write_text("not a database\n" * 100)
    result = CliRunner().invoke(main, ["gui", "--smoke", "--db", str(bogus), "--model", "none"])
    assert result.exit_code == 1 and "not an annotator project" in result.output


def test_smoke_on_an_empty_project_fails(tmp_path):
    db = tmp_path / "empty.db"
    Store(db).close()
    result = CliRunner().invoke(main, ["gui", "--smoke", "--db", str(db), "--model", "none"])
    assert result.exit_code == 1
    assert result.output.strip() == f"smoke: FAILED: the project {db} has no document to show"


@pytest.mark.slow
def test_smoke_fails_when_the_model_does_not_load(tmp_path):
    db = tmp_path / "p.db"
    with Store(db) as store:
        store.documents.add_documents([("Some text.", {})])
    result = CliRunner().invoke(main, ["gui", "--smoke", "--db", str(db), "--model", str(tmp_path / "gone")])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1].startswith("smoke: FAILED: the model failed to load: ")
    assert "gone" in result.output


@pytest.mark.slow
def test_smoke_on_a_first_start_seeds_the_default_project_and_runs_the_model(tmp_path):
    """As a packager runs it: a new user (empty data and config folders), no name given, the
    real default model loaded in its child process."""
    env = {k: v for k, v in os.environ.items() if k != "ANNOTATOR_DB"}
    env.update(QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), HOME=str(tmp_path / "home"))
    result = subprocess.run([sys.executable, "-m", "annotator", "gui", "--smoke"], env=env, capture_output=True,
                            text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    shown, model, ok = result.stdout.splitlines()
    db = tmp_path / "data" / "annotator" / "default.db"
    assert shown.startswith("smoke: window shown in ") and shown.endswith(
        f": {db}, 01_port_strike_begins.txt (1,334 characters)")
    assert model.startswith("smoke: model core_web_sm") and " loaded, " in model
    assert int(model.split(" loaded, ")[1].split()[0]) > 0  # the stock model finds names in the first article
    assert ok == "smoke: ok"
    with Store(db, readonly=True) as store:
        assert store.documents.count_documents() == 8
