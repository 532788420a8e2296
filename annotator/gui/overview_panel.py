"""View -> Panels -> Overview: the six charts of core/charts.py, live. A panel that only
subscribes to the Project: decisions, teammates' work, reviews and trained models mark it
stale; it recomputes (debounced, core/overview.py in a worker) while it is shown, and a
hidden panel costs nothing per decision. The figures are drawn on the GUI thread from the
worker's numbers; "Save report…" writes the same charts as HTML (core/report.py).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from PySide6.QtCore import QSize, QTimer
from PySide6.QtWidgets import (
    QFileDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton, QScrollArea, QVBoxLayout, QWidget,
)

from annotator.core import charts
from annotator.gui import training
from annotator.gui.dialogs import show_message
from annotator.gui.project import Project
from annotator.gui.tasks import TaskRunner
from annotator.jobs.tasks import overview_job, report_job

DEBOUNCE_MS = 500  # a burst of decisions (Accept all unanimous, a merge) recomputes once
CHART_HEIGHT = 340
NARROW_PX = 720  # narrower than this (a docked panel), a chart's two plots are stacked


class OverviewPanel(QWidget):
    def __init__(self, project: Project, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overviewPanel")
        self.project, self.tasks = project, tasks
        self.overview: Any = None          # the last numbers shown (core.overview.Overview)
        self._stale = True
        self._running = False
        self._asked = 0                    # a result from an older request is dropped
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._compute)

        self.status = QLabel("Not computed yet")
        self.status.setObjectName("overviewStatus")
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.refresh)
        self.save_button = QPushButton("Save report…")
        self.save_button.setToolTip("One HTML file with these charts and the tables behind them, readable offline")
        self.save_button.clicked.connect(self._ask_report)
        self.status.setWordWrap(True)
        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(refresh)
        curve = QPushButton("Learning curve…")
        curve.setToolTip("Train on 25/50/75/100% of the gold and score each on held-out documents "
                         "(annotator train-curve); the curve chart shows the result")
        curve.clicked.connect(self._ask_curve)
        top.addWidget(curve)
        top.addWidget(self.save_button)

        body = QWidget()
        column = QVBoxLayout(body)
        self.canvases: dict[str, FigureCanvasQTAgg] = {}
        for chart in charts.CHARTS:
            canvas = FigureCanvasQTAgg(charts.new_figure())
            canvas.setObjectName(f"chart-{chart.key}")
            canvas.setMinimumHeight(CHART_HEIGHT)
            column.addWidget(canvas)
            self.canvases[chart.key] = canvas
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        self.narrow = False
        self.setMinimumWidth(380)

        for signal in (project.opened, project.decisionSaved, project.teamWorkChanged, project.reviewSaved,
                       project.trainedModelsChanged, project.documentsAdded, project.labelsChanged):
            signal.connect(self.mark_stale)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(560, 800)  # docked beside the editor: charts stacked, still legible

    # ---- when to compute ---------------------------------------------------------------------
    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._stale:
            self._timer.start(0)

    def mark_stale(self, *_args: object) -> None:
        """Something the charts show changed: recompute soon if shown, else when next shown."""
        self._stale = True
        if self.isVisible():
            self._timer.start()

    def refresh(self) -> None:
        self._stale = True
        self._timer.start(0)

    def _compute(self) -> None:
        if self._running:  # one computation at a time; the newest request runs after it
            self._timer.start()
            return
        self._stale = False
        self._running = True
        self._asked += 1
        asked = self._asked
        self.status.setText("Updating…")
        self.tasks.run(overview_job, self.project.path, name="overview",
                       on_returned=lambda ov: self._computed(asked, ov), on_error=self._failed,
                       on_finished=self._finished)

    def _finished(self) -> None:
        self._running = False

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(f"Could not compute the overview: {exc}")

    def _computed(self, asked: int, overview: Any) -> None:
        if asked != self._asked or overview is None:
            return
        self.show_overview(overview)

    # ---- drawing -----------------------------------------------------------------------------
    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        narrow = self.width() < NARROW_PX
        if narrow != self.narrow:
            self.narrow = narrow
            for chart in charts.CHARTS:
                stacked = narrow and chart.panels == 2
                self.canvases[chart.key].setMinimumHeight(int(CHART_HEIGHT * (1.8 if stacked else 1)))
            if self.overview is not None:
                self.show_overview(self.overview)

    def show_overview(self, overview: Any) -> None:
        """Draw every chart from the numbers (GUI thread: the figures belong to the canvases)."""
        self.overview = overview
        for chart in charts.CHARTS:
            canvas = self.canvases[chart.key]
            charts.draw(canvas.figure, chart, overview, narrow=self.narrow, width_px=canvas.width())
            canvas.draw_idle()
        p = overview.progress
        self.status.setText(f"{p.gold:,} of {p.total:,} documents with team gold · updated "
                            f"{time.strftime('%H:%M:%S', time.localtime(overview.generated))}")

    # ---- the learning curve ---------------------------------------------------------------------
    def _ask_curve(self) -> None:
        base = training.current_base(self.project) or "a blank pipeline"
        answer = QMessageBox.question(
            self, "Learning curve", f"Train four times from {base}, on 25, 50, 75 and 100% of the training "
            "gold, and score each on the held-out documents? This takes a few minutes; the status bar "
            "shows its progress.")
        if answer == QMessageBox.StandardButton.Yes:
            training.start_learning_curve(self, self.project, self.tasks)

    # ---- the report --------------------------------------------------------------------------
    def _ask_report(self) -> None:
        name = f"{self.project.path.stem}-report.html"
        path, _ = QFileDialog.getSaveFileName(self, "Save report", str(Path.home() / name), "HTML (*.html)")
        if path:
            self.save_report(Path(path))

    def save_report(self, out: Path) -> None:
        """Write the HTML report in a worker; the status line says when it is written."""
        self.save_button.setEnabled(False)
        self.status.setText(f"Writing {out.name}…")

        def done(path: Path) -> None:
            self.status.setText(f"Wrote {path}")

        def failed(exc: BaseException) -> None:
            self.status.setText("Report not written")
            show_message(self, "Report not written", str(exc))

        self.tasks.run(report_job, self.project.path, out, name="report", key="report", title="Writing the report",
                       on_returned=done, on_error=failed, on_finished=lambda: self.save_button.setEnabled(True))
