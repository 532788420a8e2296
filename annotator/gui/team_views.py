"""The window's part of the team's quality loop: the Guidelines panel (View -> Guidelines,
Ctrl+G), the Notes panel beside the text, the labels' tooltips with their descriptions, and
undoing a decision (Document -> Undo decision, or Ctrl+Z right after moving on).

Ctrl+Z undoes the last edit of the document on screen; when there is none, and the document
on screen is the one the last decision moved the window to, untouched since, it takes that
decision back (core/team/undo.py) and goes back to its document. Document -> Undo decision
takes back the decision on the document on screen, else the last one made in this window.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDockWidget, QWidget

from annotator.core.errors import AnnotatorError
from annotator.core.team.guidelines import label_descriptions, tooltip
from annotator.core.text.model import ANSWER_TO_STATUS, DECISIONS
from annotator.gui.editor.label_bar import LabelBar
from annotator.gui.editor.span_editor import SpanEditor
from annotator.gui.panels.guidelines_panel import GuidelinesPanel
from annotator.gui.panels.notes_panel import NotesPanel
from annotator.gui.project import Project

_WORDS = {"accept": "accept", "reject": "reject", "ignore": "skip"}


class TeamViews(QObject):
    """message(str): what the status bar should say."""

    message = Signal(str)

    def __init__(self, project: Project, editor: SpanEditor, label_bar: LabelBar,
                 add_panel: Callable[[QWidget, str], QDockWidget], open_document: Callable[[int], None],
                 current: Callable[[], int | None], document_shown: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project, self.editor, self.label_bar = project, editor, label_bar
        self._open, self._current = open_document, current
        self.guidelines = GuidelinesPanel(project)
        self.guidelines_dock = add_panel(self.guidelines, "Guidelines")
        self.notes = NotesPanel(project)
        self.notes_dock = add_panel(self.notes, "Notes")
        self.notes.message.connect(self.message)
        # The last decision made here, and the document the window moved to after it.
        self._decided: int | None = None
        self._moved_to: int | None = None
        project.decisionSaved.connect(self._on_decision)
        document_shown.connect(self._shown)
        editor.undo_stack().indexChanged.connect(self._edited)
        for signal in (project.guidelinesChanged, project.labelsChanged, project.opened):
            signal.connect(self.refresh_tooltips)
        project.opened.connect(self._forget)
        project.annotatorChanged.connect(lambda _name: self._forget())
        self.refresh_tooltips()

    # ---- guidelines and label tooltips -------------------------------------------------------
    def toggle_guidelines(self) -> None:
        dock = self.guidelines_dock
        dock.setVisible(not dock.isVisible())
        if dock.isVisible():
            dock.raise_()

    def refresh_tooltips(self) -> None:
        described = label_descriptions(self.project.store)
        self.label_bar.set_descriptions({name: tooltip(name, g) for name, g in described.items()})

    # ---- undo a decision --------------------------------------------------------------------------
    def _on_decision(self, doc_id: int, _answer: str) -> None:
        self._decided, self._moved_to = doc_id, None

    def _shown(self, doc_id: int) -> None:
        self.notes.show_document(doc_id)
        if self._decided is None:
            return
        if self._moved_to is None:
            self._moved_to = doc_id  # where the decision took the window
        elif doc_id != self._moved_to:
            self._forget()  # the person went elsewhere: Ctrl+Z is an edit's undo again

    def _edited(self, index: int) -> None:
        if index > 0:  # the person works on the document now (clear() on a new one gives 0)
            self._forget()

    def _forget(self) -> None:
        self._decided = self._moved_to = None

    def can_undo_decision_by_ctrl_z(self) -> bool:
        return self._decided is not None and self._moved_to == self._current() and not self.editor.undo_stack().count()

    def undo(self) -> None:
        """Edit -> Undo (Ctrl+Z): the last edit; right after moving on, the decision."""
        stack = self.editor.undo_stack()
        if stack.canUndo():
            stack.undo()
        elif self.can_undo_decision_by_ctrl_z():
            self.undo_decision(self._decided)

    def undo_decision(self, doc_id: int | None = None) -> bool:
        """Take back this annotator's decision on `doc_id` (default: the document on screen if
        decided, else the last decision made here) and show that document."""
        if doc_id is None:
            current = self._current()
            status = self.project.status(current) if current is not None else None
            decided = {ANSWER_TO_STATUS[a] for a in DECISIONS}
            doc_id = current if status in decided else self._decided
        if doc_id is None:
            self.message.emit("No decision to undo.")
            return False
        try:
            result = self.project.undo_decision(doc_id)
        except AnnotatorError as exc:
            self.message.emit(f"Not undone: {exc}")
            return False
        self._forget()
        self._open(doc_id)
        back = ("its earlier version (" + ANSWER_TO_STATUS[result.restored.answer] + ")") if result.restored \
            else "a draft with the same spans"
        self.message.emit(f"Undid your {_WORDS[result.undone.answer]} of document {doc_id}: back to {back}.")
        return True
