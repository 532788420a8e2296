"""Model -> Patterns…: the project's patterns and term lists with each one's measured precision
(core/learning/patterns/precision.py): add a file, see the table, remove selected or flagged
patterns in one click, set the flag rule (saved in the project).

Reading, checking and saving a file run in workers, and so do the figures: a 100,000-term
list never freezes the window. A table model, not a widget per cell, holds the rows. The
store calls are plain methods (add_file, remove_ids, remove_flagged, set_rule) so tests and
scripts drive the dialog without any blocking box; the slots only ask and call them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QDialog, QDoubleSpinBox, QFileDialog, QHBoxLayout, QHeaderView, QInputDialog,
    QLabel, QLineEdit, QMessageBox, QPushButton, QSpinBox, QTableView, QVBoxLayout, QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.learning.patterns.files import is_pattern_file
from annotator.core.learning.patterns.precision import FlagRule
from annotator.core.wording import count
from annotator.gui.dialogs.dialogs import show_message
from annotator.gui.project import Project
from annotator.gui.tasks import TaskRunner
from annotator.jobs import tasks as jobs
from annotator.gui.access import fill_in

COLUMNS = ("Pattern", "Label", "Shown", "Kept", "Relabelled", "Removed", "Precision", "")
FLAG_COLOR = QColor("#c62828")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class PatternTableModel(QAbstractTableModel):
    """Rows: core PatternFigures; `rule` says which are flagged."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = []
        self.rule = FlagRule()

    def set_rows(self, rows: list[Any], rule: FlagRule) -> None:
        self.beginResetModel()
        self.rows, self.rule = rows, rule
        self.endResetModel()

    def set_rule(self, rule: FlagRule) -> None:
        self.rule = rule
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(COLUMNS) - 1))

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        f, col = self.rows[index.row()], index.column()
        flagged = f.flagged(self.rule)
        if role == Qt.ItemDataRole.DisplayRole:
            return (f.pattern.text(), f.pattern.label, f"{f.shown:,}", f"{f.kept:,}", f"{f.relabelled:,}",
                    f"{f.removed:,}", "–" if f.precision is None else f"{f.precision:.2f}",
                    "⚑ flagged" if flagged else "")[col]
        if role == SORT_ROLE:
            return (f.pattern.text().lower(), f.pattern.label, f.shown, f.kept, f.relabelled, f.removed,
                    -1.0 if f.precision is None else f.precision, int(flagged))[col]
        if role == Qt.ItemDataRole.ForegroundRole and flagged and col in (6, 7):
            return FLAG_COLOR
        if role == Qt.ItemDataRole.TextAlignmentRole and 2 <= col <= 6:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col == 7 and flagged:
            return f"Flagged: {self.rule.describe()}"
        return None


class _Filter(QSortFilterProxyModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.flagged_only = False
        self.text = ""

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:  # noqa: N802 - Qt override
        model: PatternTableModel = self.sourceModel()  # type: ignore[assignment]
        f = model.rows[row]
        if self.flagged_only and not f.flagged(model.rule):
            return False
        return not self.text or self.text in f.pattern.text().lower() or self.text == f.pattern.label.lower()


class PatternsDialog(QDialog):
    """One per window (show_for). Signal figuresShown(): the table was filled (tests wait on it)."""

    figuresShown = Signal()

    @classmethod
    def show_for(cls, parent: QWidget, project: Project, tasks: TaskRunner) -> "PatternsDialog":
        dialog = getattr(parent, "_patterns_dialog", None)
        if dialog is None:
            dialog = cls(project, tasks, parent)
            parent._patterns_dialog = dialog  # type: ignore[attr-defined]
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def __init__(self, project: Project, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("patternsDialog")
        self.setWindowTitle("Patterns")
        self.project, self.tasks = project, tasks
        self._asked = 0
        self._stale = True
        # Asks whether to add the labels a file uses that the project lacks; tests replace it.
        self.confirm_labels: Callable[[Any], bool] = self._ask_labels

        self.summary = QLabel("Reading…")
        self.summary.setObjectName("patternsSummary")
        self.summary.setWordWrap(True)
        self.model = PatternTableModel(self)
        self.proxy = _Filter(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setObjectName("patternsTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # as added, until a click
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)

        self.search = QLineEdit(placeholderText="Filter: words of a pattern, or a label")
        self.search.textChanged.connect(self._filter)
        self.flagged_only = QCheckBox("Flagged only")
        self.flagged_only.toggled.connect(self._filter)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.flagged_only)

        self.below = QDoubleSpinBox(decimals=2, minimum=0.0, maximum=1.0, singleStep=0.05)
        self.after = QSpinBox(minimum=1, maximum=1_000_000)
        rule_row = QHBoxLayout()
        for widget in (QLabel("Flag a pattern whose precision is below"), self.below, QLabel("after at least"),
                       self.after, QLabel("showings")):
            rule_row.addWidget(widget)
        rule_row.addStretch(1)

        self.add_button = QPushButton("Add file…")
        self.add_button.setToolTip("A Prodigy match-pattern file (.jsonl) or a term list (one term per line)")
        self.add_button.clicked.connect(self._ask_file)
        self.remove_button = QPushButton("Remove selected")
        self.remove_button.clicked.connect(self._remove_selected)
        self.flagged_button = QPushButton("Remove flagged")
        self.flagged_button.setObjectName("removeFlagged")
        self.flagged_button.setEnabled(False)  # until the figures say which are flagged
        self.flagged_button.clicked.connect(self.remove_flagged)
        self.check_gold = QCheckBox("Leave out what the gold contradicts")
        self.check_gold.setToolTip("When adding a file: measure each pattern on the project's gold first, and "
                                   "leave out those whose matches there are more often not that entity")
        export = QPushButton("Export…")
        export.clicked.connect(self._ask_export)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.check_gold, self.remove_button, self.flagged_button, export):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        self.status = QLabel("")
        self.status.setObjectName("patternsStatus")
        self.status.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(rule_row)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        fill_in(self)  # accessible names and descriptions (gui/access.py)
        self.resize(860, 560)

        for signal in (project.patternsEdited, project.decisionSaved, project.teamWorkChanged, project.opened):
            signal.connect(self.mark_stale)
        self._show_rule(FlagRule())
        self.below.valueChanged.connect(self._rule_edited)
        self.after.valueChanged.connect(self._rule_edited)

    # ---- the figures ---------------------------------------------------------------------------
    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def mark_stale(self, *_args: object) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Compute every pattern's figures in a worker; the newest request wins."""
        self._stale = False
        self._asked += 1
        asked = self._asked
        self.tasks.run(jobs.pattern_figures_job, self.project.path, name="pattern figures",
                       on_returned=lambda result: self._shown(asked, *result),
                       on_error=lambda exc: self.summary.setText(f"Could not read the patterns: {exc}"))

    def _shown(self, asked: int, rows: list[Any], rule: FlagRule) -> None:
        if asked != self._asked:
            return
        self._show_rule(rule)
        self.model.set_rows(rows, rule)
        self._filter()
        self._update_summary()
        self.figuresShown.emit()

    def _show_rule(self, rule: FlagRule) -> None:
        for box, value in ((self.below, rule.below), (self.after, rule.after)):
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)

    def _update_summary(self) -> None:
        rows, rule = self.model.rows, self.model.rule
        flagged = sum(f.flagged(rule) for f in rows)
        shown = sum(1 for f in rows if f.shown)
        self.summary.setText(
            f"{count(len(rows), 'pattern')}, {shown:,} suggested in an accepted document so far, "
            f"{flagged:,} flagged ({rule.describe()}). Matches are suggested as ◆, after your own and the "
            "learned ★ spans, before the model's. Shown: in a document you then accepted; kept: accepted "
            "unchanged; precision = kept / shown." if rows else
            "No patterns yet. Add a Prodigy match-pattern file (.jsonl) or a term list (one term per line).")
        self.flagged_button.setText(f"Remove flagged ({flagged:,})")
        self.flagged_button.setEnabled(bool(flagged))

    def _filter(self, *_args: object) -> None:
        changing = hasattr(self.proxy, "beginFilterChange")  # Qt 6.9+; invalidateFilter() before
        if changing:
            self.proxy.beginFilterChange()
        self.proxy.text = self.search.text().strip().lower()
        self.proxy.flagged_only = self.flagged_only.isChecked()
        if changing:
            self.proxy.endFilterChange()
        else:
            self.proxy.invalidateFilter()

    # ---- the flag rule -----------------------------------------------------------------------------
    def _rule_edited(self) -> None:
        self.set_rule(FlagRule(round(self.below.value(), 4), self.after.value()))

    def set_rule(self, rule: FlagRule) -> None:
        """Save the rule in the project and flag again (no recount needed)."""
        self.project.set_flag_rule(rule)
        self._show_rule(rule)
        self.model.set_rule(rule)
        self._filter()
        self._update_summary()

    # ---- removing ----------------------------------------------------------------------------------
    def remove_ids(self, ids: list[int]) -> int:
        removed = self.project.remove_patterns(ids) if ids else 0
        self.status.setText(f"{count(removed, 'pattern')} removed.")
        return removed

    def remove_flagged(self) -> int:
        rule = self.model.rule
        return self.remove_ids([f.pattern.id for f in self.model.rows if f.flagged(rule)])

    def _remove_selected(self) -> None:
        rows = {self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()}
        self.remove_ids([self.model.rows[r].pattern.id for r in sorted(rows)])

    # ---- adding --------------------------------------------------------------------------------------
    def _ask_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Add patterns", str(Path.home()),
            "Patterns or term lists (*.jsonl *.json *.ndjson *.txt *.csv *.tsv *.lst);;All files (*)")
        if not path:
            return
        label = None
        if not is_pattern_file(path):
            names = self.project.store.labels.label_names()
            label, ok = QInputDialog.getItem(self, "Term list", f"Label for every term of {Path(path).name}:",
                                             names, 0, True)
            if not ok or not label.strip():
                return
        self.add_file(Path(path), label.strip() if label else None)

    def add_file(self, path: Path, label: str | None = None) -> None:
        """Read and check the file in a worker, ask about missing labels, save in a worker."""
        self.add_button.setEnabled(False)
        self.status.setText(f"Reading {path.name}…")
        self.tasks.run(jobs.read_patterns_job, self.project.path, path, label,
                       self.project.annotator if self.check_gold.isChecked() else None, name="patterns",
                       key="patterns", title=f"Reading {path.name}", on_returned=self._read,
                       on_error=self._failed)

    def _read(self, read: Any) -> None:
        add_labels = bool(read.unknown) and self.confirm_labels(read)
        self.tasks.run(jobs.save_patterns_job, self.project.path, read, self.project.annotator, add_labels,
                       name="patterns", key="patterns", title="Adding patterns",
                       on_returned=lambda report: self._saved(read, report), on_error=self._failed)

    def _saved(self, read: Any, report: Any) -> None:
        self.add_button.setEnabled(True)
        lines = [report.summary() + "."]
        if read.contradicted:
            from annotator.core.learning.patterns.manage import contradicted_message

            lines.append(contradicted_message(read, shown=5) + ".")
        if read.errors:
            lines.append(f"{count(len(read.errors), 'bad line')} left out, e.g. {read.errors[0]}")
        self.status.setText("\n".join(lines))
        self.project.check_changes(by="patterns")  # what the worker wrote, read from the change log
        if read.errors:
            show_message(self, "Some lines were left out",
                         "\n".join(str(e) for e in read.errors[:10])
                         + (f"\n… and {len(read.errors) - 10:,} more" if len(read.errors) > 10 else ""))

    def _failed(self, exc: BaseException) -> None:
        self.add_button.setEnabled(True)
        self.status.setText(f"Not added: {exc}")
        if isinstance(exc, AnnotatorError):
            show_message(self, "Patterns not added", str(exc))

    def _ask_labels(self, read: Any) -> bool:
        missing = ", ".join(f"{u.label} ({count(u.patterns, 'pattern')})" for u in read.unknown.values())
        answer = QMessageBox.question(
            self, "Labels the project lacks", f"{Path(read.source).name} has patterns of labels the project "
            f"does not have: {missing}.\n\nAdd these labels to the project? (No: those patterns are left out.)")
        return answer == QMessageBox.StandardButton.Yes

    # ---- exporting --------------------------------------------------------------------------------
    def _ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export patterns", str(Path.home() / "patterns.jsonl"),
                                              "Prodigy patterns (*.jsonl)")
        if path:
            self.export_to(Path(path))

    def export_to(self, out: Path) -> int:
        from annotator.core.learning.patterns.manage import export_patterns

        try:
            n = export_patterns(self.project.store, out)
        except (OSError, AnnotatorError) as exc:
            show_message(self, "Patterns not exported", str(exc))
            return 0
        self.status.setText(f"{count(n, 'pattern')} written to {out}.")
        return n
