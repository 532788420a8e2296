"""What a document shows when opened, and documents too long to read on the GUI thread
(over actions.LONG_TEXT characters).

A long document's text shows at once (the editor holds a window of it) and its spans follow:
the draft, the saved annotation or the suggestions are read and checked in a worker
(jobs.tasks.long_spans_job), since parsing 50,000 spans takes a quarter of a second. The
newest request wins. Until the spans arrive the window keeps the editor read-only and
refuses decisions (origin FROM_LOADING), so nothing can be saved over the real draft. New
suggestions for a long document are read the same way and shown only if nobody edited it.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from annotator.core.text.model import Span
from annotator.gui import actions
from annotator.gui.project import Project
from annotator.gui.editor.span_editor import SpanEditor
from annotator.gui.tasks import TaskRunner
from annotator.jobs import tasks as jobs


class LongDocuments(QObject):
    """Signal: shown(doc_id, origin) - a long document's spans are now in the editor."""

    shown = Signal(int, str)

    def __init__(self, project: Project, tasks: TaskRunner, editor: SpanEditor,
                 is_current: Callable[[int], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project, self.tasks, self.editor, self.is_current = project, tasks, editor, is_current
        self._request = 0

    def spans_for(self, doc_id: int, text: str) -> tuple[list[Span], str]:
        """(spans, origin) to open `doc_id` with: read now, or ([], FROM_LOADING) and read in a
        worker for a long document. The draft journal learns what the store holds."""
        if actions.is_long(text):
            self.load(doc_id, text)
            return [], actions.FROM_LOADING
        spans, origin = self.project.spans_to_show(doc_id, text)
        actions.document_shown(self.project.session, doc_id, text, spans, origin)
        return spans, origin

    def load(self, doc_id: int, text: str, *, refresh: bool = False) -> None:
        """Read what document `doc_id` shows in a worker; `refresh`: new suggestions, shown
        only if the document is still untouched when they arrive."""
        self._request += 1
        request, s = self._request, self.project.session
        self.tasks.run(jobs.long_spans_job, self.project.path, doc_id, text, s.annotator, s.model_key, s.matcher,
                       s.patterns, name="long document", on_returned=lambda r: self._returned(request, refresh, r))

    def _returned(self, request: int, refresh: bool, result: tuple[int, list[Any], str, str | None]) -> None:
        doc_id, spans, origin, base = result
        if request != self._request or not self.is_current(doc_id):
            return
        untouched = (actions.FROM_NOTHING, actions.FROM_SUGGESTIONS)
        if refresh and (self.editor.undo_stack().count() or origin not in untouched):
            return
        self.editor.set_spans(spans, checked=True)  # validate_spans ran in the worker
        actions.document_shown(self.project.session, doc_id, self.editor.text(), spans, origin, base)
        self.editor.set_read_only(self.project.waiting_decision is not None)
        self.shown.emit(doc_id, origin)
