"""Small dialogs: labels, keyboard shortcuts, annotator name, export options, messages.

None of them block the event loop unless the caller runs exec() (tests never need to)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox, QColorDialog, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
    QHBoxLayout, QHeaderView, QInputDialog, QLineEdit, QListWidget, QListWidgetItem, QMessageBox,
    QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from annotator.core.project import default_annotator
from annotator.core.store import Store


def show_message(parent: QWidget | None, title: str, text: str, *,
                 icon: QMessageBox.Icon = QMessageBox.Icon.Warning) -> QMessageBox:
    """A window-modal message that does not block the caller (open(), not exec())."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def ask_annotator_name(parent: QWidget | None, current: str | None = None) -> str | None:
    """Ask for the annotator name once (blocking: only called at start-up or from the menu)."""
    name, ok = QInputDialog.getText(parent, "Annotator name",
                                    "Your name, saved with every annotation:",
                                    QLineEdit.EchoMode.Normal, current or default_annotator())
    name = name.strip()
    return name if ok and name else None


class ShortcutsDialog(QDialog):
    """Help -> Keyboard shortcuts: built from the window's actions, so it never goes stale."""

    def __init__(self, rows: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        table = QTableWidget(len(rows), 2, self)
        table.setObjectName("shortcutsTable")
        table.setHorizontalHeaderLabels(["Keys", "Action"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for i, (keys, what) in enumerate(rows):
            key_item = QTableWidgetItem(keys)
            font = key_item.font()
            font.setBold(True)
            key_item.setFont(font)
            table.setItem(i, 0, key_item)
            table.setItem(i, 1, QTableWidgetItem(what))
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        self.table = table
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.resize(520, 640)


class LabelsDialog(QDialog):
    """Add, rename, recolour and remove the project's labels (written to the store at once)."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.changed = False
        self.setWindowTitle("Labels")
        self.list = QListWidget()
        self.list.setObjectName("labelsList")
        buttons = QHBoxLayout()
        for text, slot in (("Add…", self._add), ("Rename…", self._rename),
                           ("Colour…", self._recolour), ("Remove", self._remove)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        for label in self.store.labels():
            item = QListWidgetItem(f"{label.name}   (key {label.key or '-'})")
            item.setData(Qt.ItemDataRole.UserRole, label.name)
            item.setBackground(QColor(label.color))
            item.setForeground(QColor("#1d1d1f"))
            self.list.addItem(item)

    def _selected(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _run(self, fn: Any, *args: Any) -> bool:
        try:
            fn(*args)
        except (ValueError, KeyError) as exc:
            show_message(self, "Labels", str(exc).strip("'\""))
            return False
        self.changed = True
        self.refresh()
        return True

    # The slots below ask with small blocking dialogs; the store calls are separate methods
    # so tests (and scripts) drive them without any dialog.
    def add_label(self, name: str, color: str | None = None) -> bool:
        return self._run(self.store.add_label, name.strip(), color)

    def rename_label(self, old: str, new: str) -> bool:
        return self._run(self.store.rename_label, old, new)

    def recolour_label(self, name: str, color: str) -> bool:
        return self._run(self.store.set_label_color, name, color)

    def remove_label(self, name: str) -> bool:
        return self._run(self.store.remove_label, name)

    def _add(self) -> None:
        name, ok = QInputDialog.getText(self, "Add label", "Label name:")
        if ok and name.strip():
            self.add_label(name)

    def _rename(self) -> None:
        old = self._selected()
        if old:
            new, ok = QInputDialog.getText(self, "Rename label", f"New name for {old}:", text=old)
            if ok and new.strip() and new.strip() != old:
                self.rename_label(old, new)

    def _recolour(self) -> None:
        name = self._selected()
        if name:
            current = next((l.color for l in self.store.labels() if l.name == name), "#cccccc")
            color = QColorDialog.getColor(QColor(current), self, f"Colour of {name}")
            if color.isValid():
                self.recolour_label(name, color.name())

    def _remove(self) -> None:
        name = self._selected()
        if name and QMessageBox.question(
                self, "Remove label", f"Remove {name} from the label set? Saved annotations keep it.") \
                == QMessageBox.StandardButton.Yes:
            self.remove_label(name)


def exporter_formats() -> list[str]:
    """The export formats the CLI offers (empty until the exporters are installed)."""
    try:
        from annotator.core.exporters import EXPORTERS
    except ImportError:
        return []
    return [name if isinstance(name, str) else getattr(name, "name", str(name)) for name in EXPORTERS]


class ExportDialog(QDialog):
    """Format, output path and what to include; `options()` gives export() keyword arguments."""

    def __init__(self, formats: list[str], project: Path, annotator: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.project = project
        self.format = QComboBox()
        self.format.addItems(formats)
        self.path = QLineEdit()
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.only_mine = QCheckBox(f"Only {annotator}'s annotations")
        self.only_mine.setChecked(True)
        self.annotator = annotator
        self.answer = QComboBox()
        self.answer.addItems(["accept", "reject", "ignore", "all"])
        self.reviewed = QCheckBox("Reviewed (adjudicated) versions only")
        form = QFormLayout(self)
        form.addRow("Format", self.format)
        form.addRow("Save to", row)
        form.addRow("Answers", self.answer)
        form.addRow("", self.only_mine)
        form.addRow("", self.reviewed)
        ok_cancel = QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        buttons = QDialogButtonBox(ok_cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.format.currentTextChanged.connect(self._suggest_path)
        self._suggest_path(self.format.currentText())

    def _suggest_path(self, fmt: str) -> None:
        ext = {"spacy": "spacy", "conll": "conll"}.get(fmt, "jsonl")
        self.path.setText(str(self.project.with_name(f"{self.project.stem}-{fmt}.{ext}")))

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text())
        if path:
            self.path.setText(path)

    def out_path(self) -> Path:
        return Path(self.path.text()).expanduser()

    def options(self) -> dict[str, Any]:
        return {"annotator": self.annotator if self.only_mine.isChecked() else None,
                "answer": self.answer.currentText(),
                "reviewed": self.reviewed.isChecked()}
