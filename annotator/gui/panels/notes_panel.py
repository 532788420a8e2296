"""View -> Panels -> Notes: the notes on the document on screen, beside the text, and a box to
add one. Anyone adds a note; selecting one's own fills the box to change it (Save changes) or
Delete it; teammates' notes are read-only (core/team/notes.py; the hub enforces the same)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.text.model import Note
from annotator.gui.project import Project

NOTE_ROLE = Qt.ItemDataRole.UserRole


def note_line(note: Note) -> str:
    when = datetime.fromtimestamp(note.updated).strftime("%Y-%m-%d %H:%M")
    return f"{note.author} · {when}\n{note.text}"


class NotesList(QListWidget):
    """Notes, one per item (author, time, text), most recent last."""

    def show_notes(self, notes: list[Note]) -> None:
        self.clear()
        for note in notes:
            item = QListWidgetItem(note_line(note))
            item.setData(NOTE_ROLE, note)
            item.setToolTip(note.text)
            self.addItem(item)

    def selected_note(self) -> Note | None:
        item = self.currentItem()
        return item.data(NOTE_ROLE) if item is not None and item.isSelected() else None


class NotesPanel(QWidget):
    """Follows the window's document (show_document); message(str) reports a refusal."""

    message = Signal(str)

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.doc_id: int | None = None
        self.title = QLabel(self)
        self.list = NotesList(self)
        self.list.setObjectName("notesList")
        self.list.setWordWrap(True)
        self.list.itemSelectionChanged.connect(self._selected)
        self.box = QPlainTextEdit(self)
        self.box.setObjectName("noteBox")
        self.box.setPlaceholderText("A note on this document, for the team and the reviewers…")
        self.box.setMaximumHeight(90)
        self.add_button = QPushButton("Add note", self)
        self.add_button.clicked.connect(self.add)
        self.save_button = QPushButton("Save changes", self)
        self.save_button.clicked.connect(self.save)
        self.delete_button = QPushButton("Delete", self)
        self.delete_button.clicked.connect(self.delete)
        row = QHBoxLayout()
        for button in (self.add_button, self.save_button, self.delete_button):
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.box)
        layout.addLayout(row)
        project.notesChanged.connect(lambda doc_id: doc_id in (-1, self.doc_id) and self.refresh())
        project.opened.connect(lambda: self.show_document(None))
        project.annotatorChanged.connect(lambda _name: self.refresh())
        self.show_document(None)

    def show_document(self, doc_id: int | None) -> None:
        self.doc_id = doc_id
        self.box.clear()
        self.refresh()

    def refresh(self) -> None:
        notes = self.project.store.notes.all([self.doc_id]) if self.doc_id is not None else []
        self.list.show_notes(notes)
        self.title.setText(f"<b>Notes on document {self.doc_id}</b> ({len(notes)})" if self.doc_id is not None
                           else "<b>Notes</b>: no document open")
        self.add_button.setEnabled(self.doc_id is not None)
        self._selected()

    def _selected(self) -> None:
        note = self.list.selected_note()
        mine = note is not None and note.author == self.project.annotator
        self.save_button.setEnabled(mine)
        self.delete_button.setEnabled(mine)
        if mine:
            self.box.setPlainText(note.text)

    def _do(self, action: str, call: object) -> bool:
        try:
            call()  # type: ignore[operator]
        except AnnotatorError as exc:
            self.message.emit(f"Note not {action}: {exc}")
            return False
        self.box.clear()
        return True

    def add(self) -> bool:
        if self.doc_id is None:
            return False
        doc_id, text = self.doc_id, self.box.toPlainText()
        return self._do("added", lambda: self.project.add_note(doc_id, text))

    def save(self) -> bool:
        note, text = self.list.selected_note(), self.box.toPlainText()
        return note is not None and self._do("saved", lambda: self.project.edit_note(note.id, text))

    def delete(self) -> bool:
        note = self.list.selected_note()
        return note is not None and self._do("deleted", lambda: self.project.delete_note(note.id))
