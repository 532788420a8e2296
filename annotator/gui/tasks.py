"""Background tasks of the window: start a job in a Worker, keep its callbacks from going
stale, and announce it (started, progress, ended) to whoever shows tasks (the status bar).

A task has a key ("import", "suggest"...). Starting a task with a key replaces the one
before it: the old worker is asked to stop and its callbacks are dropped, as are every
worker's after stop_all() (the project was switched or the window closes). The runner alone
decides what is stale; no widget holds a worker.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from annotator.gui.workers import Worker, WorkerPool


class TaskRunner(QObject):
    """Runs jobs in workers. Signals (GUI thread): started(key, title, cancellable),
    progressed(key, done, total, message), ended(key, message), and failed(name, message)
    for a job that raised and has no on_error of its own (the window shows it)."""

    started = Signal(str, str, bool)
    progressed = Signal(str, int, int, str)
    ended = Signal(str, str)
    failed = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = WorkerPool(self)
        self._generation = 0
        self._tasks: dict[str, Worker] = {}
        self._cancel: dict[str, Callable[[], None]] = {}

    def run(self, fn: Callable[..., Any], *args: Any, name: str, key: str | None = None, title: str = "",
            on_returned: Callable[[Any], None] | None = None, on_error: Callable[[BaseException], None] | None = None,
            on_yielded: Callable[[Any], None] | None = None, on_finished: Callable[[], None] | None = None,
            cancel: Callable[[], None] | None = None, **kwargs: Any) -> Worker:
        """Start `fn(ctx, *args, **kwargs)` in a worker. With a key, it is a task shown to
        the person (with a ✕ that calls `cancel`, default: stop the worker).
        on_finished runs in every case, even for a stale worker (to free what it held)."""
        worker = Worker(fn, *args, name=name, **kwargs)
        generation = self._generation
        if key is not None:
            self.end(key)
            self._tasks[key] = worker
            self._cancel[key] = cancel or worker.stop
            self.started.emit(key, title or name, True)

        def current() -> bool:
            return generation == self._generation and (key is None or self._tasks.get(key) is worker)

        def live(callback: Callable[..., None]) -> Callable[..., None]:
            return lambda *a: callback(*a) if current() else None

        if on_returned is not None:
            worker.returned.connect(live(on_returned))
        if on_error is None:
            def on_error(exc: BaseException) -> None:
                self.failed.emit(name, str(exc) or type(exc).__name__)
        worker.errored.connect(live(on_error))
        if on_yielded is not None:
            worker.yielded.connect(live(on_yielded))
        if key is not None:
            worker.progress.connect(live(lambda d, t, m: self.progressed.emit(key, d, t, m)))
            worker.finished.connect(live(lambda: self.end(key)))
        if on_finished is not None:  # connected before the start: a quick job cannot finish unseen
            worker.finished.connect(on_finished)
        return self.pool.start(worker)

    def worker(self, key: str) -> Worker | None:
        """The worker of a running task (None once it ended or was replaced)."""
        return self._tasks.get(key)

    def is_running(self, key: str) -> bool:
        return key in self._tasks

    def progress(self, key: str, done: int, total: int, message: str = "") -> None:
        """Report on a task from the GUI thread (e.g. a state change of a long-lived job)."""
        if key in self._tasks:
            self.progressed.emit(key, done, total, message)

    def cancel(self, key: str) -> None:
        """The person pressed ✕: ask the task to stop (its callbacks are dropped from now on)."""
        action = self._cancel.get(key)
        if action is not None:
            action()

    def end(self, key: str, message: str = "") -> None:
        """Forget a task (its later callbacks are dropped) and tell the views it ended."""
        worker = self._tasks.pop(key, None)
        self._cancel.pop(key, None)
        if worker is not None or message:
            self.ended.emit(key, message)

    def stop_all(self, timeout_s: float = 30.0) -> bool:
        """Stop every worker and drop all their callbacks; True if all ended in time."""
        self._generation += 1
        for key in list(self._tasks):
            self.end(key)
        return self.pool.stop_all(timeout_s)

    def running(self) -> list[Worker]:
        return self.pool.running()
