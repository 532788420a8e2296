"""The review window's agreement panel: figures for all annotators and per pair, each per
label (exact F1, overlap F1, token kappa, Krippendorff's alpha), and per annotator how often
they accepted what the window showed unchanged and how they score against reviewed gold
(core/team/agreement.py, core/learning/quality.py), computed off the GUI thread.

Clicking a cell lists the documents behind its row (a pair's shared documents, or every
shared one for "All annotators"; for a label row, those where it was used), least agreement
first; clicking one of them opens it in the review (documentChosen)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QListWidget, QListWidgetItem, QPushButton, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from annotator.core.team.agreement import AgreementReport
from annotator.core.learning.quality import agreement_report
from annotator.core.store import Store
from annotator.gui.workers import Worker, WorkerPool


def agreement_job(ctx: Any, db_path: Path, answer: str) -> AgreementReport:
    store = Store(db_path, readonly=True)
    try:
        return agreement_report(store, answer=answer,
                                on_progress=lambda done, total: (ctx.check(), ctx.progress(done, total)))
    finally:
        store.close()


def fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def fmt_alpha(alpha: Any) -> str:
    return "not defined" if alpha.value is None else f"{alpha.value:.3f}"


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
    # The figures' columns fit their headers and values; the names' column takes the rest and
    # elides a long name (full in its tooltip): no horizontal scroll bar, no figure cut off.
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    # Room on both sides of a figure ("-0.016", "not defined"): the column fits it with a margin.
    table.setStyleSheet("QTableView::item { padding: 0px 4px; }")
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    return table


NAME_ROOM = 96  # the names' column never narrower than this (it elides, its tooltip has it all)


def _fit_width(table: QTableWidget) -> None:
    """Ask for the width every figure's column needs beside a usable names' column: the
    splitter then never narrows the panel so far that the last columns are cut off."""
    header = table.horizontalHeader()
    figures = sum(max(table.sizeHintForColumn(c), header.sectionSizeHint(c)) for c in range(1, header.count()))
    table.setMinimumWidth(figures + NAME_ROOM + table.verticalScrollBar().sizeHint().width()
                          + 2 * table.frameWidth())


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
    _fit_width(table)


class AgreementPanel(QWidget):
    """Emits ready(report) when the figures are in, documentChosen(id) on a click in the
    list of documents behind a figure."""

    ready = Signal(object)
    documentChosen = Signal(int)

    def __init__(self, db_path: Path, answer: str = "accept", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.answer = answer
        self.report: AgreementReport | None = None
        self._pool = WorkerPool(self)
        self.table = _table(self, "agreementTable", [
            ("Pair / label", "All annotators, then two annotators; then each label"),
            ("Exact", "F1 on exact spans (start, end and label)"),
            ("Overlap", "F1 counting overlapping spans with the same label"),
            ("Kappa", "Cohen's kappa on token IOB tags (all annotators: the mean of the pairs')"),
            ("Alpha", "Krippendorff's alpha on token IOB tags, any number of annotators, missing ones allowed"),
            ("Docs", "Documents they accepted")])
        self.table.cellClicked.connect(self.show_documents)
        self._row_keys: list[tuple[tuple[str, str] | None, str | None]] = []
        self.docs_title = QLabel("Click a figure to list the documents behind it.", self)
        self.docs_title.setWordWrap(True)
        self.docs = QListWidget(self)
        self.docs.setObjectName("agreementDocs")
        self.docs.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.docs.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.docs.itemClicked.connect(lambda item: self.documentChosen.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.docs.itemActivated.connect(lambda item: self.documentChosen.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.quality = _table(self, "qualityTable", [
            ("Who", "Annotator"), ("Docs", "Documents they accepted"),
            ("As shown", "Unchanged: share of their accepted documents accepted exactly as the window "
                         "showed them at opening: model, ★ learned, propagated (decisions made in the "
                         "window; a rubber-stamper is near 100%)"),
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
        layout.addWidget(self.docs_title)
        layout.addWidget(self.docs, 1)
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
        keys: list[tuple[tuple[str, str] | None, str | None]] = []
        bold = set()
        o = report.overall
        if report.pairs:
            bold.add(0)
            rows.append(["All annotators", fmt(o.counts.f1), fmt(o.counts.partial_f1), fmt(o.kappa),
                         fmt_alpha(o.alpha), str(o.documents)])
            keys.append((None, None))
            for label, c in sorted(o.labels.items()):
                rows.append([f"   {label}", fmt(c.f1), fmt(c.partial_f1), fmt(o.label_kappa(label)),
                             fmt_alpha(o.label_alpha(label)), ""])
                keys.append((None, label))
        for p in report.pairs:
            bold.add(len(rows))
            rows.append([f"{p.a} / {p.b}", fmt(p.f1), fmt(p.partial_f1), fmt(p.kappa), fmt_alpha(p.alpha),
                         str(p.documents)])
            keys.append(((p.a, p.b), None))
            for label, c in sorted(p.labels.items()):
                rows.append([f"   {label}", fmt(c.f1), fmt(c.partial_f1), fmt(p.label_kappa(label)),
                             fmt_alpha(p.label_alpha(label)), ""])
                keys.append(((p.a, p.b), label))
        self._row_keys = keys
        _fill(self.table, rows, bold)
        self.docs.clear()
        quality = []
        for a in report.annotators:
            share = "n/a" if a.unchanged_from_suggestions is None else f"{a.unchanged_from_suggestions:.0%}"
            gold = a.vs_gold or {}
            quality.append([a.name, str(a.documents), share, fmt(gold.get("f1")), str(gold.get("documents", 0))])
        _fill(self.quality, quality)
        self.status.setText(
            f"{len(report.pairs)} annotator pair{'s' if len(report.pairs) != 1 else ''}; F1 on exact spans, "
            "overlap F1 counts overlaps with the same label; kappa and alpha on token IOB tags." if report.pairs
            else "No document has two accepted versions yet.")
        self.ready.emit(report)

    def show_documents(self, row: int, _column: int = 0) -> list[int]:
        """List the documents behind a row's figures, least agreement first."""
        if self.report is None or not 0 <= row < len(self._row_keys):
            return []
        pair, label = self._row_keys[row]
        ids = self.report.documents_behind(pair, label)
        previews = {d.document_id: d.preview for d in self.report.documents}
        self.docs.clear()
        for doc_id in ids:
            item = QListWidgetItem(f"#{doc_id}  {previews.get(doc_id, '')}")
            item.setData(Qt.ItemDataRole.UserRole, doc_id)
            self.docs.addItem(item)
        who = "all annotators" if pair is None else f"{pair[0]} / {pair[1]}"
        self.docs_title.setText(f"<b>{len(ids)} document{'s' if len(ids) != 1 else ''}</b> behind {who}"
                                + (f", {label}" if label else "") + ", least agreement first: click one to review it.")
        return ids

    def shutdown(self) -> None:
        self._pool.stop_all()
