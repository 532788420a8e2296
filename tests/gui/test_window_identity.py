"""Issue 23 §1 in the window: the name is the project's (core/team/identity.py). `gui --annotator lee`
on lee.db names lee in lee.db only; the default project keeps the first-run name; switching
projects in one window switches names; a cancelled first-run dialog opens the window as the
operating-system user and says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog

from annotator.core.team import identity
from annotator.core.store import Store
from tests.cli.helpers import run
from tests.gui.window_helpers import make_project, open_window


@pytest.fixture
def two_projects(tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    lee, default = tmp_path / "lee.db", tmp_path / "default.db"
    monkeypatch.setenv("ANNOTATOR_DB", str(default))
    make_project(lee)
    make_project(default)
    return lee, default


@pytest.mark.slow
def test_gui_annotator_names_one_project_only(qtbot, two_projects):
    lee, default = two_projects
    identity.set_first_run_name("dana")
    opened = run("gui", "--db", lee, "--annotator", "lee", "--model", "none", "--quit-after", "0.3")
    assert opened.exit_code == 0, opened.output
    assert identity.first_run_name() == "dana"  # the global default is not rewritten

    w = open_window(qtbot, default, annotator=None)  # plain `annotator` on the default project
    assert w.project.annotator == "dana" and "Annotator: dana" == w.status.annotator_label.text()
    assert w.accept()  # dana's decision in the default project
    w.switch_project(lee)
    qtbot.waitUntil(lambda: w.project.annotator == "lee", timeout=5000)
    assert w.status.annotator_label.text() == "Annotator: lee"
    assert w.accept()  # lee's decision in lee.db
    w.switch_project(default)
    qtbot.waitUntil(lambda: w.project.annotator == "dana", timeout=5000)
    w.close()
    with Store(default) as store:
        assert {a for (a,) in store.conn.execute("SELECT annotator FROM annotations")} == {"dana"}
    with Store(lee) as store:
        assert {a for (a,) in store.conn.execute("SELECT annotator FROM annotations")} == {"lee"}
    # The command line signs with the same names, project by project.
    assert run("whoami", "--db", lee).stdout.startswith("lee in ")
    assert run("whoami").stdout.startswith("dana in ")


def test_annotator_name_menu_names_this_project_only(qtbot, two_projects, monkeypatch):
    lee, default = two_projects
    identity.set_first_run_name("dana")
    w = open_window(qtbot, lee, annotator=None)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("lee", True)))
    with qtbot.waitSignal(w.project.annotatorChanged):
        w.menu_actions["annotator"].trigger()
    assert w.project.annotator == "lee" and identity.first_run_name() == "dana"
    w.close()
    w = open_window(qtbot, default, annotator=None)
    assert w.project.annotator == "dana"
    w.close()


def shown(qtbot, window):
    assert window is not None
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: not window.doc_model.loading, timeout=30000)
    return window


@pytest.mark.slow
def test_cancelled_first_run_dialog_opens_as_the_user_and_says_so(qtbot, tmp_path, monkeypatch):
    from annotator.gui.app import open_window as open_app_window

    db = tmp_path / "p.db"
    make_project(db)
    asked = []
    monkeypatch.setattr(QInputDialog, "getText",
                        staticmethod(lambda *a, **k: asked.append(a[2]) or ("", False)))
    window = shown(qtbot, open_app_window(db, None, ""))
    os_name = identity.os_user()
    assert len(asked) == 1 and "every project that has no name" in asked[0]
    assert window.project.annotator == os_name and not window.project.identity.chosen
    assert f"your work is signed {os_name}, your operating-system user name" in window.status.currentMessage()
    assert window.status.annotator_label.text() == f"Annotator: {os_name} (not set)"
    with Store(db) as store:
        assert identity.project_name(store) is None  # a stand-in is not remembered
    window.close()
    # Next start: asked again; a name given now is the first-run name and this project's.
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("dana", True)))
    window = shown(qtbot, open_app_window(db, None, ""))
    assert window.project.annotator == "dana" and identity.first_run_name() == "dana"
    assert window.status.annotator_label.text() == "Annotator: dana"
    window.close()


def test_the_old_global_name_becomes_the_first_run_name_once(qtbot, tmp_path, monkeypatch):
    from annotator.gui.app import open_window as open_app_window
    from annotator.gui.settings import settings

    db = tmp_path / "p.db"
    make_project(db)
    settings().setValue("annotator", "erin")  # kept by the window before names were per project
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: pytest.fail("asked")))
    window = shown(qtbot, open_app_window(db, None, ""))
    assert window.project.annotator == "erin" and identity.first_run_name() == "erin"
    assert settings().value("annotator") is None
    window.close()
