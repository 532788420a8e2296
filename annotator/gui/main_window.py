"""The annotation window: document list, label bar, span editor and status bar, with
keyboard-first actions. Decisions go through gui/actions.py; slow work (model, tokenizer,
import, export) runs in workers via gui/background.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QIcon, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QSplitter, QVBoxLayout, QWidget

from annotator import __version__
from annotator.core.errors import AnnotatorError, ProjectBusy
from annotator.core.model import STATUS_DRAFT, Span
from annotator.core.store import BUSY_TIMEOUT_S, Store
from annotator.gui import actions, dialogs, project_actions
from annotator.gui.actions import Session
from annotator.gui.background import Background
from annotator.gui.doc_list import DocListModel, DocListPanel
from annotator.gui.label_bar import DEFAULT_KEYS, EXTRA_KEYS, LabelBar
from annotator.gui.menus import build_menus
from annotator.gui.pending_writes import PendingWrites
from annotator.gui.span_editor import SpanEditor
from annotator.gui.status import StatusBar
from annotator.paths import resource_path

APP_NAME = "Annotator"
GUI_BUSY_WAIT_S = 0.05


def _wait_briefly(store: Store) -> Store:
    """The window's store waits 50 ms for another writer, then keeps the write to retry
    (gui/pending_writes.py): the window never freezes behind an import."""
    store.set_busy_wait(GUI_BUSY_WAIT_S, 1)
    return store


LOOKAHEAD = 16  # documents pre-annotated ahead of the person


def settings() -> QSettings:
    """The app's settings (tests point XDG_CONFIG_HOME at a temporary folder)."""
    return QSettings("annotator", "annotator")


class MainWindow(QMainWindow):
    """One project, one annotator. `model` is a spaCy package name or path, None for the
    default model, or "" for no suggestions (manual labelling only)."""

    documentShown = Signal(int)  # a document is now on screen (its id)

    def __init__(self, db_path: str | Path, annotator: str, model: str | None = "", *,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.session = Session(_wait_briefly(Store(self.db_path)), annotator)
        self.model_name = model
        self.current_id: int | None = None
        self.origin = actions.FROM_NOTHING
        self._loading = False
        self._closed = False
        self._text = ""
        self.review_windows: list[QWidget] = []  # open review windows (gui/project_actions.py)
        self.trained_menu: QMenu  # Model -> Use trained model, set by build_menus
        self.setWindowIcon(QIcon(str(resource_path("icons/annotator.svg"))))
        self.setAcceptDrops(True)

        self.editor = SpanEditor()
        self.label_bar = LabelBar()
        self.doc_model = DocListModel(self.session.store, annotator, self)
        self.doc_panel = DocListPanel(self.doc_model)
        self.status = StatusBar()
        self.header = QLabel()
        self.header.setObjectName("docHeader")
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self._build_layout()
        self.background = Background(self)
        self.pending = PendingWrites(self)
        self.menu_actions = build_menus(self)
        self._build_keys()

        self.editor.spansChanged.connect(self._on_spans_changed)
        self.editor.undo_stack().cleanChanged.connect(self._on_clean_changed)
        self.label_bar.labelChosen.connect(self.choose_label)
        self.doc_panel.documentActivated.connect(self.open_document)

        self.status.set_annotator(annotator)
        self.status.set_model("none (manual labelling)" if model == "" else f"loading {model or 'default'}…")
        self.reload_labels()
        self._update_progress()
        self._update_title()
        self._restore_settings()
        self._open_first()
        # After the first paint: tokenizer, gold matcher and model load in the background.
        QTimer.singleShot(0, self.background.start)

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

    def _build_keys(self) -> None:
        """Label keys: 1-9, 0, then q, w, e...: relabel the selected span, else set the label."""
        self.key_actions: dict[str, QAction] = {}
        for key in DEFAULT_KEYS + EXTRA_KEYS:
            action = QAction(f"Label key {key}", self)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _c=False, k=key: self.label_key(k))
            self.addAction(action)
            self.key_actions[key] = action

    def _restore_settings(self) -> None:
        s = settings()
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = s.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        splitter = s.value("window/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)

    def _save_settings(self) -> None:
        s = settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/splitter", self.splitter.saveState())
        s.setValue("annotator", self.session.annotator)
        remember_project(self.db_path)
        s.sync()

    # ---- documents -----------------------------------------------------------------------
    def _first_document(self) -> int | None:
        """Where to resume: work in progress (a draft) first, then the first new document,
        else the first."""
        ids = self.doc_model.ids()
        statuses = [self.doc_model.status(doc_id) for doc_id in ids]
        for wanted in (STATUS_DRAFT, "new"):
            if wanted in statuses:
                return ids[statuses.index(wanted)]
        return ids[0] if ids else None

    def _open_first(self) -> None:
        first = self._first_document()
        if first is not None:
            self.open_document(first)
        else:  # an empty project: nothing to edit until something is imported
            self._set_document("", [])
            self.editor.set_read_only(True)
            self._update_header()

    def open_document(self, doc_id: int) -> None:
        """Show a document: its draft, else the saved annotation, else suggestions."""
        doc = self.session.store.get_document(doc_id)
        spans, origin = actions.spans_to_show(self.session, doc_id, doc.text)
        self.current_id, self.origin, self._text = doc_id, origin, doc.text
        tokens = self.background.cached_tokens(doc_id)
        self._set_document(doc.text, spans, tokens)
        self.editor.set_read_only(False)
        self.doc_panel.show_current(doc_id)
        self._update_header()
        self.background.document_opened(doc_id, doc.text, self.doc_panel.upcoming(doc_id, LOOKAHEAD))
        self.editor.text_edit().setFocus()
        self.documentShown.emit(doc_id)

    def _set_document(self, text: str, spans: list[Span], tokens: Any = None) -> None:
        self._loading = True
        try:
            self.editor.set_document(text, spans, tokens)
            self.editor.undo_stack().clear()
        finally:
            self._loading = False

    def refresh_suggestions(self) -> None:
        """New suggestions arrived: show them if the person has not touched this document."""
        doc_id = self.current_id
        if doc_id is None or self.origin not in (actions.FROM_NOTHING, actions.FROM_SUGGESTIONS):
            return
        if self.editor.undo_stack().count() or self.doc_model.status(doc_id) != "new":
            return  # edited (a draft exists) or decided: never overwrite the person's work
        spans = actions.suggestions_for(self.session, doc_id, self._text)
        if spans and spans != self.editor.spans():
            self.origin = actions.FROM_SUGGESTIONS
            self._set_document(self._text, spans, self.background.cached_tokens(doc_id))
            self._update_header()

    def tokens_ready(self, doc_id: int, tokens: list[Any]) -> None:
        if doc_id == self.current_id:
            self.editor.set_tokens(tokens)

    def _on_clean_changed(self, _clean: bool) -> None:
        if not self._closed:  # the stack also signals while the window is torn down
            self._update_header()

    def _on_spans_changed(self) -> None:
        if self._loading or self.current_id is None:
            return
        if self.pending.waiting and not self.pending.flush():
            self.pending.keep_draft(self.current_id, self.editor.spans())  # nothing overtakes it
            return
        try:
            status = actions.save_draft(self.session, self.current_id, self.editor.spans())
        except ProjectBusy:
            self.pending.keep_draft(self.current_id, self.editor.spans())
            return
        except AnnotatorError as exc:
            self.status.showMessage(f"Draft not saved: {exc}", 8000)
            return
        self.doc_model.set_status(self.current_id, status)
        self._update_header()
        self._update_progress()

    # ---- decisions and navigation ----------------------------------------------------------
    def decide(self, answer: str) -> bool:
        """Accept / reject / skip the current document, then go to the next one."""
        doc_id = self.current_id
        if doc_id is None or self.pending.decision is not None:
            return False  # nothing to decide, or the last decision is still waiting to be saved
        spans = self.editor.spans()
        try:
            if self.pending.waiting and not self.pending.flush():
                raise ProjectBusy("the project file is busy")
            actions.decide(self.session, doc_id, answer, spans)
        except ProjectBusy:
            # Kept and retried; the window stays on this document until it is on disk.
            self.pending.keep_decision(doc_id, answer, spans)
            self.editor.set_read_only(True)
            return True
        except AnnotatorError as exc:
            dialogs.show_message(self, "Not saved", str(exc))
            return False
        self.decided(doc_id, answer)
        return True

    def decided(self, doc_id: int, answer: str) -> None:
        """After a decision is on disk: update the list and go to the next document."""
        self.editor.set_read_only(False)
        self.doc_model.set_status(doc_id, actions.status_after(answer))
        self._update_progress()
        word = {"accept": "Accepted", "reject": "Rejected", "ignore": "Skipped"}[answer]
        self.status.showMessage(f"{word} document {doc_id}", 4000)
        if not self.go(+1):
            self.open_document(doc_id)  # last one: stay, showing the saved version
            self.status.showMessage(f"{word} document {doc_id}: that was the last in the list", 8000)

    def accept(self) -> bool:
        return self.decide("accept")

    def reject(self) -> bool:
        return self.decide("reject")

    def skip(self) -> bool:
        return self.decide("ignore")

    def go(self, step: int) -> bool:
        """Previous (-1) or next (+1) document in the list; False at either end."""
        target = self.doc_panel.neighbour(self.current_id, step)
        if target is None or self.pending.decision is not None:
            return False
        self.open_document(target)
        return True

    def label_key(self, key: str) -> None:
        name = self.label_bar.label_for_key(key)
        if name is not None:
            self.choose_label(name)

    def choose_label(self, name: str) -> None:
        """Relabel the selected span if there is one; else make `name` the active label."""
        if self.editor.selected_span() is not None:
            self.editor.relabel_selected(name)
            return
        self.editor.set_active_label(name)
        self.label_bar.set_active(name)

    def delete_selected(self) -> None:
        self.editor.delete_selected()

    # ---- labels, progress, title -------------------------------------------------------------
    def reload_labels(self) -> None:
        labels = self.session.store.labels()
        self.editor.set_labels(labels)
        self.label_bar.set_labels(labels)
        active = self.label_bar.active()
        if active:
            self.editor.set_active_label(active)

    def edit_labels(self) -> None:
        dialog = dialogs.LabelsDialog(self.session.store, self)
        dialog.exec()
        if dialog.changed:
            self.labels_changed()

    def labels_changed(self) -> None:
        """Labels were added, renamed or recoloured: redraw and reopen the document."""
        self.reload_labels()
        if self.current_id is not None:
            self.open_document(self.current_id)

    def _update_progress(self) -> None:
        counts = self.doc_model.counts()
        done = counts["accepted"] + counts["rejected"] + counts["skipped"]
        self.status.set_progress(done, self.doc_model.total())

    def _update_header(self) -> None:
        if self.current_id is None:
            self.header.setText("No documents yet: File → Import, or drop files on the window")
            return
        status = self.doc_model.status(self.current_id)
        source = {actions.FROM_DRAFT: "your draft", actions.FROM_ANNOTATION: "your saved annotation",
                  actions.FROM_SUGGESTIONS: "suggestions", actions.FROM_NOTHING: "no suggestions yet"}
        edited = ", edited" if self.editor.undo_stack().count() else ""
        row = self.doc_model.row_of(self.current_id)
        where = f"{row + 1:,} of {len(self.doc_model.ids()):,}" if row >= 0 else "not in filter"
        self.header.setText(f"Document {self.current_id}  ·  {where}  ·  {status}  ·  "
                            f"showing {source[self.origin]}{edited}")

    def _update_title(self) -> None:
        # Qt appends the application display name ("— Annotator") to what the platform shows.
        self.setWindowTitle(f"{self.db_path.name} ({self.db_path.parent})")

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """(keys, what) for Help → Keyboard shortcuts, read from the live actions."""
        def rows_for(names: list[str]) -> list[tuple[str, str]]:
            out = []
            for name in names:
                action = self.menu_actions[name]
                native = QKeySequence.SequenceFormat.NativeText
                keys = ", ".join(s.toString(native) for s in action.shortcuts())
                out.append((keys, action.text().replace("&", "").rstrip("…")))
            return out

        # Most used first: deciding, labelling, editing; the rest after.
        rows = rows_for(["accept", "reject", "skip", "previous", "next"])
        rows.append(("1–9, 0, q, w…",
                     "Relabel the selected span, else choose the label (keys on the label bar)"))
        rows.append(("Mouse drag / double-click", "Create a span with the active label"))
        rows.append(("Click a span", "Select it (then a number key relabels, Delete removes)"))
        rows.append(("Escape", "Unselect the span"))
        rows += rows_for(["delete", "undo", "redo", "confirm_all"])
        shown = {"accept", "reject", "skip", "previous", "next", "delete", "undo", "redo", "confirm_all"}
        rows += rows_for([n for n, a in self.menu_actions.items() if n not in shown and a.shortcuts()])
        return rows

    def show_shortcuts(self) -> dialogs.ShortcutsDialog:
        dialog = dialogs.ShortcutsDialog(self.shortcut_rows(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def about(self) -> None:
        dialogs.show_message(self, "About", f"{APP_NAME} {__version__}\nNamed-entity annotation for "
                             "news articles, with spaCy suggestions.\nProject: "
                             f"{self.db_path}", icon=dialogs.QMessageBox.Icon.Information)

    # ---- projects ------------------------------------------------------------------------------
    def switch_project(self, path: str | Path) -> bool:
        """Open another project in this window; a file that is not a project says so."""
        try:
            store = _wait_briefly(Store(path))
        except AnnotatorError as exc:
            dialogs.show_message(self, "Cannot open project", str(exc))
            return False
        self.background.stop()
        project_actions.close_reviews(self)  # they review the old project
        self._flush_before_closing()
        self.session.store.close()
        self.db_path = Path(path)
        self.session = Session(store, self.session.annotator)
        self.doc_model.set_store(store, self.session.annotator)
        self.current_id = None
        self.reload_labels()
        self._update_progress()
        self._update_title()
        remember_project(self.db_path)
        self._open_first()
        project_actions.update_trained_menu(self)
        self.background.start()
        return True

    def set_annotator(self, name: str) -> None:
        self.session.annotator = name
        self.doc_model.set_store(self.session.store, name)
        self.status.set_annotator(name)
        settings().setValue("annotator", name)
        self._update_progress()
        if self.current_id is not None:
            self.open_document(self.current_id)

    def documents_added(self) -> None:
        """After an import: new ids, statuses and counts."""
        self.doc_model.reload()
        self.background.documents_changed()
        self._update_progress()
        if self.current_id is None:
            self._open_first()
        else:
            self.doc_panel.show_current(self.current_id)

    # ---- drag and drop, closing ------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.background.import_paths(paths)

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
        project_actions.close_reviews(self)
        self.background.stop()
        self._flush_before_closing()
        self.session.store.close()

    def _flush_before_closing(self) -> None:
        """Leaving: writes still waiting for the file now wait as long as the CLI would."""
        if self.pending.waiting:
            self.session.store.set_busy_wait(BUSY_TIMEOUT_S, 20)
            self.pending.flush(navigate=False)


def remember_project(path: Path) -> None:
    """Last project and the recent-projects list (most recent first, ten at most)."""
    s = settings()
    path_s = str(Path(path).resolve())
    recent = [p for p in (s.value("recent") or []) if isinstance(p, str) and p != path_s]
    if isinstance(s.value("recent"), str):
        recent = [s.value("recent")] if s.value("recent") != path_s else []
    s.setValue("recent", [path_s, *recent][:10])
    s.setValue("last_project", path_s)


def recent_projects() -> list[str]:
    value = settings().value("recent") or []
    if isinstance(value, str):
        value = [value]
    return [p for p in value if isinstance(p, str)]
