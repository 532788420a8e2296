"""View -> Panels -> Overview: the six charts of core/report/charts.py, live. A panel that only
subscribes to the Project: decisions, teammates' work, reviews and trained models mark it
stale; while it is shown it recomputes (debounced) in a worker, and a hidden panel costs
nothing per decision. The worker also draws the charts (matplotlib's Agg, at the panel's size
and pixel ratio) and the panel shows the pixels: drawing six charts takes a second or more,
which on the GUI thread would freeze the window at each refresh. "Save report…" writes the
same charts as HTML (core/report/report.py); "Learning curve…" computes the curve chart's data.
Below the charts, each pattern's precision (the flagged first; Model -> Patterns… removes them).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QMessageBox, QPushButton, QScrollArea,
    QSizePolicy, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from annotator.core.report import charts
from annotator.gui.model import training
from annotator.gui.dialogs.dialogs import show_message
from annotator.gui.project import Project
from annotator.gui.tasks import TaskRunner
from annotator.gui.theme import appearance, chart_colors
from annotator.jobs.tasks import charts_job, report_job
from annotator.core.wording import count

DEBOUNCE_MS = 500  # a burst of decisions (Accept all unanimous, a merge) recomputes once
RESIZE_MS = 250    # the charts are drawn again at the new width once resizing pauses
CHART_HEIGHT = 340
NARROW_PX = 720    # narrower than this (a docked panel), a chart's two plots are stacked
PATTERN_COLUMNS = ["Pattern", "Label", "Shown", "Kept", "Precision", ""]


class OverviewPanel(QWidget):
    def __init__(self, project: Project, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overviewPanel")
        self.project, self.tasks = project, tasks
        self.overview: Any = None          # the numbers shown (core.overview.Overview)
        self.images: dict[str, charts.Image] = {}
        self.narrow = False
        self._stale = True                 # the numbers need computing again
        self._drawn_width = 0
        self._running = False
        self._asked = 0                    # a result from an older request is dropped
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self._start)
        self._resized = QTimer(self, singleShot=True, interval=RESIZE_MS)
        self._resized.timeout.connect(self._start)

        self.status = QLabel("Not computed yet")
        self.status.setObjectName("overviewStatus")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for text, tip, slot in (
                ("Refresh", "Compute the overview again now", self.refresh),
                ("Learning curve…", "Train on 25/50/75/100% of the gold and score each on held-out "
                 "documents (annotator train-curve); the curve chart shows the result", self._ask_curve),
                ("Save report…", "One HTML file with these charts and the tables behind them, readable "
                 "offline", self._ask_report)):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        self.save_button = button

        body = QWidget()
        column = QVBoxLayout(body)
        self.views: dict[str, QLabel] = {}
        for chart in charts.CHARTS:
            view = QLabel(chart.title)
            view.setObjectName(f"chart-{chart.key}")
            view.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            view.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)  # the pixmap never widens it
            column.addWidget(view)
            self.views[chart.key] = view
        self.patterns_note = QLabel("Patterns")
        self.patterns_note.setObjectName("overviewPatternsNote")
        self.patterns_note.setWordWrap(True)
        self.patterns_table = QTableWidget(0, len(PATTERN_COLUMNS))
        self.patterns_table.setObjectName("overviewPatterns")
        self.patterns_table.setHorizontalHeaderLabels(PATTERN_COLUMNS)
        self.patterns_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.patterns_table.verticalHeader().hide()
        self.patterns_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.patterns_table.setMinimumHeight(220)
        column.addWidget(self.patterns_note)
        column.addWidget(self.patterns_table)
        column.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        layout.addWidget(self.scroll, 1)
        self.setMinimumWidth(380)
        self._set_heights()

        for signal in (project.opened, project.decisionSaved, project.teamWorkChanged, project.reviewSaved,
                       project.trainedModelsChanged, project.documentsAdded, project.labelsChanged,
                       project.patternsEdited):
            signal.connect(self.mark_stale)
        appearance().changed.connect(self._theme_changed)  # drawn again in the theme's colours
        self._theme_changed()

    def _theme_changed(self) -> None:
        self.chart_theme = chart_colors(appearance().theme())
        for view in self.views.values():
            view.setStyleSheet(f"background: {self.chart_theme['background']}")
        if self.overview is not None and self.isVisible():
            QTimer.singleShot(0, self, self._start)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(560, 800)  # docked beside the editor: charts stacked, still legible

    # ---- when to compute and draw ----------------------------------------------------------------
    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._stale or self.overview is None:
            QTimer.singleShot(0, self, self._start)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        narrow = self.width() < NARROW_PX
        if narrow != self.narrow:
            self.narrow = narrow
            self._set_heights()
        if self.overview is not None and abs(self._chart_width() - self._drawn_width) > 8:
            self._resized.start()

    def mark_stale(self, *_args: object) -> None:
        """Something the charts show changed: recompute soon if shown, else when next shown."""
        self._stale = True
        if self.isVisible():
            self._timer.start()

    def refresh(self) -> None:
        self._stale = True
        QTimer.singleShot(0, self, self._start)

    def _set_heights(self) -> None:
        for chart in charts.CHARTS:  # narrow: two plots stacked, one plot with its legend under it
            taller = (1.8 if chart.panels == 2 else 1.3) if self.narrow else 1
            self.views[chart.key].setFixedHeight(int(CHART_HEIGHT * taller))

    def _chart_width(self) -> int:
        return max(300, self.scroll.viewport().width() - 24)

    def _start(self) -> None:
        """Compute the numbers if stale (else reuse them) and draw the charts, in a worker."""
        if not self.isVisible():
            return
        if self._running:  # one at a time; the newest request runs after it
            self._timer.start()
            return
        fresh = self._stale or self.overview is None
        self._stale = False
        self._running = True
        self._asked += 1
        asked, width = self._asked, self._chart_width()
        sizes = {key: (width, view.height()) for key, view in self.views.items()}
        self.status.setText("Updating…" if fresh else self.status.text())
        self.tasks.run(charts_job, self.project.path if fresh else None, self.overview, sizes,
                       self.devicePixelRatioF(), self.narrow, self.chart_theme, name="overview",
                       on_returned=lambda result: self._drawn(asked, width, *result),
                       on_error=self._failed, on_finished=self._finished)

    def _finished(self) -> None:
        self._running = False

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(f"Could not compute the overview: {exc}")

    def _drawn(self, asked: int, width: int, overview: Any, images: dict[str, charts.Image]) -> None:
        if asked != self._asked:
            return
        self.overview, self.images, self._drawn_width = overview, images, width
        for key, image in images.items():
            qimage = QImage(image.rgba, image.width, image.height, QImage.Format.Format_RGBA8888)
            pixmap = QPixmap.fromImage(qimage)  # a deep copy: the bytes may go
            pixmap.setDevicePixelRatio(image.scale)
            self.views[key].setPixmap(pixmap)
        self._show_patterns(overview.patterns)
        p = overview.progress
        self.status.setText(f"{p.gold:,} of {count(p.total, 'document')} with team gold · updated "
                            f"{time.strftime('%H:%M:%S', time.localtime(overview.generated))}")

    def _show_patterns(self, table: Any) -> None:
        """Each pattern's precision (core/report/overview.PatternTable), flagged first."""
        rows = table.rows if table is not None else []
        self.patterns_table.setRowCount(len(rows))
        for r, f in enumerate(rows):
            flagged = f.flagged(table.rule)
            cells = (f.pattern.text(), f.pattern.label, f"{f.shown:,}", f"{f.kept:,}",
                     "–" if f.precision is None else f"{f.precision:.2f}", "⚑ flagged" if flagged else "")
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if flagged and c >= 4:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.patterns_table.setItem(r, c, item)
        self.patterns_table.setVisible(bool(rows))
        if table is None:
            self.patterns_note.setText("Patterns: none (Model → Patterns… adds a term list or Prodigy patterns).")
        else:
            more = f"; the {len(rows):,} here are the flagged, then the most shown" if table.total > len(rows) else ""
            self.patterns_note.setText(f"Patterns: {count(table.total, 'pattern')}, {table.flagged:,} flagged "
                                       f"({table.rule.describe()}){more}. Model → Patterns… removes them.")

    # ---- the learning curve ---------------------------------------------------------------------
    def _ask_curve(self) -> None:
        base = training.current_base(self.project) or "a blank pipeline"
        answer = QMessageBox.question(
            self, "Learning curve", f"Train four times from {base}, on 25, 50, 75 and 100% of the training "
            "gold, and score each on the held-out documents? This takes a few minutes; the status bar "
            "shows its progress.")
        if answer == QMessageBox.StandardButton.Yes:
            training.start_learning_curve(self, self.project, self.tasks)

    # ---- the report -----------------------------------------------------------------------------
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
