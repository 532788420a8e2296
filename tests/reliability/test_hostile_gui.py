"""Hostile documents and labels in the real SpanEditor widget (pytest-qt, offscreen): spans
shown are the spans stored, a selection at the right UTF-16 positions gives the exact
code-point span, and markup in labels or text is shown literally."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtGui import Qt as QtGuiQt  # noqa: E402  (mightBeRichText lives in QtGui)
from PySide6.QtGui import QTextCursor, QTextDocument  # noqa: E402

from annotator.core.text.model import Label, Span  # noqa: E402
from tests.reliability.cases import CASES, Case, qt_position  # noqa: E402

LABELS = [Label(name, color, str(i + 1), i) for i, (name, color) in enumerate(
    [("PERSON", "#f4a6a6"), ("ORG", "#9fc5f8"), ("GPE", "#b6e3a8"), ("LOC", "#fde29a")])]
MARKUP_LABELS = ["<b>x</b>", "'; DROP TABLE documents; --", 'say "hi"\nnow', "R&D", "<img src=x>",
                 "<qt>Q</qt>"]


def _gui_cases() -> list:
    return [pytest.param(c, id=c.name)
            for c in CASES]


# Characters Qt may turn into a block break or show differently; never part of a comparison.
_BREAKS = re.compile("[\r\n\u2028\u2029\ufdd0\ufdd1 ]")


@pytest.fixture
def editor(qtbot):
    from annotator.gui.editor.span_editor import SpanEditor

    widget = SpanEditor()
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.set_labels(LABELS)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def select_and_release(qtbot, editor, qa: int, qb: int, *, alt: bool = True) -> str:
    """Select UTF-16 [qa, qb) in the view as a drag would, then release the mouse there.
    Alt = character precision (no snapping to tokens). Returns the text Qt says is selected."""
    view = editor.text_edit()
    cursor = QTextCursor(view.document())
    cursor.setPosition(qa)
    cursor.setPosition(qb, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    selected = cursor.selectedText()
    rect = view.cursorRect(cursor)
    modifier = Qt.KeyboardModifier.AltModifier if alt else Qt.KeyboardModifier.NoModifier
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, modifier, QPoint(rect.left(), rect.center().y()))
    return selected


@pytest.mark.parametrize("case", _gui_cases())
def test_spans_shown_are_spans_stored(editor, case: Case):
    editor.set_document(case.text, case.spans)
    assert editor.text() == case.text
    assert editor.spans() == list(case.spans)
    # The Qt document holds the text one UTF-16 unit per unit (no CRLF folding, no lost NUL).
    assert editor.text_edit().document().characterCount() - 1 == qt_position(case.text, len(case.text))
    editor.grab()  # paints spans and tags over every kind of character without raising


@pytest.mark.parametrize("case", _gui_cases())
def test_selection_at_utf16_positions_gives_exact_code_point_span(qtbot, editor, case: Case):
    for span in case.spans:
        editor.set_document(case.text, [])
        editor.set_active_label(span.label)
        qa, qb = qt_position(case.text, span.start), qt_position(case.text, span.end)
        selected = select_and_release(qtbot, editor, qa, qb)
        # Sanity: Qt really shows this span's characters at those positions.
        assert _BREAKS.sub("", selected) == _BREAKS.sub("", case.text[span.start:span.end])
        assert editor.spans() == [span], (case.name, span)


@pytest.mark.parametrize("case", [c for c in CASES if c.name in ("emoji-astral", "crlf", "cjk-no-spaces")],
                         ids=lambda c: c.name)
def test_snapped_selection_inside_a_word_keeps_code_points(qtbot, editor, case: Case):
    """Without Alt the selection snaps to tokens; the result is still a code-point span of the text."""
    span = case.spans[-1]
    editor.set_document(case.text, [])
    editor.set_active_label(span.label)
    inner_a = qt_position(case.text, span.start + 1) if span.end - span.start > 2 else qt_position(case.text, span.start)
    select_and_release(qtbot, editor, inner_a, qt_position(case.text, span.end), alt=False)
    (made,) = editor.spans()
    assert made.start <= span.start + 1 and made.end >= span.end and made.label == span.label
    assert case.text[made.start:made.end].strip() == case.text[made.start:made.end]


def shown_text(text: str) -> str:
    """What a tooltip or label shows for `text`: Qt renders it as HTML if it looks like HTML."""
    if QtGuiQt.mightBeRichText(text):
        doc = QTextDocument()
        doc.setHtml(text)
        return doc.toPlainText()
    return text


def button_caption(text: str) -> str:
    """What a QPushButton shows: '&' marks a mnemonic and '&&' is a literal '&'."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _markup_labels() -> list[Label]:
    return [Label(name, "#cccccc", None, i) for i, name in enumerate(MARKUP_LABELS)]


def test_markup_labels_paint_without_error_and_spans_keep_their_names(editor):
    text = "Ada met Bob and Carl in Paris with Dan and Eve ."
    words = ["Ada", "Bob", "Carl", "Paris", "Dan", "Eve"]
    spans = [Span(text.index(w), text.index(w) + len(w), label) for w, label in zip(words, MARKUP_LABELS)]
    editor.set_labels(_markup_labels())
    editor.set_document(text, spans)
    editor.grab()
    assert [s.label for s in editor.spans()] == MARKUP_LABELS


def test_span_tooltip_shows_label_and_text_literally(editor):
    text = "<b>Ada</b> met Bob ."
    editor.set_labels(_markup_labels())
    spans = [Span(0, 10, "<b>x</b>"), Span(15, 18, "<img src=x>")]
    editor.set_document(text, spans)
    from annotator.gui.editor import span_style

    for span in spans:
        tip = span_style.tooltip(span, text)
        seen = shown_text(tip)
        assert span.label in seen and text[span.start:span.end] in seen, (tip, seen)


def test_label_bar_buttons_show_names_literally(qtbot):
    from annotator.gui.editor.label_bar import LabelBar

    bar = LabelBar()
    qtbot.addWidget(bar)
    labels = [Label(name, "#cccccc", None, i) for i, name in enumerate(["<b>x</b>", "'; DROP TABLE documents; --",
                                                                          'say "hi"\nnow', "<qt>Q</qt>"])]
    bar.set_labels(labels)
    bar.show()
    bar.grab()
    for label in labels:
        assert label.name in button_caption(bar.button(label.name).text())


def test_label_bar_tooltips_show_names_literally(qtbot):
    from annotator.gui.editor.label_bar import LabelBar

    bar = LabelBar()
    qtbot.addWidget(bar)
    bar.set_labels([Label("<b>x</b>", "#cccccc", "1", 0), Label("<qt>Q</qt>", "#cccccc", "2", 1)])
    for name in ("<b>x</b>", "<qt>Q</qt>"):
        assert name in shown_text(bar.button(name).toolTip()), bar.button(name).toolTip()


def test_label_bar_ampersand_is_literal(qtbot):
    from annotator.gui.editor.label_bar import LabelBar

    bar = LabelBar()
    qtbot.addWidget(bar)
    bar.set_labels([Label("R&D", "#cccccc", "1", 0)])
    assert "R&D" in button_caption(bar.button("R&D").text())
