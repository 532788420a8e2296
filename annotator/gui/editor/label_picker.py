"""The label picker (`/`, Edit -> Choose a label by name…): any number of labels by keyboard.

Twenty keys (1-9, 0, q-p) cover twenty labels; a project with more has labels without a key.
`/` opens this small list of every label: type to filter (a label whose name starts with the
text comes first, then any that contains it, case ignored), Up/Down to move, Return to choose,
Escape to close. The label chosen goes where a label key goes (SpanEditor.choose_label): it
relabels the span the person selected, else it becomes the next span's label.
"""

from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from annotator.core.text.model import Label
from annotator.core.text.palette import text_color
from annotator.gui.access import fill_in


def ranked(labels: Sequence[Label], typed: str) -> list[Label]:
    """The labels matching `typed`: names starting with it first, then names containing it,
    each in label-set order."""
    needle = typed.strip().casefold()
    starts = [label for label in labels if label.name.casefold().startswith(needle)]
    inside = [label for label in labels if needle in label.name.casefold() and label not in starts]
    return starts + inside


class LabelPicker(QDialog):
    """See the module docstring. Emits chosen(name) and closes."""

    chosen = Signal(str)

    def __init__(self, labels: Sequence[Label], keys: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Choose a label")
        self.setAccessibleName("Choose a label")
        self.setAccessibleDescription("Type to filter the labels, Up and Down to move, Return to choose, "
                                      "Escape to close")
        self._labels, self._keys = list(labels), dict(keys)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Type a label's name…")
        self.filter.setAccessibleName("Label name")
        self.filter.setAccessibleDescription("Filters the list below as you type")
        self.list = QListWidget(self)
        self.list.setAccessibleName("Labels")
        self.list.setAccessibleDescription("The labels matching what you typed; Return chooses the current one")
        self.empty = QLabel("No label matches", self)
        hint = QLabel("Return chooses · Escape closes", self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        layout.addWidget(self.empty)
        layout.addWidget(hint)
        self.filter.textChanged.connect(self._refilter)
        self.filter.installEventFilter(self)  # Up/Down move in the list while typing
        self.list.itemActivated.connect(self._choose_item)
        self._refilter("")
        fill_in(self)
        self.resize(320, 420)

    def _refilter(self, typed: str) -> None:
        self.list.clear()
        for label in ranked(self._labels, typed):
            key = self._keys.get(label.name)
            item = QListWidgetItem(f"{label.name}   ({key})" if key else label.name)
            item.setData(Qt.ItemDataRole.UserRole, label.name)
            item.setBackground(QColor(label.color))
            item.setForeground(QColor(text_color(label.color)))
            self.list.addItem(item)
        self.empty.setVisible(self.list.count() == 0)
        if self.list.count():
            self.list.setCurrentRow(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.filter and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.list.count():
                row = self.list.currentRow() + (1 if key == Qt.Key.Key_Down else -1)
                self.list.setCurrentRow(min(max(row, 0), self.list.count() - 1))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.choose_current()
                return True
        return super().eventFilter(watched, event)

    def choose_current(self) -> str | None:
        item = self.list.currentItem()
        if item is None:
            return None
        return self._choose_item(item)

    def _choose_item(self, item: QListWidgetItem) -> str:
        name = item.data(Qt.ItemDataRole.UserRole)
        self.accept()
        self.chosen.emit(name)
        return name
