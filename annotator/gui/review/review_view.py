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
    QComboBox, QHBoxLayout, QLabel, QListWidgetItem, QPushButton, QSplitter, QVBoxLayout, QWidget,
)

from annotator.core.team.agreement import AgreementReport, versions_for
from annotator.core.text.editing import token_index
from annotator.core.errors import AnnotatorError
from annotator.core.text.labels import shortcut_keys
from annotator.core.text.model import Span
from annotator.core.team import majority
from annotator.core.team.review import AGREE_ALL, initial_final, next_in_order, span_agreement
from annotator.core.store import Store
from annotator.core.wording import count
from annotator.gui.review.agreement_panel import AgreementPanel
from annotator.gui.review.disputed_list import LISTING, DisputedList
from annotator.gui.project import Project
from annotator.gui.review.review_marks import AnnotatorRow, Legend
from annotator.gui.editor.span_editor import SpanEditor
from annotator.gui.editor.undo import AddSpan
from annotator.gui.access import fill_in


class ReviewView(QWidget):
    """Side-by-side adjudication of the annotators' accepted versions.

    Keys: click a span above to copy it into the final version (replacing overlaps, undoable),
    drag in the final version to add a span, label keys pick the label for new spans (or
    relabel the final span the reviewer clicked: SpanEditor.choose_label), Delete removes it, Ctrl+Z / Ctrl+Shift+Z undo / redo,
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
        self._opened_one = False  # a document was shown (the first listing then chooses none)
        self._advance_from: int | None = None  # move on from it once the list is in (accept, N)
        self.setWindowTitle(f"Review — {project.path.name}")
        self._build()
        fill_in(self)  # accessible names and descriptions (gui/access.py)
        self._bind_keys()
        self.doc_list.listReady.connect(self._listed)
        self.refresh_list()  # off the GUI thread: the first document opens when the list is in
        self.title.setText(LISTING)
        self.accept_button.setEnabled(False)
        self.refresh_agreement()
        # Teammates' work and reviews saved elsewhere change what is disputed.
        project.disputedChanged.connect(self.refresh_list)
        project.teamWorkChanged.connect(self._team_work_changed)
        project.labelsChanged.connect(self._labels_changed)
        project.notesChanged.connect(lambda doc_id: doc_id in (-1, self._doc_id) and self._show_notes())

    @property
    def store(self) -> Store:
        return self.project.store

    @property
    def agreement(self) -> AgreementReport | None:
        return self.agreement_panel.report

    @property
    def listed(self) -> bool:
        """True once the newest list of disputed documents is shown."""
        return self.doc_list.listed

    # ---- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.doc_list = DisputedList(self.project.path, self.answer, self)
        self.list_title = self.doc_list.title
        self.doc_list.itemActivated.connect(self._on_item)
        self.doc_list.itemClicked.connect(self._on_item)
        self.agreement_panel = AgreementPanel(self.project.path, self.answer, self)
        self.agreement_panel.ready.connect(self.agreementReady.emit)
        self.agreement_panel.documentChosen.connect(self.set_document)  # a click on a figure's documents
        self.agreement_table = self.agreement_panel.table
        self.unanimous_button = QPushButton("Accept all unanimous", self)
        self.unanimous_button.setToolTip("Save a review for every document that two or more annotators "
                                         "accepted with exactly the same spans")
        self.unanimous_button.clicked.connect(self.accept_unanimous)
        self.majority_button = QPushButton("Accept all settled by majority", self)
        self.majority_button.setToolTip("Also save a review, marked as decided by majority, for every document "
                                        "of three or more annotators whose majority version settles every span")
        self.majority_button.clicked.connect(lambda: self.accept_unanimous(majority=True))
        self.k_box = QComboBox(self)
        self.k_box.setObjectName("minAgreement")
        self.k_box.addItem("strict majority", None)
        for k in range(2, 10):
            self.k_box.addItem(f"at least {k}", k)
        self.k_box.setToolTip("With three or more annotators, the spans at least this many agree on start "
                              "the final version, pre-accepted (a project setting)")
        self.k_box.setCurrentIndex(max(self.k_box.findData(majority.min_agreement(self.store)), 0))
        self.k_box.currentIndexChanged.connect(self._k_chosen)

        left = QWidget(self)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.list_title)
        lv.addWidget(self.doc_list, 3)
        k_row = QHBoxLayout()
        k_row.addWidget(QLabel("Pre-accept spans:", self))
        k_row.addWidget(self.k_box, 1)
        lv.addLayout(k_row)
        lv.addWidget(self.unanimous_button)
        lv.addWidget(self.majority_button)
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
        self.final.text_edit().setAccessibleName("Final version")
        self.final.set_labels(self.store.labels.all())
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
        self.notes = QLabel(self)
        self.notes.setObjectName("reviewNotes")
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.PlainText)

        right = QWidget(self)
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addLayout(top)
        rv.addWidget(self.notes)
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
        for name, key in shortcut_keys(self.store.labels.all()).items():
            shortcut(key.upper() if key.isalpha() else key, lambda n=name: self.choose_label(n))

    # ---- documents -----------------------------------------------------------------------
    def refresh_list(self) -> None:
        """Re-read the documents the annotators disagree on, most disagreement first, off the
        GUI thread (gui/review/disputed_list.py): the disputed ones (no gold yet) marked ⚑,
        the reviewed ones ✓."""
        self.doc_list.refresh()
        self.unanimous_button.setEnabled(True)

    def _listed(self) -> None:
        """A new list is in: open the first disputed document if none was shown yet, move on
        from one accepted (or skipped) before the list was there, keep the selection."""
        order = self.doc_list.order()
        if self._advance_from is not None:
            after, self._advance_from = self._advance_from, None
            if self._doc_id == after:
                following = next_in_order(order, after, set(self.store.queries.reviewed_document_ids()))
                if following is not None:
                    self.set_document(following)
        elif not self._opened_one:
            first = next_in_order(order, None, set(self.store.queries.reviewed_document_ids()))
            self.set_document(first if first is not None else (order[0] if order else None))
        self._select_in_list(self._doc_id)

    def _following(self, doc_id: int | None) -> int | None:
        """The next disputed document not yet reviewed, in the list's order (no scoring)."""
        return next_in_order(self.doc_list.order(), doc_id, set(self.store.queries.reviewed_document_ids()))

    def _select_in_list(self, doc_id: int | None) -> None:
        self.doc_list.select(doc_id)

    def _on_item(self, item: QListWidgetItem) -> None:
        self.set_document(item.data(Qt.ItemDataRole.UserRole))

    def current_document(self) -> int | None:
        return self._doc_id

    def set_document(self, doc_id: int | None) -> None:
        """Show every annotator's version of `doc_id` and start the final version from the
        saved review, if any, else from the spans all annotators agree on."""
        self._doc_id = doc_id
        self._opened_one = self._opened_one or doc_id is not None
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
        doc = self.store.documents.get_document(doc_id)
        self._versions = versions_for(self.store, doc_id, self.answer)
        # Accept against reject is a dispute (core/team/gold.py): the rejecters are shown too.
        rejected = sorted(versions_for(self.store, doc_id, "reject")) if self.answer == "accept" else []
        # A rejecter marked nothing: the accepted spans are not agreed by everyone.
        kinds = span_agreement({**self._versions, **{name: [] for name in rejected}})
        tokens = token_index(doc.text, self.store.settings.lang)  # lazy for a long text
        labels = self.store.labels.all()
        for name in sorted(self._versions):
            row = AnnotatorRow(name, self)
            row.editor.set_labels(labels)
            row.show_version(doc.text, self._versions[name], kinds)
            row.editor.spanClicked.connect(lambda span, n=name: self.copy_span(n, span))
            self.rows_splitter.addWidget(row)
            self._rows[name] = row
        for name in rejected:
            row = AnnotatorRow(name, self)
            row.show_rejected(doc.text)
            self.rows_splitter.addWidget(row)
            self._rows[name] = row
        self.rows_splitter.addWidget(self.final_box)  # moves it below the new rows
        review = self.store.reviews.get_review(doc_id)
        k = majority.min_agreement(self.store)
        start = list(review.spans) if review else initial_final(self._versions, k)
        self.final.set_labels(labels)
        self.final.set_document(doc.text, [Span(s.start, s.end, s.label) for s in start], tokens)
        self._sync_scrolling()
        disputed = sum(1 for k in kinds.values() if k != AGREE_ALL)
        against = f", <b>rejected by {', '.join(rejected)}</b> (accept vs reject)" if rejected else ""
        self.title.setText(f"<b>Document #{doc_id}</b> — {count(len(self._versions), 'version')}{against}, "
                           f"{disputed} disputed span{'s' if disputed != 1 else ''}"
                           + (f" — <i>reviewed by {review.reviewer}</i>" if review else ""))
        by_majority = len(self._versions) >= majority.MIN_ANNOTATORS
        who = "who accepted" if rejected else "annotators"
        how = {"majority": " (decided by majority)", "unanimous": " (saved: the annotators agreed)"}
        origin = ("the saved review" + how.get(review.method, "") if review
                  else f"the spans {majority.describe_k(k)} of the {len(self._versions)} {who} agree on, "
                  "pre-accepted" if by_majority else f"the spans all {who} agree on")
        self.final_header.setText(f"<b>Final version</b> (reviewer {self.reviewer}) — starts from {origin}. "
                                  "Keys pick the next label; drag to add; click a span, then a key relabels it; "
                                  "Delete removes; A accepts.")
        self.accept_button.setEnabled(len(self._versions) > 0)
        self.status.setText("")
        self._show_notes()
        self._select_in_list(doc_id)
        self.documentChanged.emit(doc_id)

    def _show_notes(self) -> None:
        notes = self.store.notes.all([self._doc_id]) if self._doc_id is not None else []
        self.notes.setText("\n".join(f"✎ {n.author}: {n.text}" for n in notes))
        self.notes.setVisible(bool(notes))

    def _k_chosen(self, _index: int) -> None:
        self.project.set_min_agreement(self.k_box.currentData())
        if self._doc_id is not None and not self.final.undo_stack().count():
            self.set_document(self._doc_id)  # the final version starts from the new majority

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
            return False  # already there (a copy is never selected: SpanEditor.choose_label)
        self.final.undo_stack().push(AddSpan(self.final, self.final.spans(), new, self.final.selected_span()))
        self.status.setText(f"Copied {span.label} '{self.final.text()[span.start:span.end]}' from {annotator}.")
        return True

    def choose_label(self, name: str) -> None:
        """A label key: relabel the final span the reviewer selected, else pick the label for
        new spans (SpanEditor.choose_label has the rule)."""
        self.final.choose_label(name)

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
        self.doc_list.mark_reviewed(doc_id)
        have_list = self.listed or bool(self.doc_list.order())
        self.refresh_list()
        if not have_list:  # the first list is not in yet: move on when it is
            self._advance_from = doc_id
            self.status.setText(f"Saved the review of #{doc_id}.")
            return True
        following = self._following(doc_id)
        if following is not None:
            self.set_document(following)
            self.status.setText(f"Saved the review of #{doc_id}.")
        else:
            self._select_in_list(doc_id)
            self.status.setText(f"Saved the review of #{doc_id}. Every disputed document is reviewed.")
        return True

    def next_document(self) -> int | None:
        """Jump to the next disputed document not yet reviewed (wrapping around)."""
        if not self.listed and not self.doc_list.order():
            self._advance_from = self._doc_id
            self.status.setText(LISTING)
            return None
        following = self._following(self._doc_id)
        if following is None:
            self.status.setText("No other disputed document left to review.")
            return None
        self.set_document(following)
        return following

    def accept_unanimous(self, majority: bool = False) -> int:
        """Review every document two or more annotators accepted identically, so only the
        disputes are left (as Prodigy's review recipe with auto-accept); with `majority`, also
        every one whose majority version settles every span (marked as decided by majority)."""
        try:
            done = self.project.auto_accept(self.reviewer, majority=majority)
        except (AnnotatorError, ValueError) as exc:
            self.status.setText(f"Not saved: {exc}")
            return 0
        self.refresh_list()
        by = f" and {done.majority:,} by majority" if majority else ""
        self.status.setText(f"Reviewed {count(done.accepted, 'document')} as {self.reviewer}: {done.unanimous:,} "
                            f"unanimous{by}; {count(done.left, 'disputed document')} left.")
        return done.accepted

    def _team_work_changed(self, _doc_ids: Any = None) -> None:
        self.refresh_list()
        self.refresh_agreement()
        if self._doc_id is not None and not self.final.undo_stack().count():
            self.set_document(self._doc_id)  # new versions of the document on screen

    def _labels_changed(self) -> None:
        labels = self.store.labels.all()
        self.final.set_labels(labels)
        for row in self._rows.values():
            row.editor.set_labels(labels)

    # ---- agreement panel --------------------------------------------------------------------
    def refresh_agreement(self) -> None:
        """Recompute the pairwise figures off the GUI thread."""
        self.agreement_panel.refresh()

    def shutdown(self) -> None:
        """Stop background work."""
        self.doc_list.shutdown()
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
