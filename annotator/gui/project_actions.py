"""Whole-project actions of the window: merge a teammate's file, open the review window,
train a model from the gold and switch to a trained model.

Bulk work (merging, training) runs in workers (training in a child process, see
train_process.py): the person keeps labelling, and the window refreshes when it ends."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from annotator.gui import dialogs, jobs
from annotator.gui.train_dialog import TrainDialog, TrainOptions
from annotator.gui.workers import Worker

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow
    from annotator.gui.review_view import ReviewView

_PROJECT_FILTER = "Annotator projects (*.db *.sqlite);;All files (*)"


# ---- File -> Merge project file --------------------------------------------------------------
def merge_project_file(w: "MainWindow", path: str | Path | None = None) -> Worker | None:
    """Merge another project file into this one in the background (asks for it unless given)."""
    if path is None:
        chosen, _ = QFileDialog.getOpenFileName(w, "Merge a teammate's project file", str(w.db_path.parent),
                                                _PROJECT_FILTER)
        if not chosen:
            return None
        path = chosen
    if w.status.task("merge") is not None:
        dialogs.show_message(w, "Merge project file", "A merge is already running.")
        return None
    return w.background.run_task("merge", f"Merging {Path(path).name}", jobs.merge_job, w.db_path, Path(path),
                                 on_returned=lambda report: merged(w, report))


def merged(w: "MainWindow", report: Any) -> None:
    """After a merge: new documents, statuses, labels and counts; open review windows too."""
    w.status.end_task("merge", f"Merged {Path(report.source).name}: {report.documents_added:,} new documents")
    if report.labels_added:
        w.reload_labels()
    before = w.doc_model.status(w.current_id) if w.current_id is not None else None
    w.documents_added()
    w.background.reload_matcher()  # teammates' accepted spans teach the suggestions too
    # The open document changed under the person (their own version came in from the other
    # file): show it, unless they are editing it.
    if (w.current_id is not None and w.doc_model.status(w.current_id) != before
            and not w.editor.undo_stack().count()):
        w.open_document(w.current_id)
    for view in list(w.review_windows):
        view.refresh_list()
        view.refresh_agreement()
    notify(w, "Merge project file", "\n".join(report.lines()))


# ---- Review -----------------------------------------------------------------------------
def open_review(w: "MainWindow", focus_agreement: bool = False) -> "ReviewView":
    """The review window for this project, the annotator as reviewer: a separate top-level
    window (its plain-key shortcuts must not clash with this window's). One at a time."""
    from annotator.gui.review_view import open_review_window

    view = w.review_windows[0] if w.review_windows else None
    if view is None:
        view = open_review_window(w.db_path, w.session.annotator, parent=w)
        w.review_windows.append(view)
        view.destroyed.connect(lambda _o=None, v=view: _forget(w, v))
    view.show()
    view.raise_()
    view.activateWindow()
    if focus_agreement:
        view.agreement_table.setFocus()
    return view


def _forget(w: "MainWindow", view: Any) -> None:
    if view in w.review_windows:
        w.review_windows.remove(view)


def close_reviews(w: "MainWindow") -> None:
    for view in list(w.review_windows):
        view.close()  # its closeEvent stops its workers and closes its store
    w.review_windows.clear()


# ---- Model -> Train from gold ---------------------------------------------------------------
def current_base(w: "MainWindow") -> str:
    """The model the window suggests with, else the project's, else the default model."""
    from annotator.core.train import default_base
    from annotator.gui.background import SETTING_MODEL

    return w.model_name or w.session.store.get_setting(SETTING_MODEL) or default_base()


def train_from_gold(w: "MainWindow") -> Worker | None:
    """Ask for the options, then train in the background."""
    dialog = TrainDialog(w.db_path, current_base(w), w.session.annotator, parent=w)
    if not dialog.exec():
        return None
    return start_training(w, dialog.options())


def start_training(w: "MainWindow", options: TrainOptions) -> Worker | None:
    """Train with `options` in a child process; progress (steps, dev F1) and ✕ in the status bar."""
    if w.status.task("train") is not None:
        dialogs.show_message(w, "Train from gold", "A training is already running: stop it first "
                             "(✕ next to its progress in the status bar).")
        return None
    worker = w.background.run_task("train", "Preparing training", jobs.train_job, w.db_path, options.out_dir,
                                   options.kwargs(), on_returned=lambda result: trained(w, result),
                                   name="training")
    worker.cancelled.connect(lambda: w.status.showMessage("Training stopped; nothing was written", 8000))
    return worker


def _f1(scores: dict[str, Any] | None) -> str:
    value = (scores or {}).get("f1")
    return f"{value:.3f}" if isinstance(value, (int, float)) else "n/a"


def result_lines(result: dict[str, Any]) -> list[str]:
    """The end-of-training summary: data, held-out F1 of trained vs base, where it is."""
    s = result["scores"]
    lines = [f"Trained on {s.get('train_docs', 0)} gold documents: {result['steps']} steps "
             f"in {result['seconds']:.0f} s."]
    if s.get("dev_docs"):
        base = (f"base model {s['base_model']} {_f1(s.get('base'))}" if s.get("base_model")
                else "no base model (trained from scratch)")
        lines.append(f"Held-out F1 on {s['dev_docs']} documents: trained {_f1(s.get('trained'))}, {base}.")
    else:
        lines.append("No documents were held out, so there is no held-out score.")
    lines.append(f"Saved to {result['out_dir']}")
    warnings = result.get("warnings") or []
    if warnings:
        lines.append(f"Notes ({len(warnings)}): " + "; ".join(warnings[:3]) + ("…" if len(warnings) > 3 else ""))
    return lines


def trained(w: "MainWindow", result: dict[str, Any]) -> QMessageBox:
    """Training ended: say how it scored (non-blocking), offer to use the new model."""
    w.status.end_task("train", f"Training done: held-out F1 {_f1(result['scores'].get('trained'))}")
    update_trained_menu(w)
    box = notify(w, "Training done", "\n".join(result_lines(result)), show=False)
    box.setObjectName("trainResult")
    use = box.addButton("Use trained model", QMessageBox.ButtonRole.AcceptRole)
    box.buttonClicked.connect(lambda button: use_trained_model(w, result["out_dir"]) if button is use else None)
    box.show()
    return box


def notify(w: "MainWindow", title: str, text: str, *, show: bool = True) -> QMessageBox:
    """A message that neither blocks nor takes the keyboard: the person may be labelling when
    background work ends, and a key meant for the text must not answer a box."""
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Close, w)
    box.setWindowModality(Qt.WindowModality.NonModal)
    box.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if show:
        box.show()
    return box


# ---- Model -> Use trained model --------------------------------------------------------------
def switch_model(w: "MainWindow", name: str | None) -> None:
    """Suggest with `name` (package or folder; None: the default) and remember it in the project."""
    from annotator.gui.background import SETTING_MODEL

    if name:
        w.session.store.set_setting(SETTING_MODEL, name)  # the project remembers it
    w.background.load_model(name or None)


def use_trained_model(w: "MainWindow", path: str | Path) -> None:
    """Switch suggestions to a trained pipeline folder: documents the person has not edited
    get its suggestions (a new cache key, so they are computed afresh)."""
    path = Path(path).resolve()  # as recorded in trained_models: the menu ticks the one in use
    if not (path / "meta.json").is_file():
        dialogs.show_message(w, "Use trained model", f"{path}: the trained model is no longer there.")
        return
    switch_model(w, str(path))


def trained_models(w: "MainWindow") -> list[dict[str, Any]]:
    """The project's trained pipelines, newest first."""
    return list(reversed(w.session.store.trained_models()))


def update_trained_menu(w: "MainWindow") -> None:
    w.trained_menu.menuAction().setEnabled(bool(trained_models(w)))


def fill_trained_menu(w: "MainWindow", menu: QMenu) -> None:
    """One entry per trained pipeline: folder, held-out F1 (and the base's); the one in use checked."""
    menu.clear()
    for row in trained_models(w):
        scores = row.get("scores") or {}
        text = f"{Path(row['path']).name}  —  F1 {_f1(scores.get('trained'))}"
        if scores.get("base_model"):
            text += f" (base {_f1(scores.get('base'))})"
        action = menu.addAction(text)
        action.setToolTip(row["path"])
        action.setCheckable(True)
        action.setChecked(w.model_name == row["path"])
        action.setEnabled((Path(row["path"]) / "meta.json").is_file())
        action.triggered.connect(lambda _c=False, p=row["path"]: use_trained_model(w, p))
    if menu.isEmpty():
        menu.addAction("(none yet: Model → Train from gold)").setEnabled(False)
