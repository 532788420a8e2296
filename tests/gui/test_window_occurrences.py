"""Inside the document, in the real window: a labelled phrase's other occurrences are
suggested at once (★, propagated), as part of the edit's undo step; Shift + a label key and
the span's context menu label all occurrences as one undoable step."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt

from annotator.core.text.model import SOURCE_MODEL, SOURCE_PROPAGATED, Span
from annotator.core.store import Store
from annotator.gui.editor import span_style
from tests.gui.window_helpers import click_span, drag, key, make_project, open_window

K = Qt.Key
SHIFT = Qt.KeyboardModifier.ShiftModifier
TEXT = ("the port of belmouth was closed. Belmouth dockers struck on monday and belmouth "
        "stayed quiet. the belmouthian mayor spoke in belmouth.")


def at(word: str, nth: int = 0, text: str = TEXT) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return start, start + len(word)


def occurrences() -> list[tuple[int, int]]:
    """Every whole-word "belmouth", any case (not inside "belmouthian")."""
    low = TEXT.lower()
    out, i = [], low.find("belmouth")
    while i >= 0:
        if not low[i + 8].isalpha():
            out.append((i, i + 8))
        i = low.find("belmouth", i + 1)
    return out


def stars(w) -> list[Span]:
    return [s for s in w.editor.spans() if s.source == SOURCE_PROPAGATED]


def first_labelled_gpe(qtbot, db_path: Path):
    """The window on TEXT with the first "belmouth" dragged as GPE (the others become ★)."""
    make_project(db_path, [TEXT])
    w = open_window(qtbot, db_path)
    key(qtbot, w, K.Key_3)
    drag(qtbot, w, *occurrences()[0])
    return w


def test_labelling_a_phrase_suggests_its_other_occurrences_in_one_undo_step(qtbot, db_path: Path):
    make_project(db_path, [TEXT, "another document."])
    w = open_window(qtbot, db_path)
    key(qtbot, w, K.Key_3)  # GPE
    first, *others = occurrences()
    drag(qtbot, w, *first)
    mine = Span(*first, "GPE")
    assert w.editor.spans()[0] == mine and w.editor.spans()[0].source is None
    assert [(s.start, s.end, s.label) for s in stars(w)] == [(*o, "GPE") for o in others]
    assert at("belmouthian")[0] not in [s.start for s in w.editor.spans()]
    # One undo step for the edit and what it propagated, named after both.
    stack = w.editor.undo_stack()
    assert stack.count() == 1 and "(+3 ★)" in stack.text(0)
    # The draft holds the ★ as suggestions (they are saved as the person sees them).
    with Store(db_path) as other:
        assert [s.source for s in other.drafts.get_draft(w.current_id, "alice")] == [None] + [SOURCE_PROPAGATED] * 3
    stack.undo()
    assert w.editor.spans() == []
    stack.redo()
    assert len(stars(w)) == 3
    # Drawn like the other ★ suggestions: pale, dotted, a star on the tag.
    star = stars(w)[0]
    assert span_style.tag_text(star) == "★ GPE"
    assert span_style.Palette.from_labels(w.editor.labels()).fill(star) != \
        span_style.Palette.from_labels(w.editor.labels()).fill(mine)


def test_relabel_follows_and_a_deleted_star_stays_dismissed(qtbot, db_path: Path):
    w = first_labelled_gpe(qtbot, db_path)
    first, second, third, fourth = occurrences()
    # Relabelling the person's span relabels what it propagated (recomputed, same step).
    w.editor.select_span(Span(*first, "GPE"))
    key(qtbot, w, K.Key_2)  # ORG
    assert {s.label for s in stars(w)} == {"ORG"} and len(stars(w)) == 3
    # Delete one ★: dismissed, and the next edit does not bring it back.
    w.editor.select_span(Span(*second, "ORG"))
    key(qtbot, w, K.Key_Delete)
    assert [(s.start, s.end) for s in stars(w)] == [third, fourth]
    key(qtbot, w, K.Key_Escape)
    key(qtbot, w, K.Key_8)  # DATE
    drag(qtbot, w, *at("monday"))
    assert [(s.start, s.end) for s in stars(w)] == [third, fourth]
    # Undo the edit and the deletion: the ★ comes back.
    stack = w.editor.undo_stack()
    stack.undo()
    stack.undo()
    assert [(s.start, s.end) for s in stars(w)] == [second, third, fourth]
    # Deleting the person's own span removes what it implied.
    w.editor.select_span(Span(*first, "ORG"))
    key(qtbot, w, K.Key_Delete)
    assert w.editor.spans() == []


def test_propagation_never_covers_the_persons_spans_and_beats_model_suggestions(qtbot, db_path: Path):
    ids = make_project(db_path, [TEXT])
    second = occurrences()[1]
    model = Span(second[0], second[1] + len(" dockers"), "ORG", SOURCE_MODEL)  # "Belmouth dockers"
    with Store(db_path) as store:
        store.drafts.save_draft(ids[0], "alice", [model, Span(*occurrences()[3], "PERSON")])
    w = open_window(qtbot, db_path)
    key(qtbot, w, K.Key_3)
    drag(qtbot, w, *occurrences()[0])
    spans = w.editor.spans()
    assert model not in spans  # the ★ won over the model suggestion it overlaps
    assert [(s.start, s.end) for s in stars(w)] == [occurrences()[1], occurrences()[2]]
    assert Span(*occurrences()[3], "PERSON") in spans and [s.source for s in spans if s.label == "PERSON"] == [None]


def test_shift_label_key_labels_all_occurrences_as_one_step(qtbot, db_path: Path):
    w = first_labelled_gpe(qtbot, db_path)
    first, second, third, fourth = occurrences()
    w.editor.select_span(Span(*stars(w)[1].key()[:2], "GPE"))  # a ★ that should be LOC, as all of them
    before = w.editor.undo_stack().count()
    key(qtbot, w, K.Key_4, SHIFT)  # Shift+4: LOC, everywhere
    spans = w.editor.spans()
    assert [(s.start, s.end, s.label, s.source) for s in spans] == [(*o, "LOC", None) for o in occurrences()]
    assert w.editor.selected_span() == Span(*third, "LOC")
    assert w.editor.undo_stack().count() == before + 1
    assert w.status.currentMessage() == "Labelled all 'belmouth' as LOC: 3 added, 1 relabelled"
    w.editor.undo_stack().undo()
    assert [s.label for s in w.editor.spans()] == ["GPE"] * 4 and len(stars(w)) == 3
    # Nothing selected: Shift+key says what to do and changes nothing.
    key(qtbot, w, K.Key_Escape)
    key(qtbot, w, K.Key_4, SHIFT)
    assert "select a span" in w.status.currentMessage() and len(stars(w)) == 3
    assert any("Shift" in keys and "occurrences" in what for keys, what in w.shortcut_rows())


def test_the_span_context_menu_labels_all_occurrences(qtbot, db_path: Path):
    make_project(db_path, [TEXT])
    w = open_window(qtbot, db_path)
    key(qtbot, w, K.Key_1)  # PERSON, on purpose wrong
    drag(qtbot, w, *occurrences()[0])
    key(qtbot, w, K.Key_Escape)
    w.editor.undo_stack().clear()
    span = Span(*occurrences()[2], "PERSON", SOURCE_PROPAGATED)
    view = w.editor.text_edit()
    click_span(qtbot, w, span)
    rect = view.cursorRect(view.cursor_at(w.editor.offsets().to_qt(span.start) + 1))
    pos = QPoint(rect.left() - 2, rect.center().y())
    from PySide6.QtGui import QContextMenuEvent

    view.contextMenuEvent(QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, view.viewport().mapToGlobal(pos)))
    menu = w.occurrences.menu
    assert menu is not None and menu.isVisible()
    assert w.editor.selected_span() == span
    entries = [a.text() for a in menu.actions()]
    assert entries[0] == "Label all 'belmouth' as PERSON"
    sub = menu.actions()[1].menu()
    gpe = next(a for a in sub.actions() if a.text() == "GPE")
    menu.close()
    gpe.trigger()
    assert [(s.label, s.source) for s in w.editor.spans()] == [("GPE", None)] * 4
    assert w.editor.undo_stack().count() == 1
    assert "Labelled all 'belmouth' as GPE" in w.status.currentMessage()
