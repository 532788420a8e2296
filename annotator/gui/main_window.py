"""The annotation window: it composes the views (document list, label bar, span editor,
header, status bar, panels) over one Project (gui/project.py) and wires the keyboard.

Writes go through the Project, which announces each change by a signal; every view
subscribes to what it shows. The document being edited and the labels are the model's
(Project.current, gui/model/open_document.py): the editor and the label bar follow it. Background
work runs through the TaskRunner (gui/tasks.py) and the suggestion engine
(gui/model/background.py). No helper module is handed the window.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QIcon
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMenu, QSplitter, QVBoxLayout, QWidget

from annotator import __version__
from annotator.core.errors import AnnotatorError
from annotator.core.learning import continuous
from annotator.core.text.model import STATUS_NEW, Span
from annotator.gui import actions, file_actions
from annotator.gui.dialogs import dialogs, project_dialogs, shortcuts_dialog
from annotator.gui.dialogs.patterns_dialog import PatternsDialog
from annotator.gui.hub import hub_dialog
from annotator.gui.model import training
from annotator.gui.panels.accepted_panel import AcceptedPanel
from annotator.gui.editor.activity import DecisionRecorder
from annotator.gui.editor.binding import bind_editor
from annotator.gui.model.background import Background
from annotator.gui.model.continuous import ContinuousLearning
from annotator.gui.panels.doc_list import DocListModel, DocListPanel
from annotator.gui.panels.doc_order import DocOrder
from annotator.gui.hub.hub_sync import HubStatusLabel, HubSync
from annotator.gui.editor.label_bar import LabelBar
from annotator.gui.editor.long_docs import LongDocuments
from annotator.gui.menus import build_menus
from annotator.gui.editor.occurrences import Occurrences
from annotator.gui.panels.overview_panel import OverviewPanel
from annotator.gui.project import Project
from annotator.gui.review.review_windows import ReviewWindows
from annotator.gui.settings import remember_project, settings
from annotator.gui.dialogs.shortcuts import shortcut_rows
from annotator.gui.editor.span_editor import SpanEditor
from annotator.gui.status import StatusBar
from annotator.gui.tasks import TaskRunner
from annotator.gui.theme import appearance
from annotator.gui.team_views import TeamViews
from annotator.paths import resource_path
from annotator.gui import access

APP_NAME = "Annotator"
LOOKAHEAD = 16  # documents pre-annotated ahead of the person
ORIGIN_TEXT = {actions.FROM_DRAFT: "your draft", actions.FROM_ANNOTATION: "your saved annotation",
               actions.FROM_SUGGESTIONS: "suggestions", actions.FROM_NOTHING: "no suggestions yet",
               actions.FROM_LOADING: "the text; spans loading…"}


class MainWindow(QMainWindow):
    """One project, one annotator. `annotator`: a name given for this project, or None for the
    project's identity (core/team/identity.py). `model` is a spaCy package name or path, None for
    the project's (else the default) model, or "" for no suggestions (manual labelling only)."""

    documentShown = Signal(int)  # a document is now on screen (its id)

    def __init__(self, db_path: str | Path, annotator: str | None, model: str | None = "", *,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = Project(db_path, annotator, model, self)
        self.tasks = TaskRunner(self)
        self.background = Background(self.project, self.tasks, self)
        self.continuous = ContinuousLearning(self.project, self.tasks, self)
        self._loading = False
        self._closed = False
        self.setWindowIcon(QIcon(str(resource_path("icons/annotator.svg"))))
        self.setAcceptDrops(True)
        appearance().apply()  # the person's theme and text size (View -> Theme; gui/theme.py)

        self.editor = SpanEditor()
        self.long_docs = LongDocuments(self.project, self.tasks, self.editor, lambda d: d == self.current_id, self)
        self.label_bar = LabelBar()
        bind_editor(self.editor, self.project.current)
        self.label_bar.watch(self.project.current)
        self.list_tasks = TaskRunner(self)  # fills the document list after the first paint
        self.doc_model = DocListModel(self.project, self, fill_in=self.list_tasks)
        self.doc_panel = DocListPanel(self.doc_model)
        self.status = StatusBar()
        self.header = QLabel()
        self.header.setObjectName("docHeader")
        self.header.setAccessibleName("Document")
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.reviews = ReviewWindows(self.project, self)
        self.trained_menu = training.TrainedMenu(self.project, self)
        self.panels_menu = QMenu("&Panels", self)
        self._build_layout()
        # Time per document and the suggestions at opening, recorded with each decision.
        self.recorder = DecisionRecorder(self, [self.editor.text_edit(), self.editor.text_edit().viewport()])
        self.menu_actions = build_menus(self, self._handlers(), {
            "recent": project_dialogs.RecentMenu(self.switch_project, self),
            "trained": self.trained_menu, "panels": self.panels_menu, "theme": appearance().theme_menu(self)})
        self.label_bar.install_keys(self)  # 1-9, 0, q, w…: the label bar's keys
        self.occurrences = Occurrences(self.project, self.tasks, self.editor, self.label_bar.label_for_key, self)
        self.label_all_actions = self.occurrences.install_keys(self)  # Shift + a label key
        self.doc_order = DocOrder(self.project, self.tasks, self.doc_panel, self)  # the list's Order box
        self.menu_actions["keep_improving"].setChecked(self.continuous.enabled())
        self.add_panel(AcceptedPanel(self.project), "Progress")
        self.add_panel(OverviewPanel(self.project, self.tasks), "Overview")
        self.team = TeamViews(self.project, self.editor, self.label_bar, self.add_panel, self.open_document,
                              lambda: self.current_id, self.documentShown, self)  # guidelines, notes, undo
        self._subscribe()
        self._tab_order()
        self.status.watch(self.project, self.tasks, self.background, self.doc_model)
        self.hub = HubSync(self.project, self.tasks, self)  # File -> Team hub...
        self.hub.message.connect(lambda text: self.status.showMessage(text, 8000))
        self.status.addPermanentWidget(HubStatusLabel(self.hub))
        self.status.set_model("none (manual labelling)" if model == "" else f"loading {model or 'default'}…")
        self._update_title()
        self._restore_settings()
        self._open_first()
        access.prepare(self)  # names no control gave itself; Space kept by buttons (gui/access.py)
        # After the first paint: tokenizer, gold matcher and model load in the background.
        QTimer.singleShot(0, self, self.background.start)
        QTimer.singleShot(0, self, self.hub.resume)

    # ---- building ------------------------------------------------------------------------
    def _build_layout(self) -> None:
        right = QWidget()
        col = QVBoxLayout(right)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        col.addWidget(self.label_bar)
        col.addWidget(self.header)
        col.addWidget(self.editor, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.doc_panel)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([300, 900])
        self.setCentralWidget(self.splitter)
        self.setStatusBar(self.status)
        self.resize(1200, 800)

    def _handlers(self) -> dict[str, Any]:
        p, t = self.project, self.tasks
        return {
            "new_project": lambda: self._switch_to(project_dialogs.ask_new_project(self, p)),
            "open_project": lambda: self._switch_to(project_dialogs.ask_open_project(self, p)),
            "import_files": lambda: file_actions.ask_import(self, p, t),
            "import_folder": lambda: file_actions.ask_import(self, p, t, folder=True),
            "export": lambda: file_actions.ask_export(self, p, t),
            "merge": lambda: file_actions.merge_project_file(self, p, t),
            "team_hub": lambda: hub_dialog.ask_hub(self, self.hub),
            "annotator": lambda: project_dialogs.ask_annotator(self, p),
            "quit": self.close,
            "undo": lambda: self.team.undo(), "undo_decision": lambda: self.team.undo_decision(),
            "redo": lambda: self.editor.undo_stack().redo(),
            "delete": self.editor.token_cursor().delete_here,  # the selected span, else the cursor's
            "confirm_all": self.editor.confirm_all,
            "labels": self.edit_labels,
            "accept": self.accept, "reject": self.reject, "skip": self.skip,
            "previous": lambda: self.go(-1), "next": lambda: self.go(+1),
            "find": lambda: self.doc_panel.search.setFocus(),
            "choose_model": lambda: project_dialogs.ask_model(self, p),
            "no_model": lambda: p.set_model("", remember=False),
            "stop_suggest": self.background.stop_suggestions,
            "patterns": lambda: PatternsDialog.show_for(self, p, t),
            "train": lambda: training.train_from_gold(self, p, t),
            "keep_improving": self.continuous.set_enabled,
            "review": self.reviews.open, "guidelines": lambda: self.team.toggle_guidelines(),
            "agreement": lambda: self.reviews.open(focus_agreement=True),
            "shortcuts": self.show_shortcuts,
            "about": self.about,
            "label_picker": self.label_bar.pick,
            "edit_shortcuts": lambda: shortcuts_dialog.open_dialog(self, p, self.label_bar),
            **appearance().handlers(),
        }

    def add_panel(self, widget: QWidget, title: str, *, visible: bool = False) -> QDockWidget:
        """A view docked at the side, shown and hidden from View -> Panels."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"panel-{title}")
        dock.setWidget(widget)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        dock.setVisible(visible)
        self.panels_menu.addAction(dock.toggleViewAction())
        return dock

    def _subscribe(self) -> None:
        p, b = self.project, self.background
        self.editor.spansChanged.connect(self._on_spans_changed)
        self.editor.drawingChanged.connect(self._update_header)
        self.long_docs.shown.connect(self._long_spans_shown)
        # The stack also signals while the window is torn down.
        self.editor.undo_stack().cleanChanged.connect(lambda _c: None if self._closed else self._update_header())
        self.label_bar.labelChosen.connect(self.choose_label)
        self.doc_panel.documentActivated.connect(self.open_document)
        for signal in (self.doc_model.modelReset, self.doc_model.rowsInserted):
            signal.connect(self._update_header)  # "N of M" after an import
        self.doc_model.loaded.connect(lambda: self._documents_added(0))  # filled in a worker
        p.opened.connect(self._project_opened)
        p.annotatorChanged.connect(self._annotator_changed)
        p.decisionSaved.connect(self._decision_saved)
        p.draftSaved.connect(lambda _doc: self._update_header())
        p.writesWaiting.connect(self._writes_waiting)
        p.labelsChanged.connect(self.labels_changed)
        p.settingsChanged.connect(self._settings_changed)
        p.documentsAdded.connect(self._documents_added)
        p.teamWorkChanged.connect(self._team_work_changed)
        p.reviewSaved.connect(lambda doc_id: self._team_work_changed({doc_id}))
        p.matcherChanged.connect(self.refresh_suggestions)
        p.modelKeyChanged.connect(self.refresh_suggestions)
        b.tokensReady.connect(self.tokens_ready)
        b.suggestionsArrived.connect(self._suggestions_arrived)
        b.modelFailed.connect(lambda message: dialogs.show_message(
            self, "Model not loaded", f"{message}\n\nYou can keep labelling by hand; choose another "
            "model in the Model menu."))
        self.tasks.failed.connect(lambda name, message: dialogs.show_message(
            self, f"{name.capitalize()} failed", message))
        for source in (self.occurrences, self.doc_order, self.team):
            source.message.connect(lambda text: self.status.showMessage(text, 8000))

    def _restore_settings(self) -> None:
        s = settings()
        for key, restore in (("window/geometry", self.restoreGeometry), ("window/state", self.restoreState),
                             ("window/splitter", self.splitter.restoreState)):
            value = s.value(key)
            if isinstance(value, QByteArray):
                restore(value)

    def _save_settings(self) -> None:
        s = settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/splitter", self.splitter.saveState())
        remember_project(self.project.path)
        s.sync()

    # ---- documents -----------------------------------------------------------------------
    @property
    def current_id(self) -> int | None:  # the document on screen: the model's (Project.current)
        return self.project.current.doc_id

    @property
    def origin(self) -> str:  # where its spans came from (actions.FROM_...)
        return self.project.current.origin

    def _open_first(self) -> None:
        """Where to resume: a draft first, then the first new document, else the first."""
        first = self.project.store.drafts.resume_document(self.project.annotator)
        if first is not None:
            self.open_document(first)
        else:  # an empty project: nothing to edit until something is imported
            self._set_document(None, "", [], actions.FROM_NOTHING)
            self.editor.set_read_only(True)
            self._update_header()

    def open_document(self, doc_id: int) -> None:
        """Show a document: its draft, else the saved annotation, else suggestions."""
        doc = self.project.store.documents.get_document(doc_id)
        spans, origin = self.long_docs.spans_for(doc_id, doc.text)  # a long one's follow (long_docs.py)
        self.recorder.opened(doc_id, spans if origin in (actions.FROM_SUGGESTIONS, actions.FROM_NOTHING,
                                                         actions.FROM_LOADING)  # not for 5 MB here
                             else self.project.suggestions_for(doc_id, doc.text))
        self._set_document(doc_id, doc.text, spans, origin, self.background.cached_tokens(doc_id))
        self.editor.set_read_only(self.project.waiting_decision is not None or origin == actions.FROM_LOADING)
        self.doc_panel.show_current(doc_id)
        self._update_header()
        self.background.document_opened(doc_id, doc.text, self.doc_panel.upcoming(doc_id, LOOKAHEAD))
        self.editor.text_edit().setFocus()
        self.documentShown.emit(doc_id)

    def _set_document(self, doc_id: int | None, text: str, spans: list[Span], origin: str, tokens: Any = None) -> None:
        """Put it on screen through the model (the editor follows: gui/editor/binding.py)."""
        self._loading = True
        try:
            self.project.current.show(doc_id, text, spans, origin, tokens)
        finally:
            self._loading = False

    def refresh_suggestions(self) -> None:
        """New suggestions or a new matcher: show them if the person has not touched this document."""
        doc_id, text = self.current_id, self.project.current.text
        if doc_id is None or self.origin not in (actions.FROM_NOTHING, actions.FROM_SUGGESTIONS):
            return
        if self.editor.undo_stack().count() or self.doc_model.status(doc_id) != STATUS_NEW:
            return  # edited (a draft exists) or decided: never overwrite the person's work
        if actions.is_long(text):
            return self.long_docs.load(doc_id, text, refresh=True)
        spans = self.project.suggestions_for(doc_id, text)
        if spans and spans != self.editor.spans():
            self.recorder.suggestions_shown(doc_id, spans)
            self._set_document(doc_id, text, spans, actions.FROM_SUGGESTIONS, self.background.cached_tokens(doc_id))
            actions.document_shown(self.project.session, doc_id, text, spans, self.origin)
            self._update_header()

    def _long_spans_shown(self, _doc_id: int, origin: str) -> None:
        self.project.current.set_origin(origin)
        self._update_header()

    def _suggestions_arrived(self, doc_ids: list[int] | None) -> None:
        if doc_ids is None or self.current_id in doc_ids:
            self.refresh_suggestions()

    def tokens_ready(self, doc_id: int, tokens: list[Any]) -> None:
        if doc_id == self.current_id:
            self.editor.set_tokens(tokens)

    def _on_spans_changed(self) -> None:
        if self._loading or self.current_id is None:
            return
        try:
            self.project.save_draft(self.current_id, self.editor.spans(), self.editor.last_change)
        except AnnotatorError as exc:
            self.status.showMessage(f"Draft not saved: {exc}", 8000)

    # ---- decisions and navigation ----------------------------------------------------------
    def decide(self, answer: str) -> bool:
        """Accept / reject / skip the current document; the list moves on when it is on disk."""
        doc_id = self.current_id
        if doc_id is None or self.project.waiting_decision is not None or self.origin == actions.FROM_LOADING:
            return False  # nothing to decide, the last decision still waits, or spans still load
        seconds, suggested = self.recorder.measure(doc_id)
        try:
            self.project.decide(doc_id, answer, self.editor.spans(), seconds=seconds, suggested=suggested)
        except AnnotatorError as exc:
            dialogs.show_message(self, "Not saved", str(exc))
            return False
        self.recorder.decided(doc_id)
        return True

    def _decision_saved(self, doc_id: int, answer: str) -> None:
        """A decision is on disk: go to the next document."""
        if doc_id != self.current_id:
            return
        word = {"accept": "Accepted", "reject": "Rejected", "ignore": "Skipped"}[answer]
        self.status.showMessage(f"{word} document {doc_id}", 4000)
        if not self.go(+1):
            self.open_document(doc_id)  # last one: stay, showing the saved version
            self.status.showMessage(f"{word} document {doc_id}: that was the last in the list", 8000)

    def _writes_waiting(self, waiting: bool) -> None:
        # While a decision waits for the busy file, the window stays on its document.
        self.editor.set_read_only(waiting and self.project.waiting_decision is not None)

    def accept(self) -> bool:
        return self.decide("accept")

    def reject(self) -> bool:
        return self.decide("reject")

    def skip(self) -> bool:
        return self.decide("ignore")

    def go(self, step: int) -> bool:
        """Previous (-1) or next (+1) document in the list; False at either end."""
        target = self.doc_panel.neighbour(self.current_id, step)
        if target is None or self.project.waiting_decision is not None:
            return False
        self.open_document(target)
        return True

    def choose_label(self, name: str) -> None:
        """A label key or button: SpanEditor.choose_label has the rule (relabel the selected
        span, else set the next span's label, which the model owns: gui/editor/binding.py)."""
        self.editor.choose_label(name)

    # ---- what the project announces ------------------------------------------------------------
    def edit_labels(self) -> None:
        dialogs.LabelsDialog(self.project, self).exec()

    def labels_changed(self) -> None:
        """Labels were added, renamed, recoloured or removed (the editor and the label bar
        redrew themselves): reopen the document if a label on screen is gone (renamed in the
        file, or removed), else the person's undo history stays."""
        self._tab_order()
        names = set(self.project.current.label_names())
        if self.current_id is not None and any(s.label not in names for s in self.editor.spans()):
            self.open_document(self.current_id)

    def _tab_order(self) -> None:
        """Tab: the list's search, filter, order and rows -> each label button -> the text ->
        the status bar (set again when the label bar made its buttons anew)."""
        chain = [self.doc_panel.search, self.doc_panel.filter, self.doc_panel.order, self.doc_panel.view,
                 *map(self.label_bar.button, self.label_bar.names()), self.editor.text_edit(), self.status]
        for first, then in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, then)

    def _settings_changed(self, keys: frozenset[str]) -> None:
        if continuous.SETTING_ENABLED in keys:  # another window or program turned it on or off
            self.menu_actions["keep_improving"].setChecked(self.continuous.enabled())

    def _documents_added(self, _count: int) -> None:
        if self.current_id is None:
            self._open_first()
        else:
            self.doc_panel.show_current(self.current_id)
            self.background.set_lookahead(self.doc_panel.upcoming(self.current_id, LOOKAHEAD))

    def _team_work_changed(self, doc_ids: Any) -> None:
        """Teammates' work arrived (or a review was saved) for `doc_ids` (None: any): the
        document on screen may have a new saved version; show it, unless it is being edited."""
        doc_id, text = self.current_id, self.project.current.text
        if doc_id is not None and (doc_ids is None or doc_id in doc_ids) and not self.editor.undo_stack().count():
            if actions.is_long(text):  # its spans are read in a worker
                return self.open_document(doc_id)
            spans, origin = self.project.spans_to_show(doc_id, text)
            if origin != self.origin or spans != self.editor.spans():
                self.open_document(doc_id)

    def _annotator_changed(self, _name: str) -> None:
        if self.current_id is not None:
            self.open_document(self.current_id)

    def _update_header(self) -> None:
        if self.current_id is None:
            self.header.setText("No documents yet: File → Import, or drop files on the window")
            return
        status = self.doc_model.status(self.current_id)
        edited = ", edited" if self.editor.undo_stack().count() else ""
        row = self.doc_model.row_of(self.current_id)
        where = f"{row + 1:,} of {len(self.doc_model.ids()):,}" if row >= 0 else "not in filter"
        where = "list loading…" if self.doc_model.loading else where
        disputed = "  ·  ⚑ disputed" if self.current_id in self.project.disputed() else ""
        note = self.editor.drawing_note()  # a cheaper drawing of the spans is never silent
        edited += f"  ·  {note}" if note else ""
        self.header.setText(f"Document {self.current_id}  ·  {where}  ·  {status}{disputed}  ·  "
                            f"showing {ORIGIN_TEXT[self.origin]}{edited}")

    def _update_title(self) -> None:
        # Qt appends the application display name ("— Annotator") to what the platform shows.
        path = self.project.path
        self.setWindowTitle(f"{path.name} ({path.parent})")

    def shortcut_rows(self) -> list[tuple[str, str]]:
        return shortcut_rows(self.menu_actions)

    def show_shortcuts(self) -> dialogs.ShortcutsDialog:
        dialog = dialogs.ShortcutsDialog(self.shortcut_rows(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def about(self) -> None:
        dialogs.show_message(self, "About", f"{APP_NAME} {__version__}\nNamed-entity annotation for "
                             f"news articles, with spaCy suggestions.\nProject: {self.project.path}",
                             icon=dialogs.QMessageBox.Icon.Information)

    # ---- projects ------------------------------------------------------------------------------
    def _switch_to(self, path: Path | None) -> None:
        if path is not None:
            self.switch_project(path)

    def switch_project(self, path: str | Path) -> bool:
        """Open another project in this window; a file that is not a project says so."""
        try:
            self.project.open(path)
        except AnnotatorError as exc:
            dialogs.show_message(self, "Cannot open project", str(exc))
            return False
        return True

    def _project_opened(self) -> None:
        self.menu_actions["keep_improving"].setChecked(self.continuous.enabled())
        self._tab_order()  # the label bar follows the model's labels (gui/editor/label_bar.py)
        self._update_title()
        remember_project(self.project.path)
        self._open_first()

    # ---- drag and drop, closing ------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            file_actions.import_paths(self, self.project, self.tasks, paths)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop workers and close the store; everything is already saved (drafts on each edit)."""
        if self._closed:
            return
        self._closed = True
        self._save_settings()
        # A worker still importing spaCy cannot be interrupted: the window goes at once and
        # the process ends when the worker does (nothing is left to save).
        self.hide()
        self.recorder.stop()
        self.reviews.close_all()
        self.hub.stop()
        self.background.stop()
        self.list_tasks.stop_all()
        self.project.close()
