"""Model -> Keep improving while I label (core/learning/continuous.py has the rule): after decisions,
reviews or teammates' work, when a round is due (25 new team-gold documents since the last),
retrain in a background child process and switch the suggester to the new model only when
it scores better on the held-out gold. The window never waits: the check and the round both
run through the TaskRunner, and the status bar says what was decided."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from annotator.core.learning import continuous
from annotator.gui.project import Project
from annotator.gui.tasks import TaskRunner
from annotator.jobs import continuous as rounds
from annotator.jobs.tasks import continuous_due_job

IMPROVE = "improve"


class ContinuousLearning(QObject):
    """Emits roundEnded(result dict) after every finished round, adopted or not."""

    roundEnded = Signal(object)

    def __init__(self, project: Project, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.tasks = tasks
        self._checking = False
        self.round_options: dict[str, Any] = {}  # train_pipeline options of every round (tests: tiny)
        for signal in (project.decisionSaved, project.reviewSaved, project.teamWorkChanged):
            signal.connect(self.check)

    def enabled(self) -> bool:
        return continuous.is_enabled(self.project.store)

    def set_enabled(self, on: bool) -> None:
        self.project.set_continuous(on)
        if on:
            self.check()
        elif self.tasks.is_running(IMPROVE):
            self.tasks.cancel(IMPROVE)

    def check(self, *_args: Any) -> None:
        """Is a round due? Counted off the GUI thread; one check and one round at a time."""
        if self._checking or self.tasks.is_running(IMPROVE) or not self.enabled():
            return
        self._checking = True
        self.tasks.run(continuous_due_job, self.project.path, name="continuous learning",
                       on_returned=self._checked, on_finished=self._check_done)

    def _check_done(self) -> None:
        self._checking = False

    def _checked(self, due: bool) -> None:
        if due and not self.tasks.is_running(IMPROVE):
            self.start_round()

    def start_round(self) -> None:
        worker = self.tasks.run(rounds.run_continuous, self.project.path, self.round_options,
                                name="continuous learning",
                                key=IMPROVE, title="Improving the model", on_returned=self._ended,
                                on_error=self._failed)
        worker.cancelled.connect(lambda: self.tasks.end(IMPROVE, "Model improvement stopped"))

    def _ended(self, result: dict[str, Any]) -> None:
        if result.get("adopted") and result.get("model"):
            self.tasks.end(IMPROVE, f"New model adopted: held-out F1 {result['candidate_f1']:.3f} "
                                    f"(was {result['current_f1']:.3f}), {Path(result['model']).name}")
            self.project.check_changes(by="continuous learning")
            self.project.set_model(result["model"])
        else:
            self.tasks.end(IMPROVE, f"Model kept: {result.get('reason', 'the new one was not better')}")
        self.roundEnded.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.tasks.end(IMPROVE, f"Model improvement failed: {exc}")
