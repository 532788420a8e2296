"""The SpanEditor on 5 MB articles: the view holds a window of the text, and every gesture
(drag, click, keys, undo, scrolling to a span, read-only rows) works anywhere in it, at exact
code points. Positions in the view are worked out from the window's start only."""

from __future__ import annotations

import functools

import pytest
from PySide6.QtCore import Qt

from annotator.core.text.model import Span
from annotator.gui.editor import span_paint
from tests.gui.span_helpers import click, drag, make_editor
from tests.reliability.large import big_article

SIZE = 5_000_000


@functools.lru_cache(maxsize=2)
def article(paragraphs: bool) -> tuple[str, tuple[Span, ...]]:
    return big_article(SIZE, paragraphs)


@pytest.fixture(params=[True, False], ids=["paragraphs", "one-line"])
def big(qtbot, request):
    editor = make_editor(qtbot, 900, 600)
    text, spans = article(request.param)
    editor.set_document(text, spans)
    qtbot.wait(20)
    return editor, text, list(spans)


@pytest.mark.large
def test_opens_with_a_window_and_tags(qtbot, big):
    editor, text, spans = big
    w = editor.offsets()
    assert w.start == 0 and 0 < w.end < 100_000
    assert editor.outer_bar().isVisible() and editor.scroll_bar() is editor.outer_bar()
    assert editor.outer_bar().maximum() == len(text)
    editor.text_edit().viewport().repaint()
    visible = editor.visible_spans()
    assert visible and visible[0] == spans[0]
    assert {s for _, s in editor._tags} == set(visible)  # every visible span has its tag
    assert editor.drawing_note() is None
    assert editor.spans() == spans


@pytest.mark.large
def test_scrolling_moves_the_window_and_keeps_the_top_line(qtbot, big):
    editor, text, spans = big
    inner = editor.text_edit().verticalScrollBar()
    starts = set()
    last_top = 0
    for _ in range(120):
        inner.setValue(inner.value() + 250)
        qtbot.wait(1)
        top = editor.visible_spans()[0].start if editor.visible_spans() else last_top
        assert top >= last_top  # never jumps back when the window moves
        last_top = top
        starts.add(editor.offsets().start)
    assert len(starts) > 2  # the window moved several times
    assert editor.outer_bar().value() > 10_000


def test_keys_and_bar_reach_the_end_and_back(qtbot, big):
    editor, text, spans = big
    view = editor.text_edit()
    qtbot.keyClick(view, Qt.Key.Key_End)
    editor.text_edit().viewport().repaint()
    assert editor.visible_spans()[-1] == spans[-1]
    assert editor.offsets().end == len(text)
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert editor.offsets().start == 0 and editor.visible_spans()[0] == spans[0]
    editor.outer_bar().setValue(len(text) // 2)
    shown = editor.visible_spans()
    assert shown and abs(shown[0].start - len(text) // 2) < 2_000


def test_drag_click_relabel_delete_undo_in_the_middle(qtbot, big):
    editor, text, spans = big
    editor.scroll_to_offset(len(text) // 2)
    target = next(s for s in spans if s.start > len(text) // 2 + 300)
    # An unlabelled word (4+ letters) after the target: drag over its middle.
    free = text.index(" ", target.end + 1) + 1
    nearby = spans[spans.index(target):spans.index(target) + 5]

    def unfit(at: int) -> bool:
        word = text[at:text.index(" ", at)]
        return any(s.start <= at < s.end for s in nearby) or not (word.isalpha() and len(word) >= 4)
    while unfit(free):
        free = text.index(" ", free) + 1
    word_end = text.index(" ", free)
    editor.set_active_label("ORG")
    drag(qtbot, editor, free + 1, word_end - 1)  # snapped to the whole word
    new = Span(free, word_end, "ORG")
    assert new in editor.spans() and editor.selected_span() is None  # drawn, not selected
    click(qtbot, editor, target.start + 1)
    assert editor.selected_span() == target
    assert editor.relabel_selected("GPE")
    assert Span(target.start, target.end, "GPE") in editor.spans()
    qtbot.keyClick(editor.text_edit(), Qt.Key.Key_Delete)
    assert all(s.start != target.start for s in editor.spans())
    for _ in range(3):
        editor.undo_stack().undo()
    assert editor.spans() == spans


def test_selecting_a_far_span_brings_it_into_view(qtbot, big):
    editor, text, spans = big
    far = spans[-10]
    editor.select_span(far)
    assert editor.selected_span() == far
    assert editor.offsets().start <= far.start and far.end <= editor.offsets().end
    editor.text_edit().viewport().repaint()
    assert far in editor.visible_spans()
    assert editor.select_adjacent(-1) == spans[-11]
    qtbot.keyClick(editor.text_edit(), Qt.Key.Key_Escape)
    assert editor.selected_span() is None


def test_read_only_rows_select_on_click(qtbot, big):
    editor, text, spans = big
    editor.set_read_only(True)
    clicked = []
    editor.spanClicked.connect(clicked.append)
    editor.select_span(spans[3000])
    editor.select_span(None)
    click(qtbot, editor, spans[3000].start + 1)
    assert clicked == [spans[3000]]
    qtbot.keyClick(editor.text_edit(), Qt.Key.Key_Delete)
    assert editor.spans() == spans


def test_too_many_spans_on_screen_drop_tags_and_say_so(qtbot, big, monkeypatch):
    editor, text, spans = big
    monkeypatch.setattr(span_paint, "MAX_TAGGED_SPANS", 3)
    notes = []
    editor.drawingChanged.connect(lambda: notes.append(editor.drawing_note()))
    editor.text_edit().viewport().repaint()
    assert editor.drawing_note() and "tags hidden" in editor.drawing_note()
    assert editor._tags == [] and notes
    monkeypatch.setattr(span_paint, "MAX_TAGGED_SPANS", 10_000)
    editor.text_edit().viewport().repaint()
    assert editor.drawing_note() is None


def test_a_text_dense_with_spans_gets_a_narrower_window(qtbot):
    from tests.reliability.large import many_spans_text

    editor = make_editor(qtbot, 900, 600)
    text, spans = many_spans_text(100_000)  # every word a span
    editor.set_document(text, spans)
    qtbot.wait(20)
    w = editor.offsets()
    assert w.end - w.start < 8_000  # a plain text of this length gets about 10,000
    editor.outer_bar().setValue(len(text) // 2)
    qtbot.wait(20)
    shown = editor.visible_spans()
    assert shown and abs(shown[0].start - len(text) // 2) < 1_000
    editor.text_edit().viewport().repaint()
    assert {s for _, s in editor._tags} == set(editor.visible_spans())
    click(qtbot, editor, shown[2].start + 1)
    assert editor.selected_span() == shown[2]


@pytest.mark.large
def test_a_window_shift_still_queued_when_the_editor_goes_does_nothing(qtbot):
    """A scroll queues the window's rebuild for the next turn of the event loop; an editor
    closed before then (a test, a window closing) must not be reached by it."""
    import shiboken6

    from annotator.gui.editor.span_editor import SpanEditor

    editor = SpanEditor()  # not the qtbot's to close: this test deletes it
    editor.resize(900, 600)
    editor.show()
    qtbot.waitExposed(editor)
    text, spans = article(True)
    editor.set_document(text, spans)
    qtbot.wait(20)
    inner = editor.text_edit().verticalScrollBar()
    inner.setValue(inner.value() + 400)  # queues the shift
    shiboken6.delete(editor)
    qtbot.wait(50)  # an exception here (the deleted view) fails the test: pytest-qt reports it
