"""Model menu work: train a pipeline from the team gold in the background, say how it scored
(with its warnings), and switch suggestions to a trained pipeline (Model -> Use trained
model, a menu that keeps itself up to date from the Project's signals)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from annotator.core.learning.suggest import project_model
from annotator.core.wording import count
from annotator.gui.dialogs import dialogs
from annotator.gui.project import Project
from annotator.gui.tasks import TaskRunner
from annotator.gui.dialogs.train_dialog import TrainDialog, TrainOptions
from annotator.gui.workers import Worker
from annotator.jobs import tasks as jobs

TRAIN = "train"


def current_base(project: Project) -> str:
    """The model the window suggests with, else the project's, else the default model."""
    return project.model or project_model(project.store)


def train_from_gold(parent: QWidget, project: Project, tasks: TaskRunner) -> Worker | None:
    """Ask for the options, then train in the background."""
    dialog = TrainDialog(project.path, current_base(project), project.annotator, parent=parent)
    if not dialog.exec():
        return None
    return start_training(parent, project, tasks, dialog.options())


def start_training(parent: QWidget, project: Project, tasks: TaskRunner, options: TrainOptions) -> Worker | None:
    """Train with `options` in a child process; progress (steps, dev F1) and ✕ in the status bar."""
    if tasks.is_running(TRAIN):
        dialogs.show_message(parent, "Train from gold", "A training is already running: stop it first "
                             "(✕ next to its progress in the status bar).")
        return None

    def failed(exc: BaseException) -> None:
        tasks.end(TRAIN)
        dialogs.show_message(parent, "Training failed", str(exc) or type(exc).__name__)

    worker = tasks.run(jobs.train_job, project.path, options.out_dir, options.kwargs(), name="training",
                       key=TRAIN, title="Preparing training", on_error=failed,
                       on_returned=lambda result: trained(parent, project, tasks, result))
    worker.cancelled.connect(lambda: tasks.end(TRAIN, "Training stopped; nothing was written"))
    return worker


def start_learning_curve(parent: QWidget, project: Project, tasks: TaskRunner,
                         options: dict[str, Any] | None = None) -> Worker | None:
    """Train on 25/50/75/100% of the training gold from the current base and score each on
    the held-out part (`annotator train-curve`), in a child process; the curve is recorded in
    the project and the overview shows it. options: learning_curve's keyword arguments."""
    if tasks.is_running(TRAIN):
        dialogs.show_message(parent, "Learning curve", "A training is already running: stop it first "
                             "(✕ next to its progress in the status bar).")
        return None
    options = {"base": current_base(project) or None, **(options or {})}

    def failed(exc: BaseException) -> None:
        tasks.end(TRAIN)
        dialogs.show_message(parent, "Learning curve failed", str(exc) or type(exc).__name__)

    def done(rows: list[dict[str, Any]]) -> None:
        tasks.end(TRAIN, f"Learning curve done: held-out F1 {rows[-1]['f1']:.3f} with all the gold")
        project.check_changes(by="training")

    worker = tasks.run(jobs.curve_job, project.path, options, name="learning curve", key=TRAIN,
                       title="Learning curve", on_error=failed, on_returned=done)
    worker.cancelled.connect(lambda: tasks.end(TRAIN, "Learning curve stopped"))
    return worker


def _f1(scores: dict[str, Any] | None) -> str:
    value = (scores or {}).get("f1")
    return f"{value:.3f}" if isinstance(value, (int, float)) else "n/a"


def result_lines(result: dict[str, Any]) -> list[str]:
    """The end-of-training summary: what gold, held-out F1 of trained vs base, warnings first."""
    s = result["scores"]
    lines = [f"⚠ {note}" for note in s.get("warnings") or result.get("warnings") or []]
    lines.append(f"Gold: {s.get('gold', 'team gold')}.")
    lines.append(f"Trained on {count(s.get('train_docs', 0), 'gold document')}: "
                 f"{count(result['steps'], 'step')} in {result['seconds']:.0f} s.")
    if s.get("dev_docs"):
        base = (f"base model {s['base_model']} {_f1(s.get('base'))}" if s.get("base_model")
                else "no base model (trained from scratch)")
        lines.append(f"Held-out F1 on {count(s['dev_docs'], 'document')}: trained {_f1(s.get('trained'))}, {base}.")
    else:
        lines.append("No documents were held out, so there is no held-out score.")
    lines.append(f"Saved to {result['out_dir']}")
    return lines


def trained(parent: QWidget, project: Project, tasks: TaskRunner, result: dict[str, Any]) -> QMessageBox:
    """Training ended: say how it scored (non-blocking), offer to use the new model."""
    tasks.end(TRAIN, f"Training done: held-out F1 {_f1(result['scores'].get('trained'))}")
    project.check_changes(by="training")
    box = dialogs.notify(parent, "Training done", "\n".join(result_lines(result)), show=False)
    box.setObjectName("trainResult")
    use = box.addButton("Use trained model", QMessageBox.ButtonRole.AcceptRole)
    box.buttonClicked.connect(lambda button: use_trained_model(parent, project, result["out_dir"])
                              if button is use else None)
    box.show()
    return box


def use_trained_model(parent: QWidget, project: Project, path: str | Path) -> bool:
    """Switch suggestions to a trained pipeline folder: documents the person has not edited
    get its suggestions (a new cache key, so they are computed afresh)."""
    path = Path(path).resolve()  # as recorded in trained_models: the menu ticks the one in use
    if not (path / "meta.json").is_file():
        dialogs.show_message(parent, "Use trained model", f"{path}: the trained model is no longer there.")
        return False
    project.set_model(str(path))
    return True


class TrainedMenu(QMenu):
    """Model -> Use trained model: one entry per trained pipeline (folder, held-out F1 and the
    base's), the one in use checked; disabled until there is one."""

    def __init__(self, project: Project, parent: QWidget) -> None:
        super().__init__("&Use trained model", parent)
        self.project = project
        self.aboutToShow.connect(self.fill)
        project.trainedModelsChanged.connect(self.update_enabled)
        project.opened.connect(self.update_enabled)
        self.update_enabled()

    def models(self) -> list[dict[str, Any]]:
        """The project's trained pipelines, newest first."""
        return list(reversed(self.project.store.models.trained_models()))

    def update_enabled(self) -> None:
        self.menuAction().setEnabled(bool(self.models()))

    def fill(self) -> None:
        self.clear()
        for row in self.models():
            scores = row.get("scores") or {}
            text = f"{Path(row['path']).name}  —  F1 {_f1(scores.get('trained'))}"
            if scores.get("base_model"):
                text += f" (base {_f1(scores.get('base'))})"
            action = self.addAction(text)
            action.setToolTip(row["path"])
            action.setCheckable(True)
            action.setChecked(self.project.model == row["path"])
            action.setEnabled((Path(row["path"]) / "meta.json").is_file())
            action.triggered.connect(lambda _c=False, p=row["path"]: use_trained_model(self.parentWidget(),
                                                                                       self.project, p))
        if self.isEmpty():
            self.addAction("(none yet: Model → Train from gold)").setEnabled(False)
