"""View -> Guidelines (Ctrl+G): the project's guidelines (Markdown) and each label's
description with example phrases, beside the text. Reviewers edit them (Edit guidelines…,
Describe a label…); on a team hub where this annotator is not a reviewer the panel only
reads (core/team/guidelines.py may_edit; the hub's row-level security refuses it anyway).

Markdown is shown without its HTML (a guideline cannot run or fetch anything), and label
names and examples are escaped: they are shown as written."""

from __future__ import annotations

import re

from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton,
    QTextBrowser, QVBoxLayout, QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.team.guidelines import label_descriptions, may_edit, project_guidelines
from annotator.core.text.labels import shortcut_keys
from annotator.gui.dialogs.dialogs import show_message
from annotator.gui.project import Project

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")
FEATURES = QTextDocument.MarkdownFeature(QTextDocument.MarkdownFeature.MarkdownDialectGitHub.value
                                         | QTextDocument.MarkdownFeature.MarkdownNoHTML.value)


def escape(text: str) -> str:
    """Text shown as written inside Markdown (a label named *X* stays *X*)."""
    return _MARKDOWN.sub(r"\\\1", " ".join(text.split()))


def guidelines_markdown(project: Project) -> str:
    """The panel's whole text: the guidelines, then the labels with their descriptions."""
    store = project.store
    text = project_guidelines(store)
    parts = [text.text if text and text.text.strip() else
             "*No guidelines yet.* A reviewer writes them here (Edit guidelines…) or with "
             "`annotator guidelines set FILE`."]
    described = label_descriptions(store)
    keys = shortcut_keys(store.labels.all())
    parts.append("\n\n---\n\n## Labels\n")
    for name in store.labels.label_names():
        key = f" (key {escape(keys[name])})" if name in keys else ""
        about = described.get(name)
        line = f"**{escape(name)}**{key}"
        if about and about.text.strip():
            line += " — " + escape(about.text)
        if about and about.examples:
            line += "\\\n*e.g.* " + "; ".join(escape(x) for x in about.examples)  # a line break, same paragraph
        parts.append(line + "\n")
    return "\n".join(parts) + "\n"


class GuidelinesPanel(QWidget):
    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.view = QTextBrowser(self)
        self.view.setObjectName("guidelinesView")
        self.view.setOpenLinks(False)  # nothing is followed or fetched
        self.edit_button = QPushButton("Edit guidelines…", self)
        self.edit_button.clicked.connect(self.edit_guidelines)
        self.describe_button = QPushButton("Describe a label…", self)
        self.describe_button.clicked.connect(lambda: self.describe_label())
        self.who = QLabel(self)
        self.who.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.describe_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.who)
        layout.addLayout(buttons)
        for signal in (project.guidelinesChanged, project.labelsChanged, project.opened):
            signal.connect(self.refresh)
        project.annotatorChanged.connect(lambda _name: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        self.view.document().setMarkdown(guidelines_markdown(self.project), FEATURES)
        editable = may_edit(self.project.store)
        self.edit_button.setEnabled(editable)
        self.describe_button.setEnabled(editable)
        self.who.setText("" if editable else "Only reviewers change the guidelines on this project's team hub; "
                                             "you read them.")

    def edit_guidelines(self) -> GuidelinesDialog:
        current = project_guidelines(self.project.store)
        dialog = GuidelinesDialog(self.project, current.text if current else "", self)
        dialog.open()
        return dialog

    def describe_label(self, label: str | None = None) -> DescribeDialog:
        dialog = DescribeDialog(self.project, label, self)
        dialog.open()
        return dialog


class GuidelinesDialog(QDialog):
    """The guidelines' Markdown in a plain editor; Save writes them (the old text is kept)."""

    def __init__(self, project: Project, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.setWindowTitle("Guidelines")
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("guidelinesEditor")
        self.text.setPlainText(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Markdown: # headings, *emphasis*, - lists. At most 100 KB.", self))
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(640, 520)

    def save(self) -> bool:
        try:
            self.project.set_guidelines(self.text.toPlainText())
        except AnnotatorError as exc:
            show_message(self, "Guidelines not saved", str(exc))
            return False
        self.accept()
        return True


class DescribeDialog(QDialog):
    """A label's description and example phrases (one per line)."""

    def __init__(self, project: Project, label: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.setWindowTitle("Describe a label")
        self.label = QComboBox(self)
        self.label.addItems(project.store.labels.label_names())
        self.description = QPlainTextEdit(self)
        self.examples = QPlainTextEdit(self)
        self.examples.setPlaceholderText("One example phrase per line")
        if label:
            self.label.setCurrentText(label)
        self.label.currentTextChanged.connect(self._load)
        self._load(self.label.currentText())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Label", self.label)
        form.addRow("What it means", self.description)
        form.addRow("Examples", self.examples)
        form.addRow(buttons)
        self.resize(520, 380)

    def _load(self, label: str) -> None:
        about = label_descriptions(self.project.store).get(label)
        self.description.setPlainText(about.text if about else "")
        self.examples.setPlainText("\n".join(about.examples) if about else "")

    def save(self) -> bool:
        examples = [line for line in self.examples.toPlainText().splitlines() if line.strip()]
        try:
            self.project.describe_label(self.label.currentText(), self.description.toPlainText(), examples)
        except AnnotatorError as exc:
            show_message(self, "Description not saved", str(exc))
            return False
        self.accept()
        return True

