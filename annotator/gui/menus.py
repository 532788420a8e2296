"""The window's menus and their keyboard shortcuts (File, Edit, Document, Model, Review, Help).

Every shortcut is a QAction on the window, so it works wherever the focus is in the window
(except text fields, which keep their typing) and shows next to its menu entry."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu

from annotator.gui import dialogs, project_actions

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow

_PROJECT_FILTER = "Annotator projects (*.db);;All files (*)"


def build_menus(w: "MainWindow") -> dict[str, QAction]:
    """Create the menu bar; returns the actions by name (tests and the help read them)."""
    acts: dict[str, QAction] = {}
    bar = w.menuBar()

    def add(menu: QMenu, name: str, text: str, slot: Callable[[], Any], keys: list[Any] | None = None,
            tip: str = "") -> QAction:
        action = QAction(text, w)
        if keys:
            action.setShortcuts([QKeySequence(k) for k in keys])
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        w.addAction(action)  # shortcuts work with the menu bar hidden or closed
        acts[name] = action
        return action

    file = bar.addMenu("&File")
    add(file, "new_project", "&New project…", lambda: new_project(w), [QKeySequence.StandardKey.New])
    add(file, "open_project", "&Open project…", lambda: open_project(w), [QKeySequence.StandardKey.Open])
    recent = file.addMenu("Recent projects")
    recent.aboutToShow.connect(lambda: fill_recent(w, recent))
    file.addSeparator()
    add(file, "import_files", "&Import files…", lambda: import_files(w), ["Ctrl+I"])
    add(file, "import_folder", "Import &folder…", lambda: import_folder(w))
    add(file, "export", "&Export…", lambda: export(w), ["Ctrl+E"])
    add(file, "merge", "&Merge project file…", lambda: project_actions.merge_project_file(w),
        tip="Bring in a teammate's project file: their documents and labelled versions")
    file.addSeparator()
    add(file, "annotator", "Annotator &name…", lambda: change_annotator(w))
    add(file, "quit", "&Quit", w.close, ["Ctrl+Q"])

    edit = bar.addMenu("&Edit")
    add(edit, "undo", "&Undo", lambda: w.editor.undo_stack().undo(), ["Ctrl+Z"])
    add(edit, "redo", "&Redo", lambda: w.editor.undo_stack().redo(), ["Ctrl+Shift+Z", "Ctrl+Y"])
    add(edit, "delete", "&Delete span", w.delete_selected, ["Delete", "Backspace"])
    add(edit, "confirm_all", "&Confirm all suggestions", lambda: w.editor.confirm_all(), ["Ctrl+Return"])
    edit.addSeparator()
    add(edit, "labels", "&Labels…", w.edit_labels, ["Ctrl+L"])

    doc = bar.addMenu("&Document")
    add(doc, "accept", "&Accept (save as gold)", w.accept, ["A"])
    add(doc, "reject", "&Reject", w.reject, ["X"])
    add(doc, "skip", "&Skip", w.skip, ["Space"])
    doc.addSeparator()
    add(doc, "previous", "&Previous document", lambda: w.go(-1), ["Left", "PgUp"])
    add(doc, "next", "&Next document", lambda: w.go(+1), ["Right", "PgDown"])
    add(doc, "find", "&Search documents", lambda: w.doc_panel.search.setFocus(),
        [QKeySequence.StandardKey.Find])

    model = bar.addMenu("&Model")
    add(model, "choose_model", "&Choose model…", lambda: choose_model(w))
    add(model, "no_model", "&No model (label by hand)", lambda: w.background.load_model(""))
    add(model, "stop_suggest", "&Stop pre-annotation", w.background.stop_suggestions)
    model.addSeparator()
    add(model, "train", "&Train from gold…", lambda: project_actions.train_from_gold(w),
        tip="Train a spaCy model on the accepted documents, in the background")
    w.trained_menu = model.addMenu("&Use trained model")
    w.trained_menu.aboutToShow.connect(lambda: project_actions.fill_trained_menu(w, w.trained_menu))
    project_actions.update_trained_menu(w)

    review = bar.addMenu("&Review")
    add(review, "review", "&Review teammates' labels…", lambda: project_actions.open_review(w), ["Ctrl+R"],
        tip="Compare the annotators' versions side by side and adjudicate")
    add(review, "agreement", "&Agreement…", lambda: project_actions.open_review(w, focus_agreement=True))

    help_ = bar.addMenu("&Help")
    add(help_, "shortcuts", "&Keyboard shortcuts", w.show_shortcuts, ["?", "F1"])
    add(help_, "about", "&About", w.about)
    return acts


# ---- File menu ---------------------------------------------------------------------------
def new_project(w: "MainWindow") -> None:
    path, _ = QFileDialog.getSaveFileName(w, "New project", str(w.db_path.parent / "project.db"),
                                          _PROJECT_FILTER)
    if path:
        target = Path(path if path.endswith(".db") else path + ".db")
        if target.exists():
            dialogs.show_message(w, "New project", f"{target} already exists; use Open project.")
            return
        w.switch_project(target)


def open_project(w: "MainWindow") -> None:
    path, _ = QFileDialog.getOpenFileName(w, "Open project", str(w.db_path.parent), _PROJECT_FILTER)
    if path:
        w.switch_project(Path(path))


def fill_recent(w: "MainWindow", menu: QMenu) -> None:
    from annotator.gui.main_window import recent_projects

    menu.clear()
    for path in recent_projects():
        action = menu.addAction(path)
        action.setEnabled(Path(path).exists())
        action.triggered.connect(lambda _c=False, p=path: w.switch_project(Path(p)))
    if menu.isEmpty():
        menu.addAction("(none)").setEnabled(False)


def import_files(w: "MainWindow") -> None:
    from annotator.core.importers import SUFFIXES  # the extensions the importers know

    paths, _ = QFileDialog.getOpenFileNames(
        w, "Import files", str(w.db_path.parent),
        f"Articles and annotations ({' '.join('*' + s for s in SUFFIXES)});;All files (*)")
    if paths:
        w.background.import_paths([Path(p) for p in paths])


def import_folder(w: "MainWindow") -> None:
    path = QFileDialog.getExistingDirectory(w, "Import folder", str(w.db_path.parent))
    if path:
        w.background.import_paths([Path(path)])


def export(w: "MainWindow") -> None:
    formats = dialogs.exporter_formats()
    if not formats:
        dialogs.show_message(w, "Export", "Exporting is not available in this installation.")
        return
    dialog = dialogs.ExportDialog(formats, w.db_path, w.session.annotator, w)
    if dialog.exec():
        w.background.export(dialog.format.currentText(), dialog.out_path(), dialog.options())


def change_annotator(w: "MainWindow") -> None:
    name = dialogs.ask_annotator_name(w, w.session.annotator)
    if name and name != w.session.annotator:
        w.set_annotator(name)


def choose_model(w: "MainWindow") -> None:
    from annotator.gui.background import SETTING_MODEL

    current = w.model_name or w.session.store.get_setting(SETTING_MODEL) or ""
    name, ok = QInputDialog.getText(w, "Choose model",
                                    "spaCy package name or model folder (empty: the default model):",
                                    text=current)
    if ok:
        project_actions.switch_model(w, name.strip() or None)
