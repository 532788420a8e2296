"""The status bar: who annotates, which model, how far along, and what runs in the background."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QStatusBar, QToolButton, QWidget


class TaskIndicator(QWidget):
    """One background task: name, message, progress bar (busy when the total is unknown)
    and a cancel button."""

    def __init__(self, title: str, on_cancel: Callable[[], None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.worker: Any = None  # the worker this indicator reports on
        self.label = QLabel(title)
        self.bar = QProgressBar()
        self.bar.setFixedWidth(120)
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
            self.cancel.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.cancel.clicked.connect(on_cancel)
            layout.addWidget(self.cancel)

    def update_progress(self, done: int, total: int, message: str = "") -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
            self.label.setText(f"{message or self.title} {done:,}/{total:,}")
        else:
            self.bar.setRange(0, 0)
            self.label.setText(message or self.title)


class StatusBar(QStatusBar):
    """Annotator, model and progress on the right; background tasks next to them;
    short messages on the left."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.annotator_label = QLabel()
        self.model_label = QLabel()
        self.progress_label = QLabel()
        self.progress_bar = QProgressBar()
        self.progress_bar.setFixedWidth(140)
        self.progress_bar.setMaximumHeight(14)
        self.progress_bar.setTextVisible(False)
        self._tasks: dict[str, TaskIndicator] = {}
        for widget in (self.annotator_label, self.model_label, self.progress_label, self.progress_bar):
            self.addPermanentWidget(widget)

    def set_annotator(self, name: str) -> None:
        self.annotator_label.setText(f"Annotator: {name}")

    def set_model(self, text: str) -> None:
        self.model_label.setText(f"Model: {text}")

    def set_progress(self, done: int, total: int) -> None:
        """N of M documents decided (accepted, rejected or skipped) by this annotator."""
        self.progress_label.setText(f"{done:,} of {total:,} done")
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)

    # ---- background tasks ----------------------------------------------------------------
    def start_task(self, key: str, title: str, on_cancel: Callable[[], None] | None = None) -> TaskIndicator:
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
