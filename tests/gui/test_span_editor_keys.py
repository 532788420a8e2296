"""Keys pressed in the SpanEditor reach the window's shortcuts (a plain key, Delete, undo),
driven like a person would on the real widget."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QVBoxLayout, QWidget

from annotator.core.text.model import Span

NEWS = "Cambodian prime minister Hun Sen wrote to Donald Trump about the U.S. meeting."


def at(text: str, word: str) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


def test_plain_keys_reach_window_shortcuts(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    from annotator.core.store import default_labels
    from annotator.gui.editor.span_editor import SpanEditor

    editor = SpanEditor(window)
    editor.set_labels(default_labels())
    layout.addWidget(editor)
    editor.set_document(NEWS, [])
    fired = []
    for key in ("a", "1", "Space", "Right", "Left", "Down"):
        shortcut = QShortcut(QKeySequence(key), window)
        shortcut.activated.connect(lambda key=key: fired.append(key))
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    editor.text_edit().setFocus()
    qtbot.waitUntil(editor.text_edit().hasFocus, timeout=3000)
    for key in (Qt.Key.Key_A, Qt.Key.Key_1, Qt.Key.Key_Space, Qt.Key.Key_Right,
                Qt.Key.Key_Left, Qt.Key.Key_Down):
        qtbot.keyClick(editor.text_edit(), key)
    assert fired == ["a", "1", "Space", "Right", "Left", "Down"]


def test_unhandled_keys_propagate_to_parent(qtbot):
    """No shortcut: the key event is ignored by the text view and reaches its parents."""
    seen = []

    class Window(QWidget):
        def keyPressEvent(self, event):  # noqa: N802
            seen.append(event.key())

    window = Window()
    qtbot.addWidget(window)
    from annotator.gui.editor.span_editor import SpanEditor

    editor = SpanEditor(window)
    QVBoxLayout(window).addWidget(editor)
    editor.set_document(NEWS, [])
    window.show()
    qtbot.waitExposed(window)
    for key in (Qt.Key.Key_B, Qt.Key.Key_7, Qt.Key.Key_Space, Qt.Key.Key_Up):
        qtbot.keyClick(editor.text_edit(), key)
    assert seen == [Qt.Key.Key_B, Qt.Key.Key_7, Qt.Key.Key_Space, Qt.Key.Key_Up]


def test_delete_shortcut_at_window_level_still_fires_without_selection(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    from annotator.gui.editor.span_editor import SpanEditor

    editor = SpanEditor(window)
    QVBoxLayout(window).addWidget(editor)
    hun = at(NEWS, "Hun Sen")
    editor.set_document(NEWS, [Span(*hun, "PERSON")])
    fired = []
    QShortcut(QKeySequence(Qt.Key.Key_Delete), window).activated.connect(lambda: fired.append(1))
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    editor.text_edit().setFocus()
    qtbot.keyClick(editor.text_edit(), Qt.Key.Key_Delete)
    assert fired == [1] and len(editor.spans()) == 1  # nothing selected: the window's
    editor.select_span(Span(*hun, "PERSON"))
    qtbot.keyClick(editor.text_edit(), Qt.Key.Key_Delete)
    assert fired == [1] and editor.spans() == []  # a span selected: the editor's


def test_window_undo_shortcut_fires_from_the_text(qtbot):
    """Ctrl+Z bound at the window (the main window's Undo action) is not eaten by the view."""
    window = QWidget()
    qtbot.addWidget(window)
    from annotator.core.store import default_labels
    from annotator.gui.editor.span_editor import SpanEditor

    editor = SpanEditor(window)
    editor.set_labels(default_labels())
    QVBoxLayout(window).addWidget(editor)
    editor.set_document(NEWS, [])
    QShortcut(QKeySequence.StandardKey.Undo, window).activated.connect(editor.undo_stack().undo)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    editor.text_edit().setFocus()
    editor.create_span_from_selection(*at(NEWS, "Hun Sen"))
    assert len(editor.spans()) == 1
    qtbot.keyClick(editor.text_edit(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.spans() == []
