"""Edit -> Shortcuts…: every action with its keys, any of them changed (issue 28 §2).

The rows are the keymap's actions (gui/keymap.py: the menus' and the token cursor's) and the
project's label keys. Select a row, press the new key in the key box and "Set key" (or "Add
key" to keep the others too), "No key" to free it, "Reset" for its default, "Reset all" for
every default. A key another action has is refused with a message naming that action (a label's
key, Shift + a label key for "label all", or another action's); nothing changes then. Keys are
saved in the person's settings at once; label keys are the project's (one letter or digit).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QKeySequenceEdit, QLabel, QLineEdit,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from annotator.core.text.labels import LABEL_KEYS
from annotator.gui.editor.label_bar import LabelBar
from annotator.gui.keymap import ShortcutClash, keymap, shown
from annotator.gui.project import Project
from annotator.gui.access import add_buttons, fill_in

LABEL_GROUP = "Labels (this project)"
_LABEL = "label:"  # row names of label keys


def reserved_keys(label_keys: dict[str, str]) -> dict[str, str]:
    """{key: who has it} for keys that are not the keymap's: label keys and Shift + them."""
    out = {QKeySequence(key.upper() if key.isalpha() else key).toString(): f"label {name}"
           for name, key in label_keys.items()}
    by_key = {key: name for name, key in label_keys.items()}
    for key in LABEL_KEYS:
        name = by_key.get(key)
        what = f"label all occurrences as {name}" if name else "label all occurrences (Shift + a label key)"
        out[QKeySequence(f"Shift+{key.upper()}").toString()] = what
    return out


class ShortcutsEditor(QDialog):
    """See the module docstring."""

    def __init__(self, project: Project, label_bar: LabelBar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project, self.label_bar = project, label_bar
        self.setWindowTitle("Shortcuts")
        self.setAccessibleName("Shortcuts")
        self.setAccessibleDescription("Every action with its keys; choose a row, press a key in the key box, "
                                      "then Set key")
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("shortcutsEditor")
        self.table.setHorizontalHeaderLabels(["Action", "Where", "Keys"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table for the key box (arrows move in it)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2):
            self.table.horizontalHeader().setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setAccessibleName("Actions and their keys")
        self.table.setAccessibleDescription("Choose the action whose keys to change")
        self.key_edit = QKeySequenceEdit(self)
        self.key_edit.setMaximumSequenceLength(1)
        self.key_edit.setAccessibleName("New key")
        self.key_edit.setAccessibleDescription("Press the key (with its modifiers) to give the chosen action")
        self.message = QLabel(self)
        self.message.setObjectName("shortcutsMessage")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")
        row = QHBoxLayout()
        row.addWidget(QLabel("New key:"))
        row.addWidget(self.key_edit, 1)
        self.buttons = add_buttons(row, (
            ("Set key", "Replace the action's keys with this one", lambda: self._set(False)),
            ("Add key", "Give the action this key too", lambda: self._set(True)),
            ("No key", "Take every key from the action", self._clear),
            ("Reset", "The action's default keys", self._reset_one),
            ("Reset all", "Every action's default keys", self.reset_all)), self)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(close)
        inner = self.key_edit.findChild(QLineEdit)
        if inner is not None:
            inner.setAccessibleName("New key")
            inner.setAccessibleDescription("Press the key (with its modifiers) to give the chosen action")
        fill_in(self)
        self.refresh()
        self.table.setCurrentCell(0, 0)  # a keyboard user can set a key at once
        self.resize(760, 640)

    # ---- rows ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        current = self.current_name()
        rows = [(b.name, b.title, b.group, ", ".join(shown(k) for k in keymap().keys(b.name)))
                for b in keymap().bindings()]
        rows += [(_LABEL + name, f"Label {name}", LABEL_GROUP, key) for name, key in self.label_bar.keys().items()]
        self.table.setRowCount(len(rows))
        for i, (name, title, group, keys) in enumerate(rows):
            for col, text in enumerate((title, group, keys)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, name)
                self.table.setItem(i, col, item)
            if name == current:
                self.table.selectRow(i)

    def rows(self) -> list[tuple[str, str, str]]:
        """(action, where, keys) as listed."""
        return [tuple(self.table.item(i, c).text() for c in range(3)) for i in range(self.table.rowCount())]  # type: ignore[misc]

    def current_name(self) -> str | None:
        item = self.table.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def select(self, name: str) -> None:
        for i in range(self.table.rowCount()):
            if self.table.item(i, 0).data(Qt.ItemDataRole.UserRole) == name:
                self.table.setCurrentCell(i, 0)
                return
        raise KeyError(name)

    # ---- changes (the buttons; tests call change() directly) -------------------------------------
    def change(self, name: str, keys: list[str], *, add: bool = False) -> str | None:
        """Give action `name` these keys (add: besides its own). None if done, else why not
        (the message the dialog shows)."""
        try:
            if name.startswith(_LABEL):
                self._change_label(name[len(_LABEL):], keys)
            else:
                old = keymap().keys(name) if add else []
                keymap().set_keys(name, [*old, *keys], reserved=reserved_keys(self.label_bar.keys()))
        except (ShortcutClash, ValueError, KeyError) as exc:
            return self._say(str(exc).strip("'\""), error=True)
        self._say("Saved.")
        self.refresh()
        return None

    def _change_label(self, label: str, keys: list[str]) -> None:
        key = keys[-1] if keys else None
        if key is not None:
            owner = keymap().owner_of(QKeySequence(key))
            if owner is not None:
                raise ShortcutClash(f"{shown(key)} is already the key of “{owner}”")
            key = QKeySequence(key).toString().lower() if len(QKeySequence(key).toString()) == 1 else key
        self.project.set_label_key(label, key)  # one letter or digit, no other label's (the store checks)

    def reset_all(self) -> None:
        keymap().reset()
        self._say("Every action has its default keys again.")
        self.refresh()

    def _set(self, add: bool) -> None:
        name, seq = self.current_name(), self.key_edit.keySequence()
        if name is None or seq.isEmpty():
            self._say("Choose an action, then press its new key in the key box.", error=True)
            return
        if self.change(name, [seq.toString()], add=add) is None:
            self.key_edit.clear()

    def _clear(self) -> None:
        name = self.current_name()
        if name is not None:
            self.change(name, [])

    def _reset_one(self) -> None:
        name = self.current_name()
        if name is None or name.startswith(_LABEL):
            return
        keymap().reset(name)
        self._say("Default keys again.")
        self.refresh()

    def _say(self, text: str, *, error: bool = False) -> str:
        self.message.setText(text)
        self.message.setAccessibleDescription(text)
        self.message.setStyleSheet("font-weight: 600" if error else "")
        return text


def open_dialog(parent: QWidget, project: Project, label_bar: LabelBar) -> ShortcutsEditor:
    dialog = ShortcutsEditor(project, label_bar, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
