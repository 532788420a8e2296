"""Helpers to drive the real SpanEditor with pytest-qt: UTF-16 positions are computed here
independently (from Python's UTF-16 encoder), never with the editor's own OffsetMap."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from annotator.core.store import default_labels
from annotator.gui.editor.span_editor import SpanEditor


def u16(text: str, cp: int) -> int:
    """UTF-16 units before code point `cp` of `text`."""
    return len(text[:cp].encode("utf-16-le", "surrogatepass")) // 2


def view_pos(editor: SpanEditor, cp: int) -> int:
    """UTF-16 position of code point `cp` in the view's document, which holds the window
    from editor.offsets().start of a long text (0 for an ordinary one)."""
    start = editor.offsets().start
    return u16(editor.text()[start:], cp - start)


def make_editor(qtbot, width: int = 760, height: int = 420) -> SpanEditor:
    editor = SpanEditor()
    qtbot.addWidget(editor)
    editor.set_labels(default_labels())
    editor.resize(width, height)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def boundary_point(editor: SpanEditor, q: int) -> QPoint:
    """Viewport point of the caret position before UTF-16 unit `q`."""
    view = editor.text_edit()
    cursor = QTextCursor(view.document())
    cursor.setPosition(q)
    return view.cursorRect(cursor).center()


def char_point(editor: SpanEditor, cp: int) -> QPoint:
    """Viewport point in the middle of the character at code point `cp`."""
    a = boundary_point(editor, view_pos(editor, cp))
    b = boundary_point(editor, view_pos(editor, cp + 1))
    if b.y() != a.y():  # last character of a line: just right of its start
        return QPoint(a.x() + 2, a.y())
    return QPoint((a.x() + b.x()) // 2, a.y())


def drag(qtbot, editor: SpanEditor, start_cp: int, end_cp: int,
         modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A real mouse drag from the boundary before `start_cp` to the one before `end_cp`."""
    viewport = editor.text_edit().viewport()
    a = boundary_point(editor, view_pos(editor, start_cp))
    b = boundary_point(editor, view_pos(editor, end_cp))
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, modifier, a)
    qtbot.mouseMove(viewport, b)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifier, b)


def select_and_release(qtbot, editor: SpanEditor, qs: int, qe: int,
                       modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """Set a QTextCursor selection at UTF-16 positions, then release the mouse there."""
    view = editor.text_edit()
    cursor = QTextCursor(view.document())
    cursor.setPosition(qs)
    cursor.setPosition(qe, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, modifier,
                       boundary_point(editor, qe))


def click(qtbot, editor: SpanEditor, cp: int) -> None:
    qtbot.mouseClick(editor.text_edit().viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, char_point(editor, cp))


def double_click(qtbot, editor: SpanEditor, cp: int) -> None:
    """What a real double click delivers: press, release, double-click, release."""
    viewport = editor.text_edit().viewport()
    point = char_point(editor, cp)
    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    qtbot.mouseClick(viewport, left, none, point)
    qtbot.mouseDClick(viewport, left, none, point)
    qtbot.mouseRelease(viewport, left, none, point)


def empty_point(editor: SpanEditor) -> QPoint:
    """A point in the viewport far right of a short last line, over no character."""
    vp = editor.text_edit().viewport().rect()
    last = boundary_point(editor, u16(editor.text(), len(editor.text())))
    return QPoint(vp.width() - 5, last.y())
