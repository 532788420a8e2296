"""Small dialogs: labels, keyboard shortcuts, annotator name, messages.

None of them block the event loop unless the caller runs exec() (tests never need to)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QInputDialog, QLineEdit,
    QListWidget, QListWidgetItem, QMessageBox, QTableWidget, QTableWidgetItem,
    QVBoxLayout, QWidget,
)

from annotator.core.team.identity import os_user
from annotator.core.text.palette import text_color
from annotator.gui.project import Project
from annotator.gui.access import add_buttons, fill_in


def show_message(parent: QWidget | None, title: str, text: str, *,
                 icon: QMessageBox.Icon = QMessageBox.Icon.Warning) -> QMessageBox:
    """A window-modal message that does not block the caller (open(), not exec())."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def notify(parent: QWidget | None, title: str, text: str, *, show: bool = True) -> QMessageBox:
    """A message that neither blocks nor takes the keyboard: the person may be labelling when
    background work ends, and a key meant for the text must not answer a box."""
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Close, parent)
    box.setWindowModality(Qt.WindowModality.NonModal)
    box.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if show:
        box.show()
    return box


def ask_annotator_name(parent: QWidget | None, current: str | None = None, *,
                       first_run: bool = False) -> str | None:
    """Ask for the annotator name (blocking: only called at start-up or from the menu).
    None when cancelled or empty. core/team/identity.py keeps it: first_run for every project
    without a name, else for this project only."""
    where = ("It is used in every project that has no name of its own; Cancel works as your "
             "operating-system user name for now." if first_run else "It is kept in this project only.")
    name, ok = QInputDialog.getText(parent, "Annotator name",
                                    f"Your name, saved with every annotation.\n{where}",
                                    QLineEdit.EchoMode.Normal, current or os_user())
    name = name.strip()
    return name if ok and name else None


class ShortcutsDialog(QDialog):
    """Help -> Keyboard shortcuts: built from the window's actions, so it never goes stale."""

    def __init__(self, rows: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setAccessibleName("Keyboard shortcuts")
        self.setAccessibleDescription("The keys in force; change them in Edit, Shortcuts")
        table = QTableWidget(len(rows), 2, self)
        table.setObjectName("shortcutsTable")
        table.setAccessibleName("Keys and what they do")
        table.setAccessibleDescription("The keys in force, yours where you changed them")
        table.setHorizontalHeaderLabels(["Keys", "Action"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        table.setTabKeyNavigation(False)  # Tab goes on to Close
        for i, (keys, what) in enumerate(rows):
            key_item = QTableWidgetItem(keys)
            font = key_item.font()
            font.setBold(True)
            key_item.setFont(font)
            table.setItem(i, 0, key_item)
            table.setItem(i, 1, QTableWidgetItem(what))
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        # Long explanations wrap onto more lines, rows as tall as they need: never "…".
        table.setWordWrap(True)
        table.setTextElideMode(Qt.TextElideMode.ElideNone)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table = table
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        fill_in(self)  # the rest of the accessible names and descriptions (gui/access.py)
        self.resize(640, 680)


class LabelsDialog(QDialog):
    """Add, rename, recolour and remove the project's labels (written at once, through the
    Project, which tells every view)."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.changed = False
        self.setWindowTitle("Labels")
        self.setAccessibleName("Labels")
        self.setAccessibleDescription("Add, rename, recolour and remove the project's labels")
        self.list = QListWidget()
        self.list.setObjectName("labelsList")
        self.list.setAccessibleName("Project labels")
        self.list.setAccessibleDescription("Each label with its key, in its colour")
        buttons = QHBoxLayout()
        self.buttons = add_buttons(buttons, (
                ("Add…", "Add a label", self._add), ("Rename…", "Rename the chosen label everywhere", self._rename),
                ("Colour…", "Choose the chosen label's colour", self._recolour),
                ("Remove", "Remove the chosen label from the label set", self._remove),
                ("Use the accessible palette", "Colours people with any colour vision tell apart, with "
                 "readable label text, by each label's place in the set", self.use_accessible_palette)))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        layout.addWidget(close)
        fill_in(self)
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        for label in self.project.store.labels.all():
            item = QListWidgetItem(f"{label.name}   (key {label.key or '-'})")
            item.setData(Qt.ItemDataRole.UserRole, label.name)
            item.setBackground(QColor(label.color))
            item.setForeground(QColor(text_color(label.color)))
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
        return self._run(self.project.add_label, name.strip(), color)

    def rename_label(self, old: str, new: str) -> bool:
        return self._run(self.project.rename_label, old, new)

    def recolour_label(self, name: str, color: str) -> bool:
        return self._run(self.project.set_label_color, name, color)

    def remove_label(self, name: str) -> bool:
        return self._run(self.project.remove_label, name)

    def use_accessible_palette(self) -> bool:
        """Recolour every label with the accessible palette (core/text/palette.py)."""
        return self._run(self.project.use_accessible_palette)

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
            current = next((l.color for l in self.project.store.labels.all() if l.name == name), "#cccccc")
            color = QColorDialog.getColor(QColor(current), self, f"Colour of {name}")
            if color.isValid():
                self.recolour_label(name, color.name())

    def _remove(self) -> None:
        name = self._selected()
        if name and QMessageBox.question(
                self, "Remove label", f"Remove {name} from the label set? Saved annotations keep it.") \
                == QMessageBox.StandardButton.Yes:
            self.remove_label(name)
