"""The review view: adjudicate teammates' versions of a document into one reviewed gold version.

One read-only SpanEditor row per annotator (spans underlined by agreement), the editable
final version below them, the list of disputed documents (most disputed first) and the
pairwise agreement figures. The logic lives in annotator.core.review / core.agreement; this
module only shows it and turns gestures into calls.

Entry points for the main window: ReviewView(store, reviewer), open_review_window(path,
reviewer, parent) and run_merge_dialog(parent, store).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPainter, QPen, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QListWidget,
    QListWidgetItem, QMessageBox, QPushButton, QSplitter, QTableWidget, QTableWidgetItem,
    QVBoxLayout, QWidget,
)

from annotator.core.agreement import AgreementReport, compute_agreement, versions_for
from annotator.core.errors import AnnotatorError
from annotator.core.model import Span
from annotator.core.review import (
    AGREE_ALL, AGREE_ONE, AGREE_SOME, accept_review, disagreement_table, initial_final,
    next_disputed, span_agreement,
)
from annotator.core.store import Store
from annotator.core.tokens import tokenize
from annotator.gui.label_bar import assign_keys
from annotator.gui.span_editor import SpanEditor
from annotator.gui.undo import AddSpan
from annotator.gui.workers import Worker, WorkerPool

# Okabe-Ito colours (safe for colour-blind readers), each with its own line style too.
AGREEMENT_STYLE: dict[str, tuple[str, Qt.PenStyle, str]] = {
    AGREE_ALL: ("#009E73", Qt.PenStyle.SolidLine, "all annotators agree"),
    AGREE_SOME: ("#D55E00", Qt.PenStyle.DashLine, "annotators disagree (label, boundaries or who has it)"),
    AGREE_ONE: ("#0072B2", Qt.PenStyle.DotLine, "only this annotator marked it"),
}
UNDERLINE_WIDTH = 3.0


def agreement_pen(kind: str) -> QPen:
    color, style, _ = AGREEMENT_STYLE[kind]
    pen = QPen(QColor(color), UNDERLINE_WIDTH, style)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    return pen


def install_agreement_marks(editor: SpanEditor, kinds: Callable[[], dict[Span, str]]) -> None:
    """Underline each span of `editor` in its agreement style, after the editor's own overlay."""
    view = editor.text_edit()
    base = view.overlay

    def overlay(painter: QPainter, rect: QRectF) -> None:
        if base is not None:
            base(painter, rect)
        marks = kinds()
        offsets = editor.offsets()
        for span in editor.visible_spans():  # only what is on screen: cheap with 10,000 spans
            kind = marks.get(Span(span.start, span.end, span.label))
            if kind is None:
                continue
            painter.setPen(agreement_pen(kind))
            for r in view.line_rects(*offsets.range_to_qt(span.start, span.end)):
                y = r.bottom() + UNDERLINE_WIDTH / 2 + 1.0
                painter.drawLine(r.left(), y, r.right(), y)

    view.overlay = overlay


class Legend(QWidget):
    """A sample underline and a sentence for each agreement kind."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(18)
        for kind in (AGREE_ALL, AGREE_SOME, AGREE_ONE):
            sample = _LineSample(kind, self)
            text = QLabel(AGREEMENT_STYLE[kind][2], self)
            row = QHBoxLayout()
            row.setSpacing(6)
            row.addWidget(sample)
            row.addWidget(text)
            layout.addLayout(row)
        layout.addStretch(1)


class _LineSample(QWidget):
    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setFixedSize(34, 14)

    def paintEvent(self, _event: Any) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setPen(agreement_pen(self.kind))
        y = self.height() / 2
        painter.drawLine(2, int(y), self.width() - 2, int(y))
        painter.end()


class AnnotatorRow(QWidget):
    """One annotator's version: a header naming them and a read-only SpanEditor."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.kinds: dict[Span, str] = {}
        self.header = QLabel(self)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.editor = SpanEditor(self)
        self.editor.set_read_only(True)
        self.editor.setObjectName(f"review-{name}")
        install_agreement_marks(self.editor, lambda: self.kinds)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.header)
        layout.addWidget(self.editor, 1)

    def show_version(self, text: str, spans: list[Span], kinds: dict[Span, str]) -> None:
        self.kinds = kinds
        self.editor.set_document(text, spans)
        counts = {k: sum(1 for s in spans if kinds.get(Span(s.start, s.end, s.label)) == k)
                  for k in AGREEMENT_STYLE}
        parts = [f"<span style='color:{AGREEMENT_STYLE[k][0]}'>{counts[k]} {word}</span>"
                 for k, word in ((AGREE_ALL, "agreed"), (AGREE_SOME, "disputed"),
                                 (AGREE_ONE, "only theirs"))]
        self.header.setText(f"<b>{self.name}</b> &nbsp;·&nbsp; {len(spans)} spans: "
                            + ", ".join(parts) + " &nbsp;<i>(click a span to copy it to the final version)</i>")


def _agreement_job(ctx: Any, db_path: Path, answer: str) -> AgreementReport:
    store = Store(db_path, readonly=True)
    try:
        return compute_agreement(store, answer=answer,
                                 on_progress=lambda done, total: (ctx.check(), ctx.progress(done, total)))
    finally:
        store.close()


class ReviewView(QWidget):
    """Side-by-side adjudication of the annotators' accepted versions.

    Keys: click a span above to copy it into the final version (replacing overlaps, undoable),
    drag in the final version to add a span, label keys relabel the selected final span
    (or pick the label for new ones), Delete removes it, Ctrl+Z / Ctrl+Shift+Z undo / redo,
    A accepts the final version as reviewed gold and moves on, N skips to the next disputed.
    """

    documentChanged = Signal(object)  # document id or None
    reviewSaved = Signal(int)
    agreementReady = Signal(object)  # AgreementReport

    def __init__(self, store: Store, reviewer: str, parent: QWidget | None = None, *,
                 answer: str = "accept", owns_store: bool = False) -> None:
        super().__init__(parent)
        if not reviewer:
            raise ValueError("reviewer name must not be empty")
        self.store = store
        self.reviewer = reviewer
        self.answer = answer
        self._owns_store = owns_store
        self._doc_id: int | None = None
        self._versions: dict[str, list[Span]] = {}
        self._rows: dict[str, AnnotatorRow] = {}
        self._syncing = False
        self.agreement: AgreementReport | None = None
        self._pool = WorkerPool(self)
        self.setWindowTitle(f"Review — {store.path.name}")
        self._build()
        self._bind_keys()
        self.refresh_list()
        first = next_disputed(store, None, answer=answer)
        if first is None and self.doc_list.count():
            first = self.doc_list.item(0).data(Qt.ItemDataRole.UserRole)
        self.set_document(first)
        self.refresh_agreement()

    # ---- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.doc_list = QListWidget(self)
        self.doc_list.setObjectName("disputedList")
        self.doc_list.itemActivated.connect(self._on_item)
        self.doc_list.itemClicked.connect(self._on_item)
        self.agreement_table = QTableWidget(0, 6, self)
        self.agreement_table.setObjectName("agreementTable")
        self.agreement_table.setHorizontalHeaderLabels(["Pair", "Label", "F1", "Partial F1", "Kappa", "Docs"])
        self.agreement_table.verticalHeader().setVisible(False)
        self.agreement_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.agreement_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.agreement_status = QLabel("Computing agreement…", self)
        self.agreement_status.setWordWrap(True)
        refresh = QPushButton("Refresh", self)
        refresh.clicked.connect(self.refresh_agreement)

        left = QWidget(self)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        self.list_title = QLabel(self)
        self.list_title.setWordWrap(True)
        self.doc_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.doc_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        lv.addWidget(self.list_title)
        lv.addWidget(self.doc_list, 3)
        head = QHBoxLayout()
        head.addWidget(QLabel("<b>Agreement</b> (accepted versions)", self))
        head.addStretch(1)
        head.addWidget(refresh)
        lv.addLayout(head)
        lv.addWidget(self.agreement_table, 2)
        lv.addWidget(self.agreement_status)

        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.accept_button = QPushButton("Accept as reviewed gold (A)", self)
        self.accept_button.clicked.connect(self.accept)
        self.next_button = QPushButton("Next disputed (N)", self)
        self.next_button.clicked.connect(self.next_document)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.next_button)
        top.addWidget(self.accept_button)

        self.rows_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.rows_splitter.setChildrenCollapsible(False)
        self.final_header = QLabel(self)
        self.final_header.setTextFormat(Qt.TextFormat.RichText)
        self.final_header.setWordWrap(True)
        self.final = SpanEditor(self)
        self.final.setObjectName("review-final")
        self.final.set_labels(self.store.labels())
        final_bar = self.final.text_edit().verticalScrollBar()
        final_bar.valueChanged.connect(lambda v: self._scroll_all(final_bar, v))
        final_box = QWidget(self)
        fv = QVBoxLayout(final_box)
        fv.setContentsMargins(0, 6, 0, 0)
        fv.setSpacing(2)
        fv.addWidget(self.final_header)
        fv.addWidget(self.final, 1)
        self.final_box = final_box
        self.status = QLabel(self)
        self.status.setWordWrap(True)

        right = QWidget(self)
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addLayout(top)
        rv.addWidget(Legend(self))
        rv.addWidget(self.rows_splitter, 1)
        rv.addWidget(self.status)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        split.setSizes([360, 1040])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(split)

    def _bind_keys(self) -> None:
        def shortcut(key: str | QKeySequence, slot: Callable[[], Any]) -> None:
            sc = QShortcut(QKeySequence(key), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)

        shortcut("A", self.accept)
        shortcut("N", self.next_document)
        # The platform's keys plus the common ones, each bound once (duplicates are ambiguous).
        for standard, extra, slot in ((QKeySequence.StandardKey.Undo, ["Ctrl+Z"], self.final.undo_stack().undo),
                                      (QKeySequence.StandardKey.Redo, ["Ctrl+Shift+Z", "Ctrl+Y"],
                                       self.final.undo_stack().redo)):
            keys = {k.toString() for k in QKeySequence.keyBindings(standard)} | set(extra)
            for key in sorted(k for k in keys if k):
                shortcut(key, slot)
        shortcut("Delete", self.final.delete_selected)
        for name, key in assign_keys(self.store.labels()).items():
            shortcut(key.upper() if key.isalpha() else key, lambda n=name: self.choose_label(n))

    # ---- documents -----------------------------------------------------------------------
    def refresh_list(self) -> None:
        """Re-read the disputed documents, most disputed first; reviewed ones are ticked."""
        rows = disagreement_table(self.store, answer=self.answer)
        reviewed = set(self.store.reviewed_document_ids())
        self.doc_list.clear()
        for row in rows:
            mark = "✓" if row.document_id in reviewed else "  "
            item = QListWidgetItem(f"{mark} #{row.document_id}  {row.score:.2f}  {row.preview}")
            item.setData(Qt.ItemDataRole.UserRole, row.document_id)
            item.setToolTip(f"document {row.document_id}: {row.disputed} disputed spans, "
                            f"annotators {', '.join(row.annotators)}, disagreement {row.score:.2f}"
                            + (" (reviewed)" if row.document_id in reviewed else ""))
            self.doc_list.addItem(item)
        left = sum(1 for r in rows if r.document_id not in reviewed)
        self.list_title.setText(f"<b>Disputed documents</b> ({len(rows)}, {left} to review) — "
                                "score = 1 − mean pairwise F1; ✓ reviewed")
        self._select_in_list(self._doc_id)

    def _select_in_list(self, doc_id: int | None) -> None:
        for i in range(self.doc_list.count()):
            if self.doc_list.item(i).data(Qt.ItemDataRole.UserRole) == doc_id:
                self.doc_list.setCurrentRow(i)
                return
        self.doc_list.clearSelection()

    def _on_item(self, item: QListWidgetItem) -> None:
        self.set_document(item.data(Qt.ItemDataRole.UserRole))

    def current_document(self) -> int | None:
        return self._doc_id

    def set_document(self, doc_id: int | None) -> None:
        """Show every annotator's version of `doc_id` and start the final version from the
        saved review, if any, else from the spans all annotators agree on."""
        self._doc_id = doc_id
        for row in self._rows.values():
            row.setParent(None)
            row.deleteLater()
        self._rows = {}
        if doc_id is None:
            self._versions = {}
            self.title.setText("<b>No document with disagreements</b> — nothing to review.")
            self.final.set_document("", [])
            self.final_header.setText("")
            self.accept_button.setEnabled(False)
            self.documentChanged.emit(None)
            return
        doc = self.store.get_document(doc_id)
        self._versions = versions_for(self.store, doc_id, self.answer)
        kinds = span_agreement(self._versions)
        tokens = tokenize(doc.text, self.store.lang)
        labels = self.store.labels()
        for name in sorted(self._versions):
            row = AnnotatorRow(name, self)
            row.editor.set_labels(labels)
            row.show_version(doc.text, self._versions[name], kinds)
            row.editor.spanClicked.connect(lambda span, n=name: self.copy_span(n, span))
            self.rows_splitter.addWidget(row)
            self._rows[name] = row
        self.rows_splitter.addWidget(self.final_box)  # moves it below the new rows
        review = self.store.get_review(doc_id)
        start = list(review.spans) if review else initial_final(self._versions)
        self.final.set_labels(labels)
        self.final.set_document(doc.text, [Span(s.start, s.end, s.label) for s in start], tokens)
        self._sync_scrolling()
        disputed = sum(1 for k in kinds.values() if k != AGREE_ALL)
        self.title.setText(f"<b>Document #{doc_id}</b> — {len(self._versions)} versions, "
                           f"{disputed} disputed span{'s' if disputed != 1 else ''}"
                           + (f" — <i>reviewed by {review.reviewer}</i>" if review else ""))
        origin = "the saved review" if review else "the spans all annotators agree on"
        self.final_header.setText(f"<b>Final version</b> (reviewer {self.reviewer}) — starts from {origin}. "
                                  "Drag to add, label keys relabel, Delete removes, A accepts.")
        self.accept_button.setEnabled(len(self._versions) > 0)
        self.status.setText("")
        self._select_in_list(doc_id)
        self.documentChanged.emit(doc_id)

    def _sync_scrolling(self) -> None:
        """Rows show the same text at the same width: scroll them together."""
        for row in self._rows.values():
            bar = row.editor.text_edit().verticalScrollBar()
            bar.valueChanged.connect(lambda v, b=bar: self._scroll_all(b, v))
        n = len(self._rows) + 1
        total = max(self.rows_splitter.height(), 300)
        self.rows_splitter.setSizes([total // n] * n)

    def _current_bars(self) -> list[Any]:
        bars = [r.editor.text_edit().verticalScrollBar() for r in self._rows.values()]
        return bars + [self.final.text_edit().verticalScrollBar()]

    def _scroll_all(self, source: Any, value: int) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            for bar in self._current_bars():
                if bar is not source:
                    bar.setValue(value)
        finally:
            self._syncing = False

    # ---- editing the final version ----------------------------------------------------------
    def annotator_editors(self) -> dict[str, SpanEditor]:
        return {name: row.editor for name, row in self._rows.items()}

    def final_editor(self) -> SpanEditor:
        return self.final

    def copy_span(self, annotator: str, span: Span) -> bool:
        """Put an annotator's span into the final version, replacing what it overlaps (undoable)."""
        new = Span(span.start, span.end, span.label)
        if any(s.key() == new.key() for s in self.final.spans()):
            self.final.select_span(new)
            return False
        self.final.undo_stack().push(AddSpan(self.final, self.final.spans(), new, self.final.selected_span()))
        self.status.setText(f"Copied {span.label} '{self.final.text()[span.start:span.end]}' from {annotator}.")
        return True

    def choose_label(self, name: str) -> None:
        """A label key: relabel the selected final span, or pick the label for new spans."""
        if self.final.selected_span() is not None:
            self.final.relabel_selected(name)
        self.final.set_active_label(name)

    def accept(self) -> bool:
        """Save the final version as this document's reviewed gold, then go to the next
        disputed document. False (with a message) if it cannot be saved."""
        if self._doc_id is None or not self._versions:
            return False
        doc_id = self._doc_id
        try:
            accept_review(self.store, doc_id, self.reviewer, self.final.spans(), self._versions)
        except (AnnotatorError, ValueError) as exc:
            self.status.setText(f"Not saved: {exc}")
            return False
        self.reviewSaved.emit(doc_id)
        following = next_disputed(self.store, doc_id, answer=self.answer)
        self.refresh_list()
        if following is not None:
            self.set_document(following)
            self.status.setText(f"Saved the review of #{doc_id}.")
        else:
            self._select_in_list(doc_id)
            self.status.setText(f"Saved the review of #{doc_id}. Every disputed document is reviewed.")
        return True

    def next_document(self) -> int | None:
        """Jump to the next disputed document not yet reviewed (wrapping around)."""
        following = next_disputed(self.store, self._doc_id, answer=self.answer)
        if following is None:
            self.status.setText("No other disputed document left to review.")
            return None
        self.set_document(following)
        return following

    # ---- agreement panel --------------------------------------------------------------------
    def refresh_agreement(self) -> None:
        """Recompute the pairwise figures off the GUI thread."""
        self.agreement_status.setText("Computing agreement…")
        worker = Worker(_agreement_job, self.store.path, self.answer, name="agreement")
        worker.returned.connect(self._show_agreement)
        worker.errored.connect(lambda exc: self.agreement_status.setText(f"Agreement failed: {exc}"))
        self._pool.start(worker)

    def _show_agreement(self, report: AgreementReport) -> None:
        self.agreement = report
        rows: list[list[str]] = []
        for p in report.pairs:
            rows.append([f"{p.a} / {p.b}", "all", _fmt(p.f1), _fmt(p.partial_f1), _fmt(p.kappa),
                         str(p.documents)])
            for label, c in sorted(p.labels.items()):
                rows.append(["", label, _fmt(c.f1), _fmt(c.partial_f1), "", ""])
        table = self.agreement_table
        table.setRowCount(len(rows))
        for i, values in enumerate(rows):
            for j, value in enumerate(values):
                item = QTableWidgetItem(value)
                if j >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if values[1] == "all":
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                table.setItem(i, j, item)
        self.agreement_status.setText(
            f"{len(report.pairs)} annotator pair(s); F1 on exact spans, partial F1 counts overlaps "
            "with the same label; kappa on token IOB tags." if report.pairs
            else "No document has two accepted versions yet.")
        self.agreementReady.emit(report)

    def shutdown(self) -> None:
        """Stop background work (and close the store if this view opened it)."""
        self._pool.stop_all()
        if self._owns_store:
            self.store.close()
            self._owns_store = False

    def closeEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        self.shutdown()
        super().closeEvent(event)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def open_review_window(store_path: str | Path, reviewer: str, parent: QWidget | None = None) -> ReviewView:
    """A separate window reviewing the project at `store_path` with its own Store connection
    (closed with the window)."""
    store = Store(store_path)
    view = ReviewView(store, reviewer, parent, owns_store=True)
    view.setWindowFlag(Qt.WindowType.Window, True)
    view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    view.resize(1400, 900)
    view.show()
    return view


def run_merge_dialog(parent: QWidget | None, store: Store, path: str | Path | None = None) -> Any:
    """File -> Merge project file: ask for a project file (unless `path` is given), merge it
    into `store` and show what was brought in. Returns the MergeReport, or None if cancelled
    or it failed (the message says why; the project is left as it was)."""
    from annotator.core.merge import merge_project

    if path is None:
        chosen, _ = QFileDialog.getOpenFileName(parent, "Merge a teammate's project file",
                                                str(store.path.parent),
                                                "Annotator projects (*.db *.sqlite);;All files (*)")
        if not chosen:
            return None
        path = chosen
    try:
        report = merge_project(store, path)
    except AnnotatorError as exc:
        _show_message(parent, QMessageBox.Icon.Warning, f"Nothing was merged.\n\n{exc}")
        return None
    _show_message(parent, QMessageBox.Icon.Information, "\n".join(report.lines()))
    return report


_OPEN_MESSAGES: set[QMessageBox] = set()  # parentless boxes live until closed


def _show_message(parent: QWidget | None, icon: QMessageBox.Icon, text: str) -> QMessageBox:
    """A non-blocking message box (window-modal over `parent`)."""
    box = QMessageBox(parent)
    box.setWindowTitle("Merge project file")
    box.setIcon(icon)
    box.setText(text)
    _OPEN_MESSAGES.add(box)
    box.finished.connect(lambda _result, b=box: _OPEN_MESSAGES.discard(b))
    box.open()
    return box
