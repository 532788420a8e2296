"""The open project as the window sees it: the GUI thread's store, who annotates, which model
suggests, what is learned from gold. Every write from the window goes through here, and
every change is announced once, by kind; each view subscribes to what it shows (Anki's
operations with change hooks, napari's evented models). A writer never refreshes a view.

Signals:
    opened()                 another project file is now open: reload everything
    annotatorChanged(str)    who works changed (File -> Annotator name, or after opened())
    decisionSaved(int, str)  this annotator's decision (doc id, answer) is on disk
    draftSaved(int)          doc id
    writesWaiting(bool)      the file is busy: writes are kept and retried / all are written
    labelsChanged()
    documentsAdded(int)      how many documents were added (import, merge, sync)
    teamWorkChanged()        decisions or reviews arrived from elsewhere (merge, sync)
    assignmentsChanged()     a team hub sync renewed the documents assigned to this annotator
    reviewSaved(int)         doc id
    disputedChanged()        the set of disputed documents (core/team/gold.py) changed
    modelChanged()           the model to suggest with changed; modelKeyChanged(): its cache key
    matcherChanged()         what is learned from gold (or the pattern matcher) was rebuilt
    patternsEdited()         the project's patterns changed (added, removed, merged, synced)
    matcherStale()           a long document was decided: rebuild what is learned, in a worker
    trainedModelsChanged()   a trained pipeline or a learning curve was recorded
    decisionUndone(int)      this annotator's decision on the document (id) was taken back
    notesChanged(int)        a note was added, edited or deleted on the document (id; -1: any)
    guidelinesChanged()      the guidelines or a label's description changed
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from PySide6.QtCore import QObject, QTimer, Signal

from annotator.core.team import gold as team_gold
from annotator.core.team import identity
from annotator.core.errors import ProjectBusy
from annotator.core.store.journal import DraftChange
from annotator.core.text.model import Span
from annotator.core.store import BUSY_TIMEOUT_S, Store
from annotator.core.learning.suggest import SETTING_MODEL
from annotator.gui import actions
from annotator.gui.actions import Session

HUB_SYNC_SETTING = "hub_sync"  # "on": the window syncs with the project's remembered hub
GUI_BUSY_WAIT_S = 0.05  # a write waits this long for another writer, then is kept and retried
RETRY_MS = 200


def open_store(path: str | Path) -> Store:
    """The window's store: waits 50 ms for another writer, then the write is kept (below)
    and retried, so the window never freezes behind an import."""
    store = Store(path)
    store.set_busy_wait(GUI_BUSY_WAIT_S, 1)
    return store


def _resolve(store: Store, given: str | None) -> identity.Identity:
    """The project's identity; when the busy file cannot take the name now, it is used
    without being remembered (the next opening remembers it)."""
    try:
        return identity.resolve(store, given)
    except ProjectBusy:
        return identity.resolve(store, given, write=False)


@dataclass
class Decision:
    """A decision on its way to the file; seconds and suggested are what the window recorded
    (gui/editor/activity.py), None and () for a decision made without a clock."""

    doc_id: int
    answer: str
    spans: list[Span]
    seconds: float | None = None
    suggested: Sequence[Span] = field(default_factory=tuple)


class Project(QObject):
    opened = Signal()
    annotatorChanged = Signal(str)
    decisionSaved = Signal(int, str)
    draftSaved = Signal(int)
    writesWaiting = Signal(bool)
    labelsChanged = Signal()
    documentsAdded = Signal(int)
    teamWorkChanged = Signal()
    assignmentsChanged = Signal()
    reviewSaved = Signal(int)
    disputedChanged = Signal()
    modelChanged = Signal()
    modelKeyChanged = Signal()
    matcherChanged = Signal()
    matcherStale = Signal()
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
        # The model asked for: a package or folder, None for the project's (else the
        # default), "" for none. model_key is its cache key once located.
        self.model = model
        self.model_error: str | None = None
        self._disputed: set[int] = set()
        # Writes the busy file could not take yet, oldest first; never dropped.
        self._drafts: dict[int, list[Span]] = {}
        self._decision: Decision | None = None
        self._retry = QTimer(self)
        self._retry.setInterval(RETRY_MS)
        self._retry.timeout.connect(self.flush)

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
        return self.store.status(doc_id, self.annotator)

    def spans_to_show(self, doc_id: int, text: str) -> tuple[list[Span], str]:
        return actions.spans_to_show(self.session, doc_id, text)

    def suggestions_for(self, doc_id: int, text: str) -> list[Span]:
        return actions.suggestions_for(self.session, doc_id, text)

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
        self.model_error = None
        self._disputed = set()
        self.opened.emit()
        if renamed:
            self.annotatorChanged.emit(who.name)

    def close(self) -> None:
        self.flush_before_closing()
        self.session.close()

    def set_annotator(self, name: str) -> None:
        """Work as `name` in this project from now on (remembered in it, for this project only)."""
        name = identity.remember(self.store, name)
        self.identity = identity.Identity(name, identity.GIVEN)
        self.session.annotator = name
        self.session.matcher = None  # their own work is part of what they learn from
        self.annotatorChanged.emit(name)

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
            actions.save_draft(self.session, doc_id, spans, change)
        except ProjectBusy:
            self._keep_draft(doc_id, spans)
            return
        self.draftSaved.emit(doc_id)

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
        actions.decide(self.session, d.doc_id, d.answer, d.spans, seconds=d.seconds, suggested=d.suggested)
        if self.session.matcher_stale:
            self.session.matcher_stale = False
            self.matcherStale.emit()
        self._update_disputed(d.doc_id)
        self.decisionSaved.emit(d.doc_id, d.answer)

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
                    actions.save_draft(self.session, doc_id, self._drafts[doc_id])
                    self.draftSaved.emit(doc_id)
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

    # ---- labels ---------------------------------------------------------------------------------
    # The store enforces the label rules (core/text/labels.py); a refusal raises ValueError.
    def _labels_written(self, _result: object = None) -> None:
        self.labelsChanged.emit()

    def add_label(self, name: str, color: str | None = None) -> None:
        self._labels_written(self.store.add_label(name, color))

    def rename_label(self, old: str, new: str) -> None:
        self.store.rename_label(old, new, self.annotator)
        self.labelsChanged.emit()
        self.patternsEdited.emit()  # the old label's patterns now carry the new name

    def set_label_color(self, name: str, color: str) -> None:
        self._labels_written(self.store.set_label_color(name, color))

    def remove_label(self, name: str) -> None:
        self._labels_written(self.store.remove_label(name))

    def set_label_key(self, name: str, key: str | None) -> None:
        self._labels_written(self.store.set_label_key(name, key))

    def use_accessible_palette(self) -> None:
        """Every label gets the accessible palette's colour for its place (core/text/palette.py)."""
        self._labels_written(self.store.use_accessible_palette())

    # ---- work that arrives from elsewhere ---------------------------------------------------------
    def documents_added(self, count: int) -> None:
        """An import (or another writer) added documents."""
        self.documentsAdded.emit(count)

    def imported(self, report: Any) -> None:
        """An import finished: documents, maybe labels and annotations, arrived."""
        if report.labels_added:
            self.labelsChanged.emit()
        self.documentsAdded.emit(report.documents_added)
        if report.annotations.get("added") or report.annotations.get("updated"):
            self.team_work_changed()

    def merged(self, report: Any) -> None:
        """A teammate's project file was merged: documents, labels and their work arrived."""
        if report.labels_added:
            self.labelsChanged.emit()
        self.documentsAdded.emit(report.documents_added)
        self._teamwork_arrived(report.notes, report.guidelines)
        self.team_work_changed()
        if report.patterns["added"] or report.patterns["updated"]:
            self.patternsEdited.emit()

    def _teamwork_arrived(self, notes: Any, guidelines: Any) -> None:
        if notes["added"] or notes["updated"]:
            self.notesChanged.emit(-1)
        if guidelines["added"] or guidelines["updated"]:
            self.guidelinesChanged.emit()

    def synced(self, report: Any) -> None:
        """A team hub sync (core/hub SyncReport) ended: announce what it brought."""
        pulled = report.pulled
        if pulled.labels:
            self.labelsChanged.emit()
        self._teamwork_arrived(pulled.notes, pulled.guidelines)
        if pulled.documents:
            self.documentsAdded.emit(pulled.documents)
        # Teammates' decision records (seconds, suggestions at opening) feed the overview.
        if any(c["added"] or c["updated"] for c in (pulled.decisions, pulled.reviews, pulled.decision_times)):
            self.team_work_changed()
        self.assignmentsChanged.emit()
        if report.patterns.pulled["added"] or report.patterns.pulled["updated"]:
            self.patternsEdited.emit()

    def remember_hub_sync(self, on: bool) -> None:
        """Whether the window syncs this project with its hub when it opens (never the password)."""
        self.store.set_setting(HUB_SYNC_SETTING, "on" if on else "off")

    def team_work_changed(self) -> None:
        """Decisions or reviews arrived from elsewhere: the gold may have changed."""
        self.session.matcher = None
        self.refresh_disputed()
        self.teamWorkChanged.emit()

    # ---- notes, guidelines, undo (core/team/notes.py, guidelines.py, undo.py) -----------------------
    # Each raises AnnotatorError with a one-line reason when the core refuses.
    def add_note(self, doc_id: int, text: str) -> None:
        from annotator.core.team.notes import add_note

        add_note(self.store, doc_id, self.annotator, text)
        self.notesChanged.emit(doc_id)

    def edit_note(self, note_id: int, text: str) -> None:
        from annotator.core.team.notes import edit_note

        self.notesChanged.emit(edit_note(self.store, note_id, self.annotator, text).document_id)

    def delete_note(self, note_id: int) -> None:
        from annotator.core.team.notes import delete_note

        self.notesChanged.emit(delete_note(self.store, note_id, self.annotator).document_id)

    def set_guidelines(self, text: str) -> None:
        from annotator.core.team.guidelines import set_guidelines

        set_guidelines(self.store, text, self.annotator)
        self.guidelinesChanged.emit()

    def describe_label(self, label: str, text: str, examples: Sequence[str]) -> None:
        from annotator.core.team.guidelines import describe_label

        describe_label(self.store, label, text, self.annotator, examples)
        self.guidelinesChanged.emit()

    def undo_decision(self, doc_id: int) -> Any:
        """Take back this annotator's decision on `doc_id` (core/team/undo.py); returns the
        UndoResult. The gold it taught is unlearned, the disputed set updated."""
        from annotator.core.team.undo import undo_decision

        if self.waiting and not self.flush():
            raise ProjectBusy("the project file is busy: try again in a moment")
        result = undo_decision(self.store, doc_id, self.annotator)
        self.session.drafts.forget(doc_id)
        if self.session.matcher is not None:
            teaches = team_gold.learned_version(self.store, doc_id, self.annotator)
            if teaches is None:
                self.session.matcher.remove(doc_id)
            else:
                self.session.matcher.add(doc_id, self.store.get_document(doc_id).text, list(teaches))
        self._update_disputed(doc_id)
        self.decisionUndone.emit(doc_id)
        return result

    def save_review(self, doc_id: int, reviewer: str, spans: Iterable[Span], sources: Iterable[str]) -> None:
        from annotator.core.team.review import accept_review

        accept_review(self.store, doc_id, reviewer, list(spans), sources)
        self._reviewed([doc_id])

    def auto_accept(self, reviewer: str, *, majority: bool = False) -> Any:
        """Review every unanimous document two or more annotators accepted and, with `majority`,
        every one whose majority version is complete (the project's k); returns the core's
        AutoAccepted (how many of each, how many disputed are left)."""
        from annotator.core.team.majority import auto_accept, min_agreement

        ids = [doc_id for doc_id, _ in team_gold.unanimous_shared(self.store)]
        done = auto_accept(self.store, reviewer, min_agreement(self.store), majority=majority)
        self._reviewed(ids + done.majority_ids)
        return done

    def _reviewed(self, doc_ids: list[int]) -> None:
        if self.session.matcher is not None:  # a review now teaches instead of the versions
            for doc_id in doc_ids:
                teaches = team_gold.learned_version(self.store, doc_id, self.annotator)
                if teaches is not None:
                    self.session.matcher.add(doc_id, self.store.get_document(doc_id).text, list(teaches))
        for doc_id in doc_ids:
            self._update_disputed(doc_id)
            self.reviewSaved.emit(doc_id)

    # ---- the team gold's disputed documents -------------------------------------------------------
    def refresh_disputed(self) -> None:
        self._set_disputed(set(team_gold.disputed_ids(self.store)))

    def dispute_reasons(self, doc_id: int) -> tuple[str, ...]:
        """Why the document is disputed ("accept vs reject", "spans differ"; core/team/gold.py)."""
        return team_gold.dispute_reasons(self.store.annotations_for_document(doc_id), self.store.get_review(doc_id))

    def set_disputed(self, ids: Iterable[int]) -> None:
        """From a background count (start-up of a large project)."""
        self._set_disputed(set(ids))

    def _update_disputed(self, doc_id: int) -> None:
        versions = self.store.annotations_for_document(doc_id)
        now = team_gold.is_disputed(versions, self.store.get_review(doc_id))
        if now != (doc_id in self._disputed):
            self._set_disputed(self._disputed ^ {doc_id})

    def _set_disputed(self, ids: set[int]) -> None:
        if ids != self._disputed:
            self._disputed = ids
            self.disputedChanged.emit()

    # ---- the model and what is learned from gold ----------------------------------------------------
    def set_model(self, model: str | None, *, remember: bool = True) -> None:
        """Suggest with `model` (a package or folder; None: the project's or the default;
        "": none). A named model is remembered in the project (the CLI uses it too)."""
        if model and remember:
            self.store.set_setting(SETTING_MODEL, model)
        self.model = model
        self.model_error = None
        self.session.model_key = None
        self.modelChanged.emit()

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

    def patterns_saved(self, report: Any) -> None:
        """A worker added patterns (and maybe labels) to the project file."""
        if report.labels_added:
            self.labelsChanged.emit()
        self.patternsEdited.emit()

    def remove_patterns(self, ids: Iterable[int]) -> int:
        removed = self.store.remove_patterns(ids, author=self.annotator)
        self.patternsEdited.emit()
        return removed

    def trained_model_recorded(self) -> None:
        self.trainedModelsChanged.emit()
