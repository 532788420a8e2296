"""The document list: every document of the project with this annotator's status, and a ⚑
on the documents the team gold calls disputed (core/team/gold.py).

The model holds only ids and statuses; previews are fetched from the store in small blocks
when the view asks for a row, and kept in a small cache, so 100,000 documents open at once
(Anki's browser table does the same). It listens to the Project's Changes (whoever wrote:
this window, a teammate's sync, the command line): a changed document updates its one row,
new documents are appended; only a change too big to list (a merge of thousands) reloads
ids and statuses, in a worker. Nobody refreshes it by hand.

Next (Document -> Next, and the move after a decision) takes the documents the team hub
assigned to this annotator first: see next_document(). Assigned documents show a ➜, documents
with notes a ✎ (and the filter "Has notes" shows only those).

The rows follow a document order (core/learning/ordering.py; gui/panels/doc_order.py chooses it): as
imported, or a ranking set by set_order(). Filters and search keep that order; documents the
ranking does not know (imported since) come last, by id. Rows are found through a position
map, so any order works for Next, Previous and the window's "N of M".
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Iterable

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from collections import Counter

from annotator.core.ops.changes import Changes
from annotator.core.text.model import STATUS_DRAFT, STATUS_NEW, STATUSES
from annotator.core.learning.ordering import ORDER_DISPUTED, ORDER_IMPORTED, ORDER_UNCERTAINTY
from annotator.gui.project import Project
from annotator.gui.tasks import TaskRunner
from annotator.jobs import tasks as jobs

DOC_ID_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_ROLE = Qt.ItemDataRole.UserRole + 2
DISPUTED_ROLE = Qt.ItemDataRole.UserRole + 3
FILTER_DISPUTED = "disputed"  # the filter's extra choice: the team gold's disputed documents
FILTER_ASSIGNED = "assigned"  # and: what the team hub assigned to this annotator, still undecided
FILTER_NOTES = "notes"  # and: documents with notes (core/team/notes.py)
DISPUTED_MARK = "⚑"
ASSIGNED_MARK = "➜"
NOTES_MARK = "✎"

STATUS_COLORS = {"new": "#c8c8c8", "draft": "#f0b429", "accepted": "#3aa55d",
                 "rejected": "#d64545", "skipped": "#7b8794"}
PREVIEW_CHARS = 80
_BLOCK = 64  # rows fetched per query around the one asked for
_CACHE_ROWS = 2048
ROWS_IN_PLACE = 500  # changed documents updated row by row; more: ids and statuses reloaded in a worker

_Index = QModelIndex | QPersistentModelIndex
ORDER_CHOICES = [("As imported", ORDER_IMPORTED), ("Most uncertain first", ORDER_UNCERTAINTY),
                 ("Most disputed first", ORDER_DISPUTED)]


def preview_of(head: str, meta: dict[str, Any]) -> str:
    """The title from meta if any, else the first ~80 characters on one line."""
    title = meta.get("title") if isinstance(meta, dict) else None
    text = str(title) if title else head
    text = " ".join(text.split())
    return text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS - 1] + "…"


def next_document(current: int | None, assigned: list[int], list_next: int | None) -> int | None:
    """What Next opens. The hub's assigned documents first, in the hub's order: from an
    assigned one, the assigned one after it (wrapping around); from any other, the first
    assigned. Once none is left undecided, the list's next row (`list_next`). `assigned`
    holds only the undecided ones the list shows (filter or search to go elsewhere;
    Previous and a click go anywhere)."""
    order = assigned_order(current, assigned)
    return order[0] if order else list_next


def assigned_order(current: int | None, assigned: list[int]) -> list[int]:
    """The assigned documents in the order Next visits them from `current` (never it)."""
    if current in assigned:
        i = assigned.index(current)
        return assigned[i + 1:] + assigned[:i]
    return list(assigned)


def _status_icon(status: str) -> QIcon:
    pix = QPixmap(12, 12)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(STATUS_COLORS.get(status, "#c8c8c8")))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(1, 1, 10, 10)
    painter.end()
    return QIcon(pix)


class DocListModel(QAbstractListModel):
    """Ids of the documents matching the filter; rows are fetched lazily from the store.

    With fill_in (a TaskRunner) the ids and statuses (0.4 s for 100,000 documents) are read
    in a worker, now and at every reload: the window paints before the list is filled, and
    `loaded` says when it is. Statuses set meanwhile win over what was read.
    countsChanged: the per-status counts or the number of documents changed."""

    loaded = Signal()
    countsChanged = Signal()

    def __init__(self, project: Project, parent: Any = None, *, fill_in: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self._tasks = fill_in
        self._request = 0
        self.loading = False
        self._set_meanwhile: dict[int, str] = {}
        self._all_ids: list[int] = []
        self._ids: list[int] = []
        self._rows: dict[int, int] = {}  # doc id -> row in _ids
        self._rank: dict[int, int] | None = None  # doc id -> place in the chosen order (None: as imported)
        self._statuses: dict[int, str] = {}
        self._tally: Counter[str] = Counter()  # documents per status in _statuses
        self._assigned: list[int] = []  # by the team hub, in its order (store/sync_state.py)
        self._noted: set[int] = set()  # documents with notes
        self._cache: OrderedDict[int, str] = OrderedDict()
        self._status_filter: str | None = None
        self._search = ""
        self._icons: dict[str, QIcon] = {}
        self.fetched_rows = 0  # previews read from the store (tests check laziness)
        self.reload()
        project.opened.connect(lambda: self.reload(clear=True))
        project.annotatorChanged.connect(lambda _name: self.reload())
        project.changed.connect(self._changed)
        project.assignmentsChanged.connect(self._reload_assigned)
        project.disputedChanged.connect(self._disputed_changed)
        project.decisionUndone.connect(lambda doc_id: self.set_status(doc_id, project.status(doc_id)))
        project.notesChanged.connect(lambda _doc_id: self._notes_changed())

    @property
    def store(self) -> Any:
        return self.project.store

    @property
    def annotator(self) -> str:
        return self.project.annotator

    # ---- loading and filtering ---------------------------------------------------------
    def reload(self, clear: bool = False) -> None:
        """Re-read ids and statuses (after an import, a project switch: `clear` drops the old
        rows at once, never shown over another file). The hub's assignments are few: read here."""
        self._assigned = self.store.sync.hub_assigned_ids(self.annotator, undecided=False)
        self._noted = self.store.notes.noted_document_ids()
        if self._tasks is None:
            self._fill(self.store.documents.document_ids(), self.store.drafts.statuses(self.annotator))
            return
        if clear:
            self._all_ids, self._statuses, self._tally = [], {}, Counter()
            self._cache.clear()
            self._apply()
        self._request += 1
        request = self._request
        self.loading, self._set_meanwhile = True, {}
        self._tasks.run(jobs.doc_list_job, self.project.path, self.annotator, name="document list",
                        on_returned=lambda result: request == self._request and self._fill(*result))

    def _fill(self, ids: list[int], statuses: dict[int, str]) -> None:
        for doc_id, status in self._set_meanwhile.items():  # set while the worker read
            if status == STATUS_NEW:
                statuses.pop(doc_id, None)
            else:
                statuses[doc_id] = status
        self._all_ids, self._statuses, self._tally = ids, statuses, Counter(statuses.values())
        self.loading, self._set_meanwhile = False, {}
        self._cache.clear()
        self._apply()
        self.countsChanged.emit()
        self.loaded.emit()

    def _changed(self, changes: Changes) -> None:
        """What the Project announced: new documents appended, changed ones' rows updated;
        a change too big to list reloads (in a worker)."""
        if changes.documents and (changes.new_ids is None or self.loading or self._search):
            return self.reload()  # (a search reads the texts again)
        if changes.documents:
            self._append(changes.new_ids or ())
        if changes.work:
            ids = changes.doc_ids
            if ids is None or len(ids) > ROWS_IN_PLACE:
                return self.reload()
            self.set_statuses({doc_id: self.project.status(doc_id) for doc_id in sorted(ids)})

    def _append(self, new_ids: Iterable[int]) -> None:
        """Documents added after every listed one: rows at the end where the filter takes
        them (an order ranks unknown documents last too), none of the others touched."""
        last = self._all_ids[-1] if self._all_ids else 0
        fresh = [doc_id for doc_id in new_ids if doc_id > last]
        if not fresh:
            return
        self._all_ids.extend(fresh)
        shown = [doc_id for doc_id in fresh if self._matches(doc_id)]
        if shown:
            row = len(self._ids)
            self.beginInsertRows(QModelIndex(), row, row + len(shown) - 1)
            self._ids.extend(shown)
            self._rows.update((doc_id, row + i) for i, doc_id in enumerate(shown))
            self.endInsertRows()
        self.countsChanged.emit()

    def _matches(self, doc_id: int) -> bool:
        """Whether the status filter takes this document (as _apply filters)."""
        if self._status_filter == FILTER_DISPUTED:
            return doc_id in self.project.disputed()
        if self._status_filter == FILTER_ASSIGNED:
            return self.is_assigned(doc_id)
        return not self._status_filter or self.status(doc_id) == self._status_filter

    def _reload_assigned(self) -> None:
        self._assigned = self.store.sync.hub_assigned_ids(self.annotator, undecided=False)
        if self._status_filter == FILTER_ASSIGNED:
            self._apply()
        elif self._ids:
            self.dataChanged.emit(self.index(0), self.index(len(self._ids) - 1),
                                  [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole])

    def _notes_changed(self) -> None:
        self._noted = self.store.notes.noted_document_ids()
        if self._status_filter == FILTER_NOTES:
            self._apply()
        elif self._ids:
            self.dataChanged.emit(self.index(0), self.index(len(self._ids) - 1),
                                  [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole])

    def has_notes(self, doc_id: int) -> bool:
        return doc_id in self._noted

    def _disputed_changed(self) -> None:
        if self._status_filter == FILTER_DISPUTED:
            self._apply()
        elif self._ids:
            self.dataChanged.emit(self.index(0), self.index(len(self._ids) - 1),
                                  [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, DISPUTED_ROLE])

    def set_status_filter(self, status: str | None) -> None:
        self._status_filter = status or None
        self._apply()

    def set_search(self, text: str) -> None:
        self._search = text.strip()
        self._apply()

    def set_order(self, ids: list[int] | None) -> None:
        """Show the rows in the order of `ids` (None: as imported, by id)."""
        self._rank = None if ids is None else {doc_id: i for i, doc_id in enumerate(ids)}
        self._apply()

    def ordered(self) -> bool:
        return self._rank is not None

    def _apply(self) -> None:
        self.beginResetModel()
        ids = self.store.documents.document_ids(self._search) if self._search else self._all_ids
        if self._status_filter == FILTER_DISPUTED:
            disputed = self.project.disputed()
            ids = [d for d in ids if d in disputed]
        elif self._status_filter == FILTER_NOTES:
            ids = [d for d in ids if d in self._noted]
        elif self._status_filter == FILTER_ASSIGNED:
            assigned = set(self._assigned)  # decided ones leave the list when it is filtered again
            ids = [d for d in ids if d in assigned and self.is_assigned(d)]
        elif self._status_filter:
            want, st = self._status_filter, self._statuses
            ids = [d for d in ids if st.get(d, STATUS_NEW) == want]
        if self._rank is not None:
            rank, last = self._rank, len(self._rank)
            ids = sorted(ids, key=lambda d: (rank.get(d, last), d))
        self._ids = list(ids)
        self._rows = {doc_id: row for row, doc_id in enumerate(self._ids)}
        self.endResetModel()

    # ---- queries -------------------------------------------------------------------------
    def ids(self) -> list[int]:
        return self._ids

    def total(self) -> int:
        return len(self._all_ids)

    def row_of(self, doc_id: int) -> int:
        return self._rows.get(doc_id, -1)

    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def status(self, doc_id: int) -> str:
        return self._statuses.get(doc_id, STATUS_NEW)

    def assigned(self) -> list[int]:
        """The hub's assigned documents this annotator has not decided, that the list shows."""
        return [d for d in self._assigned if self.status(d) in (STATUS_NEW, STATUS_DRAFT) and self.row_of(d) >= 0]

    def is_assigned(self, doc_id: int) -> bool:
        return doc_id in self._assigned and self.status(doc_id) in (STATUS_NEW, STATUS_DRAFT)

    def counts(self) -> dict[str, int]:
        """Documents per status over the whole project (not just the filtered rows)."""
        out = dict.fromkeys(STATUSES, 0)
        out.update(self._tally)
        out[STATUS_NEW] = len(self._all_ids) - sum(v for k, v in out.items() if k != STATUS_NEW)
        return out

    def set_status(self, doc_id: int, status: str) -> None:
        """Update one document's status in place (rows never jump while the person works)."""
        self.set_statuses({doc_id: status})

    def set_statuses(self, statuses: dict[int, str]) -> None:
        """Update these documents' statuses in place: their rows only, counts once."""
        for doc_id, status in statuses.items():
            before = self._statuses.pop(doc_id, None)
            if before is not None:
                self._tally[before] -= 1
            if status != STATUS_NEW:
                self._statuses[doc_id] = status
                self._tally[status] += 1
            if self.loading:
                self._set_meanwhile[doc_id] = status
            row = self.row_of(doc_id)
            if row >= 0:
                idx = self.index(row)
                self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DecorationRole, STATUS_ROLE,
                                                 Qt.ItemDataRole.ToolTipRole])
        self.countsChanged.emit()

    # ---- Qt model --------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt signature
        return 0 if parent.isValid() else len(self._ids)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        doc_id = self._ids[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            mark = f"{DISPUTED_MARK} " if doc_id in self.project.disputed() else ""
            mark += f"{ASSIGNED_MARK} " if self.is_assigned(doc_id) else ""
            mark += f"{NOTES_MARK} " if doc_id in self._noted else ""
            return f"{doc_id}  {mark}{self._preview(index.row())}"
        if role == Qt.ItemDataRole.DecorationRole:
            status = self.status(doc_id)
            if status not in self._icons:
                self._icons[status] = _status_icon(status)
            return self._icons[status]
        if role == Qt.ItemDataRole.ToolTipRole:
            disputed = (f"; disputed ({', '.join(self.project.dispute_reasons(doc_id))}): nobody has "
                        "reviewed it, so it has no gold yet" if doc_id in self.project.disputed() else "")
            assigned = "; assigned to you by the team hub (Next takes it first)" if self.is_assigned(doc_id) else ""
            notes = "; has notes (View -> Panels -> Notes)" if doc_id in self._noted else ""
            return f"Document {doc_id}: {self.status(doc_id)}{disputed}{assigned}{notes}"
        if role == DISPUTED_ROLE:
            return doc_id in self.project.disputed()
        if role == DOC_ID_ROLE:
            return doc_id
        if role == STATUS_ROLE:
            return self.status(doc_id)
        return None

    def _preview(self, row: int) -> str:
        doc_id = self._ids[row]
        hit = self._cache.get(doc_id)
        if hit is not None:
            self._cache.move_to_end(doc_id)
            return hit
        # One query for a block around the row: scrolling shows neighbours next.
        lo = max(0, row - _BLOCK // 4)
        block = [d for d in self._ids[lo:lo + _BLOCK] if d not in self._cache]
        for got_id, (head, meta) in self.store.documents.document_previews(block, PREVIEW_CHARS * 2).items():
            self._cache[got_id] = preview_of(head, meta)
        self.fetched_rows += len(block)
        while len(self._cache) > _CACHE_ROWS:
            self._cache.popitem(last=False)
        return self._cache.get(doc_id, "")


class DocListPanel(QWidget):
    """Search box, status filter, document order and the list. Emits documentActivated(id) on
    a click; the order box is read by gui/panels/doc_order.py."""

    documentActivated = Signal(int)

    def __init__(self, model: DocListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.search = QLineEdit(placeholderText="Search text…", clearButtonEnabled=True)
        self.filter = QComboBox()
        self.filter.addItem("All", None)
        for status in STATUSES:
            self.filter.addItem(status.capitalize(), status)
        self.filter.addItem(f"{DISPUTED_MARK} Disputed (team)", FILTER_DISPUTED)
        self.filter.addItem(f"{ASSIGNED_MARK} Assigned to me (hub)", FILTER_ASSIGNED)
        self.filter.addItem(f"{NOTES_MARK} Has notes", FILTER_NOTES)
        self.order = QComboBox()
        self.order.setObjectName("docOrder")
        for text, order in ORDER_CHOICES:
            self.order.addItem(text, order)
        self.order.setToolTip("Which document comes next: as imported; most uncertain first (the "
                              "model's own entity probabilities); most disputed first (annotators disagree)")
        self.view = QListView()
        self.view.setObjectName("docList")
        self.view.setUniformItemSizes(True)  # the view then never measures every row
        self.view.setLayoutMode(QListView.LayoutMode.Batched)
        self.view.setModel(model)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Tab reaches it (list -> labels -> text)
        for widget, name, description in (
                (self.search, "Search documents", "Shows only the documents whose text contains what you type"),
                (self.filter, "Status filter", "Shows only the documents with this status for you"),
                (self.order, "Document order", "Which document comes next"),
                (self.view, "Documents", "Each document's status and first words; Return or a click opens it")):
            widget.setAccessibleName(name)
            widget.setAccessibleDescription(description)
        # Long previews are cut with "…" at the panel's edge instead of scrolling sideways.
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search, 1)
        top.addWidget(self.filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Order:"))
        row.addWidget(self.order, 1)
        layout.addLayout(row)
        layout.addWidget(self.view, 1)
        # Searching scans every text: wait for a pause in typing.
        self._search_timer = QTimer(self, singleShot=True, interval=250)
        self._search_timer.timeout.connect(
            lambda: self._refilter(lambda: model.set_search(self.search.text())))
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.filter.currentIndexChanged.connect(
            lambda _i: self._refilter(lambda: model.set_status_filter(self.filter.currentData())))
        self.view.clicked.connect(self._clicked)
        self.view.activated.connect(self._clicked)
        self._current: int | None = None

    def _clicked(self, index: QModelIndex) -> None:
        doc_id = index.data(DOC_ID_ROLE)
        if doc_id is not None:
            self.documentActivated.emit(int(doc_id))

    def _refilter(self, change: Any) -> None:
        change()
        if self._current is not None:
            self.show_current(self._current)

    def set_order(self, ids: list[int] | None) -> None:
        """Rows in the order of `ids` (None: as imported), the current document kept in view."""
        self._refilter(lambda: self.model.set_order(ids))

    def show_current(self, doc_id: int) -> None:
        """Select and scroll to the document being annotated (no signal)."""
        self._current = doc_id
        row = self.model.row_of(doc_id)
        if row < 0:
            self.view.clearSelection()
            return
        idx = self.model.index(row)
        self.view.setCurrentIndex(idx)
        self.view.scrollTo(idx)

    def neighbour(self, doc_id: int | None, step: int) -> int | None:
        """Previous (-1): the row above. Next (+1): next_document() (the hub's assigned
        documents first, else the row below). None past either end."""
        ids = self.model.ids()
        if not ids:
            return None
        row = self.model.row_of(doc_id) if doc_id is not None else -1
        if row < 0:
            below = ids[0] if step > 0 else ids[-1]
        else:
            below = self.model.id_at(row + step)
        return next_document(doc_id, self.model.assigned(), below) if step > 0 else below

    def upcoming(self, doc_id: int | None, n: int) -> list[int]:
        """The current document and the next n-1 (assigned ones first, then the list): what
        to pre-annotate first."""
        ids = self.model.ids()
        row = max(self.model.row_of(doc_id), 0) if doc_id is not None else 0
        if doc_id is None or not self.model.assigned():
            return ids[row:row + n]
        queue = assigned_order(doc_id, self.model.assigned())
        return list(dict.fromkeys([doc_id, *queue, *ids[row:row + n]]))[:n]
