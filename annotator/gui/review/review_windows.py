"""Review -> Review teammates' labels: at most one review window per main window, reviewing
the open project as the current annotator; closed when the project or annotator changes."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from annotator.gui.project import Project
from annotator.gui.review.review_view import ReviewView, open_review_window


class ReviewWindows(QObject):
    def __init__(self, project: Project, parent: QWidget) -> None:
        super().__init__(parent)
        self.project = project
        self.parent_widget = parent
        self.views: list[ReviewView] = []
        project.opened.connect(self.close_all)
        project.annotatorChanged.connect(lambda _name: self.close_all())

    def open(self, focus_agreement: bool = False) -> ReviewView:
        """Show (raising the open one, or opening a new) review window."""
        view = self.views[0] if self.views else None
        if view is None:
            view = open_review_window(self.project, self.project.annotator, parent=self.parent_widget)
            self.views.append(view)
            view.destroyed.connect(lambda _o=None, v=view: self._forget(v))
        view.show()
        view.raise_()
        view.activateWindow()
        if focus_agreement:
            view.agreement_table.setFocus()
        return view

    def _forget(self, view: ReviewView) -> None:
        if view in self.views:
            self.views.remove(view)

    def close_all(self) -> None:
        for view in list(self.views):
            view.close()  # its closeEvent stops its workers
        self.views.clear()
