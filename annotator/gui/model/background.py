"""The window's suggestion engine: the model loading and pre-annotating ahead of the person
(in a child process), what is learned from gold, tokens for the open document, and the
disputed-document count of a large project. It runs jobs (annotator/jobs) through the
TaskRunner, writes what it learns into the Project (model key, matcher, disputed set) and
announces the rest by signals; it never touches a widget.

It listens to the Project: a new model, annotator, project file or teammates' work restarts
what depends on it.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QObject, Signal

from annotator.gui.project import Project
from annotator.gui.tasks import TaskRunner
from annotator.jobs import tasks as jobs

_TOKEN_CACHE = 64
LEARN_IN_WORKER = 2_000  # documents learned into the matcher in place (in a worker); more: rebuilt
SUGGEST = "suggest"  # the task key of pre-annotation


class Background(QObject):
    """Signals: tokensReady(doc_id, tokens), suggestionsArrived(doc ids),
    modelStatus(text for the status bar), modelLoaded(model key), modelFailed(message)."""

    tokensReady = Signal(int, object)
    suggestionsArrived = Signal(object)
    modelStatus = Signal(str)
    modelLoaded = Signal(str)
    modelFailed = Signal(str)

    def __init__(self, project: Project, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.tasks = tasks
        self.lookahead = jobs.Lookahead()
        self.started = False
        self._tokens: OrderedDict[int, list[Any]] = OrderedDict()
        self._token_busy = False
        self._token_pending: tuple[int, str] | None = None
        self._patterns_asked = 0
        project.modelChanged.connect(self._restart_model)
        project.opened.connect(self._project_opened)
        project.annotatorChanged.connect(lambda _name: self.reload_matcher())
        project.matcherStale.connect(self.reload_matcher)
        project.matcherLearn.connect(self.learn)
        project.matcherChanged.connect(self._learn_next)
        project.disputedStale.connect(self._count_disputed)
        project.patternsEdited.connect(self.reload_patterns)
        self._requests = {"matcher": 0, "disputed": 0}  # the latest of each wins
        self._to_learn: set[int] = set()
        self.learning = False
        self.rebuilds = self.learned = 0  # matcher jobs started (tests count them)

    # ---- life cycle ----------------------------------------------------------------------
    def start(self) -> None:
        """Called once the window has painted: nothing here may delay the first frame."""
        self.started = True
        self.reload_matcher()
        self.reload_patterns()
        self._count_disputed()
        self._restart_model()
        self._next_tokens()

    def stop(self) -> None:
        self._token_busy = False
        self._token_pending = None
        self.tasks.stop_all()

    def _project_opened(self) -> None:
        self._tokens.clear()
        if self.started:
            self.stop()
            self.start()

    # ---- tokens -------------------------------------------------------------------------
    def cached_tokens(self, doc_id: int) -> list[Any] | None:
        return self._tokens.get(doc_id)

    def document_opened(self, doc_id: int, text: str, upcoming: list[int]) -> None:
        """The person opened a document: tokenize it, and pre-annotate what comes next first."""
        self.lookahead.set(upcoming)
        if doc_id not in self._tokens:
            self._token_pending = (doc_id, text)
            self._next_tokens()

    def set_lookahead(self, upcoming: list[int]) -> None:
        self.lookahead.set(upcoming)

    def _next_tokens(self) -> None:
        if not self.started or self._token_busy or self._token_pending is None:
            return
        doc_id, text = self._token_pending
        self._token_pending = None
        self._token_busy = True
        self.tasks.run(jobs.tokenize_job, doc_id, text, self.project.store.settings.lang, name="tokenizer",
                       on_returned=self._tokens_ready, on_finished=self._tokens_done)

    def _tokens_ready(self, result: tuple[int, list[Any]]) -> None:
        doc_id, tokens = result
        self._tokens[doc_id] = tokens
        while len(self._tokens) > _TOKEN_CACHE:
            self._tokens.popitem(last=False)
        self.tokensReady.emit(doc_id, tokens)

    def _tokens_done(self) -> None:
        self._token_busy = False
        self._next_tokens()

    # ---- gold matcher and disputed documents ---------------------------------------------------
    def reload_matcher(self) -> None:
        """(Re)build what is learned from gold: the team gold plus this annotator's own work.
        What the window learns meanwhile is replayed into it (Session.rebuilding)."""
        if self.started:
            self.project.session.rebuilding = True
            self._to_learn.clear()  # the rebuild reads them from the store
            self.rebuilds += 1
            self.tasks.run(jobs.matcher_job, self.project.path, self.project.annotator, name="matcher",
                           on_returned=self._latest("matcher", self.project.set_matcher))

    def learn(self, doc_ids: frozenset[int]) -> None:
        """What these documents teach changed: the matcher's entries for them are updated in
        a worker, which holds the matcher meanwhile (the window suggests without it for that
        moment; what the person decides then is replayed into it: Session.pending_gold)."""
        if len(doc_ids) > LEARN_IN_WORKER:
            return self.reload_matcher()
        self._to_learn |= doc_ids
        self._learn_next()

    def _learn_next(self) -> None:
        session = self.project.session
        if not self.started or self.learning or not self._to_learn or session.matcher is None or session.rebuilding:
            return  # after the matcher comes back (matcherChanged)
        matcher, doc_ids = session.matcher, sorted(self._to_learn)
        self._to_learn.clear()
        session.matcher, self.learning = None, True
        self.learned += 1

        def finished() -> None:
            self.learning = False
            self._learn_next()
        self.tasks.run(jobs.learn_job, self.project.path, self.project.annotator, matcher, doc_ids, name="matcher",
                       on_returned=self._latest("matcher", self.project.set_matcher), on_finished=finished,
                       on_error=lambda _exc: self.reload_matcher())  # it held the matcher: build another

    def reload_patterns(self) -> None:
        """(Re)build the pattern matcher (core/learning/patterns) off the GUI thread."""
        if self.started:
            self._patterns_asked += 1
            asked = self._patterns_asked  # an older build finishing later is dropped
            self.tasks.run(jobs.patterns_job, self.project.path, name="patterns",
                           on_returned=lambda m: self.project.set_patterns(m) if asked == self._patterns_asked
                           else None)

    def _count_disputed(self) -> None:
        """Count the disputed documents in a worker; changes meanwhile ask for another count."""
        self.project.counting_disputed = True
        self.tasks.run(jobs.disputed_job, self.project.path, name="disputed",
                       on_returned=self._latest("disputed", self.project.set_disputed))

    def _latest(self, what: str, callback: Any) -> Any:
        """`callback`, dropped if another `what` was asked for since."""
        self._requests[what] += 1
        request = self._requests[what]
        return lambda result: callback(result) if request == self._requests[what] else None

    # ---- the model ------------------------------------------------------------------------------
    def _restart_model(self) -> None:
        """(Re)start pre-annotation with the project's model (Project.model)."""
        if not self.started:
            return
        self.stop_suggestions(quiet=True)
        model = self.project.model
        if model == "":
            self.modelStatus.emit("none (manual labelling)")
            return
        if model is None:  # the project's model, as `annotator suggest --model` left it
            from annotator.core.learning.suggest import project_model

            model = project_model(self.project.store)
        self.modelStatus.emit(f"loading {model}…")
        self.tasks.run(jobs.suggest_job, self.project.path, model, self.lookahead, name="model",
                       key=SUGGEST, title="Loading model", labels=self.project.store.labels.label_names(),
                       on_yielded=self._suggest_event, on_error=self._model_failed)

    def stop_suggestions(self, quiet: bool = False) -> None:
        worker = self.tasks.worker(SUGGEST)
        if worker is not None:
            worker.stop()  # it ends in the background; its results are dropped
            self.tasks.end(SUGGEST, "" if quiet else "Pre-annotation stopped")

    def _suggest_event(self, event: tuple[Any, ...]) -> None:
        if event[0] in ("located", "loaded"):
            _, key, name = event
            loaded = event[0] == "loaded"
            self.project.set_model_key(key)
            self.modelStatus.emit(name if loaded else f"loading {name}…")
            self.tasks.progress(SUGGEST, 0, 0, "Pre-annotating" if loaded else "Loading model")
            self.suggestionsArrived.emit(None)  # cached suggestions can show now
            if loaded:
                self.modelLoaded.emit(key)
        elif event[0] == "suggested":
            self.suggestionsArrived.emit(list(event[1]))

    def _model_failed(self, exc: BaseException) -> None:
        message = str(exc) or type(exc).__name__
        self.project.model_failed(message)
        self.modelStatus.emit("none (failed to load)")
        self.tasks.end(SUGGEST)
        self.modelFailed.emit(message)
