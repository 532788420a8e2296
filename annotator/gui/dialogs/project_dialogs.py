"""Small project-level questions of the File and Model menus: which project file to create
or open, the recent-projects menu, which model to suggest with, the annotator's name."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QWidget

from annotator.gui.dialogs import dialogs
from annotator.gui.file_actions import PROJECT_FILTER
from annotator.gui.project import Project
from annotator.gui.settings import recent_projects


def ask_new_project(parent: QWidget, project: Project) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, "New project", str(project.path.parent / "project.db"),
                                          PROJECT_FILTER)
    if not path:
        return None
    target = Path(path if path.endswith(".db") else path + ".db")
    if target.exists():
        dialogs.show_message(parent, "New project", f"{target} already exists; use Open project.")
        return None
    return target


def ask_open_project(parent: QWidget, project: Project) -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Open project", str(project.path.parent), PROJECT_FILTER)
    return Path(path) if path else None


class RecentMenu(QMenu):
    """File -> Recent projects, filled when shown; choosing one calls `open_path`."""

    def __init__(self, open_path: Callable[[Path], object], parent: QWidget) -> None:
        super().__init__("Recent projects", parent)
        self.open_path = open_path
        self.aboutToShow.connect(self.fill)

    def fill(self) -> None:
        self.clear()
        for path in recent_projects():
            action = self.addAction(path)
            action.setEnabled(Path(path).exists())
            action.triggered.connect(lambda _c=False, p=path: self.open_path(Path(p)))
        if self.isEmpty():
            self.addAction("(none)").setEnabled(False)


def ask_model(parent: QWidget, project: Project) -> None:
    """Model -> Choose model: a package name or pipeline folder (empty: the default)."""
    from annotator.core.learning.suggest import project_model

    current = project.model or project_model(project.store)
    name, ok = QInputDialog.getText(parent, "Choose model",
                                    "spaCy package name or model folder (empty: the default model):",
                                    text=current)
    if ok:
        project.set_model(name.strip() or None)


def ask_annotator(parent: QWidget, project: Project) -> None:
    """File -> Annotator name: who works in this project from now on (this project only; also
    the first-run name when none was ever given, core/team/identity.py)."""
    from annotator.core.team import identity

    name = dialogs.ask_annotator_name(parent, project.annotator)
    if not name:
        return
    if identity.first_run_name() is None:
        identity.set_first_run_name(name)
    if name != project.annotator or not project.identity.chosen:
        project.set_annotator(name)
