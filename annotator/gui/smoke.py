"""`annotator gui --smoke`: the window's self-test, for packagers and CI.

It opens the window as a person would (the default project unless --db: seeded with the
sample articles on a first start), then checks, printing one line per step:
1. the window is visible and has painted the document it chose to resume at, whose text is the
   stored text (on a fresh default project: the first sample article);
2. unless --model none: the model has loaded (in its child process, as always) and the
   document's suggestions are there (made by it, or cached by an earlier run).
Then the window closes and the exit status is 0; any failure (a project that cannot be opened
included: no dialog waits for a click), or SMOKE_TIMEOUT_S without an answer, prints why and
gives status 1. Run it with QT_QPA_PLATFORM=offscreen without a display.

It never asks for a name (the remembered one, else the OS user's) and leaves the app's settings
(name, recent projects, window geometry) as they were, so a packager running it in their own
account is still asked their name on the first real start. The default project it opens is
created and seeded as on any first start.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import Any, Callable, Iterator

from PySide6.QtCore import QEvent, QObject, QTimer

from annotator.core.errors import AnnotatorError
from annotator.gui.app import build_window, create_app, model_choice
from annotator.gui.settings import settings

SMOKE_TIMEOUT_S = 120.0


def process_started() -> float:
    """When this process started, on the time.perf_counter() clock: from /proc on Linux (so
    the figures include Python's and the app's own start), else now."""
    now = time.perf_counter()
    try:
        with open(f"/proc/{os.getpid()}/stat", encoding="ascii") as fh:
            start_ticks = int(fh.read().rpartition(")")[2].split()[19])
        with open("/proc/uptime", encoding="ascii") as fh:
            uptime = float(fh.read().split()[0])
        age = uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return now
    return now - max(0.0, age)


class SmokeCheck(QObject):
    """Watches one MainWindow; `code` is None until it is done, then 0 (passed) or 1. Times
    are printed from `started` (a time.perf_counter() value: process_started())."""

    def __init__(self, window: Any, *, started: float, wait_for_model: bool,
                 say: Callable[[str], None] = print, timeout_s: float = SMOKE_TIMEOUT_S) -> None:
        super().__init__(window)
        self.window = window
        self.started = started
        self.wait_for_model = wait_for_model
        self.say = say
        self.code: int | None = None
        self._painted = False
        self._loaded = False
        window.editor.text_edit().viewport().installEventFilter(self)
        window.background.modelLoaded.connect(self._model_loaded)
        window.background.suggestionsArrived.connect(self._suggestions)
        window.background.modelFailed.connect(lambda message: self._fail(f"the model failed to load: {message}"))
        QTimer.singleShot(int(timeout_s * 1000), self, self._timed_out)

    def _say(self, line: str) -> None:
        try:
            self.say(line)
        except (OSError, ValueError):  # stdout closed (e.g. piped to `head`): the status still tells
            pass

    def _elapsed(self) -> str:
        return f"{time.perf_counter() - self.started:.2f} s"

    def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint and not self._painted and self.code is None:
            self._painted = True
            QTimer.singleShot(0, self, self._check_shown)  # after this paint has finished
        return False

    def _check_shown(self) -> None:
        try:
            self._shown()
        except Exception as exc:  # noqa: BLE001 - the self-test reports any failure as its result
            self._fail(f"{type(exc).__name__}: {exc}")

    def _shown(self) -> None:
        window = self.window
        doc_id = window.current_id
        if not window.isVisible():
            return self._fail("the window is not visible")
        if doc_id is None:
            return self._fail(f"the project {window.project.path} has no document to show")
        doc = window.project.store.documents.get_document(doc_id)
        if window.editor.text() != doc.text or not doc.text:
            return self._fail(f"document {doc_id} is not what the editor shows")
        name = doc.meta.get("file") or f"document {doc_id}"
        self._say(f"smoke: window shown in {self._elapsed()}: {window.project.path}, {name} "
                 f"({len(doc.text):,} characters)")
        if not self.wait_for_model:
            return self._pass()
        self._suggestions(None)  # they may be cached already

    def _model_loaded(self, _key: str) -> None:
        self._loaded = True
        self._suggestions(None)

    def _suggestions(self, _ids: Any) -> None:
        try:
            self._suggested()
        except Exception as exc:  # noqa: BLE001 - as in _check_shown
            self._fail(f"{type(exc).__name__}: {exc}")

    def _suggested(self) -> None:
        window = self.window
        if self.code is not None or not self._painted or not self._loaded or window.current_id is None:
            return
        key = window.project.model_key
        if key is None or window.project.store.suggestions.get_suggestions(window.current_id, key) is None:
            return
        shown = window.project.suggestions_for(window.current_id, window.editor.text())
        self._say(f"smoke: model {key} loaded, {len(shown)} suggestions on the first document, "
                 f"in {self._elapsed()}")
        self._pass()

    def _timed_out(self) -> None:
        if self.code is None:
            waiting = ("the first document to be shown" if not self._painted else
                       "the model to load" if not self._loaded else "the model's suggestions")
            self._fail(f"gave up after {self._elapsed()} waiting for {waiting}")

    def _pass(self) -> None:
        self._say("smoke: ok")
        self._finish(0)

    def _fail(self, why: str) -> None:
        if self.code is None:
            self._say(f"smoke: FAILED: {why}")
            self._finish(1)

    def _finish(self, code: int) -> None:
        self.code = code
        self.window.close()


@contextlib.contextmanager
def settings_kept() -> Iterator[None]:
    """The app's settings as they were before, whatever the window wrote meanwhile."""
    store = settings()
    before = {key: store.value(key) for key in store.allKeys()}
    try:
        yield
    finally:
        store = settings()
        store.clear()
        for key, value in before.items():
            store.setValue(key, value)
        store.sync()


def run_smoke(db_path: str | Path, annotator: str | None, model: str | None,
              say: Callable[[str], None] = lambda line: print(line, flush=True)) -> int:
    """`annotator gui --smoke`: open the window on the project, check it (SmokeCheck), close it;
    returns the exit status."""
    started = process_started()
    app = create_app()
    with settings_kept():
        # No name asked: the project's, else the first-run name, else the OS user's, not stored
        # (core/team/identity.py); a packager's run leaves no name behind.
        model = model_choice(model)
        try:
            window = build_window(Path(db_path), annotator, model)
        except AnnotatorError as exc:
            say(f"smoke: FAILED: {exc}")
            return 1
        check = SmokeCheck(window, started=started, wait_for_model=model != "", say=say)
        window.show()
        app.exec()
    return 1 if check.code is None else check.code
