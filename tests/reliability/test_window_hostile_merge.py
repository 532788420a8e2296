"""File -> Merge in the real window refuses every crafted file of hostile_projects.py in a
dialog, one session for all of them; the window stays usable and the project it has open is
byte-identical afterwards, -wal included (issue 19)."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from annotator.core.store import Store  # noqa: E402
from annotator.gui import file_actions  # noqa: E402
from tests.gui.window_helpers import key, make_project, open_window, reactivate  # noqa: E402
from tests.reliability.hostile_projects import make_cases  # noqa: E402
from tests.reliability.test_hostile_projects import SECONDS, state  # noqa: E402


def _failure(w) -> QMessageBox | None:
    boxes = [b for b in w.findChildren(QMessageBox) if b.isVisible() and b.windowTitle() == "Merge failed"]
    return boxes[0] if boxes else None


@pytest.mark.slow
def test_file_merge_shows_each_refusal_in_a_dialog_and_changes_nothing(qtbot, tmp_path, monkeypatch):
    hostile = make_cases(tmp_path / "hostile")
    db = tmp_path / "mine.db"
    ids = make_project(db)
    w = open_window(qtbot, db, "alice", model="")
    before = state(db)
    took = {}
    for name, (case, path) in hostile.items():
        # The menu path, with the file dialog answered (it cannot run headless).
        monkeypatch.setattr(file_actions.QFileDialog, "getOpenFileName",
                            staticmethod(lambda *a, p=path, **k: (str(p), "")))
        start = time.monotonic()
        w.menu_actions["merge"].trigger()
        qtbot.waitUntil(lambda: _failure(w) is not None and w.status.task("merge") is None, timeout=10000)
        took[name] = time.monotonic() - start
        box = _failure(w)
        text = box.text()
        assert case.expect in text and str(path) in text, (name, text)
        assert "\n" not in text and "Traceback" not in text, (name, text)
        box.close()
        qtbot.waitUntil(lambda: _failure(w) is None, timeout=5000)
    assert max(took.values()) < SECONDS, took
    assert state(db) == before
    # Still usable: the next decision is saved as always.
    reactivate(qtbot, w)
    key(qtbot, w, Qt.Key.Key_A)
    with Store(db, readonly=True) as s:
        assert s.annotations.get_annotation(ids[0], "alice").answer == "accept"
    w.close()
