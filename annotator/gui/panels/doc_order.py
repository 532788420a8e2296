"""The document list's order (the "Order" box above the list; core/learning/ordering.py has the rules):
as imported (the default), most uncertain first, most disputed first (team gold). The choice
is saved in the project (setting "doc_order") and restored when it opens.

The order is read in a worker (jobs.tasks.order_job) and the list re-sorted when it arrives:
when chosen, when the model changes (uncertainty), when the disputed documents change
(disputed) and when documents are added. "Most uncertain first" uses the scores stored for
the current model; documents without one are scored in a background child process (with
progress in the status bar, ✕ to stop) and the list is re-sorted when it ends. Until then,
and without a model, unscored documents come last, in imported order. Never on the GUI thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from annotator.core.learning.ordering import ORDER_DISPUTED, ORDER_IMPORTED, ORDER_UNCERTAINTY, ORDERS
from annotator.core.settings import DOC_ORDER, settings
from annotator.gui.panels.doc_list import DocListPanel
from annotator.gui.project import Project
from annotator.gui.tasks import TaskRunner
from annotator.jobs import tasks as jobs

SETTING_ORDER = DOC_ORDER.name
SCORING = "uncertainty"  # the task key of uncertainty scoring


class DocOrder(QObject):
    """Signals: message(text) for the status bar; ordered(order) once the list shows an order."""

    message = Signal(str)
    ordered = Signal(str)

    def __init__(self, project: Project, tasks: TaskRunner, panel: DocListPanel,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project, self.tasks, self.panel = project, tasks, panel
        self.order = ORDER_IMPORTED
        self._request = 0
        self._scored: set[str] = set()  # model keys scored this session (scored once each)
        panel.order.currentIndexChanged.connect(lambda _i: self.choose(panel.order.currentData()))
        project.opened.connect(self.restore)
        project.modelKeyChanged.connect(lambda: self._refresh_if(ORDER_UNCERTAINTY))
        project.disputedChanged.connect(lambda: self._refresh_if(ORDER_DISPUTED))
        project.documentsAdded.connect(lambda _n: self._stale(ORDER_UNCERTAINTY, ORDER_DISPUTED))
        project.labelsChanged.connect(lambda: self._stale(ORDER_UNCERTAINTY))
        self.restore()

    def restore(self) -> None:
        """The project's saved order (a new project file: as imported)."""
        saved = settings(self.project.store).get(DOC_ORDER) or ORDER_IMPORTED
        self.order = saved if saved in ORDERS else ORDER_IMPORTED
        self._scored.clear()
        box = self.panel.order
        box.blockSignals(True)
        box.setCurrentIndex(max(0, box.findData(self.order)))
        box.blockSignals(False)
        self.refresh()

    def choose(self, order: str) -> None:
        """The person picked an order: remember it in the project and show it."""
        if order not in ORDERS:
            return
        self.order = order
        self.project.set_setting(DOC_ORDER, order)
        self.refresh()

    def _refresh_if(self, order: str) -> None:
        if self.order == order:
            self.refresh()

    def _stale(self, *orders: str) -> None:
        self._scored.clear()  # new documents or labels: scores may be missing or stale
        if self.order in orders:
            self.refresh()

    def refresh(self) -> None:
        """Read the chosen order in a worker and re-sort the list when it arrives."""
        self._request += 1
        request, order = self._request, self.order
        if order == ORDER_IMPORTED:
            self.panel.set_order(None)
            self.ordered.emit(order)
            return
        key = self.project.model_key if order == ORDER_UNCERTAINTY else None
        if order == ORDER_UNCERTAINTY and key is None:
            self.panel.set_order(None)
            if self.project.model == "" or self.project.model_error:
                self.message.emit("Most uncertain first needs a model (Model → Choose model…): "
                                  "the list stays as imported until one is loaded")
            return  # else the model is being located: modelKeyChanged brings us back
        self.tasks.run(jobs.order_job, self.project.path, order, key, name="document order",
                       on_returned=lambda result: self._ordered(request, order, key, result))

    def _ordered(self, request: int, order: str, key: str | None, result: tuple[list[int], int]) -> None:
        if request != self._request:
            return
        ids, missing = result
        self.panel.set_order(ids)
        self.ordered.emit(order)
        if order == ORDER_UNCERTAINTY and missing and key is not None and key not in self._scored:
            self._score(key, missing)

    def _score(self, key: str, missing: int) -> None:
        if self.tasks.is_running(SCORING):
            return
        self._scored.add(key)
        self.message.emit(f"Scoring the uncertainty of {missing:,} documents in the background; "
                          "the list is re-sorted when it ends")
        self.tasks.run(jobs.uncertainty_job, self.project.path, self.model_name(), name="uncertainty scoring",
                       key=SCORING, title="Scoring uncertainty", on_returned=self._scored_done,
                       on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        from annotator.jobs.uncertainty import UncertaintyCancelled

        stopped = isinstance(exc, UncertaintyCancelled)
        self.tasks.end(SCORING, "Uncertainty scoring stopped; the scores so far are kept" if stopped
                       else f"Uncertainty scoring failed: {exc}")
        self._refresh_if(ORDER_UNCERTAINTY)

    def _scored_done(self, result: dict[str, Any]) -> None:
        self.tasks.end(SCORING, f"Uncertainty scored for {result['scored']:,} documents: "
                                "most uncertain first")
        self._refresh_if(ORDER_UNCERTAINTY)

    def model_name(self) -> str:
        """The model the window suggests with (a package or folder), as gui/model/background.py runs it."""
        if self.project.model:
            return self.project.model
        from annotator.core.learning.suggest import project_model

        return project_model(self.project.store)
