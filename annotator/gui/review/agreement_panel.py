"""The review window's agreement panel: pairwise figures per label, and per annotator how
often they accepted the model's suggestions unchanged and how they score against reviewed
gold (core/team/agreement.py, core/learning/quality.py), computed off the GUI thread."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem,
    QVBoxLayout, QWidget,
)

from annotator.core.team.agreement import AgreementReport, compute_agreement
from annotator.core.store import Store
from annotator.gui.workers import Worker, WorkerPool


def agreement_job(ctx: Any, db_path: Path, answer: str) -> AgreementReport:
    store = Store(db_path, readonly=True)
    try:
        return compute_agreement(store, answer=answer,
                                 on_progress=lambda done, total: (ctx.check(), ctx.progress(done, total)))
    finally:
        store.close()


def fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _table(parent: QWidget, name: str, headers: list[tuple[str, str]]) -> QTableWidget:
    """A read-only table whose columns share its width; headers are (text, tooltip)."""
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(name)
    for column, (text, tip) in enumerate(headers):
        item = QTableWidgetItem(text)
        item.setToolTip(tip)
        table.setHorizontalHeaderItem(column, item)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    # Columns share the width: the table fits its panel without a horizontal scroll bar.
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    return table


def _fill(table: QTableWidget, rows: list[list[str]], bold: set[int] = frozenset()) -> None:
    table.setRowCount(len(rows))
    for i, values in enumerate(rows):
        for j, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setToolTip(value)
            if j >= 1:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if i in bold:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            table.setItem(i, j, item)


class AgreementPanel(QWidget):
    """Emits ready(report) when the figures are in."""

    ready = Signal(object)

    def __init__(self, db_path: Path, answer: str = "accept", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.answer = answer
        self.report: AgreementReport | None = None
        self._pool = WorkerPool(self)
        self.table = _table(self, "agreementTable", [
            ("Pair / label", "Two annotators, then each label"), ("F1", "F1 on exact spans"),
            ("Partial", "F1 counting overlaps with the same label"), ("Kappa", "Cohen's kappa on token IOB tags"),
            ("Docs", "Documents both accepted")])
        self.quality = _table(self, "qualityTable", [
            ("Who", "Annotator"), ("Docs", "Documents they accepted"),
            ("As model", "Share of their accepted documents that are exactly the model's suggestions "
                         "(a rubber-stamper is near 100%)"),
            ("Gold F1", "Their versions against the reviewed gold"), ("Rev.", "How many of their documents "
                                                                        "have been reviewed")])
        self.status = QLabel("Computing agreement…", self)
        self.status.setWordWrap(True)
        refresh = QPushButton("Refresh", self)
        refresh.clicked.connect(self.refresh)
        head = QHBoxLayout()
        head.addWidget(QLabel("<b>Agreement</b> (accepted versions)", self))
        head.addStretch(1)
        head.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.table, 2)
        layout.addWidget(QLabel("<b>Per annotator</b>", self))
        layout.addWidget(self.quality, 1)
        layout.addWidget(self.status)

    def refresh(self) -> None:
        """Recompute the figures off the GUI thread."""
        self.status.setText("Computing agreement…")
        worker = Worker(agreement_job, self.db_path, self.answer, name="agreement")
        worker.returned.connect(self._show)
        worker.errored.connect(lambda exc: self.status.setText(f"Agreement failed: {exc}"))
        self._pool.start(worker)

    def _show(self, report: AgreementReport) -> None:
        self.report = report
        rows: list[list[str]] = []
        bold = set()
        for p in report.pairs:
            bold.add(len(rows))
            rows.append([f"{p.a} / {p.b}", fmt(p.f1), fmt(p.partial_f1), fmt(p.kappa), str(p.documents)])
            for label, c in sorted(p.labels.items()):
                rows.append([f"   {label}", fmt(c.f1), fmt(c.partial_f1), "", ""])
        _fill(self.table, rows, bold)
        quality = []
        for a in report.annotators:
            share = "n/a" if a.unchanged_from_suggestions is None else f"{a.unchanged_from_suggestions:.0%}"
            gold = a.vs_gold or {}
            quality.append([a.name, str(a.documents), share, fmt(gold.get("f1")), str(gold.get("documents", 0))])
        _fill(self.quality, quality)
        self.status.setText(
            f"{len(report.pairs)} annotator pair{'s' if len(report.pairs) != 1 else ''}; F1 on exact spans, "
            "partial F1 counts overlaps with the same label; kappa on token IOB tags." if report.pairs
            else "No document has two accepted versions yet.")
        self.ready.emit(report)

    def shutdown(self) -> None:
        self._pool.stop_all()
