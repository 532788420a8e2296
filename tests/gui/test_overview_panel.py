"""The window records time per document and the suggestions at opening with each decision;
View -> Panels -> Overview shows the six charts, live, computed off the GUI thread."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.core.report import charts
from annotator.core.text.model import Span
from annotator.core.store import Store
from annotator.gui.panels.overview_panel import OverviewPanel
from tests.core.overview_data import build
from tests.gui.window_helpers import key, make_project, open_window

K = Qt.Key


@pytest.fixture(autouse=True)
def _forget_window_state():
    """These tests show the Overview dock; a window opened by a later test must not restore it."""
    yield
    from annotator.gui.settings import settings

    settings().remove("window/state")


def test_a_decision_carries_active_seconds_and_the_suggestions_shown_at_opening(qtbot, db_path):
    ids = make_project(db_path)
    with Store(db_path) as store:  # predictions imported with the documents: shown as suggestions
        store.suggestions.save_suggestions("label-studio", [(ids[0], [Span(0, 15, "PERSON", "model")])])
    w = open_window(qtbot, db_path)
    assert w.current_id == ids[0] and w.editor.spans() == [Span(0, 15, "PERSON")]
    now = [1000.0]
    w.recorder.now = lambda: now[0]
    w.recorder.decided(ids[0])
    w.open_document(ids[0])  # a fresh clock on the fake time
    for t in (1010, 1040, 1150, 1160):  # gaps 10, 30, 110 (away: left out), 10
        now[0] = t
        key(qtbot, w, K.Key_End)  # moves the text cursor
    w.open_document(ids[0])  # reopened before its decision: the same clock
    now[0] = 1165
    assert w.accept()
    assert w.current_id == ids[1] and w.recorder.doc_id == ids[1]
    now[0] = 1200
    assert w.reject()
    with Store(db_path) as store:
        first, second = store.activity.timed_decisions()
        suggestion_rows = store.conn.execute("SELECT count(*) FROM decision_suggestions").fetchone()[0]
    assert (first.document_id, first.answer, first.seconds) == (ids[0], "accept", 55.0)
    assert first.suggested == (Span(0, 15, "PERSON"),) and first.suggested[0].source == "model"
    assert first.decided_spans == (Span(0, 15, "PERSON"),)
    assert (second.document_id, second.answer, second.seconds) == (ids[1], "reject", 35.0)
    assert second.suggested == () and suggestion_rows == 1  # nothing suggested: no row


@pytest.mark.slow
def test_overview_panel_is_live_and_costs_nothing_while_hidden(qtbot, tmp_path):
    db = build(tmp_path / "known.db")
    w = open_window(qtbot, db)
    panel = w.findChild(OverviewPanel)
    dock = panel.parentWidget()
    assert dock.windowTitle() == "Overview" and not dock.isVisible()
    assert "Overview" in [a.text() for a in w.panels_menu.actions()]
    doc = w.current_id
    assert w.accept()  # hidden: nothing is computed
    qtbot.wait(700)
    assert panel.overview is None and panel.status.text() == "Not computed yet"

    dock.setFloating(True)
    dock.resize(1000, 1400)
    dock.show()
    qtbot.waitUntil(lambda: panel.overview is not None, timeout=60_000)
    first = panel.overview
    assert first.progress.per_annotator["alice"] == [3, 2, 1]  # two known days, then today
    assert first.time.decisions["alice"] == 5 + 1 and doc in {p.document for p in first.suggestions.points}
    for chart in charts.CHARTS:  # drawn by the worker at the panel's width, shown as pixels
        image = panel.images[chart.key]
        assert image.figure.get_suptitle() == chart.title and image.figure.axes
        pixmap = panel.views[chart.key].pixmap()
        assert not pixmap.isNull() and abs(pixmap.width() / pixmap.devicePixelRatio() - panel._chart_width()) <= 1
    assert "of 8 documents with team gold" in panel.status.text()

    assert w.current_id == 6 and w.accept()  # shown: the panel follows (her reject of d6 is now today's accept)
    qtbot.waitUntil(lambda: panel.overview is not first, timeout=60_000)
    assert panel.overview.progress.per_annotator["alice"] == [3, 1, 2]
    image = panel.views["progress"].grab().toImage()
    assert image.width() > 300 and len({image.pixel(x, 60) for x in range(0, image.width(), 7)}) > 2
    dock.resize(500, 1400)  # narrower: each chart's two plots are stacked, drawn again
    qtbot.waitUntil(lambda: panel.narrow and panel.images["time"].height > panel.images["curve"].height,
                    timeout=60_000)


@pytest.mark.slow
def test_save_report_from_the_panel(qtbot, tmp_path):
    w = open_window(qtbot, build(tmp_path / "known.db"))
    panel = w.findChild(OverviewPanel)
    out = tmp_path / "out" / "report.html"
    panel.save_report(out)
    qtbot.waitUntil(lambda: panel.status.text() == f"Wrote {out}", timeout=60_000)
    qtbot.waitUntil(panel.save_button.isEnabled, timeout=5000)  # once the worker has finished
    assert out.read_text(encoding="utf-8").count("<svg") == 6


@pytest.mark.slow
def test_learning_curve_from_the_window_is_recorded_and_drawn(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from tests.gui.test_window_review_train import gold_project

    db = tmp_path / "news.db"
    gold_project(db)
    w = open_window(qtbot, db)
    panel = w.findChild(OverviewPanel)
    panel.parentWidget().show()
    qtbot.waitUntil(lambda: panel.overview is not None, timeout=60_000)
    assert panel.overview.curve is None  # the chart says to compute one
    started = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    real = __import__("annotator.gui.model.training", fromlist=["x"]).start_learning_curve

    def small(parent, project, tasks, options=None):  # the button's curve, kept small for a test
        started.append(True)
        return real(parent, project, tasks, {"from_scratch": True, "base": None, "max_steps": 4,
                                             "fractions": [0.5, 1.0]})

    monkeypatch.setattr("annotator.gui.model.training.start_learning_curve", small)
    panel._ask_curve()
    assert started
    qtbot.waitUntil(lambda: panel.overview.curve is not None, timeout=240_000)
    assert [f for f, _ in panel.overview.curve.trained] == [0.5, 1.0] and panel.overview.curve.base is None
    assert w.project.store.activity.latest_learning_curve()["settings"]["max_steps"] == 4
