"""A label key after drawing sets the next label; it does not relabel (issue 23 §2).

The rule (SpanEditor.choose_label): a label key, or a click on the label bar, relabels a span
only when the person selected that span (clicked it); otherwise it sets the label the next
span gets. A span just drawn (drag, Alt+drag, double-click) is not selected. The label bar
always shows the label the next span gets, and a selected span is drawn selected. Driven with
real key and mouse events in the real window and review view."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage

from annotator.core.text.model import SOURCE_MODEL, Span
from annotator.core.store import Store
from annotator.gui.editor import span_style
from annotator.paths import seeds_dir
from tests.gui import span_helpers
from tests.gui.window_helpers import click_span, key, make_project, open_window

K = Qt.Key
ALT = Qt.KeyboardModifier.AltModifier
TEXT = (seeds_dir() / "01_port_strike_begins.txt").read_text(encoding="utf-8")


def at(phrase: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(phrase, start + 1)
    return start, start + len(phrase)


def checked_labels(w) -> list[str]:
    """What the label bar shows as checked, read from its buttons."""
    return [name for name in w.label_bar.names() if w.label_bar.button(name).isChecked()]


def assert_bar_shows_next_label(w, name: str) -> None:
    assert w.editor.active_label() == name
    assert checked_labels(w) == [name]


@pytest.fixture
def window(qtbot, db_path: Path):
    make_project(db_path, [TEXT, "a second document."])
    return open_window(qtbot, db_path)


def mine(w) -> list[tuple[str, str]]:
    return [(w.editor.text()[s.start:s.end], s.label) for s in w.editor.spans() if s.source is None]


def test_key_drag_key_drag_gives_each_span_the_label_chosen_before_it(qtbot, window):
    w = window
    key(qtbot, w, K.Key_2)  # ORG
    span_helpers.drag(qtbot, w.editor, *at("halvard line"))
    assert w.editor.selected_span() is None  # a new span is not selected
    assert_bar_shows_next_label(w, "ORG")
    key(qtbot, w, K.Key_3)  # GPE: the next span's label, not a relabel of "halvard line"
    assert_bar_shows_next_label(w, "GPE")
    assert mine(w) == [("halvard line", "ORG")]
    span_helpers.drag(qtbot, w.editor, *at("belmouth"))
    assert mine(w) == [("belmouth", "GPE"), ("halvard line", "ORG")]
    assert w.editor.selected_span() is None
    assert_bar_shows_next_label(w, "GPE")
    with Store(w.project.path) as other:  # the draft on disk says the same
        saved = other.drafts.get_draft(w.current_id, "alice")
    assert [(TEXT[s.start:s.end], s.label) for s in saved if s.source is None] == mine(w)


def test_double_click_and_alt_drag_follow_the_same_rule(qtbot, window):
    w = window
    key(qtbot, w, K.Key_2)
    span_helpers.double_click(qtbot, w.editor, at("dockworkers")[0] + 3)  # one-token span
    assert w.editor.selected_span() is None
    key(qtbot, w, K.Key_3)
    span_helpers.double_click(qtbot, w.editor, at("belmouth")[0] + 2)
    assert mine(w) == [("dockworkers", "ORG"), ("belmouth", "GPE")]
    key(qtbot, w, K.Key_1)
    start, _ = at("rotterdam")
    span_helpers.drag(qtbot, w.editor, start, start + 6, ALT)  # character-level: "rotter"
    assert w.editor.selected_span() is None
    key(qtbot, w, K.Key_4)  # LOC for the next one; "rotter" stays PERSON
    assert ("rotter", "PERSON") in mine(w) and ("belmouth", "GPE") in mine(w)
    assert_bar_shows_next_label(w, "LOC")


def test_a_drag_over_a_span_already_there_selects_nothing(qtbot, window):
    w = window
    key(qtbot, w, K.Key_2)
    span_helpers.drag(qtbot, w.editor, *at("halvard line"))
    span_helpers.drag(qtbot, w.editor, *at("halvard line"))  # the same span again: nothing to do
    assert w.editor.selected_span() is None and w.editor.undo_stack().count() == 1
    key(qtbot, w, K.Key_3)
    assert mine(w) == [("halvard line", "ORG")]


def test_a_clicked_span_is_relabelled_and_the_bar_keeps_the_next_label(qtbot, window):
    w = window
    key(qtbot, w, K.Key_2)
    span_helpers.drag(qtbot, w.editor, *at("halvard line"))
    span = w.editor.spans()[0]
    click_span(qtbot, w, span)
    assert w.editor.selected_span() == span
    key(qtbot, w, K.Key_3)  # the person clicked it: the key relabels it
    assert mine(w)[0] == ("halvard line", "GPE")
    assert_bar_shows_next_label(w, "ORG")
    # A click on the label bar does what the key does, and the bar still shows the next label.
    w.label_bar.button("PERSON").click()
    assert mine(w)[0] == ("halvard line", "PERSON")
    assert_bar_shows_next_label(w, "ORG")
    key(qtbot, w, K.Key_Escape)  # deselected: keys choose the next label again
    key(qtbot, w, K.Key_4)
    assert mine(w)[0] == ("halvard line", "PERSON")
    assert_bar_shows_next_label(w, "LOC")
    w.label_bar.button("GPE").click()
    assert_bar_shows_next_label(w, "GPE") and mine(w)[0] == ("halvard line", "PERSON")


def test_confirm_paths_keep_the_rule(qtbot, db_path: Path):
    """Ctrl+Return (confirm all) after a drag selects nothing; a clicked suggestion confirmed by
    its own label's key stays the one selected (the person clicked it)."""
    start, end = at("belmouth", 1)
    model = Span(start, end, "GPE", SOURCE_MODEL)
    ids = make_project(db_path, [TEXT])
    with Store(db_path) as store:
        store.drafts.save_draft(ids[0], "alice", [model])
    w = open_window(qtbot, db_path)
    key(qtbot, w, K.Key_2)
    span_helpers.drag(qtbot, w.editor, *at("halvard line"))
    key(qtbot, w, K.Key_Return, Qt.KeyboardModifier.ControlModifier)  # confirm all
    confirmed = w.editor.spans()
    assert Span(start, end, "GPE") in confirmed and w.editor.selected_span() is None
    assert [s.source for s in confirmed if s.label == "ORG"] == [None] * TEXT.count("halvard line")
    key(qtbot, w, K.Key_1)  # the next label; nothing confirmed is relabelled
    assert [(s.key(), s.source) for s in w.editor.spans()] == [(s.key(), s.source) for s in confirmed]
    assert_bar_shows_next_label(w, "PERSON")
    w.editor.undo_stack().undo()  # the suggestion is back; click it, confirm it with its key
    click_span(qtbot, w, model)
    key(qtbot, w, K.Key_3)
    assert Span(start, end, "GPE") in w.editor.spans() and w.editor.selected_span() == Span(start, end, "GPE")
    assert [s.source for s in w.editor.spans() if s.start == start] == [None]
    assert_bar_shows_next_label(w, "PERSON")


def test_undo_and_redo_of_a_drawn_span_select_nothing(qtbot, window):
    w = window
    key(qtbot, w, K.Key_2)
    span_helpers.drag(qtbot, w.editor, *at("halvard line"))
    w.editor.undo_stack().undo()
    w.editor.undo_stack().redo()
    assert w.editor.selected_span() is None
    key(qtbot, w, K.Key_3)
    assert mine(w) == [("halvard line", "ORG")]


def _outline_dark(w, span: Span) -> bool:
    """Is the selection outline drawn just left of the span's first character?"""
    view = w.editor.text_edit()
    view.viewport().repaint()
    image: QImage = view.viewport().grab().toImage()
    qs, qe = w.editor.offsets().range_to_qt(span.start, span.end)
    rect = view.line_rects(qs, qe)[0]
    ratio = image.devicePixelRatio()
    x, y = rect.left() - 1.5, rect.center().y()
    color = QColor(image.pixel(QPoint(round(x * ratio), round(y * ratio))))
    return color.lightness() < 100


def test_a_selected_span_looks_selected_and_a_new_one_does_not(qtbot, window, shots: Path):
    w = window
    key(qtbot, w, K.Key_2)
    span_helpers.drag(qtbot, w.editor, *at("halvard line"))
    span = w.editor.spans()[0]
    assert not _outline_dark(w, span)
    click_span(qtbot, w, span)
    assert _outline_dark(w, span)
    assert w.grab().save(str(shots / "label-keys-selected.png"))
    key(qtbot, w, K.Key_Escape)
    assert not _outline_dark(w, span)
    assert span_style.SELECTED_PEN.lightness() < 100  # what the check looks for


def test_the_review_views_final_version_follows_the_same_rule(qtbot, tmp_path: Path):
    from annotator.gui.project import Project
    from annotator.gui.review.review_view import ReviewView

    with Store(tmp_path / "p.db") as store:
        (doc,), _ = store.documents.add_documents([(TEXT, {})])
        store.annotations.save_annotation(doc, "alice", "accept", [Span(*at("belmouth"), "GPE")])
        store.annotations.save_annotation(doc, "bob", "accept", [Span(*at("belmouth"), "LOC")])
    project = Project(tmp_path / "p.db", "lead")
    view = ReviewView(project, "lead")
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow, timeout=5000)  # its label keys are window shortcuts
    view.set_document(doc)
    final = view.final_editor()
    final.setFocus()
    qtbot.keyClick(final.text_edit(), K.Key_2)
    span_helpers.drag(qtbot, final, *at("halvard line"))
    assert final.selected_span() is None
    qtbot.keyClick(final.text_edit(), K.Key_3)
    span_helpers.drag(qtbot, final, *at("england"))
    got = [(TEXT[s.start:s.end], s.label) for s in final.spans()]
    assert ("halvard line", "ORG") in got and ("england", "GPE") in got
    project.close()
