"""Another process holding the project's write lock (a bulk import, a teammate) never
freezes the window and never loses an edit or a decision: they wait and are saved after."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt

from annotator.core.store import Store
from tests.gui.window_helpers import key, make_project, open_window


def _hold_write_lock(db_path):
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_edits_and_accept_wait_for_a_busy_file_without_freezing(qtbot, db_path):
    ids = make_project(db_path)
    w = open_window(qtbot, db_path)
    assert w.current_id == ids[0]
    blocker = _hold_write_lock(db_path)
    try:
        # The GUI thread's store gives up on a held lock after 50 ms (then keeps the write and
        # retries): a setting, checked here, rather than a time measured on a busy machine.
        assert w.project.store.conn.execute("PRAGMA busy_timeout").fetchone()[0] <= 50
        span = w.editor.create_span_from_selection(0, 8)
        assert span is not None
        key(qtbot, w, Qt.Key.Key_A)
        # Nothing is on disk yet; the window stays on the document it is saving.
        assert w.project.waiting_decision is not None and w.current_id == ids[0]
        assert w.editor.is_read_only()
        key(qtbot, w, Qt.Key.Key_Right)  # no moving on while the decision waits
        assert w.current_id == ids[0]
    finally:
        blocker.execute("COMMIT")
        blocker.close()
    qtbot.waitUntil(lambda: not w.project.waiting, timeout=5000)
    assert w.current_id == ids[1] and not w.editor.is_read_only()
    with Store(db_path) as s:
        ann = s.annotations.get_annotation(ids[0], "alice")
        assert ann.answer == "accept"
        assert [(x.start, x.end) for x in ann.spans] == [(span.start, span.end)]
        assert s.drafts.get_draft(ids[0], "alice") is None


def test_a_draft_waiting_at_close_is_saved_when_the_lock_goes(qtbot, db_path):
    ids = make_project(db_path)
    w = open_window(qtbot, db_path)
    blocker = _hold_write_lock(db_path)
    try:
        w.editor.create_span_from_selection(0, 8)
        assert w.project.waiting and w.project.waiting_decision is None
    finally:
        blocker.execute("COMMIT")
        blocker.close()
    w.close()  # closing waits for the file as long as the CLI would, then writes
    with Store(db_path) as s:
        assert s.drafts.get_draft(ids[0], "alice") is not None
