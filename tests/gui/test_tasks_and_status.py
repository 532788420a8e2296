"""The task runner (stale callbacks dropped), the status bar (never widens the window, shows
tasks and the disputed count) and the export dialog (the command line's defaults)."""

from __future__ import annotations

import threading

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow

from annotator.gui.dialogs.export_dialog import WHAT_ALL, WHAT_GOLD, ExportDialog
from annotator.gui.status import StatusBar
from annotator.gui.tasks import TaskRunner


def wait_job(ctx, gate: threading.Event, value: str) -> str:
    while not gate.wait(0.01):
        ctx.check()
    return value


def test_a_replaced_task_never_calls_back(qtbot):
    tasks = TaskRunner()
    got, events = [], []
    tasks.started.connect(lambda key, title, _c: events.append(("started", key, title)))
    tasks.ended.connect(lambda key, message: events.append(("ended", key, message)))
    first_gate, second_gate = threading.Event(), threading.Event()
    finished: list[str] = []
    try:
        first = tasks.run(wait_job, first_gate, "old", name="job", key="k", title="First",
                          on_returned=got.append, on_finished=lambda: finished.append("first"))
        second = tasks.run(wait_job, second_gate, "new", name="job", key="k", title="Second",
                           on_returned=got.append)
        assert tasks.worker("k") is second and first is not second
        first_gate.set()
        qtbot.waitUntil(lambda: finished == ["first"], timeout=5000)
        second_gate.set()
        qtbot.waitUntil(lambda: got == ["new"], timeout=5000)
        qtbot.waitUntil(lambda: not tasks.is_running("k"), timeout=5000)
        assert events[:3] == [("started", "k", "First"), ("ended", "k", ""), ("started", "k", "Second")]
        assert got == ["new"]  # the replaced worker's result was dropped
    finally:
        first_gate.set()
        second_gate.set()
        tasks.stop_all()


def test_stop_all_drops_every_callback_and_errors_are_reported(qtbot):
    tasks = TaskRunner()
    got, failures = [], []
    tasks.failed.connect(lambda name, message: failures.append((name, message)))
    gate = threading.Event()
    finished: list[bool] = []
    tasks.run(wait_job, gate, "late", name="job", on_returned=got.append, on_finished=lambda: finished.append(True))
    assert tasks.stop_all()  # the job sees the stop at its next check
    qtbot.waitUntil(lambda: finished == [True], timeout=5000)
    assert got == []

    def broken(_ctx):
        raise ValueError("the file is gone")

    with qtbot.waitSignal(tasks.failed, timeout=5000):
        tasks.run(broken, name="import")
    assert failures == [("import", "the file is gone")]


def test_status_bar_elides_long_texts_and_never_widens_the_window(qtbot):
    window = QMainWindow()
    status = StatusBar()
    window.setStatusBar(status)
    qtbot.addWidget(window)
    window.resize(700, 400)
    window.show()
    qtbot.waitExposed(window)
    long = "Merged /a/very/long/path/" + "deep/" * 40 + "teammate.db: 1,234 new documents"
    status.set_model("/home/someone/models/" + "nested/" * 30 + "ner-20261129")
    status.start_task("import", "Importing " + ", ".join(f"file{i}.jsonl" for i in range(40)))
    status.showMessage(long)
    qtbot.wait(50)
    assert window.width() == 700
    assert status.model_label.toolTip().endswith("ner-20261129")  # the full text stays reachable
    assert status.toolTip() == long
    status.set_disputed(0)
    assert not status.disputed_label.isVisibleTo(status)
    status.set_disputed(3)
    assert status.disputed_label.isVisibleTo(status) and "3 disputed" in status.disputed_label.text()


def test_export_dialog_defaults_match_the_command_line(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    dialog = ExportDialog(tmp_path / "news.db", "alice", settings)
    qtbot.addWidget(dialog)
    dialog.set_format("spacy")
    assert dialog.what.currentData() == WHAT_GOLD and not dialog.answer.isEnabled()
    assert dialog.options() == {"gold": True, "annotator": None, "answer": "accept", "reviewed": False}
    assert dialog.out_path().name == "news-spacy.spacy"
    assert tmp_path not in dialog.out_path().parents  # never beside the (hidden) project file
    dialog.set_format("jsonl")
    assert dialog.what.currentData() == WHAT_ALL
    assert dialog.options() == {"gold": False, "annotator": None, "answer": "accept", "reviewed": False}
    dialog.path.setText(str(tmp_path / "out" / "x.jsonl"))
    (tmp_path / "out").mkdir()
    dialog.accept()
    again = ExportDialog(tmp_path / "news.db", "alice", settings)
    qtbot.addWidget(again)
    assert again.out_path().parent == tmp_path / "out"  # the folder last exported to
