"""The span editor follows the model, not the window: the project's labels and the active
label, and the document put on screen (gui/open_document.py OpenDocument)."""

from __future__ import annotations

from typing import Any

from annotator.gui.editor.span_editor import SpanEditor
from annotator.gui.open_document import OpenDocument, Shown


def bind_editor(editor: SpanEditor, current: OpenDocument) -> None:
    """Subscribe `editor` to `current`: a document shown replaces its text, spans and undo
    history; labels and the active label follow."""

    def shown(doc: Shown) -> None:
        editor.set_document(doc.text, doc.spans, doc.tokens)
        editor.undo_stack().clear()

    def active(name: str) -> Any:
        if not name or name in {label.name for label in editor.labels()}:
            editor.set_active_label(name or None)

    current.shown.connect(shown)
    current.labelsChanged.connect(editor.set_labels)
    current.activeLabelChanged.connect(active)
    editor.set_labels(current.labels)
    active(current.active_label or "")
