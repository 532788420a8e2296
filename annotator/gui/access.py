"""Screen readers: every control has an accessible name and description (issue 28 §5).

The main controls set their own in code (the label buttons, the document list and its filters,
the editor, the status bar, the dialogs made for issue 28). For every other control, each
window and dialog calls fill_in(self) once it is built, which fills in what is missing: the
name from the control's text, its label (a QLabel whose buddy it is, or the label
just before it in a form), its placeholder or its tooltip; the description from its tooltip,
status tip or placeholder, else from what kind of control it is and its name. A name or
description set in code is never replaced.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton, QAbstractItemView, QAbstractSpinBox, QBoxLayout, QComboBox, QFormLayout, QHeaderView, QLabel,
    QLineEdit, QPlainTextEdit, QPushButton, QSlider, QTextEdit, QWidget,
)

CONTROLS = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView, QTextEdit, QPlainTextEdit, QAbstractSpinBox,
            QSlider)
_KINDS = [(QAbstractButton, "Button"), (QLineEdit, "Text field"), (QComboBox, "Choice"),
          (QAbstractItemView, "List"), (QTextEdit, "Text"), (QPlainTextEdit, "Text"),
          (QAbstractSpinBox, "Number"), (QSlider, "Slider")]
_TAGS = re.compile(r"<[^>]+>")


def is_control(widget: QWidget) -> bool:
    return isinstance(widget, CONTROLS) and not isinstance(widget, QHeaderView)


def _plain(text: str) -> str:
    return " ".join(_TAGS.sub(" ", text).replace("&&", "\0").replace("&", "").replace("\0", "&").split())


def _label_texts(root: QWidget) -> dict[int, str]:
    """{id(control): its label's text}: buddies, and the labels of form rows."""
    out: dict[int, str] = {}
    for label in root.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is not None and label.text():
            out[id(buddy)] = _plain(label.text())
    for form in root.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if label is not None and field is not None and isinstance(label.widget(), QLabel) and field.widget():
                out.setdefault(id(field.widget()), _plain(label.widget().text()))
    return out


def fill_in(root: QWidget) -> None:
    """Give every control under `root` (and root itself) the name and description it lacks."""
    labels = _label_texts(root)
    for widget in [root, *root.findChildren(QWidget)]:
        if not is_control(widget) and widget is not root:
            continue
        kind = next((k for cls, k in _KINDS if isinstance(widget, cls)), "Window")
        text = _plain(widget.text()) if hasattr(widget, "text") and isinstance(widget.text(), str) else ""
        if widget is root and widget.isWindow():
            text = widget.windowTitle()
        placeholder = widget.placeholderText() if isinstance(widget, QLineEdit) else ""
        tip = _plain(widget.toolTip() or widget.statusTip())
        if not widget.accessibleName():
            name = labels.get(id(widget)) or text or placeholder or tip or widget.objectName()
            if name:
                widget.setAccessibleName(name)
        if not widget.accessibleDescription():
            widget.setAccessibleDescription(tip or placeholder or f"{kind}: {widget.accessibleName() or text}")


_ACTIVATE = {Qt.Key.Key_Space, Qt.Key.Key_Select}


class _KeepsActivation(QObject):
    """A focused button or choice keeps Space (it presses or opens it) from the window's
    shortcuts: the window's Space is "skip document", and a keyboard user who Tabbed to a
    label button and pressed Space skipped the document (found by hand under X11)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if event.key() in _ACTIVATE and event.modifiers() == Qt.KeyboardModifier.NoModifier:
                event.accept()
        return False


def keep_activation_keys(widget: QWidget) -> None:
    """Space presses `widget` (a button or a choice) when it has the focus, whatever the window binds."""
    keeper = widget.findChild(_KeepsActivation, "keepsActivation", Qt.FindChildOption.FindDirectChildrenOnly)
    if keeper is None:
        keeper = _KeepsActivation(widget)
        keeper.setObjectName("keepsActivation")
        widget.installEventFilter(keeper)


def prepare(root: QWidget) -> None:
    """A window's controls: names and descriptions filled in, Space kept by buttons and choices."""
    fill_in(root)
    for widget in root.findChildren(QWidget):
        if isinstance(widget, (QAbstractButton, QComboBox)):
            keep_activation_keys(widget)


def add_buttons(row: QBoxLayout, specs: Iterable[tuple[str, str, Callable[[], object]]],
                parent: QWidget | None = None) -> dict[str, QPushButton]:
    """A row of push buttons, each (text, what it does, slot): the tip is both its tooltip and
    its accessible description, so a screen reader says what a sighted person hovers to see."""
    made: dict[str, QPushButton] = {}
    for text, tip, slot in specs:
        button = QPushButton(text, parent)
        button.setToolTip(tip)
        button.setAccessibleDescription(tip)
        button.clicked.connect(slot)
        row.addWidget(button)
        made[text] = button
    return made
