"""The File and Model menus' small questions: recent projects, new/open, model, annotator name
(the blocking Qt dialogs are answered by monkeypatching their static calls)."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QInputDialog, QWidget

from annotator.gui.dialogs import project_dialogs
from annotator.gui.project import Project
from annotator.gui.settings import recent_projects, remember_project
from tests.gui.window_helpers import make_project


def test_recent_menu_lists_remembered_projects_and_opens_one(qtbot, tmp_path):
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    make_project(first)
    make_project(second)
    remember_project(first)
    remember_project(second)
    assert recent_projects()[:2] == [str(second.resolve()), str(first.resolve())]
    opened = []
    parent = QWidget()
    qtbot.addWidget(parent)
    menu = project_dialogs.RecentMenu(opened.append, parent)
    menu.fill()
    entries = [a for a in menu.actions() if a.text() == str(first.resolve())]
    assert entries and entries[0].isEnabled()
    entries[0].trigger()
    assert opened == [first.resolve()]


def test_new_open_model_and_annotator_questions(qtbot, tmp_path, monkeypatch):
    db = tmp_path / "p.db"
    make_project(db)
    project = Project(db, "alice")
    parent = QWidget()
    qtbot.addWidget(parent)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(tmp_path / "new"), "")))
    assert project_dialogs.ask_new_project(parent, project) == tmp_path / "new.db"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(db), "")))
    assert project_dialogs.ask_new_project(parent, project) is None  # exists: use Open
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(db), "")))
    assert project_dialogs.ask_open_project(parent, project) == db
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: (" my_model ", True)))
    with qtbot.waitSignal(project.modelChanged):
        project_dialogs.ask_model(parent, project)
    assert project.model == "my_model" and project.store.settings.get_setting("suggest.model") == "my_model"
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("bob", True)))
    with qtbot.waitSignal(project.annotatorChanged):
        project_dialogs.ask_annotator(parent, project)
    assert project.annotator == "bob"
    project.close()
