"""Writes the project file cannot take at once, kept until it can.

Another process (an `annotator import`, a teammate's window) may hold the project's write
lock for seconds. The window waits only briefly (Store.set_busy_wait) and keeps the write
here instead of freezing: drafts and at most one decision, retried in order every 200 ms,
never dropped. While a decision waits, the window stays on its document.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from annotator.core.errors import ProjectBusy
from annotator.core.model import Span
from annotator.gui import actions

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow

RETRY_MS = 200
BUSY_MESSAGE = ("The project file is busy (another program is writing to it): "
                "your work is kept and will be saved in a moment")


class PendingWrites(QObject):
    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.w = window
        self.drafts: dict[int, list[Span]] = {}
        self.decision: tuple[int, str, list[Span]] | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(RETRY_MS)
        self.timer.timeout.connect(self.flush)

    @property
    def waiting(self) -> bool:
        return bool(self.drafts) or self.decision is not None

    def keep_draft(self, doc_id: int, spans: list[Span]) -> None:
        self.drafts[doc_id] = list(spans)
        self._wait()

    def keep_decision(self, doc_id: int, answer: str, spans: list[Span]) -> None:
        self.decision = (doc_id, answer, list(spans))
        self._wait()

    def _wait(self) -> None:
        self.w.status.showMessage(BUSY_MESSAGE)
        if not self.timer.isActive():
            self.timer.start()

    def flush(self, navigate: bool = True) -> bool:
        """Try every waiting write once, oldest first; True when nothing is left waiting."""
        try:
            decided_doc = self.decision[0] if self.decision else None
            for doc_id in list(self.drafts):
                if doc_id != decided_doc:  # a decision replaces its document's draft
                    actions.save_draft(self.w.session, doc_id, self.drafts[doc_id])
                del self.drafts[doc_id]
            if self.decision is not None:
                doc_id, answer, spans = self.decision
                actions.decide(self.w.session, doc_id, answer, spans)
                self.decision = None
                if navigate:
                    self.w.decided(doc_id, answer)
        except ProjectBusy:
            return False
        self.timer.stop()
        if navigate:
            self.w.status.showMessage("Saved", 3000)
        return True
