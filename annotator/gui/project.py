"""The open project as the window sees it: the GUI thread's store, who annotates, which model
suggests, what is learned from gold, the document being edited (gui/model/open_document.py).

Every write is an operation of the core (core/ops) that returns what it changed (`Changes`:
core/ops/changes.py); `apply()` is the one place where a Changes becomes signals (Anki's
OpChanges and operation_did_execute). Each view subscribes to what it shows and updates just
that: one row of the document list, the disputed state of those documents, the gold
matcher's entries for them. A writer never refreshes a view.

Other writers (the command line, a second window, a merge or a sync run outside, and the
window's own workers, which write on connections of their own) are found by polling: every
POLL_MS the Project asks its ChangeWatcher (core/ops/watch.py), one `PRAGMA data_version`,
and when another connection committed, reads the change log into a Changes and applies it
like its own.

Signals:
    opened()                 another project file is now open: reload everything
    annotatorChanged(str)    who works changed (File -> Annotator name, or the project opened
                             keeps another name: then after opened())
    changed(Changes)         every change, once, whoever made it (views that want the ids)
    decisionSaved(int, str)  this window's decision (doc id, answer) is on disk: move on
    draftSaved(int)          this window's draft of doc id is on disk
    reviewSaved(int)         this window's review of doc id is on disk
    writesWaiting(bool)      the file is busy: writes are kept and retried / all are written
    labelsChanged()
    settingsChanged(frozenset) the keys of the project settings that changed
    documentsAdded(int)      how many documents were added (import, merge, sync, elsewhere)
    workChanged(object)      decisions, drafts or reviews of these doc ids changed (None: any)
    teamWorkChanged(object)  decisions or reviews of these doc ids (None: any) came from
                             elsewhere than this window (merge, sync, import, another program)
    assignmentsChanged()     the documents the team hub assigned to this annotator changed
    disputedChanged()        the set of disputed documents (core/team/gold.py) changed
    disputedStale()          too much changed to check here: count them again, in a worker
    modelChanged()           the model to suggest with changed (see `model`)
    modelKeyChanged()        its suggestion-cache key is known (or unknown again)
    matcherChanged()         what is learned from gold changed (rebuilt, or learned in place),
                             or the pattern matcher was rebuilt
    matcherStale()           what is learned from gold must be rebuilt, in a worker
    matcherLearn(frozenset)  what these documents teach changed: learn it in a worker
    patternsEdited()         the project's patterns changed (added, removed, renamed with their
                             label, merged, synced, or elsewhere): rebuild the pattern matcher
    trainedModelsChanged()   a trained pipeline or a learning curve was recorded
    decisionUndone(int)      this annotator's decision on the document (id) was taken back
    notesChanged(int)        a note was added, edited or deleted on the document (id; -1: any)
    guidelinesChanged()      the guidelines or a label's description changed
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from PySide6.QtCore import QObject, QTimer, Signal

from annotator.core.errors import AnnotatorError, ProjectBusy
from annotator.core.ops import identity as identity_ops
from annotator.core.ops import settings as setting_ops
from annotator.core.ops import work
from annotator.core.ops.changes import BY_ELSEWHERE, BY_WINDOW, Changes
from annotator.core.ops.watch import ChangeWatcher
from annotator.core.store import BUSY_TIMEOUT_S, Store
from annotator.core.store.journal import DraftChange
from annotator.core.team import gold as team_gold
from annotator.core.team.identity import Identity
from annotator.core.text.model import Span
from annotator.gui import actions
from annotator.gui.actions import Session
from annotator.gui.model.open_document import OpenDocument
from annotator.gui.model.project_edits import ProjectEdits

GUI_BUSY_WAIT_S = 0.05  # a write waits this long for another writer, then is kept and retried
RETRY_MS = 200
POLL_MS = 500  # how often the window looks for other writers (a tick costs microseconds)
DISPUTED_IN_PLACE = 200  # documents whose disputed state is checked on the GUI thread; more: a worker
NOTES_ONE_BY_ONE = 20  # documents whose notes changed announced one by one; more: -1 (any)


def open_store(path: str | Path) -> Store:
    """The window's store: waits 50 ms for another writer, then the write is kept (below)
    and retried, so the window never freezes behind an import."""
    store = Store(path)
    store.set_busy_wait(GUI_BUSY_WAIT_S, 1)
    return store


def _resolve(store: Store, given: str | None) -> Identity:
    """The project's identity, on opening (before the window watches the file: what it
    remembers needs no announcing); when the busy file cannot take the name now, it is used
    without being remembered (the next opening remembers it)."""
    try:
        return identity_ops.resolve(store, given, by=BY_WINDOW)[0]
    except ProjectBusy:
        return identity_ops.resolve(store, given, by=BY_WINDOW, write=False)[0]


@dataclass
class Decision:
    """A decision on its way to the file; seconds and suggested are what the window recorded
    (gui/editor/activity.py), None and () for a decision made without a clock."""

    doc_id: int
    answer: str
    spans: list[Span]
    seconds: float | None = None
    suggested: Sequence[Span] = field(default_factory=tuple)


class Project(QObject, ProjectEdits):
    opened = Signal()
    annotatorChanged = Signal(str)
    changed = Signal(object)
    decisionSaved = Signal(int, str)
    draftSaved = Signal(int)
    reviewSaved = Signal(int)
    writesWaiting = Signal(bool)
    labelsChanged = Signal()
    settingsChanged = Signal(object)
    documentsAdded = Signal(int)
    workChanged = Signal(object)
    teamWorkChanged = Signal(object)
    assignmentsChanged = Signal()
    disputedChanged = Signal()
    disputedStale = Signal()
    modelChanged = Signal()
    modelKeyChanged = Signal()
    matcherChanged = Signal()
    matcherStale = Signal()
    matcherLearn = Signal(object)
    patternsEdited = Signal()
    trainedModelsChanged = Signal()
    decisionUndone = Signal(int)
    notesChanged = Signal(int)
    guidelinesChanged = Signal()

    def __init__(self, path: str | Path, annotator: str | None, model: str | None = "",
                 parent: QObject | None = None) -> None:
        """`annotator`: a name the person gave (remembered in this project), or None for the
        project's identity (core/team/identity.py: its name, else the first-run name, else the
        operating-system user name, then `identity.chosen` is False)."""
        super().__init__(parent)
        self.path = Path(path)
        store = open_store(self.path)
        try:
            self.identity = _resolve(store, annotator)
        except BaseException:
            store.close()
            raise
        self.session = Session(store, self.identity.name)
        self.watcher = ChangeWatcher(self.store)
        self.current = OpenDocument(self)
        self.current.set_labels(self.store.labels.all())
        # The model asked for: a package or folder, None for the project's (else the
        # default), "" for none. model_key is its cache key once located.
        self.model = model
        self.model_error: str | None = None
        self._disputed: set[int] = set()
        self.counting_disputed = False  # a worker counts them (gui/model/background.py)
        # Writes the busy file could not take yet, oldest first; never dropped.
        self._drafts: dict[int, list[Span]] = {}
        self._decision: Decision | None = None
        self._retry = QTimer(self)
        self._retry.setInterval(RETRY_MS)
        self._retry.timeout.connect(self.flush)
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self.check_changes)
        self._poll.start()

    # ---- what views read -------------------------------------------------------------------
    @property
    def store(self) -> Store:
        return self.session.store

    @property
    def annotator(self) -> str:
        return self.session.annotator

    @property
    def model_key(self) -> str | None:
        return self.session.model_key

    @property
    def matcher(self) -> Any:
        return self.session.matcher

    def disputed(self) -> set[int]:
        return self._disputed

    def status(self, doc_id: int) -> str:
        return self.store.drafts.status(doc_id, self.annotator)

    def spans_to_show(self, doc_id: int, text: str) -> tuple[list[Span], str]:
        return actions.spans_to_show(self.session, doc_id, text)

    def suggestions_for(self, doc_id: int, text: str) -> list[Span]:
        return actions.suggestions_for(self.session, doc_id, text)

    # ---- the one place where a change becomes signals ---------------------------------------
    def apply(self, changes: Changes) -> None:
        """Announce what changed, once, by kind (see the module docstring); the Project's
        own state (labels of the open document, disputed set, gold matcher, model) first."""
        if changes.by == BY_WINDOW:
            self.watcher.own_write()  # not announced again by the next poll
        if not changes:
            return
        if changes.labels:
            self.current.set_labels(self.store.labels.all())
            self.labelsChanged.emit()
        if changes.patterns:
            self.patternsEdited.emit()
        if changes.guidelines:
            self.guidelinesChanged.emit()
        if changes.notes:
            ids = changes.note_ids
            for doc_id in sorted(ids) if ids is not None and len(ids) <= NOTES_ONE_BY_ONE else (-1,):
                self.notesChanged.emit(doc_id)
        if changes.settings:
            self.settingsChanged.emit(changes.settings)
        if changes.model and (changes.by == BY_WINDOW or self.model is None):  # None: the project's
            self.model_error, self.session.model_key = None, None
            self.modelChanged.emit()
        if changes.documents:
            self.documentsAdded.emit(changes.new_documents)
        if changes.work:
            self.workChanged.emit(changes.doc_ids)  # (the list's statuses first: views read them)
        if changes.gold:
            self._gold_changed(changes.doc_ids, changes.by == BY_WINDOW)
        if changes.work:
            if changes.by != BY_WINDOW and changes.gold:
                self.teamWorkChanged.emit(changes.doc_ids)
            elif changes.by == BY_WINDOW:
                for doc_id in sorted(changes.doc_ids or ()):
                    if changes.reviews:
                        self.reviewSaved.emit(doc_id)
                    elif changes.drafts and not changes.decisions:
                        self.draftSaved.emit(doc_id)
        if changes.assignments:
            self.assignmentsChanged.emit()
        if changes.trained:
            self.trainedModelsChanged.emit()
        self.changed.emit(changes)

    def check_changes(self, by: str = BY_ELSEWHERE) -> Changes:
        """Look for writes of other connections (the timer's tick; `by` names a worker of
        ours that just finished writing) and apply them."""
        try:
            changes = self.watcher.poll(by)
        except (sqlite3.Error, AnnotatorError):
            return Changes(by=by)  # busy or unreadable now: the next tick tries again
        self.apply(changes)
        return changes

    # ---- the project file and who works on it ---------------------------------------------------
    def open(self, path: str | Path) -> None:
        """Switch to another project file (raises AnnotatorError if it cannot be opened;
        the current one stays open then)."""
        store = open_store(path)
        try:
            who = _resolve(store, None)  # each project keeps its own name (core/team/identity.py)
        except BaseException:
            store.close()
            raise
        self.flush_before_closing()
        self.session.close()
        self.path = Path(path)
        renamed = who.name != self.session.annotator
        self.identity = who
        self.session = Session(store, who.name)
        self.watcher = ChangeWatcher(store)
        self.model_error = None
        self._disputed, self.counting_disputed = set(), False
        self.current.close()
        self.current.set_labels(store.labels.all())
        self.opened.emit()
        if renamed:
            self.annotatorChanged.emit(who.name)

    def close(self) -> None:
        self._poll.stop()
        self.flush_before_closing()
        self.session.close()

    def set_annotator(self, name: str) -> None:
        """Work as `name` in this project from now on (remembered in it, for this project only)."""
        who, changes = identity_ops.remember(self.store, name, by=BY_WINDOW)
        self.identity = who
        self.session.annotator = who.name
        self.session.matcher = None  # their own work is part of what they learn from
        self.apply(changes)
        self.annotatorChanged.emit(who.name)

    # ---- decisions and drafts -----------------------------------------------------------------
    @property
    def waiting(self) -> bool:
        return bool(self._drafts) or self._decision is not None

    @property
    def waiting_decision(self) -> Decision | None:
        return self._decision

    def save_draft(self, doc_id: int, spans: Iterable[Span], change: DraftChange | None = None) -> None:
        """Keep the work in progress (raises AnnotatorError for spans the store refuses).
        `change`: the edit that led to `spans`, if known (see DraftJournal.save)."""
        spans = list(spans)
        if self.waiting and not self.flush():
            self._keep_draft(doc_id, spans)  # nothing may overtake a waiting write
            return
        try:
            changes = work.save_draft(actions.journal(self.session), doc_id, spans, change, by=BY_WINDOW)
        except ProjectBusy:
            self._keep_draft(doc_id, spans)
            return
        self.apply(changes)

    def decide(self, doc_id: int, answer: str, spans: Iterable[Span], *, seconds: float | None = None,
               suggested: Sequence[Span] = ()) -> bool:
        """Accept / reject / skip. True when it is on disk now (decisionSaved was emitted);
        False when the file is busy: it is kept, retried, and announced when written.
        seconds: the active time on the document, recorded with the decision together with
        `suggested`, the spans suggested when it was opened (store/activity.py).
        Raises AnnotatorError when the store refuses it."""
        decision = Decision(doc_id, answer, list(spans), seconds, tuple(suggested))
        try:
            if self.waiting and not self.flush():
                raise ProjectBusy("the project file is busy")
            self._decide_now(decision)
        except ProjectBusy:
            self._decision = decision
            self._start_waiting()
            return False
        return True

    def _decide_now(self, d: Decision) -> None:
        changes = work.decide(self.store, d.doc_id, self.annotator, d.answer, d.spans, by=BY_WINDOW,
                              seconds=d.seconds, suggested=d.suggested)
        actions.journal(self.session).forget(d.doc_id)
        self.apply(changes)
        self.decisionSaved.emit(d.doc_id, d.answer)  # the initiator's callback: the window moves on

    def _keep_draft(self, doc_id: int, spans: list[Span]) -> None:
        self._drafts[doc_id] = spans
        self._start_waiting()

    def _start_waiting(self) -> None:
        if not self._retry.isActive():
            self._retry.start()
        self.writesWaiting.emit(True)  # also when a decision joins waiting drafts

    def flush(self) -> bool:
        """Try every waiting write once, oldest first; True when nothing is left waiting."""
        try:
            decided = self._decision.doc_id if self._decision else None
            for doc_id in list(self._drafts):
                if doc_id != decided:  # a decision replaces its document's draft
                    self.apply(work.save_draft(actions.journal(self.session), doc_id, self._drafts[doc_id],
                                               by=BY_WINDOW))
                del self._drafts[doc_id]
            if self._decision is not None:
                decision, self._decision = self._decision, None
                try:
                    self._decide_now(decision)
                except ProjectBusy:
                    self._decision = decision
                    raise
        except ProjectBusy:
            return False
        if self._retry.isActive():
            self._retry.stop()
            self.writesWaiting.emit(False)
        return True

    def flush_before_closing(self) -> None:
        """Leaving: writes still waiting for the file now wait as long as the CLI would."""
        if self.waiting:
            self.store.set_busy_wait(BUSY_TIMEOUT_S, 20)
            self.flush()

    # ---- reviews --------------------------------------------------------------------------------
    def save_review(self, doc_id: int, reviewer: str, spans: Iterable[Span], sources: Iterable[str]) -> None:
        self.apply(work.review(self.store, doc_id, reviewer, spans, sources, by=BY_WINDOW))

    def auto_accept(self, reviewer: str, *, majority: bool = False) -> Any:
        """Review every unanimous document two or more annotators accepted and, with `majority`,
        every one whose majority version is complete (the project's k); returns the core's
        AutoAccepted (how many of each, how many disputed are left)."""
        from annotator.core.team.majority import min_agreement

        done, changes = work.auto_accept(self.store, reviewer, min_agreement(self.store), majority=majority,
                                         by=BY_WINDOW)
        self.apply(changes)
        return done

    # ---- the team gold: disputed documents and what is learned ---------------------------------
    def _gold_changed(self, doc_ids: frozenset[int] | None, own: bool) -> None:
        """Decisions or reviews of these documents changed: their disputed state, checked
        here for a few (else counted in a worker), and what they teach: the window's own few
        learned here, as the person goes; others' in a worker (gui/model/background.py), as a
        new phrase makes the matcher count it in every gold document; a rebuild only when
        too many changed to list."""
        if doc_ids is None or len(doc_ids) > DISPUTED_IN_PLACE or self.counting_disputed:
            self.disputedStale.emit()  # (a count running now may have read before this change)
        else:
            disputed = set(self._disputed)
            for doc_id in doc_ids:
                versions = self.store.annotations.annotations_for_document(doc_id)
                if team_gold.is_disputed(versions, self.store.reviews.get_review(doc_id)):
                    disputed.add(doc_id)
                else:
                    disputed.discard(doc_id)
            self._set_disputed(disputed)
        if doc_ids is None:
            self.session.rebuilding = True
            self.matcherStale.emit()
        elif own and actions.learn_from(self.session, doc_ids):
            if self.session.matcher is not None:
                self.matcherChanged.emit()  # what other documents are suggested may differ now
        else:
            self.matcherLearn.emit(doc_ids)

    def dispute_reasons(self, doc_id: int) -> tuple[str, ...]:
        """Why the document is disputed ("accept vs reject", "spans differ"; core/team/gold.py)."""
        return team_gold.dispute_reasons(self.store.annotations.annotations_for_document(doc_id), self.store.reviews.get_review(doc_id))

    def set_disputed(self, ids: Iterable[int]) -> None:
        """From a background count (start-up of a large project, or after a big change)."""
        self.counting_disputed = False
        self._set_disputed(set(ids))

    def _set_disputed(self, ids: set[int]) -> None:
        if ids != self._disputed:
            self._disputed = ids
            self.disputedChanged.emit()

    # ---- the model and what is learned from gold ----------------------------------------------------
    def set_model(self, model: str | None, *, remember: bool = True) -> None:
        """Suggest with `model` (a package or folder; None: the project's or the default;
        "": none). A named model is remembered in the project (the CLI uses it too)."""
        changes = (setting_ops.use_model(self.store, model, by=BY_WINDOW) if model and remember
                   else Changes(by=BY_WINDOW, model=True))  # the window's choice only
        self.model = model
        self.apply(changes)

    def set_model_key(self, key: str | None) -> None:
        if key != self.session.model_key:
            self.session.model_key = key
            self.modelKeyChanged.emit()

    def model_failed(self, message: str) -> None:
        self.model_error = message
        self.session.model_key = None
        self.modelKeyChanged.emit()

    def set_matcher(self, matcher: Any) -> None:
        self.session.set_matcher(matcher)
        self.matcherChanged.emit()

    # ---- patterns (core/learning/patterns) ---------------------------------------------------------
    def set_patterns(self, matcher: Any) -> None:
        """The pattern matcher built in a worker (None: the project has no patterns)."""
        self.session.patterns = matcher
        self.matcherChanged.emit()
