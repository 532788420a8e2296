"""The window's background work: model loading and pre-annotation ahead of the person, the
gold matcher, tokens for the open document, import and export. Every job runs in a Worker
(gui/workers.py) with its own Store; results come back as signals on the GUI thread."""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from annotator.gui import dialogs, jobs
from annotator.gui.workers import Worker, WorkerPool

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow

_TOKEN_CACHE = 64
SETTING_MODEL = "suggest.model"  # shared with annotator.core.suggest and the CLI


def _module_available(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


class Background(QObject):
    """Starts, feeds and stops the window's workers."""

    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.w = window
        self.pool = WorkerPool(self)
        self.lookahead = jobs.Lookahead()
        self.started = False
        self.generation = 0  # bumped on stop: results of older workers are dropped
        self.suggest_worker: Worker | None = None
        self.model_error: str | None = None
        self._tokens: OrderedDict[int, list[Any]] = OrderedDict()
        self._token_worker: Worker | None = None
        self._token_pending: tuple[int, str] | None = None

    # ---- life cycle ----------------------------------------------------------------------
    def start(self) -> None:
        """Called once the window has painted: nothing here may delay the first frame."""
        self.started = True
        self.reload_matcher()
        if self.w.model_name != "":
            self.load_model(self.w.model_name)
        if self._token_pending is not None:
            self._next_tokens()

    def stop(self) -> None:
        self.generation += 1
        self.suggest_worker = None
        self._token_worker = None
        self._token_pending = None
        self.pool.stop_all()
        for key in ("suggest", "import", "export", "merge", "train"):
            self.w.status.end_task(key)

    def _run(self, fn: Any, *args: Any, name: str, on_returned: Any = None, on_error: Any = None,
             on_yielded: Any = None, task: str | None = None, title: str = "",
             cancel: Any = None, on_finished: Any = None, **kwargs: Any) -> Worker:
        """Start `fn` in a worker. With `task`, it gets a progress indicator in the status bar.

        Callbacks are dropped once the window has moved on (project switched, model replaced,
        task cancelled): a stale worker never updates what the person now sees."""
        worker = Worker(fn, *args, name=name, **kwargs)
        gen = self.generation
        if task:
            on_cancel = cancel or (lambda: self._cancel(task))
            self.w.status.start_task(task, title or name, on_cancel=on_cancel).worker = worker

        def current() -> bool:
            if gen != self.generation:
                return False
            return not task or getattr(self.w.status.task(task), "worker", None) is worker

        def live(callback: Any) -> Any:
            return lambda *a: callback(*a) if current() else None

        if on_returned:
            worker.returned.connect(live(on_returned))
        worker.errored.connect(live(on_error or self._failed(name)))
        if on_yielded:
            worker.yielded.connect(live(on_yielded))
        if task:
            worker.progress.connect(live(lambda d, t, m: self.w.status.task_progress(task, d, t, m)))
            worker.finished.connect(live(lambda: self.w.status.end_task(task)))
        if on_finished:  # connected before the start: a quick job cannot finish unseen
            worker.finished.connect(on_finished)
        return self.pool.start(worker)

    def _failed(self, name: str) -> Any:
        def show(exc: BaseException) -> None:
            dialogs.show_message(self.w, f"{name.capitalize()} failed", str(exc) or type(exc).__name__)
        return show

    # ---- tokens -------------------------------------------------------------------------
    def cached_tokens(self, doc_id: int) -> list[Any] | None:
        return self._tokens.get(doc_id)

    def document_opened(self, doc_id: int, text: str, upcoming: list[int]) -> None:
        self.lookahead.set(upcoming)
        if doc_id not in self._tokens:
            self._token_pending = (doc_id, text)
            if self.started and self._token_worker is None:
                self._next_tokens()

    def _next_tokens(self) -> None:
        if self._token_pending is None:
            return
        doc_id, text = self._token_pending
        self._token_pending = None
        gen = self.generation
        self._token_worker = self._run(jobs.tokenize_job, doc_id, text, self.w.session.store.lang,
                                       name="tokenizer", on_returned=self._tokens_ready,
                                       on_finished=lambda: self._token_done(gen))

    def _tokens_ready(self, result: tuple[int, list[Any]]) -> None:
        doc_id, tokens = result
        self._tokens[doc_id] = tokens
        while len(self._tokens) > _TOKEN_CACHE:
            self._tokens.popitem(last=False)
        self.w.tokens_ready(doc_id, tokens)

    def _token_done(self, gen: int) -> None:
        if gen == self.generation:
            self._token_worker = None
            self._next_tokens()

    # ---- gold matcher and model -------------------------------------------------------------
    def reload_matcher(self) -> None:
        """(Re)build what is learned from gold, e.g. after a merge brought teammates' gold."""
        if _module_available("annotator.core.learned"):
            self._run(jobs.matcher_job, self.w.db_path, self.w.session.annotator, name="matcher",
                      on_returned=self._matcher_ready)

    def _matcher_ready(self, matcher: Any) -> None:
        self.w.session.set_matcher(matcher)
        self.w.refresh_suggestions()

    def load_model(self, model: str | None) -> None:
        """(Re)start pre-annotation with `model` (None: the default model; "": none)."""
        if self.suggest_worker is not None and self.suggest_worker in self.pool.running():
            self.suggest_worker.stop()  # it ends in the background; its results are dropped
        self.suggest_worker = None
        self.w.model_name = model
        self.w.session.model_key = None
        self.model_error = None
        if model == "":
            self.w.status.set_model("none (manual labelling)")
            self.w.status.end_task("suggest")
            return
        if not _module_available("annotator.core.suggest"):
            self.w.status.set_model("none (suggester not installed)")
            return
        if model is None:  # the project's model, as `annotator suggest --model` left it
            model = self.w.session.store.get_setting(SETTING_MODEL) or None
        self.w.status.set_model(f"loading {model or 'default model'}…")
        labels = self.w.session.store.label_names()
        self.suggest_worker = self._run(
            jobs.suggest_job, self.w.db_path, model or None, self.lookahead, name="model",
            task="suggest", title="Loading model", cancel=self.stop_suggestions, labels=labels,
            on_yielded=self._suggest_event, on_error=self._model_failed)

    def stop_suggestions(self) -> None:
        if self.suggest_worker is not None and self.suggest_worker in self.pool.running():
            self.suggest_worker.stop()
        self.suggest_worker = None
        self.w.status.end_task("suggest", "Pre-annotation stopped")

    def _suggest_event(self, event: tuple[Any, ...]) -> None:
        if event[0] in ("located", "loaded"):
            _, key, name = event
            self.w.session.model_key = key
            loaded = event[0] == "loaded"
            self.w.status.set_model(name if loaded else f"loading {name}…")
            self.w.status.task_progress("suggest", 0, 0, "Pre-annotating" if loaded else "Loading model")
            self.w.refresh_suggestions()
        elif event[0] == "suggested" and self.w.current_id in event[1]:
            self.w.refresh_suggestions()

    def _model_failed(self, exc: BaseException) -> None:
        self.suggest_worker = None
        self.model_error = str(exc) or type(exc).__name__
        self.w.status.set_model("none (failed to load)")
        self.w.status.end_task("suggest")
        dialogs.show_message(self.w, "Model not loaded",
                             f"{self.model_error}\n\nYou can keep labelling by hand; choose another "
                             "model in the Model menu.")

    def documents_changed(self) -> None:
        """New documents: the suggestion job notices when it wakes; wake it now."""
        self.lookahead.set(self.w.doc_panel.upcoming(self.w.current_id, 16))

    # ---- import and export -------------------------------------------------------------------
    def import_paths(self, paths: list[Path]) -> Worker | None:
        if not _module_available("annotator.core.importing"):
            dialogs.show_message(self.w, "Import", "Importing is not available in this installation.")
            return None
        names = ", ".join(p.name for p in paths[:3]) + ("…" if len(paths) > 3 else "")
        return self._task("import", f"Importing {names}", jobs.import_job, self.w.db_path, paths,
                          self.w.session.annotator, on_returned=self._imported)

    def _task(self, key: str, title: str, fn: Any, *args: Any, on_returned: Any) -> Worker:
        """A cancellable job with its own progress indicator in the status bar."""
        return self._run(fn, *args, name=key, task=key, title=title, on_returned=on_returned)

    def run_task(self, key: str, title: str, fn: Any, *args: Any, on_returned: Any,
                 name: str | None = None) -> Worker:
        """Public form of _task (gui/project_actions.py: merge, training); `name` titles errors."""
        return self._run(fn, *args, name=name or key, task=key, title=title, on_returned=on_returned)

    def _cancel(self, key: str) -> None:
        indicator = self.w.status.task(key)
        worker = getattr(indicator, "worker", None)
        if worker is not None:
            worker.stop()
            indicator.label.setText("Stopping…")

    def _imported(self, result: tuple[Any, list[str]]) -> None:
        report, errors = result
        added = getattr(report, "documents_added", None)
        what = f"{added:,} new documents" if isinstance(added, int) else "documents"
        self.w.status.end_task("import", f"Imported {what}")
        self.w.documents_added()
        if errors:
            more = f"\n…and {len(errors) - 20} more" if len(errors) > 20 else ""
            dialogs.show_message(self.w, "Import problems", "\n".join(errors[:20]) + more)

    def export(self, fmt: str, out: Path, options: dict[str, Any]) -> Worker:
        return self._task("export", f"Exporting {fmt}", jobs.export_job, self.w.db_path, fmt, out,
                          options, on_returned=lambda r: self._exported(r, out))

    def _exported(self, result: tuple[Any, list[str]], out: Path) -> None:
        report, warnings = result
        count = getattr(report, "records", None)
        what = f"{count:,} records" if isinstance(count, int) else "the project"
        self.w.status.end_task("export", f"Exported {what} to {out}")
        if warnings:
            more = f"\n…and {len(warnings) - 20} more" if len(warnings) > 20 else ""
            dialogs.show_message(self.w, "Export warnings", "\n".join(warnings[:20]) + more,
                                 icon=dialogs.QMessageBox.Icon.Information)
