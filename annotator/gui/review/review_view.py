"""The review view: adjudicate teammates' versions of a document into one reviewed gold version.

One read-only SpanEditor row per annotator (spans underlined by agreement), the editable
final version below them, the list of disputed documents (most disputed first) and the
pairwise agreement figures. The logic lives in annotator.core.team.review / core.agreement; this
module only shows it and turns gestures into calls.

It reads and writes through the Project (gui/project.py): a saved review is announced to
every view, and teammates' work arriving (merge, sync) refreshes the lists here.
"Disputed" is the team gold's word (core/team/gold.py): accepted versions differ and nobody has
reviewed the document yet.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QSplitter, QVBoxLayout, QWidget,
)

from annotator.core.team.agreement import AgreementReport, versions_for
from annotator.core.text.editing import token_index
from annotator.core.errors import AnnotatorError
from annotator.core.text.labels import shortcut_keys
from annotator.core.text.model import Span
from annotator.core.team.review import AGREE_ALL, disagreement_table, initial_final, next_disputed, span_agreement
from annotator.core.store import Store
from annotator.core.wording import count
from annotator.gui.review.agreement_panel import AgreementPanel
from annotator.gui.project import Project
from annotator.gui.review.review_marks import AnnotatorRow, Legend
from annotator.gui.editor.span_editor import SpanEditor
from annotator.gui.editor.undo import AddSpan


class ReviewView(QWidget):
    """Side-by-side adjudication of the annotators' accepted versions.

    Keys: click a span above to copy it into the final version (replacing overlaps, undoable),
    drag in the final version to add a span, label keys relabel the selected final span
    (or pick the label for new ones), Delete removes it, Ctrl+Z / Ctrl+Shift+Z undo / redo,
    A accepts the final version as reviewed gold and moves on, N skips to the next disputed,
    Escape or Ctrl+W closes the window.
    """

    documentChanged = Signal(object)  # document id or None
    reviewSaved = Signal(int)
    agreementReady = Signal(object)  # AgreementReport

    def __init__(self, project: Project, reviewer: str, parent: QWidget | None = None, *,
                 answer: str = "accept") -> None:
        super().__init__(parent)
        if not reviewer:
            raise ValueError("reviewer name must not be empty")
        self.project = project
        self.reviewer = reviewer
        self.answer = answer
        self._doc_id: int | None = None
        self._versions: dict[str, list[Span]] = {}
        self._rows: dict[str, AnnotatorRow] = {}
        self._syncing = False
        self.setWindowTitle(f"Review — {project.path.name}")
        self._build()
        self._bind_keys()
        self.refresh_list()
        first = next_disputed(self.store, None, answer=answer)
        if first is None and self.doc_list.count():
            first = self.doc_list.item(0).data(Qt.ItemDataRole.UserRole)
        self.set_document(first)
        self.refresh_agreement()
        # Teammates' work and reviews saved elsewhere change what is disputed.
        project.disputedChanged.connect(self.refresh_list)
        project.teamWorkChanged.connect(self._team_work_changed)
        project.labelsChanged.connect(self._labels_changed)

    @property
    def store(self) -> Store:
        return self.project.store

    @property
    def agreement(self) -> AgreementReport | None:
        return self.agreement_panel.report

    # ---- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.doc_list = QListWidget(self)
        self.doc_list.setObjectName("disputedList")
        self.doc_list.itemActivated.connect(self._on_item)
        self.doc_list.itemClicked.connect(self._on_item)
        self.agreement_panel = AgreementPanel(self.project.path, self.answer, self)
        self.agreement_panel.ready.connect(self.agreementReady.emit)
        self.agreement_table = self.agreement_panel.table
        self.unanimous_button = QPushButton("Accept all unanimous", self)
        self.unanimous_button.setToolTip("Save a review for every document that two or more annotators "
                                         "accepted with exactly the same spans")
        self.unanimous_button.clicked.connect(self.accept_unanimous)

        left = QWidget(self)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        self.list_title = QLabel(self)
        self.list_title.setWordWrap(True)
        self.doc_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.doc_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        lv.addWidget(self.list_title)
        lv.addWidget(self.doc_list, 3)
        lv.addWidget(self.unanimous_button)
        lv.addWidget(self.agreement_panel, 3)

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
        for bar in (self.final.text_edit().verticalScrollBar(), self.final.outer_bar()):  # see scroll_bar()
            bar.valueChanged.connect(lambda v, b=bar: b is self.final.scroll_bar() and self._scroll_all(b, v))
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
        shortcut("Escape", self.close)
        shortcut("Ctrl+W", self.close)
        # The platform's keys plus the common ones, each bound once (duplicates are ambiguous).
        for standard, extra, slot in ((QKeySequence.StandardKey.Undo, ["Ctrl+Z"], self.final.undo_stack().undo),
                                      (QKeySequence.StandardKey.Redo, ["Ctrl+Shift+Z", "Ctrl+Y"],
                                       self.final.undo_stack().redo)):
            keys = {k.toString() for k in QKeySequence.keyBindings(standard)} | set(extra)
            for key in sorted(k for k in keys if k):
                shortcut(key, slot)
        shortcut("Delete", self.final.delete_selected)
        for name, key in shortcut_keys(self.store.labels()).items():
            shortcut(key.upper() if key.isalpha() else key, lambda n=name: self.choose_label(n))

    # ---- documents -----------------------------------------------------------------------
    def refresh_list(self) -> None:
        """Re-read the documents the annotators disagree on, most disagreement first: the
        disputed ones (no gold yet) marked ⚑, the reviewed ones ✓."""
        rows = disagreement_table(self.store, answer=self.answer)
        reviewed = set(self.store.reviewed_document_ids())
        self.doc_list.clear()
        for row in rows:
            done = row.document_id in reviewed
            item = QListWidgetItem(f"{'✓' if done else '⚑'} #{row.document_id}  {row.score:.2f}  {row.preview}")
            item.setData(Qt.ItemDataRole.UserRole, row.document_id)
            item.setToolTip(f"document {row.document_id}: {count(row.disputed, 'contested span')}, "
                            f"annotators {', '.join(row.annotators)}; disagreement {row.score:.2f} "
                            "(0 = all agree, 1 = no span in common)"
                            + ("; reviewed" if done else "; disputed: no gold until reviewed"))
            self.doc_list.addItem(item)
        left = sum(1 for r in rows if r.document_id not in reviewed)
        self.list_title.setText(
            f"<b>Documents the annotators disagree on</b> ({len(rows)}; <b>{left} disputed</b>, "
            f"{len(rows) - left} reviewed ✓)<br>Score = disagreement, 1 − mean pairwise F1: "
            "higher means more disagreement (0 = all agree, 1 = no span in common).")
        self._select_in_list(self._doc_id)
        self.unanimous_button.setEnabled(True)

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
        tokens = token_index(doc.text, self.store.lang)  # lazy for a long text
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
        self.title.setText(f"<b>Document #{doc_id}</b> — {count(len(self._versions), 'version')}, "
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
            bar = row.editor.scroll_bar()
            bar.valueChanged.connect(lambda v, b=bar: self._scroll_all(b, v))
        n = len(self._rows) + 1
        total = max(self.rows_splitter.height(), 300)
        self.rows_splitter.setSizes([total // n] * n)

    def _current_bars(self) -> list[Any]:
        bars = [r.editor.scroll_bar() for r in self._rows.values()]
        return bars + [self.final.scroll_bar()]

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
            self.project.save_review(doc_id, self.reviewer, self.final.spans(), self._versions)
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

    def accept_unanimous(self) -> int:
        """Review every document two or more annotators accepted identically, so only the
        disputes are left (as Prodigy's review recipe with auto-accept)."""
        try:
            saved = self.project.auto_accept(self.reviewer)
        except (AnnotatorError, ValueError) as exc:
            self.status.setText(f"Not saved: {exc}")
            return 0
        self.refresh_list()
        self.status.setText(f"Reviewed {count(saved, 'unanimous document')} as {self.reviewer}.")
        return saved

    def _team_work_changed(self) -> None:
        self.refresh_list()
        self.refresh_agreement()
        if self._doc_id is not None and not self.final.undo_stack().count():
            self.set_document(self._doc_id)  # new versions of the document on screen

    def _labels_changed(self) -> None:
        labels = self.store.labels()
        self.final.set_labels(labels)
        for row in self._rows.values():
            row.editor.set_labels(labels)

    # ---- agreement panel --------------------------------------------------------------------
    def refresh_agreement(self) -> None:
        """Recompute the pairwise figures off the GUI thread."""
        self.agreement_panel.refresh()

    def shutdown(self) -> None:
        """Stop background work."""
        self.agreement_panel.shutdown()

    def closeEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        self.shutdown()
        super().closeEvent(event)


def open_review_window(project: Project, reviewer: str, parent: QWidget | None = None) -> ReviewView:
    """A separate top-level window (its plain-key shortcuts must not clash with the main
    window's), sized to the screen's available area."""
    view = ReviewView(project, reviewer, parent)
    view.setWindowFlag(Qt.WindowType.Window, True)
    view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
    area = screen.availableGeometry()
    view.resize(int(area.width() * 0.9), int(area.height() * 0.9))
    view.move(area.center() - view.rect().center())
    view.show()
    return view
