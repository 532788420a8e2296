"""Model -> Train from gold: the options dialog (where to write, which base model, how long)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout,
    QLabel, QLineEdit, QPushButton, QSpinBox, QWidget,
)

from annotator.core.learning.train import DEFAULT_BUDGET_S, DEFAULT_MAX_STEPS
from annotator.gui.access import fill_in

GOLD_CHOICES = [("team", "Team gold (the review, else what every annotator accepted)"),
                ("mine", "Documents accepted by me"), ("reviewed", "Reviewed gold only (adjudicated)")]


@dataclass
class TrainOptions:
    """What the dialog asks; `kwargs()` are train_pipeline's keyword arguments."""

    out_dir: Path
    base: str | None = None
    from_scratch: bool = False
    eval_split: float = 0.2
    max_steps: int = DEFAULT_MAX_STEPS  # a cap: training stops early on the held-out F1
    budget_s: float = DEFAULT_BUDGET_S  # and at this many seconds at most
    gold: str = "team"  # one of GOLD_CHOICES' keys
    annotator: str | None = None  # used when gold == "mine"
    with_patterns: bool = False  # the project's patterns as an entity ruler (`train --with-patterns`)
    extra: dict[str, Any] = field(default_factory=dict)

    def kwargs(self) -> dict[str, Any]:
        out: dict[str, Any] = {"base": None if self.from_scratch else (self.base or None),
                               "from_scratch": self.from_scratch, "eval_split": self.eval_split,
                               "max_steps": self.max_steps, "budget_s": self.budget_s, **self.extra}
        if self.with_patterns:
            out["with_patterns"] = True
        if self.gold == "reviewed":
            out["reviewed"] = True
        elif self.gold == "mine":
            out["annotator"] = self.annotator
        return out


def default_out_dir(db_path: Path) -> Path:
    """Beside the project: <project>.models/ner-<timestamp> (a new folder per training)."""
    return db_path.with_name(f"{db_path.stem}.models") / time.strftime("ner-%Y%m%d-%H%M%S")


class TrainDialog(QDialog):
    """Asks for the training options; the defaults train on the team gold from the current
    model into a new folder beside the project."""

    def __init__(self, db_path: Path, base: str, annotator: str, max_steps: int = DEFAULT_MAX_STEPS,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Train a model from gold")
        self.annotator = annotator
        self.out = QLineEdit(str(default_out_dir(db_path)))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out, 1)
        out_row.addWidget(browse)
        self.base = QLineEdit(base)
        self.base.setToolTip("spaCy package name or pipeline folder whose NER is fine-tuned")
        self.scratch = QCheckBox("Train from scratch (ignore the base model)")
        self.scratch.toggled.connect(lambda on: self.base.setEnabled(not on))
        self.patterns = QCheckBox("Add the project's patterns as an entity ruler")
        self.patterns.setToolTip("As `annotator train --with-patterns`: the trained pipeline also "
                                 "matches the patterns; its held-out F1 is shown with and without them")
        self.gold = QComboBox()
        for key, text in GOLD_CHOICES:
            self.gold.addItem(text, key)
        self.eval_split = QDoubleSpinBox()
        self.eval_split.setRange(0.0, 0.9)
        self.eval_split.setSingleStep(0.05)
        self.eval_split.setValue(0.2)
        self.eval_split.setToolTip("Part of the gold held out to score the trained and the base model")
        self.budget = QSpinBox()
        self.budget.setRange(10, 24 * 3600)
        self.budget.setSuffix(" s")
        self.budget.setValue(int(DEFAULT_BUDGET_S))
        self.budget.setToolTip("Training stops when the held-out F1 has not improved for a while, "
                               "or after this long at most; the best model seen is kept")
        self.max_steps = QSpinBox()
        self.max_steps.setRange(1, 100_000)
        self.max_steps.setValue(max_steps)
        note = QLabel("Training runs in the background: keep labelling. It stops when the held-out "
                      "F1 stops improving or the time budget is spent; the status bar shows the best "
                      "held-out F1 and the time used. The new model is recorded in the project; "
                      "switch to it with Model → Use trained model.")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Train")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Output folder:", out_row)
        form.addRow("Base model:", self.base)
        form.addRow("", self.scratch)
        form.addRow("", self.patterns)
        form.addRow("Gold:", self.gold)
        form.addRow("Held-out part:", self.eval_split)
        form.addRow("Time budget:", self.budget)
        form.addRow("Max steps:", self.max_steps)
        form.addRow(note)
        form.addRow(buttons)
        fill_in(self)  # accessible names and descriptions (gui/access.py)
        self.resize(640, self.sizeHint().height())

    def _browse(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Output folder", str(Path(self.out.text()).parent))
        if path:
            self.out.setText(str(Path(path) / Path(self.out.text()).name))

    def options(self) -> TrainOptions:
        return TrainOptions(out_dir=Path(self.out.text().strip()).expanduser(),
                            base=self.base.text().strip() or None, from_scratch=self.scratch.isChecked(),
                            eval_split=round(self.eval_split.value(), 3), max_steps=self.max_steps.value(),
                            budget_s=float(self.budget.value()),
                            gold=str(self.gold.currentData()), annotator=self.annotator,
                            with_patterns=self.patterns.isChecked())
