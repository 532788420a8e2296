"""The span editor follows the model, not the window: the project's labels and the active
label, and the document put on screen (gui/model/open_document.py OpenDocument).

The active label (the one the next span gets) has one owner, the model: the label bar and
the editor show the model's. A label key or button goes through SpanEditor.choose_label,
the one rule (relabel the selected span, else choose the next span's label); when it
chooses, the editor's activeLabelChanged is passed to the model, which tells both views."""

from __future__ import annotations

from typing import Any

from annotator.gui.editor.span_editor import SpanEditor
from annotator.gui.model.open_document import OpenDocument, Shown


def bind_editor(editor: SpanEditor, current: OpenDocument) -> None:
    """Subscribe `editor` to `current`: a document shown replaces its text, spans and undo
    history; labels and the active label follow; the label the editor's rule chose goes to
    `current`."""

    def shown(doc: Shown) -> None:
        editor.set_document(doc.text, doc.spans, doc.tokens)
        editor.undo_stack().clear()

    def active(name: str) -> Any:
        if not name or name in {label.name for label in editor.labels()}:
            editor.set_active_label(name or None)

    def chosen(name: str | None) -> None:
        if name != current.active_label:
            current.set_active_label(name)

    current.shown.connect(shown)
    current.labelsChanged.connect(editor.set_labels)
    current.activeLabelChanged.connect(active)
    editor.activeLabelChanged.connect(chosen)
    editor.set_labels(current.labels)
    active(current.active_label or "")
