"""The review window's list of the documents the annotators disagree on, in the review's order
(core/team/review.py disagreement_table: accepted against rejected first, then least agreement).

Scoring a document tokenizes it (1 - alpha of its tokens): hundreds of disputed documents take
seconds, so the list is computed by a worker on its own read-only Store, never on the GUI
thread. refresh() may be called at any time; only the newest listing is shown. Until the first
one is in, order() is empty and `listed` is False; `listReady` says when one is shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QWidget

from annotator.core.store import Store
from annotator.core.team.agreement import DocumentDisagreement
from annotator.core.team.review import disagreement_table
from annotator.core.wording import count
from annotator.gui.workers import Worker, WorkerPool

LISTING = "Finding the documents the annotators disagree on…"


def listing_job(_ctx: Any, db_path: Path, answer: str) -> tuple[list[DocumentDisagreement], set[int]]:
    """The rows and the reviewed documents, read in one snapshot (a worker's own Store)."""
    store = Store(db_path, readonly=True)
    try:
        with store.foreign.read_snapshot():
            return disagreement_table(store, answer=answer), set(store.queries.reviewed_document_ids())
    finally:
        store.close()


class DisputedList(QListWidget):
    """⚑ for a disputed document (no gold yet), ✓ for a reviewed one; the document id in
    UserRole. `title` is the label above it (the caller places it)."""

    listReady = Signal()

    def __init__(self, db_path: Path, answer: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("disputedList")
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.db_path, self.answer = db_path, answer
        self.title = QLabel(LISTING, parent)
        self.title.setWordWrap(True)
        self._order: list[int] = []
        self._generation = 0
        self._shown = 0  # the generation on screen (0: none yet)
        self._pool = WorkerPool(self)

    @property
    def listed(self) -> bool:
        """True once the newest listing asked for is on screen."""
        return self._shown == self._generation and self._shown > 0

    def order(self) -> list[int]:
        return list(self._order)

    def refresh(self) -> None:
        """List the documents again, off the GUI thread; an older listing still running is
        dropped when it ends."""
        self._generation += 1
        generation = self._generation
        worker = Worker(listing_job, self.db_path, self.answer, name="disputed documents")
        worker.returned.connect(lambda result: generation == self._generation and self._fill(generation, *result))
        worker.errored.connect(lambda exc: generation == self._generation
                               and self.title.setText(f"Could not list the documents: {exc}"))
        self._pool.start(worker)

    def _fill(self, generation: int, rows: list[DocumentDisagreement], reviewed: set[int]) -> None:
        current = self.currentItem().data(Qt.ItemDataRole.UserRole) if self.currentItem() else None
        self.clear()
        for row in rows:
            done = row.document_id in reviewed
            item = QListWidgetItem(f"{'✓' if done else '⚑'} #{row.document_id}  {row.score:.2f}  {row.preview}")
            item.setData(Qt.ItemDataRole.UserRole, row.document_id)
            item.setToolTip(f"document {row.document_id}: {row.reason}; {count(row.disputed, 'contested span')}, "
                            f"annotators {', '.join(row.annotators)}; disagreement {row.score:.2f} "
                            "(1 - Krippendorff's alpha of its tokens: 0 = all agree, 1 = no better than chance; "
                            "accepted by one and rejected by another: 1, listed first)"
                            + ("; reviewed" if done else "; disputed: no gold until reviewed"))
            self.addItem(item)
        self._order = [row.document_id for row in rows]
        left = sum(1 for r in rows if r.document_id not in reviewed)
        self.title.setText(
            f"<b>Documents the annotators disagree on</b> ({len(rows)}; <b>{left} disputed</b>, "
            f"{len(rows) - left} reviewed ✓)<br>Accepted by one and rejected by another first; then score = "
            "disagreement, 1 − α of the document's tokens (Krippendorff): higher means more disagreement "
            "(0 = all agree, 1 = no better than chance).")
        self.select(current)
        self._shown = generation
        self.listReady.emit()

    def select(self, doc_id: int | None) -> None:
        for i in range(self.count()):
            if self.item(i).data(Qt.ItemDataRole.UserRole) == doc_id:
                self.setCurrentRow(i)
                return
        self.clearSelection()

    def mark_reviewed(self, doc_id: int) -> None:
        """Show a review just saved at once (the next listing agrees)."""
        for i in range(self.count()):
            item = self.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == doc_id and item.text().startswith("⚑"):
                item.setText("✓" + item.text()[1:])

    def shutdown(self) -> None:
        self._generation += 1  # nothing more is shown
        self._pool.stop_all()
