"""Labelling without the mouse (issue 28 §1), driven with real key events through the window:
the token cursor, keyboard selection, Return, label keys, Delete and Escape, the README's two
examples, and the cursor in a long document's windowed editor."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.core.store import Store
from annotator.core.text.model import SOURCE_MODEL, Span
from tests.gui.window_helpers import key, make_project, open_window

K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT_CTRL = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
TEXT = "talks with halvard line near belmouth today as the strike began"
WORDS = TEXT.split()


def tokens(*numbers: int) -> tuple[int, int]:
    """[start, end) of the 1-based tokens `numbers` (first to last) of TEXT."""
    starts = [TEXT.index(w, sum(len(x) + 1 for x in WORDS[:i])) for i, w in enumerate(WORDS)]
    first, last = numbers[0] - 1, numbers[-1] - 1
    return starts[first], starts[last] + len(WORDS[last])


def press(qtbot, w, *keys) -> None:
    """Keys as the README writes them: a Qt key, or (key, modifiers)."""
    for k in keys:
        if isinstance(k, tuple):
            key(qtbot, w, *k)
        else:
            key(qtbot, w, k)


@pytest.fixture
def window(qtbot, db_path: Path):
    make_project(db_path, [TEXT, "a second document to move on to."])
    return open_window(qtbot, db_path)


def accepted(w, doc_id: int) -> list[tuple[int, int, str]]:
    with Store(w.project.path) as store:
        ann = store.annotations.get_annotation(doc_id, "alice")
    assert ann is not None and ann.answer == "accept"
    return [(s.start, s.end, s.label) for s in ann.spans]


def test_readme_example_one_org_over_the_third_and_fourth_tokens(qtbot, window):
    w = window
    doc = w.current_id
    cursor = w.editor.token_cursor()
    assert (cursor.token.start, cursor.token.end) == tokens(1)  # starts on the first token
    press(qtbot, w, (K.Key_Right, CTRL), (K.Key_Right, CTRL), (K.Key_Right, SHIFT_CTRL), K.Key_2, K.Key_Return,
          K.Key_A)
    assert accepted(w, doc) == [(*tokens(3, 4), "ORG")]
    assert w.current_id != doc  # accepted: the next document is open


def test_readme_example_two_org_then_gpe(qtbot, window):
    w = window
    doc = w.current_id
    press(qtbot, w, (K.Key_Right, CTRL), (K.Key_Right, CTRL), (K.Key_Right, SHIFT_CTRL), K.Key_2, K.Key_Return,
          K.Key_3, K.Key_Home, *[(K.Key_Right, CTRL)] * 5, K.Key_Return, K.Key_A)
    assert accepted(w, doc) == [(*tokens(3, 4), "ORG"), (*tokens(6), "GPE")]


def test_return_moves_the_cursor_after_the_span_and_selects_nothing(qtbot, window):
    w = window
    cursor = w.editor.token_cursor()
    press(qtbot, w, (K.Key_Right, CTRL), (K.Key_Right, CTRL), (K.Key_Right, SHIFT_CTRL))
    assert cursor.selection() == tokens(3, 4)
    assert cursor.describe() == "halvard line, selected"
    press(qtbot, w, K.Key_2, K.Key_Return)
    assert (cursor.token.start, cursor.token.end) == tokens(5) and cursor.selection() is None
    assert w.editor.selected_span() is None
    press(qtbot, w, K.Key_3)  # sets the next span's label: the ORG span stays ORG
    assert w.editor.active_label() == "GPE"
    assert [(s.start, s.end, s.label) for s in w.editor.spans()] == [(*tokens(3, 4), "ORG")]


def test_a_label_key_alone_never_creates_a_span(qtbot, window):
    w = window
    press(qtbot, w, (K.Key_Right, CTRL), K.Key_2, K.Key_3, K.Key_4)
    assert w.editor.spans() == [] and w.editor.active_label() == "LOC"


def test_inside_a_span_a_label_key_relabels_it_and_delete_removes_it(qtbot, window):
    w = window
    press(qtbot, w, (K.Key_Right, CTRL), (K.Key_Right, CTRL), (K.Key_Right, SHIFT_CTRL), K.Key_2, K.Key_Return)
    press(qtbot, w, (K.Key_Left, CTRL))  # back into "line": the span counts as clicked
    assert w.editor.selected_span() == Span(*tokens(3, 4), "ORG")
    assert w.editor.token_cursor().describe() == "halvard line, ORG, confirmed"
    press(qtbot, w, K.Key_5)
    assert [s.label for s in w.editor.spans()] == ["NORP"] and w.editor.active_label() == "ORG"
    press(qtbot, w, (K.Key_Right, CTRL))  # out of it: deselected, a key sets the label again
    assert w.editor.selected_span() is None
    press(qtbot, w, (K.Key_Left, CTRL), K.Key_Delete)
    assert w.editor.spans() == []


def test_escape_clears_the_selection_and_the_selected_span(qtbot, window):
    w = window
    cursor = w.editor.token_cursor()
    press(qtbot, w, (K.Key_Right, SHIFT_CTRL), (K.Key_Right, SHIFT_CTRL))
    assert cursor.selection() == tokens(1, 3)
    press(qtbot, w, K.Key_Escape)
    assert cursor.selection() is None and (cursor.token.start, cursor.token.end) == tokens(3)
    press(qtbot, w, (K.Key_Left, SHIFT_CTRL))  # extends leftwards from the cursor
    assert cursor.selection() == tokens(2, 3)
    press(qtbot, w, K.Key_Escape, K.Key_Return)  # the cursor stayed on token 2: Return takes it alone
    assert [(s.start, s.end) for s in w.editor.spans()] == [tokens(2)]


def test_home_end_and_the_document_keys(qtbot, window):
    w = window
    cursor = w.editor.token_cursor()
    press(qtbot, w, K.Key_End)
    assert (cursor.token.start, cursor.token.end) == tokens(len(WORDS))
    press(qtbot, w, K.Key_Home)
    assert (cursor.token.start, cursor.token.end) == tokens(1)
    first = w.current_id
    press(qtbot, w, K.Key_Right)  # plain Right: the next document, as before
    assert w.current_id != first
    assert (cursor.token.start, cursor.token.end) == (0, 1)  # a new document: its first token
    press(qtbot, w, K.Key_PageUp)
    assert w.current_id == first


def test_return_on_a_suggestion_confirms_it_as_it_is(qtbot, window):
    w = window
    w.editor.set_spans([Span(*tokens(6), "LOC", SOURCE_MODEL)])
    press(qtbot, w, *[(K.Key_Right, CTRL)] * 5)
    assert w.editor.token_cursor().describe() == "belmouth, LOC, suggested"
    press(qtbot, w, K.Key_Return)
    assert [(s.start, s.end, s.label, s.source) for s in w.editor.spans()] == [(*tokens(6), "LOC", None)]
    assert w.editor.selected_span() is None


def test_ctrl_down_and_up_move_by_line(qtbot, db_path: Path):
    lines = [" ".join(f"w{row}x{col}" for col in range(6)) for row in range(5)]
    make_project(db_path, ["\n".join(lines[:2]) + "\n\n" + "\n".join(lines[2:])])  # a blank line inside
    w = open_window(qtbot, db_path)
    cursor = w.editor.token_cursor()
    text = w.editor.text()
    press(qtbot, w, (K.Key_Right, CTRL), (K.Key_Right, CTRL))
    seen = []
    for _ in range(4):
        press(qtbot, w, (K.Key_Down, CTRL))
        seen.append(text[cursor.token.start:cursor.token.end])
    assert seen == ["w1x2", "w2x2", "w3x2", "w4x2"]  # the blank line has no token: skipped
    press(qtbot, w, (K.Key_Down, CTRL))  # the last line: stays
    assert text[cursor.token.start:cursor.token.end] == "w4x2"
    press(qtbot, w, (K.Key_Up, CTRL), (K.Key_Up, CTRL))
    assert text[cursor.token.start:cursor.token.end] == "w2x2"


def test_the_editor_announces_what_is_under_the_cursor(qtbot, window):
    w = window
    w.editor.set_spans([Span(*tokens(3, 4), "ORG", SOURCE_MODEL)])
    view = w.editor.text_edit()
    said: list[str] = []
    w.editor.token_cursor().announced.connect(said.append)
    press(qtbot, w, (K.Key_Right, CTRL))
    assert said[-1] == "with" and view.accessibleDescription() == "with"
    press(qtbot, w, (K.Key_Right, CTRL))
    assert said[-1] == "halvard line, ORG, suggested"
    from PySide6.QtGui import QAccessible

    face = QAccessible.queryAccessibleInterface(view)
    assert face.text(QAccessible.Text.Description) == "halvard line, ORG, suggested"
    press(qtbot, w, K.Key_Return)
    assert said[-1] == "halvard line, ORG, confirmed"
    press(qtbot, w, (K.Key_Right, SHIFT_CTRL))
    assert said[-1] == "near belmouth, selected"


@pytest.mark.slow
def test_the_cursor_works_in_a_long_documents_window(qtbot, db_path: Path):
    from annotator.gui.editor import span_window

    paragraph = " ".join(f"t{i}" for i in range(120))
    text = "\n\n".join(f"p{n} " + paragraph for n in range(500))  # ~300,000 characters
    assert len(text) > span_window.WINDOWED_ABOVE * 5
    make_project(db_path, [text])
    w = open_window(qtbot, db_path)
    qtbot.waitUntil(lambda: not w.editor.is_read_only(), timeout=30000)  # its spans loaded in a worker
    editor, cursor = w.editor, w.editor.token_cursor()
    press(qtbot, w, K.Key_End)
    assert text[cursor.token.start:cursor.token.end] == "t119" and cursor.token.end == len(text)
    assert editor.offsets().end == len(text)  # the window moved to the end
    press(qtbot, w, (K.Key_Left, SHIFT_CTRL), K.Key_2, K.Key_Return)
    assert [(s.start, s.end, s.label) for s in editor.spans()] == [(len(text) - 9, len(text), "ORG")]
    press(qtbot, w, K.Key_Home)
    assert cursor.token.start == 0 and editor.offsets().start == 0
    starts, last, moves = set(), -1, 0
    while last < 60_000:  # down through several 15,000-character windows
        press(qtbot, w, (K.Key_Down, CTRL))
        moves += 1
        assert cursor.token.start > last and moves < 3000
        last = cursor.token.start
        win = editor.offsets()
        assert win.start <= cursor.token.start < win.end  # always inside the window shown
        starts.add(win.start)
    assert len(starts) > 2, (starts, last)
    before = cursor.token.start
    press(qtbot, w, (K.Key_Up, CTRL))
    assert cursor.token.start < before


def test_the_review_final_version_takes_the_cursor_keys(qtbot, tmp_path: Path):
    from annotator.gui.project import Project
    from annotator.gui.review.review_view import ReviewView

    with Store(tmp_path / "p.db") as store:
        (doc,), _ = store.documents.add_documents([(TEXT, {})])
        store.annotations.save_annotation(doc, "alice", "accept", [Span(*tokens(6), "GPE")])
        store.annotations.save_annotation(doc, "bob", "accept", [Span(*tokens(6), "LOC")])
    view = ReviewView(Project(tmp_path / "p.db", "lead"), "lead")
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.listed, timeout=20000)  # listed off the GUI thread
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    text = view.final.text_edit()
    text.setFocus()
    qtbot.waitUntil(text.hasFocus)
    for _ in range(2):
        qtbot.keyClick(text, K.Key_Right, CTRL)
    qtbot.keyClick(text, K.Key_Right, SHIFT_CTRL)
    qtbot.keyClick(text, K.Key_2)
    qtbot.keyClick(text, K.Key_Return)
    assert [(s.start, s.end, s.label) for s in view.final.spans()] == [(*tokens(3, 4), "ORG")]
    qtbot.keyClick(text, K.Key_Left, CTRL)  # into the span: selected; Escape only deselects
    qtbot.keyClick(text, K.Key_Escape)
    assert view.isVisible() and view.final.selected_span() is None
    qtbot.keyClick(text, K.Key_Escape)  # nothing selected: Escape closes the review
    assert not view.isVisible()
