"""The label bar: one button per project label, in its colour, with its key; the active
label is checked. Number keys 1-9 and 0, then q, w, e, r... for labels past ten
(core/text/labels.py shortcut_keys; never a key the person gave another action). The bar
also owns the window's label-key actions (install_keys) and the label picker (`/`: pick).

The buttons take the focus by Tab only (a click leaves it in the text); each has an
accessible name (the label) and description (its key, and whether it is the active one)."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLayout, QLayoutItem, QPushButton, QSizePolicy, QWidget

from annotator.core.text.labels import shortcut_keys
from annotator.core.text.model import Label
from annotator.core.text.palette import text_color
from annotator.gui.access import keep_activation_keys
from annotator.gui.editor.label_picker import LabelPicker
from annotator.gui.keymap import keymap
from annotator.gui.theme import appearance


def text_color_for(background: str) -> str:
    """Dark or white, whichever has the higher WCAG contrast on the label colour."""
    return text_color(background)


class FlowLayout(QLayout):
    """Left to right, wrapping onto more rows: any number of labels fits any window width."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt override
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _place(self, rect: QRect, move: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, row_height = area.x(), area.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if x + hint.width() > area.right() + 1 and row_height:
                x, y = area.x(), y + row_height + self._spacing
                row_height = 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            row_height = max(row_height, hint.height())
        return y + row_height - rect.y() + m.bottom()


class LabelBar(QWidget):
    """Emits labelChosen(name) when a button is clicked."""

    labelChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("labelBar")
        self._layout = FlowLayout(self)
        self._layout.setContentsMargins(8, 6, 8, 6)
        self._buttons: dict[str, QPushButton] = {}
        self._keys: dict[str, str] = {}
        self._labels: list[Label] = []
        self._descriptions: dict[str, str] = {}  # label -> its description (core/team/guidelines.py tooltip)
        self._active: str | None = None
        self._key_actions: list[QAction] = []
        self._window: QWidget | None = None
        self.picker: LabelPicker | None = None
        self.setAccessibleName("Labels")
        appearance().changed.connect(self._theme_changed)
        self.setAccessibleDescription("The label the next span gets is checked; a label's key chooses it")
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def set_labels(self, labels: list[Label]) -> None:
        for button in self._buttons.values():
            button.deleteLater()
        while self._layout.count():
            self._layout.takeAt(0)
        self._buttons.clear()
        self._labels = list(labels)
        self._keys = shortcut_keys(labels, keymap().single_keys())
        for label in labels:
            key = self._keys.get(label.name)
            shown = label.name.replace("&", "&&")  # '&' would make a mnemonic, not a character
            button = QPushButton(f"{shown}  {key}" if key else shown)
            button.setObjectName("labelButton")
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click leaves the keys with the text
            keep_activation_keys(button)  # Space presses it, never "skip document"
            button.setAccessibleName(label.name)
            button.setToolTip(self._tooltip(label.name, key))
            self._style(button, label)
            button.clicked.connect(lambda _c=False, n=label.name: self._clicked(n))
            self._layout.addWidget(button)
            self._buttons[label.name] = button
        if self._active not in self._buttons:
            self._active = labels[0].name if labels else None
        self.set_active(self._active)
        self._bind_keys()

    @staticmethod
    def _style(button: QPushButton, label: Label) -> None:
        """The label's colour with readable text; the active one ringed in the theme's ink, the
        focused one with a dashed ring in its focus colour (gui/theme.py). Same padding in every
        state, so the bar never shifts when the active label changes."""
        theme = appearance().theme()
        button.setStyleSheet(
            f"QPushButton#labelButton {{ background: {label.color}; color: {text_color_for(label.color)}; "
            f"border: 2px solid transparent; border-radius: 4px; padding: 3px 10px; font-weight: 600; }}"
            f"QPushButton#labelButton:hover {{ border-color: {theme.muted}; }}"
            f"QPushButton#labelButton:checked {{ border-color: {theme.text}; }}"
            f"QPushButton#labelButton:focus {{ border: 2px dashed {theme.focus}; outline: 2px solid {theme.focus}; }}")

    def _theme_changed(self) -> None:
        for label in self._labels:
            if label.name in self._buttons:
                self._style(self._buttons[label.name], label)

    def _tooltip(self, name: str, key: str | None) -> str:
        tip = html.escape(f"{name} (key {key})" if key else name)
        about = self._descriptions.get(name)
        if about:  # escaped too, wrapped at the tooltip's width
            tip += "<br>" + html.escape(about).replace("\n", "<br>")
        return f"<p style='white-space:pre-wrap'>{tip}</p>"  # escaped: never rich text from a name

    def set_descriptions(self, descriptions: dict[str, str]) -> None:
        """Each label's description and examples, shown in its tooltip."""
        self._descriptions = dict(descriptions)
        for name, button in self._buttons.items():
            button.setToolTip(self._tooltip(name, self._keys.get(name)))

    def _clicked(self, name: str) -> None:
        self.labelChosen.emit(name)
        # The click checked its button; the bar shows the next span's label, which the
        # window set (or, when the click relabelled a selected span, left as it was).
        self.set_active(self._active)

    def set_active(self, name: str | None) -> None:
        """Check `name`'s button only (no exclusive button group: each button is its own Tab stop)."""
        self._active = name
        for label, button in self._buttons.items():
            button.setChecked(label == name)
            key = self._keys.get(label)
            button.setAccessibleDescription(
                f"{'Active label: the next span gets it' if label == name else 'Label'}"
                + (f"; key {key}" if key else "; no key: press / to choose it by name"))

    # ---- keys ---------------------------------------------------------------------------------------
    def install_keys(self, window: QWidget) -> None:
        """The label keys as window shortcuts (they follow the labels and the keymap)."""
        self._window = window
        keymap().changed.connect(self._keymap_changed)
        self._bind_keys()

    def _keymap_changed(self) -> None:
        self.set_labels(self._labels)  # a key the person gave an action is no label's now

    def _bind_keys(self) -> None:
        if self._window is None:
            return
        for action in self._key_actions:
            self._window.removeAction(action)
            action.deleteLater()
        self._key_actions = []
        for name, key in self._keys.items():
            action = QAction(f"Label key {key}: {name}", self._window)
            action.setShortcut(QKeySequence(key.upper() if key.isalpha() else key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _c=False, n=name: self.labelChosen.emit(n))
            self._window.addAction(action)
            self._key_actions.append(action)

    def pick(self) -> LabelPicker:
        """`/`: choose any label by typing its name (label_picker.py)."""
        self.picker = LabelPicker(self._labels, self._keys, self.window())
        self.picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.picker.chosen.connect(self.labelChosen.emit)
        self.picker.open()
        return self.picker

    def labels(self) -> list[Label]:
        return list(self._labels)

    def active(self) -> str | None:
        return self._active

    def keys(self) -> dict[str, str]:
        """{label: key} as shown on the buttons."""
        return dict(self._keys)

    def label_for_key(self, key: str) -> str | None:
        return next((name for name, k in self._keys.items() if k == key), None)

    def button(self, name: str) -> QPushButton:
        return self._buttons[name]

    def names(self) -> list[str]:
        return list(self._buttons)

    def watch(self, current: Any) -> None:
        """Follow the model (gui/model/open_document.py OpenDocument): its labels and the active one."""
        current.labelsChanged.connect(self.set_labels)
        current.activeLabelChanged.connect(lambda name: self.set_active(name or None))
        self.set_labels(current.labels)
        self.set_active(current.active_label)
