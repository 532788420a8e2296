"""SpanEditor driven like a person would: real mouse drags, clicks and keys on the real
widget. Offsets in every assertion are Python code points."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPoint, QPointF, Qt

from annotator.core.errors import SpanError
from annotator.core.text.model import SOURCE_GOLD, SOURCE_MODEL, Span
from annotator.core.text.tokens import tokenize
from annotator.gui.editor.offsets import utf16_len
from tests.gui.span_helpers import (
    click,
    double_click,
    drag,
    empty_point,
    make_editor,
    select_and_release,
    u16,
)

ASTRAL = "👩‍👩‍👧 visited 𝔘𝔫𝔦𝔬𝔫 😀 in Paris"
NEWS = "Cambodian prime minister Hun Sen wrote to Donald Trump about the U.S. meeting."


@pytest.fixture
def editor(qtbot):
    return make_editor(qtbot)


def at(text: str, word: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return start, start + len(word)


def full(spans):
    return [(s.start, s.end, s.label, s.source) for s in spans]


# --- offsets through the real widget -----------------------------------------------------

def test_astral_text_drags_give_exact_code_point_spans(qtbot, editor):
    editor.set_document(ASTRAL, [])
    s, e = at(ASTRAL, "𝔘𝔫𝔦𝔬𝔫")
    drag(qtbot, editor, s, e)
    assert editor.spans() == [Span(s, e, "PERSON")]
    assert ASTRAL[s:e] == "𝔘𝔫𝔦𝔬𝔫"

    editor.set_active_label("GPE")
    s2, e2 = at(ASTRAL, "Paris")
    drag(qtbot, editor, s2, e2)
    assert editor.spans() == [Span(s, e, "PERSON"), Span(s2, e2, "GPE")]
    # The widget's UTF-16 coordinates really were shifted by the astral characters.
    assert u16(ASTRAL, s2) == s2 + 9


def test_astral_entity_at_text_start_in_char_mode(qtbot, editor):
    editor.set_document(ASTRAL, [])
    editor.set_char_mode(True)
    family = "👩‍👩‍👧"
    drag(qtbot, editor, 0, len(family))
    assert editor.spans() == [Span(0, len(family), "PERSON")]
    assert len(family) == 5 and utf16_len(family) == 8


def test_selection_set_by_cursor_then_mouse_release(qtbot, editor):
    """The other path tests may use: a QTextCursor selection in UTF-16 units + release."""
    editor.set_document(ASTRAL, [])
    s, e = at(ASTRAL, "😀 in Paris")
    select_and_release(qtbot, editor, u16(ASTRAL, s), u16(ASTRAL, e))
    assert editor.spans() == [Span(s, e, "PERSON")]
    assert not editor.text_edit().textCursor().hasSelection()  # consumed


def test_astral_with_spacy_tokens(qtbot, editor):
    editor.set_document(ASTRAL, [], tokenize(ASTRAL))
    s, e = at(ASTRAL, "𝔫𝔦")  # inside the word: snaps to the whole token
    drag(qtbot, editor, s, e)
    ws, we = at(ASTRAL, "𝔘𝔫𝔦𝔬𝔫")
    assert editor.spans() == [Span(ws, we, "PERSON")]


def test_crlf_text_keeps_positions(qtbot, editor):
    text = "Line one\r\nHun Sen met\r\nDonald Trump\ttoday 😀 Paris"
    editor.set_document(text, [])
    assert editor.text_edit().document().characterCount() - 1 == utf16_len(text)
    for word, label in (("Donald Trump", "PERSON"), ("Paris", "GPE")):
        editor.set_active_label(label)
        drag(qtbot, editor, *at(text, word))
    assert [text[s.start:s.end] for s in editor.spans()] == ["Donald Trump", "Paris"]


# --- snapping and trimming ------------------------------------------------------------------

def test_partial_word_snaps_and_whitespace_is_trimmed(qtbot, editor):
    editor.set_document(NEWS, [])
    s, e = at(NEWS, "Hun Sen")
    drag(qtbot, editor, s + 1, e - 1)  # "un Se"
    assert editor.spans() == [Span(s, e, "PERSON")]
    editor.undo_stack().undo()
    drag(qtbot, editor, s - 1, e + 1)  # " Hun Sen "
    assert editor.spans() == [Span(s, e, "PERSON")]


def test_whitespace_only_selection_creates_nothing(qtbot, editor):
    editor.set_document("Paris   London", [])
    assert editor.create_span_from_selection(5, 8) is None
    drag(qtbot, editor, 5, 8)
    assert editor.spans() == [] and editor.undo_stack().count() == 0


def test_punctuation_is_not_swallowed_by_word_fallback(qtbot, editor):
    text = "They met in Paris. Then London."
    editor.set_document(text, [])
    s, e = at(text, "aris")
    assert editor.create_span_from_selection(s, e) == Span(s - 1, e, "PERSON")


def test_spacy_tokens_replace_word_fallback(qtbot, editor):
    text = "He said he don't know."
    editor.set_document(text, [])
    s = text.index("n't")
    # Fallback: "don" "'" "t" are separate words; "n'" only grazes "don" (1 of 3): "'".
    assert editor.create_span_from_selection(s, s + 2) == Span(s + 1, s + 2, "PERSON")
    editor.undo_stack().undo()
    editor.set_tokens(tokenize(text))  # spaCy: "do" "n't"
    assert editor.create_span_from_selection(s, s + 2) == Span(s, s + 3, "PERSON")


def test_double_click_makes_one_token_span(qtbot, editor):
    editor.set_document(NEWS, [], tokenize(NEWS))
    s, e = at(NEWS, "Trump")
    double_click(qtbot, editor, s + 2)
    assert editor.spans() == [Span(s, e, "PERSON")]
    assert editor.selected_span() is None  # a new span is not selected (a label key sets the next label)
    s2, e2 = at(NEWS, "U.S.")
    editor.set_active_label("GPE")
    double_click(qtbot, editor, s2 + 1)
    assert editor.spans() == [Span(s, e, "PERSON"), Span(s2, e2, "GPE")]


def test_char_mode_and_alt_drag_keep_exact_characters(qtbot, editor):
    editor.set_document(NEWS, [])
    s, e = at(NEWS, "Cambodian")
    editor.set_char_mode(True)
    drag(qtbot, editor, s, s + 6)  # "Cambod"
    assert editor.spans() == [Span(s, s + 6, "PERSON")]
    editor.set_char_mode(False)
    s2, _ = at(NEWS, "minister")
    drag(qtbot, editor, s2 + 1, s2 + 4, Qt.KeyboardModifier.AltModifier)  # "ini"
    assert Span(s2 + 1, s2 + 4, "PERSON") in editor.spans()
    assert editor.create_span_from_selection(s2 + 5, s2 + 7, char_level=True) == Span(s2 + 5, s2 + 7, "PERSON")


# --- overlap, selection, relabel, delete -------------------------------------------------

def test_new_span_replaces_overlapping_ones_and_undo_restores_them(qtbot, editor):
    hun, trump = at(NEWS, "Hun Sen"), at(NEWS, "Donald Trump")
    before = [Span(*hun, "PERSON", SOURCE_MODEL), Span(*trump, "ORG", SOURCE_GOLD)]
    editor.set_document(NEWS, before)
    drag(qtbot, editor, hun[0] + 4, trump[0] + 3)  # "Sen wrote to Don" -> "...Donald"
    new = Span(hun[0] + 4, trump[0] + 6, "PERSON")
    assert editor.spans() == [new]
    assert "replacing 2" in editor.undo_stack().undoText()
    editor.undo_stack().undo()
    assert full(editor.spans()) == full(before)
    editor.undo_stack().redo()
    assert full(editor.spans()) == [(new.start, new.end, "PERSON", None)]


def test_click_select_relabel_delete_escape(qtbot, editor):
    hun, trump = at(NEWS, "Hun Sen"), at(NEWS, "Donald Trump")
    editor.set_document(NEWS, [Span(*hun, "PERSON", SOURCE_MODEL), Span(*trump, "PERSON")])
    selected = []
    editor.spanSelected.connect(selected.append)

    click(qtbot, editor, hun[0] + 1)
    assert editor.selected_span() == Span(*hun, "PERSON")
    assert selected[-1] == Span(*hun, "PERSON")

    assert editor.relabel_selected("ORG")
    assert full(editor.spans())[0] == (*hun, "ORG", None)  # relabel confirms
    assert editor.selected_span() == Span(*hun, "ORG")
    assert editor.undo_stack().undoText() == "Relabel 'Hun Sen' PERSON -> ORG"
    assert not editor.relabel_selected("NOT_A_LABEL")

    editor.text_edit().setFocus()
    qtbot.keyClick(editor.text_edit(), Qt.Key.Key_Delete)
    assert editor.spans() == [Span(*trump, "PERSON")]
    assert editor.selected_span() is None and selected[-1] is None

    click(qtbot, editor, trump[0])
    assert editor.selected_span() == Span(*trump, "PERSON")
    qtbot.keyClick(editor.text_edit(), Qt.Key.Key_Escape)
    assert editor.selected_span() is None

    click(qtbot, editor, trump[0] + 3)
    assert editor.selected_span() is not None
    click(qtbot, editor, NEWS.index("wrote") + 1)  # plain text
    assert editor.selected_span() is None
    click(qtbot, editor, trump[0] + 3)
    qtbot.mouseClick(editor.text_edit().viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, empty_point(editor))
    assert editor.selected_span() is None

    click(qtbot, editor, trump[0] + 3)
    qtbot.keyClick(editor.text_edit(), Qt.Key.Key_Backspace)
    assert editor.spans() == []


def test_undo_redo_of_every_edit_is_exact(qtbot, editor):
    hun, trump, us = at(NEWS, "Hun Sen"), at(NEWS, "Donald Trump"), at(NEWS, "U.S.")
    start = [Span(*hun, "PERSON", SOURCE_MODEL), Span(*trump, "PERSON", SOURCE_GOLD)]
    editor.set_document(NEWS, start)
    stack = editor.undo_stack()
    history = [full(editor.spans())]
    texts = []

    def record():
        history.append(full(editor.spans()))
        texts.append(stack.undoText())

    editor.set_active_label("GPE")
    editor.create_span_from_selection(*us)
    record()
    editor.select_span(Span(*hun, "PERSON"))
    editor.relabel_selected("NORP")
    record()
    editor.select_span(Span(*trump, "PERSON"))
    editor.confirm_selected()
    record()
    editor.select_span(Span(*us, "GPE"))
    editor.delete_selected()
    record()
    editor.set_document(NEWS, start)  # resets the history
    assert stack.count() == 0 and editor.selected_span() is None
    editor.confirm_all()
    assert full(editor.spans()) == [(*hun, "PERSON", None), (*trump, "PERSON", None)]
    assert stack.undoText() == "Confirm all 2 suggestions"
    stack.undo()
    assert full(editor.spans()) == full(start)

    editor.set_document(NEWS, start)
    editor.set_active_label("GPE")
    editor.create_span_from_selection(*us)
    editor.select_span(Span(*hun, "PERSON"))
    editor.relabel_selected("NORP")
    editor.select_span(Span(*trump, "PERSON"))
    editor.confirm_selected()
    editor.select_span(Span(*us, "GPE"))
    editor.delete_selected()
    assert texts == ["Add GPE 'U.S.'", "Relabel 'Hun Sen' PERSON -> NORP",
                     "Confirm PERSON 'Donald Trump'", "Delete GPE 'U.S.'"]
    for expected in reversed(history[:-1]):
        stack.undo()
        assert full(editor.spans()) == expected
    for expected in history[1:]:
        stack.redo()
        assert full(editor.spans()) == expected


def test_undo_restores_selection(qtbot, editor):
    hun = at(NEWS, "Hun Sen")
    editor.set_document(NEWS, [Span(*hun, "PERSON")])
    editor.select_span(Span(*hun, "PERSON"))
    editor.delete_selected()
    assert editor.selected_span() is None
    editor.undo_stack().undo()
    assert editor.selected_span() == Span(*hun, "PERSON")


def test_spans_changed_once_per_edit_and_on_undo_redo(qtbot, editor):
    hun = at(NEWS, "Hun Sen")
    count = []
    editor.spansChanged.connect(lambda: count.append(1))
    editor.set_document(NEWS, [])
    assert count == []  # opening a document is not an edit
    drag(qtbot, editor, *hun)
    assert len(count) == 1
    editor.select_span(Span(*hun, "PERSON"))
    editor.relabel_selected("ORG")
    assert len(count) == 2
    editor.delete_selected()
    assert len(count) == 3
    editor.undo_stack().undo()
    editor.undo_stack().undo()
    editor.undo_stack().redo()
    assert len(count) == 6
    drag(qtbot, editor, hun[0] - 1, hun[0])  # whitespace only: no edit
    assert len(count) == 6


def test_read_only_mode(qtbot, editor):
    hun, trump = at(NEWS, "Hun Sen"), at(NEWS, "Donald Trump")
    spans = [Span(*hun, "PERSON", SOURCE_MODEL)]
    editor.set_document(NEWS, spans)
    editor.set_read_only(True)
    clicked = []
    editor.spanClicked.connect(clicked.append)
    drag(qtbot, editor, *trump)
    double_click(qtbot, editor, trump[0] + 1)
    assert editor.create_span_from_selection(*trump) is None
    click(qtbot, editor, hun[0] + 1)
    assert clicked[-1] == Span(*hun, "PERSON")
    assert editor.selected_span() == Span(*hun, "PERSON")
    qtbot.keyClick(editor.text_edit(), Qt.Key.Key_Delete)
    assert not editor.relabel_selected("ORG")
    assert not editor.delete_selected()
    assert not editor.confirm_all()
    assert full(editor.spans()) == full(spans)
    assert editor.undo_stack().count() == 0


def test_span_clicked_in_edit_mode_too(qtbot, editor):
    hun = at(NEWS, "Hun Sen")
    editor.set_document(NEWS, [Span(*hun, "PERSON")])
    with qtbot.waitSignal(editor.spanClicked, timeout=1000) as blocker:
        click(qtbot, editor, hun[0])
    assert blocker.args == [Span(*hun, "PERSON")]


def test_markup_is_shown_as_plain_text(qtbot, editor):
    text = "<b>Bold</b> <script>alert('x')</script> &amp; Tom &lt; Jerry <i>Paris</i>"
    s, e = at(text, "<script>")
    editor.set_document(text, [Span(s, e, "ORG")])
    view = editor.text_edit()
    assert view.toPlainText() == text
    assert editor.text() == text
    assert view.document().characterCount() - 1 == len(text)
    editor.set_char_mode(True)
    a, b = at(text, "&amp;")
    drag(qtbot, editor, a, b)
    assert Span(a, b, "PERSON") in editor.spans()
    # Nothing was interpreted: no bold or italic run anywhere in the document.
    block = view.document().firstBlock()
    it = block.begin()
    while not it.atEnd():
        fragment = it.fragment()
        assert not fragment.charFormat().font().bold()
        assert not fragment.charFormat().fontItalic()
        it += 1


def test_set_document_rejects_bad_spans(qtbot, editor):
    with pytest.raises(SpanError):
        editor.set_document("short", [Span(0, 50, "ORG")])
    with pytest.raises(SpanError):
        editor.set_document("Hun Sen", [Span(0, 3, "ORG"), Span(2, 7, "PERSON")])


def test_active_label_and_labels(qtbot, editor):
    assert editor.active_label() == "PERSON"  # first project label
    editor.set_active_label("ORG")
    assert editor.active_label() == "ORG"
    with pytest.raises(ValueError):
        editor.set_active_label("NOPE")
    editor.set_document(NEWS, [])
    s, e = at(NEWS, "Trump")
    assert editor.create_span_from_selection(s, e) == Span(s, e, "ORG")


def test_select_adjacent_walks_spans(qtbot, editor):
    hun, trump = at(NEWS, "Hun Sen"), at(NEWS, "Donald Trump")
    editor.set_document(NEWS, [Span(*hun, "PERSON"), Span(*trump, "PERSON")])
    assert editor.select_adjacent(1) == Span(*hun, "PERSON")
    assert editor.select_adjacent(1) == Span(*trump, "PERSON")
    assert editor.select_adjacent(1) == Span(*trump, "PERSON")
    assert editor.select_adjacent(-1) == Span(*hun, "PERSON")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.sampled_from(["A", "B"]), st.sampled_from([None, "model"])),
                max_size=10, unique_by=lambda t: t[0]),
       st.integers(0, 12), st.integers(0, 3), st.data())
@pytest.mark.slow
def test_changed_finds_exactly_the_differences(raw, cut, drop, data):
    """The head/tail identity shortcut gives the same answer as a plain set difference."""
    from annotator.core.text.editing import diff_spans as _changed  # moved to the core: drafts use it too

    old = sorted(Span(p, p + 1, label, source) for p, label, source in raw)
    new = list(old[:cut]) + [Span(s.start, s.end, data.draw(st.sampled_from(["A", "C"])), s.source)
                             for s in old[cut:cut + drop]] + list(old[cut + drop:])
    removed, added = _changed(old, new)
    keys = lambda spans: {(s.start, s.end, s.label, s.source) for s in spans}  # noqa: E731
    assert keys(removed) == keys(old) - keys(new)
    assert keys(added) == keys(new) - keys(old)


def test_click_on_label_tag_selects_its_span(qtbot, editor):
    from annotator.gui.editor import span_style

    hun = Span(*at(NEWS, "Hun Sen"), "PERSON")
    editor.set_document(NEWS, [hun])
    editor.text_edit().viewport().repaint()  # tags are placed when painted
    text = editor.text()
    piece = editor.text_edit().line_rects(u16(text, hun.start), u16(text, hun.end))[0]
    point = piece.topLeft().toPoint() + QPoint(6, -int(span_style.tag_height() / 2) - 1)
    assert editor.text_edit().char_at(QPointF(point)) == -1  # really above the text
    with qtbot.waitSignal(editor.spanClicked, timeout=1000):
        qtbot.mouseClick(editor.text_edit().viewport(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier, point)
    assert editor.selected_span() == hun
