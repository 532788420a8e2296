"""The 10 MB single-line document and the 100,000-span document in the real SpanEditor."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtGui import QTextCursor  # noqa: E402

from annotator.core.text.model import Label, Span  # noqa: E402
from tests.reliability.cases import qt_position  # noqa: E402
from tests.reliability.large import LABELS, many_spans_text, single_line_text  # noqa: E402


@pytest.fixture
def editor(qtbot):
    from annotator.gui.editor.span_editor import SpanEditor

    widget = SpanEditor()
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.set_labels([Label(name, "#cccccc", str(i + 1), i) for i, name in enumerate(LABELS)])
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_ten_megabyte_line_opens_and_selects_exactly_near_the_end(qtbot, editor):
    text, spans = single_line_text(10_000_000)
    t = time.perf_counter()
    editor.set_document(text, spans)
    editor.grab()
    opened = time.perf_counter() - t
    print(f"set_document 10 MB: {opened:.2f}s")
    assert editor.spans() == list(spans)
    # Select "Hopper" at the very end (after ~180,000 emoji) at its UTF-16 position. The view
    # holds a window of the text: go to the end (the End key), then count UTF-16 units from
    # the window's start.
    start = text.rindex("Hopper")
    editor.set_active_label("PERSON")
    view = editor.text_edit()
    qtbot.keyClick(view, Qt.Key.Key_End)
    base = editor.offsets().start
    assert 0 < base < start
    head = text[base:]
    cursor = QTextCursor(view.document())
    cursor.setPosition(qt_position(head, start - base))
    cursor.setPosition(qt_position(head, start + 6 - base), QTextCursor.MoveMode.KeepAnchor)
    assert cursor.selectedText() == "Hopper"
    view.setTextCursor(cursor)
    rect = view.cursorRect(cursor)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.AltModifier,
                       QPoint(rect.left(), rect.center().y()))
    # The new span replaces the overlapping "Grace Hopper" span, at exact code points.
    assert editor.spans() == [spans[0], Span(start, start + 6, "PERSON")]


@pytest.mark.large
def test_hundred_thousand_spans_open_unchanged(qtbot, editor):
    text, spans = many_spans_text(100_000)
    t = time.perf_counter()
    editor.set_document(text, spans)
    editor.grab()
    opened = time.perf_counter() - t
    print(f"set_document 100,000 spans: {opened:.2f}s")
    assert editor.spans() == list(spans)
