"""What is being edited, as a model rather than the window's state: the document on screen
(its id, text, and where its spans came from), the project's labels, and the label new
spans get. The span editor and the label bar subscribe to it (gui/editor/binding.py,
LabelBar.watch); the window opens documents through it; the Project keeps its labels in
step with the file (Project.apply)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from PySide6.QtCore import QObject, Signal

from annotator.core.text.model import Label, Span
from annotator.gui.actions import FROM_NOTHING


@dataclass(frozen=True)
class Shown:
    """A document put on screen, or new spans for the one on screen (same doc_id)."""

    doc_id: int | None
    text: str
    spans: list[Span] = field(default_factory=list)
    tokens: Any = None


class OpenDocument(QObject):
    """Signals: shown(Shown), labelsChanged(list of Label), activeLabelChanged(str)."""

    shown = Signal(object)
    labelsChanged = Signal(object)
    activeLabelChanged = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc_id: int | None = None
        self.text = ""
        self.origin = FROM_NOTHING
        self.labels: list[Label] = []
        self.active_label: str | None = None

    def show(self, doc_id: int | None, text: str, spans: Sequence[Span], origin: str, tokens: Any = None) -> None:
        """Put a document (None: nothing) on screen with these spans."""
        self.doc_id, self.text, self.origin = doc_id, text, origin
        self.shown.emit(Shown(doc_id, text, list(spans), tokens))

    def set_origin(self, origin: str) -> None:
        self.origin = origin

    def close(self) -> None:
        """Another project: nothing is open until the window opens a document."""
        self.doc_id, self.text, self.origin = None, "", FROM_NOTHING

    def set_labels(self, labels: Sequence[Label]) -> None:
        """The project's labels now; the active label stays if it still exists, else the first."""
        self.labels = list(labels)
        self.labelsChanged.emit(self.labels)
        names = [label.name for label in self.labels]
        if self.active_label not in names:
            self.set_active_label(names[0] if names else None)

    def set_active_label(self, name: str | None) -> None:
        self.active_label = name
        self.activeLabelChanged.emit(name or "")

    def label_names(self) -> list[str]:
        return [label.name for label in self.labels]
