"""Inside the open document: propagation and "label all occurrences" (core/learning/propagate.py; the
composition is core/suggestions.with_propagated).

Propagation. After each labelling edit of the person (a new span, a relabel, a confirmed
suggestion, confirm all, label all, deleting one of their own spans) the ★ suggestions of
the document are recomputed: every other occurrence of each phrase the person labelled, as
whole tokens ignoring case, never over the person's spans. They are part of that edit's undo
step: undoing the edit takes back what it propagated, redoing brings it again. Deleting a ★
dismisses it: later edits do not suggest that occurrence again while the document stays
open (undoing the deletion brings it back; reopening the document forgets the dismissals,
the draft keeps the ★ that were left).

Cost. Up to AT_ONCE characters the work is done on the GUI thread inside the edit (a few
milliseconds). In a longer document the edit shows at once and the propagation runs in a
worker, then joins the edit's undo step; if the person edited again meanwhile, it is worked
out afresh for the newest state and joins the newest edit; if they undid the edit, it is
dropped. "Label all occurrences" runs in a worker the same way, and is dropped (with a
message) if the document changed before it finished.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, QPoint, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from annotator.core.text.labels import LABEL_KEYS
from annotator.core.text.model import SOURCE_PROPAGATED, Span
from annotator.core.learning.propagate import LabelAll, label_all
from annotator.core.learning.suggestions import with_propagated
from annotator.gui.project import Project
from annotator.gui.editor.span_editor import SpanEditor
from annotator.gui.tasks import TaskRunner
from annotator.gui.editor.undo import RemoveSpan, SpanListCommand, snippet
from annotator.jobs import tasks as jobs

AT_ONCE = 20_000  # characters: above this, propagation and label-all run in a worker
MAX_STARS = 2_000  # propagated suggestions in one document at most (longer phrases, then left to right)


class Occurrences(QObject):
    """Signal: message(text) for the status bar."""

    message = Signal(str)

    def __init__(self, project: Project, tasks: TaskRunner, editor: SpanEditor,
                 label_for_key: Callable[[str], str | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project, self.tasks, self.editor, self.label_for_key = project, tasks, editor, label_for_key
        self._request = 0
        self.menu: QMenu | None = None  # the last span menu shown (tests trigger its entries)
        editor.follow_up = self._follow_up
        editor.labelled.connect(self._labelled)
        editor.spanMenuRequested.connect(self.show_menu)

    def _labels(self) -> list[str]:
        return [label.name for label in self.editor.labels()]

    def dismissed(self) -> list[tuple[int, int]]:
        """Occurrences whose ★ the person deleted in the edits now done (the undo stack)."""
        stack = self.editor.undo_stack()
        out = []
        for i in range(stack.index()):
            command = stack.command(i)
            if isinstance(command, RemoveSpan) and command.span.source == SOURCE_PROPAGATED:
                out.append((command.span.start, command.span.end))
        return out

    # ---- propagation ---------------------------------------------------------------------
    def _follow_up(self, spans: list[Span]) -> list[Span]:
        text = self.editor.text()
        if len(text) > AT_ONCE:
            return spans  # _labelled() starts a worker once the edit is done
        return with_propagated(text, spans, self._labels(), self.project.store.settings.lang, self.dismissed(), MAX_STARS)

    def _labelled(self, command: SpanListCommand) -> None:
        if len(self.editor.text()) > AT_ONCE:
            self._propagate_later(command)

    def _propagate_later(self, command: SpanListCommand) -> None:
        self._request += 1
        request = self._request
        self.tasks.run(jobs.propagate_job, self.editor.text(), self.editor.spans(), self._labels(),
                       self.project.store.settings.lang, self.dismissed(), MAX_STARS, name="propagation",
                       on_returned=lambda result: self._propagated(request, command, result))

    def _propagated(self, request: int, command: SpanListCommand, result: tuple[Any, Any, Any]) -> None:
        if request != self._request:
            return  # a later edit started its own, over everything
        after, removed, added = result
        if self.editor.amend(command, after, (removed, added)):
            return
        stack = self.editor.undo_stack()
        done = [stack.command(i) for i in range(stack.index())]
        if any(c is command for c in done) and isinstance(done[-1], SpanListCommand):
            self._propagate_later(done[-1])  # edited meanwhile: afresh, with the newest edit

    # ---- label all occurrences -------------------------------------------------------------
    def label_all(self, label: str | None = None) -> bool:
        """Give `label` (default: the span's own) to the selected span and every other
        occurrence of its text in the document, as one undoable step."""
        span = self.editor.selected_span()
        if span is None or self.editor.is_read_only():
            self.message.emit("Label all occurrences: select a span first (click it)")
            return False
        label = label or span.label
        text, spans, lang = self.editor.text(), self.editor.spans(), self.project.store.settings.lang
        if len(text) <= AT_ONCE:
            return self._apply(span, label, label_all(text, spans, span, label, lang))
        stack = self.editor.undo_stack()
        state = (stack.index(), stack.command(stack.index() - 1) if stack.index() else None)
        self.message.emit(f"Labelling every '{snippet(text, span)}' as {label}…")

        def returned(got: tuple[LabelAll, list[Span], list[Span]]) -> None:
            if (stack.index(), stack.command(stack.index() - 1) if stack.index() else None) != state:
                self.message.emit("The document changed while labelling all occurrences: nothing was changed")
                return
            result, removed, added = got
            self._apply(span, label, result, (removed, added))

        self.tasks.run(jobs.label_all_job, text, spans, span, label, lang, name="label all",
                       on_returned=returned)
        return True

    def _apply(self, span: Span, label: str, result: LabelAll,
               change: tuple[list[Span], list[Span]] | None = None) -> bool:
        words = f"'{snippet(self.editor.text(), span)}'"
        changed = self.editor.replace_spans(result.spans, f"Label all {words} as {label}",
                                            selected=Span(span.start, span.end, label), change=change)
        counts = [f"{n:,} {what}" for n, what in ((result.added, "added"), (result.relabelled, "relabelled"),
                                                 (result.skipped, "left alone (inside your other spans)")) if n]
        if not changed:
            self.message.emit(f"Every occurrence of {words} already is {label}"
                              + (f"; {counts[-1]}" if result.skipped else ""))
        else:
            self.message.emit(f"Labelled all {words} as {label}: {', '.join(counts) or 'confirmed'}")
        return changed

    def label_all_key(self, key: str) -> None:
        name = self.label_for_key(key)
        if name is not None:
            self.label_all(name)

    def install_keys(self, window: QWidget) -> dict[str, QAction]:
        """Shift + a label key: label all occurrences of the selected span with that label."""
        actions = {}
        for key in LABEL_KEYS:
            action = QAction(f"Label all occurrences, key {key}", window)
            action.setShortcut(QKeySequence(f"Shift+{key.upper()}"))
            action.triggered.connect(lambda _c=False, k=key: self.label_all_key(k))
            window.addAction(action)
            actions[key] = action
        return actions

    # ---- the span's context menu -------------------------------------------------------------
    def show_menu(self, span: Span, where: QPoint) -> QMenu:
        """Right click on a span: label all its occurrences with its label, or another one."""
        menu = QMenu(self.editor)
        words = snippet(self.editor.text(), span)
        first = menu.addAction(f"Label all '{words}' as {span.label}")
        first.triggered.connect(lambda: self.label_all(span.label))
        others = menu.addMenu("Label all occurrences as")
        for name in self._labels():
            others.addAction(name).triggered.connect(lambda _c=False, n=name: self.label_all(n))
        menu.setEnabled(not self.editor.is_read_only())
        self.menu = menu
        menu.popup(where)
        return menu
