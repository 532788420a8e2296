"""Helpers for driving the real annotation window with pytest-qt (keys, mouse drags)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from annotator.core.text.model import Span
from annotator.core.store import Store

ARTICLES = [
    "Emmanuel Macron met Angela Merkel in Berlin on Monday.",
    "Apple opened a new office in London, said Tim Cook.",
    "The United Nations met in Geneva to discuss the climate.",
    "Shares of Toyota fell in Tokyo after the announcement.",
]


def make_project(path: Path, texts: list[str] | None = None) -> list[int]:
    with Store(path) as store:
        ids, _ = store.documents.add_documents([(t, {}) for t in (texts or ARTICLES)])
    return ids


def open_window(qtbot, db_path: Path, annotator: str = "alice", model: str | None = "",
                wait_active: bool = True):
    """The real MainWindow, shown and active (window shortcuts need an active window).

    wait_active=False where a message box may take the focus first (a model that fails)."""
    from annotator.gui.main_window import MainWindow

    window = MainWindow(db_path, annotator, model)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    if wait_active:
        qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    # The document list is filled by a worker after the first paint: tests that read it or
    # navigate through it start once it is there.
    qtbot.waitUntil(lambda: not window.doc_model.loading, timeout=30000)
    return window


def reactivate(qtbot, window) -> None:
    """After a message box closes, the window gets the focus back (a window manager's job)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)


def key(qtbot, window, k, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """Press a key where the person's focus is: the article text."""
    qtbot.keyClick(window.editor.text_edit(), k, modifier)


def _point(view, qt_pos: int, right: bool) -> QPoint:
    cursor = QTextCursor(view.document())
    cursor.setPosition(qt_pos)
    rect = view.cursorRect(cursor)
    x = rect.left() - 1 if right else rect.left() + 1
    return QPoint(x, rect.center().y())


def drag(qtbot, window, start_cp: int, end_cp: int) -> None:
    """Select [start_cp, end_cp) with a real mouse drag on the text (code points in)."""
    editor = window.editor
    view = editor.text_edit()
    offsets = editor.offsets()
    a = _point(view, offsets.to_qt(start_cp), right=False)
    b = _point(view, offsets.to_qt(end_cp), right=True)
    port = view.viewport()
    qtbot.mousePress(port, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(port, b)
    qtbot.mouseRelease(port, Qt.MouseButton.LeftButton, pos=b)


def click_span(qtbot, window, span: Span) -> None:
    """Click in the middle of a span's first character."""
    editor = window.editor
    view = editor.text_edit()
    cursor = QTextCursor(view.document())
    cursor.setPosition(editor.offsets().to_qt(span.start) + 1)
    rect = view.cursorRect(cursor)
    point = QPoint(rect.left() - 2, rect.center().y())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
