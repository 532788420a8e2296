"""Background work off the GUI thread: a small generic worker with progress and cancellation.

Modelled on napari's generator workers: the job is a plain function `fn(ctx, *args)` (or a
generator function; each yielded value is emitted). It reports through `ctx`, and every
report reaches the GUI thread as a queued signal. Jobs must not touch widgets, and must open
their own Store: a Store belongs to one thread.
"""

from __future__ import annotations

import inspect
import threading
import time
from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, Signal


class Cancelled(BaseException):
    """Raised inside a job by ctx.check() once the worker was asked to stop. A BaseException,
    like KeyboardInterrupt, so core code that reports `Exception`s passes it through (and
    its transactions roll back)."""


class WorkerContext:
    """What a job sees of its worker: stop flag, progress and intermediate results."""

    PROGRESS_INTERVAL_S = 0.05  # at most 20 progress signals a second: never flood the GUI

    def __init__(self, worker: "Worker") -> None:
        self._worker = worker
        self._stop = threading.Event()
        self._last_progress = 0.0

    def should_stop(self) -> bool:
        return self._stop.is_set()

    def check(self) -> None:
        """Raise Cancelled if the worker was asked to stop."""
        if self._stop.is_set():
            raise Cancelled()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`, waking at once on stop; returns True if stopped."""
        return self._stop.wait(seconds)

    def progress(self, done: int, total: int, message: str = "") -> None:
        now = time.monotonic()
        if done < total and now - self._last_progress < self.PROGRESS_INTERVAL_S:
            return
        self._last_progress = now
        self._worker.progress.emit(int(done), int(total), message)

    def emit(self, value: Any) -> None:
        """Send an intermediate result to the GUI thread (same as yielding it)."""
        self._worker.yielded.emit(value)


class Worker(QThread):
    """Runs `fn(ctx, *args, **kwargs)` on its own thread.

    Signals (all delivered on the GUI thread): progress(done, total, message), yielded(value),
    returned(result), errored(exception), cancelled(); `finished` (from QThread) always last.
    """

    progress = Signal(int, int, str)
    yielded = Signal(object)
    returned = Signal(object)
    errored = Signal(object)
    cancelled = Signal()

    def __init__(self, fn: Callable[..., Any], *args: Any, name: str = "", **kwargs: Any) -> None:
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.name = name or getattr(fn, "__name__", "work")
        self.ctx = WorkerContext(self)

    def stop(self) -> None:
        """Ask the job to stop at its next check; never blocks."""
        self.ctx._stop.set()

    def run(self) -> None:  # worker thread
        try:
            result = self.fn(self.ctx, *self.args, **self.kwargs)
            if inspect.isgenerator(result):
                result = self._drive(result)
        except Cancelled:
            self.cancelled.emit()
            return
        except BaseException as exc:  # noqa: BLE001 - reported to the GUI, never lost
            self.errored.emit(exc)
            return
        if self.ctx.should_stop():
            self.cancelled.emit()
        else:
            self.returned.emit(result)

    def _drive(self, gen: Any) -> Any:
        while True:
            if self.ctx.should_stop():
                gen.close()
                raise Cancelled()
            try:
                value = next(gen)
            except StopIteration as stop:
                return stop.value
            self.yielded.emit(value)


class WorkerPool(QObject):
    """Keeps running workers alive (a QThread collected while running aborts the process)
    and stops them all when the window closes."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._workers: set[Worker] = set()

    def start(self, worker: Worker) -> Worker:
        self._workers.add(worker)
        worker.finished.connect(lambda w=worker: self._done(w))
        worker.start()
        return worker

    def _done(self, worker: Worker) -> None:
        self._workers.discard(worker)
        worker.deleteLater()

    def running(self) -> list[Worker]:
        """Workers not yet finished (a finished one is dropped and deleted soon after)."""
        return [w for w in self._workers if not w.isFinished()]

    def stop_all(self, timeout_s: float = 30.0) -> bool:
        """Ask every worker to stop and wait for them; returns True if all ended."""
        workers = list(self._workers)
        for worker in workers:
            worker.stop()
        deadline = time.monotonic() + timeout_s
        ok = True
        for worker in workers:
            left_ms = max(0, int((deadline - time.monotonic()) * 1000))
            ok = worker.wait(left_ms) and ok
        return ok
