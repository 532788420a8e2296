"""`annotator gui` (and `annotator` alone): clear failure without a display, a real window
otherwise."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.store import Store

NO_DISPLAY = {"QT_QPA_PLATFORM": None, "DISPLAY": None, "WAYLAND_DISPLAY": None}


def test_help():
    result = CliRunner().invoke(main, ["gui", "--help"])
    assert result.exit_code == 0
    for option in ("--db", "--annotator", "--model"):
        assert option in result.output
    assert "--quit-after" not in result.output  # hidden: for smoke tests


def test_without_a_display_says_what_it_would_open(db_path):
    with Store(db_path) as s:
        s.documents.add_documents([("one", {}), ("two", {}), ("three", {})])
    result = CliRunner().invoke(main, ["gui", "--db", str(db_path)], env=NO_DISPLAY)
    assert result.exit_code == 1
    assert "no display available" in result.output
    assert str(db_path) in result.output and "3 documents" in result.output
    assert "Traceback" not in result.output


def test_bare_command_opens_the_default_project_and_says_so_without_display(tmp_path):
    target = tmp_path / "default.db"
    result = CliRunner().invoke(main, [], env={**NO_DISPLAY, "ANNOTATOR_DB": str(target)})
    assert result.exit_code == 1
    assert str(target) in result.output and "a new project" in result.output
    assert not target.exists()  # nothing created just to say it cannot open


def test_not_a_project_is_a_clear_error(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_text("hello, not a database\n" * 50)
    result = CliRunner().invoke(main, ["gui", "--db", str(bogus), "--annotator", "alice"])
    assert result.exit_code == 1
    assert "not an annotator project" in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_opens_the_window_offscreen_and_remembers_settings(tmp_path):
    pytest.importorskip("PySide6", reason="the window needs Qt (CI runs this test in the Qt job)")
    db = tmp_path / "p.db"
    result = CliRunner().invoke(main, ["gui", "--db", str(db), "--annotator", "carol", "--model", "none",
                                       "--quit-after", "0.5"])
    assert result.exit_code == 0, result.output
    assert db.exists()
    from annotator.core.team import identity
    from annotator.gui.settings import recent_projects, settings

    with Store(db) as store:  # the name is this project's (core/team/identity.py), not a global one
        assert identity.project_name(store) == "carol"
    assert identity.first_run_name() is None and settings().value("annotator") is None
    assert recent_projects()[0] == str(db.resolve())
    assert settings().value("window/geometry") is not None
