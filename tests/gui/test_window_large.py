"""The window on 5 MB documents: the event loop keeps turning while one opens (a 10 ms timer
keeps ticking), its spans arrive from a worker with their tags, edits are saved as small draft
edits, and a decision on it works. No timing thresholds: benchmarks/bench_bigdocs.py measures."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtCore import Qt as K

from annotator.core.store import Store
from annotator.gui import actions
from tests.gui.window_helpers import ARTICLES, key, open_window
from tests.reliability.large import big_article



@functools.lru_cache(maxsize=2)
def article(paragraphs: bool):
    return big_article(5_000_000, paragraphs)


@pytest.fixture
def big_project(db_path: Path):
    """Two small articles first (the window opens on one), then the two 5 MB documents: one
    of paragraphs with a draft of 60,000+ spans, one single line with none."""
    para_text, para_spans = article(True)
    line_text, _ = article(False)
    with Store(db_path) as store:
        ids, _ = store.documents.add_documents([(t, {}) for t in ARTICLES[:2]] + [(para_text, {}), (line_text, {})])
        store.drafts.save_draft(ids[2], "alice", para_spans)
        store.drafts.save_draft(ids[0], "alice", [])  # the window resumes here, not on the 5 MB draft
    return db_path, ids


def _open_with_ticks(qtbot, window, doc_id):
    """Open `doc_id` as a click in the list would, with a 10 ms timer running; returns how many
    ticks came while the spans were still loading and in total until they arrived."""
    ticks = {"loading": 0, "all": 0}

    def tick() -> None:
        ticks["all"] += 1
        if window.origin == actions.FROM_LOADING:
            ticks["loading"] += 1
    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    window.doc_panel.documentActivated.emit(doc_id)
    assert window.current_id == doc_id and window.editor.text()
    qtbot.waitUntil(lambda: window.origin != actions.FROM_LOADING, timeout=60_000)
    timer.stop()
    return ticks


@pytest.mark.large
def test_the_event_loop_keeps_turning_while_a_5_mb_document_opens(qtbot, big_project, shots):
    db_path, ids = big_project
    w = open_window(qtbot, db_path)
    assert w.current_id == ids[0]
    # The draft of 60,000+ spans takes a worker a while to read: the timer keeps firing.
    ticks = _open_with_ticks(qtbot, w, ids[2])
    assert ticks["loading"] > 0, ticks
    assert w.origin == actions.FROM_DRAFT and not w.editor.is_read_only()
    # The single line without spans: nothing to wait for.
    _open_with_ticks(qtbot, w, ids[3])
    assert w.origin == actions.FROM_NOTHING and not w.editor.is_read_only()
    assert "loading" not in w.header.text()
    para_text, para_spans = article(True)
    w.doc_panel.documentActivated.emit(ids[2])
    assert w.editor.is_read_only() and "spans loading" in w.header.text()  # until they arrive
    assert not w.decide("accept")  # no decision on spans not yet shown
    qtbot.waitUntil(lambda: w.origin == actions.FROM_DRAFT, timeout=60_000)
    assert w.editor.spans() == list(para_spans)
    w.editor.text_edit().viewport().repaint()
    assert w.editor._tags and w.editor.drawing_note() is None  # tags drawn, nothing left out
    assert w.grab().save(str(shots / "window-5mb.png"))


@pytest.mark.large
def test_edits_of_a_5_mb_document_are_saved_as_small_edits(qtbot, big_project):
    db_path, ids = big_project
    w = open_window(qtbot, db_path)
    _open_with_ticks(qtbot, w, ids[2])
    store = w.project.store
    edits = lambda: store.conn.execute("SELECT count(*) FROM draft_edits").fetchone()[0]  # noqa: E731
    before = edits()
    w.editor.scroll_to_offset(2_500_000)
    span = w.editor.visible_spans()[3]
    w.editor.select_span(span)
    key(qtbot, w, K.Key_Delete)
    assert edits() == before + 1
    w.editor.undo_stack().undo()
    assert edits() == before + 2
    w.editor.undo_stack().redo()
    assert store.drafts.get_draft(ids[2], "alice") == tuple(w.editor.spans())
    assert span not in w.editor.spans()
    expected = tuple(w.editor.spans())
    qtbot.waitUntil(lambda: w.project.matcher is not None, timeout=60_000)
    learned = len(w.project.matcher)
    assert w.decide("accept")
    assert store.annotations.get_annotation(ids[2], "alice").spans == expected
    assert store.drafts.get_draft(ids[2], "alice") is None and edits() == 0
    # A long document: what it teaches is learned in a worker, which holds the matcher meanwhile.
    assert w.project.matcher is None and w.background.learning
    qtbot.waitUntil(lambda: w.project.matcher is not None and len(w.project.matcher) == learned + 1, timeout=60_000)
