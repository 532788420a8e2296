"""File -> Export: format, where, and what to write, with the command line's defaults.

Formats, their file suffixes and descriptions come from the exporters' registry; the list
names the formats and the chosen one's description is wrapped under it, so the dialog fits a
small screen whatever the descriptions say (one of them listed every field: 1,761 px). What is
written defaults to what `annotator export` writes for the format (core/ops/exporting.py
gold_by_default): the team gold for spacy and conll, every accepted version otherwise. The
save dialog starts in the folder last exported to, else the user's documents folder (never
the hidden data folder the project may live in).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QStandardPaths, Qt
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
    QPushButton, QWidget,
)

from annotator.core.formats.exporters import EXPORTERS
from annotator.core.formats.exporters.options import EXPORT_ANSWERS, ExportChoice
from annotator.core.ops.exporting import gold_by_default
from annotator.gui.access import fill_in

WHAT_GOLD = "gold"
WHAT_ALL = "all"
WHAT_MINE = "mine"
WHAT_REVIEWED = "reviewed"
_LAST_FOLDER = "export/last_folder"


def start_folder(settings: QSettings) -> Path:
    """The folder last exported to, else Documents, else home."""
    last = settings.value(_LAST_FOLDER)
    if isinstance(last, str) and Path(last).is_dir():
        return Path(last)
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs) if docs and Path(docs).is_dir() else Path.home()


class ExportDialog(QDialog):
    """`options()` gives core.exporting.export keyword arguments, `format()` the format."""

    def __init__(self, project_path: Path, annotator: str, settings: QSettings,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.project_path = project_path
        self.annotator = annotator
        self.settings = settings
        self.format_box = QComboBox()
        for name, cls in EXPORTERS.items():
            self.format_box.addItem(name, name)
            self.format_box.setItemData(self.format_box.count() - 1, cls.description, Qt.ItemDataRole.ToolTipRole)
        self.description = QLabel()
        self.description.setObjectName("formatDescription")
        self.description.setWordWrap(True)
        self.description.setStyleSheet("color: #555555")
        self.what = QComboBox()
        self.what.addItem("Team gold: one record per document (review, else unanimous)", WHAT_GOLD)
        self.what.addItem("Every accepted version (one record per annotator)", WHAT_ALL)
        self.what.addItem(f"Only {annotator}'s versions", WHAT_MINE)
        self.what.addItem("Reviewed (adjudicated) versions only", WHAT_REVIEWED)
        self.answer = QComboBox()
        self.answer.addItems(list(EXPORT_ANSWERS))  # the same choices as `export --answer`
        self.path = QLineEdit()
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.note = QLabel()
        self.note.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow("Format", self.format_box)
        form.addRow("", self.description)
        form.addRow("What", self.what)
        form.addRow("Answers", self.answer)
        form.addRow("Save to", row)
        form.addRow(self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._folder = start_folder(settings)
        self.format_box.currentIndexChanged.connect(lambda _i: self._format_changed())
        self.what.currentIndexChanged.connect(lambda _i: self._what_changed())
        self._format_changed()
        fill_in(self)  # accessible names and descriptions (gui/access.py)
        self.resize(640, self.sizeHint().height())

    def format(self) -> str:
        return str(self.format_box.currentData())

    def set_format(self, name: str) -> None:
        self.format_box.setCurrentIndex(self.format_box.findData(name))

    def set_what(self, what: str) -> None:
        self.what.setCurrentIndex(self.what.findData(what))

    def _format_changed(self) -> None:
        fmt = self.format()
        self.description.setText(EXPORTERS[fmt].description)
        self.set_what(WHAT_GOLD if gold_by_default(fmt) else WHAT_ALL)
        current = Path(self.path.text()).expanduser().parent if self.path.text() else self._folder
        self.path.setText(str(current / f"{self.project_path.stem}-{fmt}{EXPORTERS[fmt].suffix}"))
        self._what_changed()

    def _what_changed(self) -> None:
        what = self.what.currentData()
        self.answer.setEnabled(what in (WHAT_ALL, WHAT_MINE))
        self.note.setText("Documents whose annotators disagree and that nobody has reviewed are left "
                          "out of the gold (the status bar counts them)." if what == WHAT_GOLD else "")

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text())
        if path:
            self.path.setText(path)

    def out_path(self) -> Path:
        return Path(self.path.text()).expanduser()

    def accept(self) -> None:
        self.settings.setValue(_LAST_FOLDER, str(self.out_path().parent))
        super().accept()

    def choice(self) -> ExportChoice:
        what = self.what.currentData()
        return ExportChoice(self.format(), annotator=self.annotator if what == WHAT_MINE else None,
                            answer=self.answer.currentText() if what in (WHAT_ALL, WHAT_MINE) else None,
                            reviewed=what == WHAT_REVIEWED, gold=what == WHAT_GOLD, versions=what == WHAT_ALL)

    def options(self) -> dict[str, Any]:
        """export()'s keyword arguments, checked by the core's one rule (ExportChoice)."""
        arguments = self.choice().arguments()
        if not arguments["options"]:
            del arguments["options"]
        return arguments
