"""The status bar: who annotates, which model, how far along, how many documents are disputed,
and what runs in the background. It watches the Project, the TaskRunner, the suggestion
engine and the document list; nobody writes into it.

Texts never widen the window: every label elides what does not fit ("…") and keeps the
full text in its tooltip. A message with a long path shortens the path in the middle, so the
start of the message and the file's name both show. A task whose progress reached its total
(pre-annotation done: the model stays loaded, waiting for new documents) hides its indicator
after DONE_HIDE_MS, until it has work again.
"""

from __future__ import annotations

import re
import time
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QStatusBar, QToolButton, QWidget

from annotator.core.wording import count

DONE_HIDE_MS = 4000  # a finished task's "8/8" stays this long
_PATH = re.compile(r"\S*[\\/]\S*")  # a token with a path separator in it


def fit_message(text: str, metrics: Any, room: int) -> str:
    """`text` within `room` pixels: the folders of its longest path shortened in the middle
    (the file's name kept whole while it fits), else (or if that is not enough) the end elided."""
    if metrics.horizontalAdvance(text) <= room:
        return text
    paths = sorted(_PATH.finditer(text), key=lambda m: len(m.group()), reverse=True)
    if paths:
        m = paths[0]
        path_room = room - metrics.horizontalAdvance(text[:m.start()] + text[m.end():])
        cut = max(m.group().rfind("/"), m.group().rfind("\\")) + 1
        folders, name = m.group()[:cut], m.group()[cut:]
        folders_room = path_room - metrics.horizontalAdvance(name)
        if folders_room >= metrics.horizontalAdvance("/…/"):
            short = metrics.elidedText(folders, Qt.TextElideMode.ElideMiddle, folders_room) + name
        else:
            short = metrics.elidedText(m.group(), Qt.TextElideMode.ElideMiddle, max(path_room, 0))
        text = text[:m.start()] + short + text[m.end():]
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)


class ElidedLabel(QLabel):
    """A one-line label that shrinks to `min_chars` characters, eliding the rest."""

    def __init__(self, text: str = "", parent: QWidget | None = None, *, max_chars: int = 48,
                 min_chars: int = 8) -> None:
        super().__init__(text, parent)
        self.max_chars = max_chars
        self.min_chars = min_chars
        self.setToolTip(text)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        super().setText(text)
        self.setToolTip(text)
        self.updateGeometry()

    def sizeHint(self) -> QSize:  # noqa: N802
        metrics = self.fontMetrics()
        width = min(metrics.horizontalAdvance(self.text()), metrics.averageCharWidth() * self.max_chars)
        return QSize(width + 4, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.fontMetrics().averageCharWidth() * self.min_chars, super().minimumSizeHint().height())

    def paintEvent(self, _event: Any) -> None:  # noqa: N802
        painter = QPainter(self)
        shown = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, self.width())
        painter.drawText(self.rect(), int(self.alignment() | Qt.AlignmentFlag.AlignVCenter), shown)
        painter.end()


class TaskIndicator(QWidget):
    """One background task: name, message, progress bar (busy when the total is unknown)
    and a cancel button."""

    def __init__(self, title: str, on_cancel: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        # Compact: with two tasks running the status bar's messages still get room.
        self.label = ElidedLabel(title, max_chars=24)
        self.bar = QProgressBar()
        self.done_timer = QTimer(self, singleShot=True)  # hides a finished task (see the module docstring)
        self.done_timer.timeout.connect(self.hide)
        self.bar.setFixedWidth(72)
        self.bar.setMaximumHeight(14)
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self.cancel = None
        if on_cancel is not None:
            self.cancel = QToolButton(text="✕", toolTip=f"Stop {title.lower()}", autoRaise=True)
            self.cancel.setAccessibleName(f"Stop {title.lower()}")
            self.cancel.setAccessibleDescription(f"Stops {title.lower()} running in the background")
            self.cancel.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.cancel.clicked.connect(lambda _checked=False: on_cancel())
            self.cancel.clicked.connect(lambda: self.label.setText("Stopping…"))
            layout.addWidget(self.cancel)

    def update_progress(self, done: int, total: int, message: str = "") -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
            self.label.setText(f"{message or self.title} {done:,}/{total:,}")
        else:
            self.bar.setRange(0, 0)
            self.label.setText(message or self.title)
        if total > 0 and done >= total:
            if not self.done_timer.isActive():
                self.done_timer.start(DONE_HIDE_MS)
        else:  # work again (new documents): shown until it is done
            self.done_timer.stop()
            self.show()


class StatusBar(QStatusBar):
    """Annotator, model, progress and disputed count on the right; background tasks next to
    them; short messages on the left (elided, never widening the window)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.annotator_label = ElidedLabel(max_chars=30)
        self.model_label = ElidedLabel(max_chars=28)
        self.disputed_label = QLabel()
        self.disputed_label.setObjectName("disputedCount")
        self.progress_label = QLabel()
        self.progress_bar = QProgressBar()
        self.progress_bar.setFixedWidth(140)
        self.progress_bar.setMaximumHeight(14)
        self.progress_bar.setTextVisible(False)
        self._tasks: dict[str, TaskIndicator] = {}
        for widget in (self.annotator_label, self.model_label, self.disputed_label, self.progress_label,
                       self.progress_bar):
            self.addPermanentWidget(widget)
        self.disputed_label.hide()
        # Tab reaches the status bar (list -> labels -> text -> status): a screen reader then
        # reads its accessible description, everything it shows (_describe).
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setAccessibleName("Status")
        self._message = ""  # the full text of the message shown (fitted to the room by _show)
        self._message_until = 0.0  # time.monotonic() when it goes; 0: stays
        self.messageChanged.connect(self._message_changed)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - the status bar never sets the window's width
        return QSize(0, super().minimumSizeHint().height())

    # ---- messages: fitted to the room left of the permanent widgets ----------------------------
    def showMessage(self, text: str, timeout: int = 0) -> None:  # noqa: N802 - Qt override
        self._message = text
        self._message_until = time.monotonic() + timeout / 1000 if timeout > 0 else 0.0
        self._show()

    def currentMessage(self) -> str:  # noqa: N802 - Qt override: the full text, not the fitted one
        return self._message if super().currentMessage() else ""

    def _show(self) -> None:
        left = 0 if not self._message_until else max(1, int((self._message_until - time.monotonic()) * 1000))
        widgets = [w for w in self.findChildren(QWidget) if w.parent() is self and w.isVisible()]
        room = min((w.x() for w in widgets), default=self.width()) - 12
        super().showMessage(fit_message(self._message, self.fontMetrics(), max(room, 40)), left)

    def _message_changed(self, shown: str) -> None:
        if not shown:
            self._message = ""
        self.setToolTip(self._message)  # the full text of an elided message
        self._describe()

    def _describe(self) -> None:
        parts = [self._message] + [w.text() for w in (self.annotator_label, self.model_label, self.progress_label,
                                                       self.disputed_label) if w.text() and not w.isHidden()]
        parts += [t.label.text() for t in self._tasks.values()]
        self.setAccessibleDescription(". ".join(p for p in parts if p))

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self._message and super().currentMessage():
            QTimer.singleShot(0, self, lambda: self._message and self._show())  # once the widgets have moved

    def watch(self, project: Any, tasks: Any, background: Any, doc_model: Any) -> None:
        """Subscribe to what the status bar shows."""
        self._project, self._tasks_runner, self._doc_model = project, tasks, doc_model
        project.annotatorChanged.connect(self.set_annotator)
        project.disputedChanged.connect(lambda: self.set_disputed(len(project.disputed())))
        project.writesWaiting.connect(self._writes_waiting)
        tasks.started.connect(lambda key, title, _c: self.start_task(key, title, lambda k=key: tasks.cancel(k)))
        tasks.progressed.connect(self.task_progress)
        tasks.ended.connect(self.end_task)
        tasks.failed.connect(lambda name, message: self.showMessage(f"{name.capitalize()} failed: {message}", 10000))
        background.modelStatus.connect(self.set_model)
        for signal in (doc_model.modelReset, doc_model.countsChanged):
            signal.connect(self._update_progress)
        self.set_annotator(project.annotator)
        self.set_disputed(len(project.disputed()))
        self._update_progress()

    def _writes_waiting(self, waiting: bool) -> None:
        if waiting:
            self.showMessage("The project file is busy (another program is writing to it): your work "
                             "is kept and will be saved in a moment")
        else:
            self.showMessage("Saved", 3000)

    def _update_progress(self, *_args: Any) -> None:
        counts = self._doc_model.counts()
        done = counts["accepted"] + counts["rejected"] + counts["skipped"]
        self.set_progress(done, self._doc_model.total())

    def set_annotator(self, name: str) -> None:
        who = getattr(getattr(self, "_project", None), "identity", None)
        unchosen = who is not None and who.name == name and not who.chosen
        self.annotator_label.setText(f"Annotator: {name}" + (" (not set)" if unchosen else ""))
        self.annotator_label.setToolTip(
            f"No name is set for this project: your work is signed {name}, your operating-system user "
            "name. File → Annotator name… sets yours." if unchosen
            else f"Your work in this project is signed {name} (File → Annotator name… to change it)")
        self._describe()

    def set_model(self, text: str) -> None:
        self.model_label.setText(f"Model: {text}")
        self._describe()

    def set_disputed(self, n: int) -> None:
        """The team gold's disputed documents: hidden when there are none."""
        self.disputed_label.setText(f"⚑ {n:,} disputed")
        self.disputed_label.setToolTip(f"{count(n, 'document')} whose annotators disagree and that nobody "
                                       "has reviewed: no gold until reviewed (Review → Review teammates' "
                                       "labels, Ctrl+R)")
        self.disputed_label.setVisible(n > 0)

    def set_progress(self, done: int, total: int) -> None:
        """N of M documents decided (accepted, rejected or skipped) by this annotator."""
        self.progress_label.setText(f"{done:,} of {total:,} done")
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)
        self.progress_bar.setAccessibleName("Documents done")
        self._describe()

    # ---- background tasks ----------------------------------------------------------------
    def start_task(self, key: str, title: str, on_cancel: Any = None) -> TaskIndicator:
        self.end_task(key)
        task = TaskIndicator(title, on_cancel, self)
        self._tasks[key] = task
        self.insertPermanentWidget(0, task)
        task.show()
        return task

    def task_progress(self, key: str, done: int, total: int, message: str = "") -> None:
        task = self._tasks.get(key)
        if task is not None:
            task.update_progress(done, total, message)

    def end_task(self, key: str, message: str = "") -> None:
        task = self._tasks.pop(key, None)
        if task is not None:
            self.removeWidget(task)
            task.deleteLater()
        if message:
            self.showMessage(message, 8000)

    def task(self, key: str) -> TaskIndicator | None:
        return self._tasks.get(key)
