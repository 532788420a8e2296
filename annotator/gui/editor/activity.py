"""The window's record of each decision: an activity clock per open document (core/report/timing.py
holds the rule) and the spans suggested when it was opened. The window tells it when a
document opens, when suggestions replace an untouched document's spans, and takes the
figures to Project.decide; input on the span editor (keys, clicks, the wheel, mouse moves:
where the work happens, and where the focus stays while keys drive the window) marks the
person as present. Only the editor's widgets are watched, not the whole application: an
event filter is Python code, and on every event of the application it would take the GIL
from the background threads each time.
"""

from __future__ import annotations

import time
from typing import Callable, Sequence

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

from annotator.core.text.model import Span
from annotator.core.report.timing import ActivityClock

# ShortcutOverride: a key that is a window shortcut (accept, a label key) never arrives as a KeyPress.
INPUT_EVENTS = {QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride, QEvent.Type.MouseButtonPress,
                QEvent.Type.Wheel, QEvent.Type.MouseMove}


class DecisionRecorder(QObject):
    """Owned by the window; `now` (monotonic seconds) is injectable for tests."""

    def __init__(self, parent: QObject, watched: Sequence[QWidget],
                 now: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self._watched = list(watched)
        self.now = now  # monotonic seconds; a test may replace it
        self.doc_id: int | None = None
        self.clock: ActivityClock | None = None
        self.suggested: tuple[Span, ...] = ()
        for widget in self._watched:
            widget.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if self.clock is not None and event.type() in INPUT_EVENTS:
            self.clock.touch()
        return False

    def opened(self, doc_id: int, suggested: Sequence[Span]) -> None:
        """A document is on screen. The same document again (a reload) keeps its clock."""
        if doc_id != self.doc_id or self.clock is None:
            self.doc_id = doc_id
            self.clock = ActivityClock(self.now)
            self.suggested = tuple(suggested)

    def suggestions_shown(self, doc_id: int, suggested: Sequence[Span]) -> None:
        """Suggestions arrived after opening and replaced the untouched document's spans."""
        if doc_id == self.doc_id:
            self.suggested = tuple(suggested)

    def measure(self, doc_id: int) -> tuple[float | None, tuple[Span, ...]]:
        """(active seconds, suggested at opening) for a decision on doc_id; (None, ()) when
        the document was not opened through the window's clock."""
        if doc_id != self.doc_id or self.clock is None:
            return None, ()
        return self.clock.seconds(), self.suggested

    def decided(self, doc_id: int) -> None:
        """The decision was handed to the project: the next opening starts a new clock."""
        if doc_id == self.doc_id:
            self.doc_id, self.clock, self.suggested = None, None, ()

    def stop(self) -> None:
        for widget in self._watched:
            widget.removeEventFilter(self)
