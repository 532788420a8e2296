"""SpanEditor: the annotation text widget.

Shows one article as plain text with its entity spans highlighted and labelled inline, and
turns mouse gestures into span edits: drag to create a span (snapped to tokens, whitespace
trimmed), double-click for a one-token span, click to select, Delete to remove. Every edit
is an undo command on the widget's QUndoStack, and every change to the span list (undo and
redo included) emits spansChanged so the window can save a draft.
What a label key does is decided here, once (choose_label): a drawn span is never selected,
so a key pressed after drawing sets the next span's label, never relabels the one drawn.

All positions in this API are Python code points; the UTF-16 positions Qt uses stay inside.
"""

from __future__ import annotations

import bisect
import operator
from typing import Sequence

from PySide6.QtCore import QPoint, QPointF, QRectF, Signal
from PySide6.QtGui import QTextCharFormat, QUndoStack
from PySide6.QtWidgets import QHBoxLayout, QScrollBar, QWidget

from annotator.core.text import editing
from annotator.core.text.editing import TokenIndex, full_key, span_at, spans_between
from annotator.core.store.journal import DraftChange
from annotator.core.text.model import Label, Span
from annotator.core.text.spans import validate_spans
from annotator.core.text.tokens import Token
from annotator.gui.editor import span_style
from annotator.gui.editor.display import LONG_PARAGRAPH, PIECE, DisplayText, display_text  # noqa: F401 (re-exported)
from annotator.gui.editor.offsets import WindowOffsets
from annotator.gui.editor.span_paint import SpanPainting
from annotator.gui.editor.span_view import SpanTextEdit
from annotator.gui.editor import span_window
from annotator.gui.editor.span_window import WindowScroller
from annotator.gui.editor.token_cursor import TokenCursor
from annotator.gui.theme import appearance
from annotator.gui.editor.undo import (
    AddSpan, ConfirmAll, ConfirmSpan, RelabelSpan, RemoveSpan, ReplaceSpans, SpanListCommand, Then,
)

_START = operator.attrgetter("start")


class SpanEditor(SpanPainting, QWidget):
    """The annotation widget. See the module docstring; the public methods are the contract
    the main window and the review view rely on."""

    spansChanged = Signal()  # after every edit, undo and redo (not after set_document)
    spanSelected = Signal(object)  # Span or None
    activeLabelChanged = Signal(object)  # the label the next span gets (str or None)
    spanClicked = Signal(object)  # Span; also in read-only mode
    drawingChanged = Signal()  # drawing_note() changed
    labelled = Signal(object)  # the person's labelling edit (its undo command) was done: see follow_up
    spanMenuRequested = Signal(object, QPoint)  # a right click on a Span (now selected), global position

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # The last edit (spans before, removed, added), for the draft journal; None after a load.
        self.last_change: DraftChange | None = None
        self._view = SpanTextEdit(self)
        self._bar = QScrollBar(self)  # the whole text, in characters, when the view holds a window
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._view, 1)
        layout.addWidget(self._bar)
        self.setFocusProxy(self._view)
        self._scroller = WindowScroller(self._view, self._bar, self._show_window)

        self._undo = QUndoStack(self)
        self._text = ""
        self._win = WindowOffsets("")
        self._display = DisplayText("")
        self._drawing_note: str | None = None
        self._formats: dict[tuple[str, str | None], QTextCharFormat] = {}
        self._spans: list[Span] = []
        self._tokens: editing.Snapper | None = None
        self._words: editing.WordBoundaries | None = None  # fallback until tokens arrive
        self._labels: list[Label] = []
        self._palette = span_style.Palette({})
        self._active: str | None = None
        self._selected: Span | None = None
        self._char_mode = False
        self._read_only = False
        self._base_format = QTextCharFormat()
        self._tags: list[tuple[QRectF, Span]] = []  # label tags as last painted
        # Applied to the span list after each labelling edit (add, relabel, confirm, delete of
        # the person's own span, replace), in the same undo step: the window's propagation.
        self.follow_up: Then | None = None

        self._view.overlay = self._paint_overlay
        self._view.tooltip_at = self._tooltip_at
        self._view.has_selected_span = lambda: self._selected is not None
        self._view.editable = lambda: not self._read_only
        self._view.selectionFinished.connect(self._on_selection_finished)
        self._view.clickedAt.connect(self._on_clicked)
        self._view.doubleClickedAt.connect(self._on_double_clicked)
        self._view.deletePressed.connect(self.delete_selected)
        self._view.escapePressed.connect(lambda: self.select_span(None))
        self._view.jump_to_end = self._jump_to_end
        self._view.context_menu = self._on_context_menu
        self._cursor = TokenCursor(self)  # labelling by keyboard (token_cursor.py)
        appearance().changed.connect(self.apply_look)  # theme, text size (span_paint.py)
        self._view.key_handler = self._cursor.handle_key
        self._view.claims_key = self._cursor.claims

    # --- document ------------------------------------------------------------------------

    def set_document(self, text: str, spans: Sequence[Span],
                     tokens: Sequence[Token] | editing.Snapper | None = None) -> None:
        """Show `text` with `spans` (code points). Resets undo history and selection.

        Spans are checked as annotator.core.text.spans.validate_spans does (SpanError if one is
        out of range or overlaps another). Without `tokens`, snapping uses word boundaries
        until set_tokens() is called. Does not emit spansChanged: nothing was edited.
        A text longer than span_window.WINDOWED_ABOVE is shown a window at a time.
        """
        checked = validate_spans(text, spans, trim=False)  # C-speed for sorted Span lists
        self._undo.clear()
        self.last_change = None
        had_selection = self._selected is not None
        self._selected = None
        self._text = text
        self._spans = checked
        self._display = DisplayText(text, lambda: self._spans)
        self._tokens = None
        if tokens is not None:
            self.set_tokens(tokens)
        self._words = None
        self._tags = []
        self._scroller.reset(len(text))
        self._show_window(0, 0.0)
        self._cursor.reset()
        if had_selection:
            self.spanSelected.emit(None)

    def set_spans(self, spans: Sequence[Span], *, checked: bool = False) -> None:
        """Replace the spans without an undo step, keeping the view where it is (a long
        document's spans arrive after its text). Checked as in set_document, unless `checked`
        (the worker that read them ran validate_spans already); no spansChanged."""
        checked_spans = list(spans) if checked else validate_spans(self._text, spans, trim=False)
        self._undo.clear()
        self.last_change = None
        had_selection = self._selected is not None
        self._selected = None
        self._spans = checked_spans
        top = self._scroller.top_cp()
        self._show_window(top, self._scroller.line_top(top) - self._view.verticalScrollBar().value())
        if had_selection:
            self.spanSelected.emit(None)

    def _show_window(self, anchor: int, top_y: float) -> None:
        """Show the window around code point `anchor` (the whole text when it is short),
        with anchor's line `top_y` pixels below the top of the view."""
        lo, hi = max(0, anchor - span_window.WINDOW_BEFORE), anchor + span_window.WINDOW_AFTER
        i, j = (bisect.bisect_left(self._spans, x, key=_START) for x in (lo, hi))
        start, end = self._scroller.window_for(self._display, anchor, (j - i) / max(1, hi - lo))
        self._win = self._scroller.window = WindowOffsets(self._text, start, end)
        self._tags = []
        self._load_document(start, end)
        if anchor > start or top_y:
            self._scroller.scroll_inside(anchor, top_y)

    def _load_document(self, start: int, end: int) -> None:
        span_window.load_window(self._view, self._display.slice(start, end), start,
                                spans_between(self._spans, start, end), self._base_format, self._format)

    def set_tokens(self, tokens: Sequence[Token] | editing.Snapper) -> None:
        """Token boundaries (code points) for snapping, e.g. once spaCy has tokenised: a
        list of tokens, or an index (editing.token_index: lazy for a long text)."""
        self._tokens = tokens if hasattr(tokens, "snap") else TokenIndex(tokens)  # type: ignore[arg-type]
        self._cursor.retoken()

    def text(self) -> str:
        return self._text

    def spans(self) -> list[Span]:
        """The current spans, code points, sorted."""
        return list(self._spans)

    def text_edit(self) -> SpanTextEdit:
        """The inner QTextEdit (for tests and for focus handling)."""
        return self._view

    def token_cursor(self) -> TokenCursor:
        """The keyboard's token cursor (token_cursor.py)."""
        return self._cursor

    def spans_view(self) -> Sequence[Span]:
        """The current spans without a copy (read only)."""
        return self._spans

    def offsets(self) -> WindowOffsets:
        """Code points <-> UTF-16 positions in the view's document (which holds the window
        [offsets().start, offsets().end) of a long text, else all of it)."""
        return self._win

    def scroll_bar(self) -> QScrollBar:
        """The scroll bar that stands for the whole text (the review view keeps rows in step)."""
        return self._bar if self._scroller.windowed else self._view.verticalScrollBar()

    def outer_bar(self) -> QScrollBar:
        """The scroll bar in characters (shown only while the view holds a window)."""
        return self._bar

    def scroll_to_offset(self, cp: int) -> None:
        """Show code point `cp` at the top of the view."""
        self._scroller.jump(cp)

    def undo_stack(self) -> QUndoStack:
        return self._undo

    # --- labels and modes ------------------------------------------------------------

    def set_labels(self, labels: Sequence[Label]) -> None:
        """The project's labels (colours); keeps the active label if it still exists,
        else the first label becomes active."""
        self._labels = list(labels)
        self._palette = span_style.Palette.from_labels(self._labels)
        self._formats = {}
        names = [label.name for label in self._labels]
        if self._active not in names:
            self.set_active_label(names[0] if names else None)
        if self._spans:
            self._reformat([], spans_between(self._spans, self._win.start, self._win.end))
        self._view.viewport().update()

    def labels(self) -> list[Label]:
        return list(self._labels)

    def set_active_label(self, name: str | None) -> None:
        """The label new spans get. ValueError for a name not among set_labels()."""
        if name is not None and not self._known(name):
            raise ValueError(f"unknown label {name!r}")
        if name != self._active:
            self._active = name
            self.activeLabelChanged.emit(name)

    def choose_label(self, name: str) -> bool:
        """A label key or button, the one rule for every view: relabel the span the person
        selected (clicked, or chose with select_span), the next span's label staying as it is;
        with none selected, `name` becomes the next span's label. True if something changed."""
        if self._selected is not None:
            return self.relabel_selected(name)
        changed = name != self._active and self._known(name)
        if changed:
            self.set_active_label(name)
        return changed

    def _known(self, name: str) -> bool:
        return not self._labels or name in {label.name for label in self._labels}

    def active_label(self) -> str | None:
        return self._active

    def set_char_mode(self, on: bool) -> None:
        """Character-level selection: new spans are not snapped to tokens."""
        self._char_mode = bool(on)

    def char_mode(self) -> bool:
        return self._char_mode

    def set_read_only(self, on: bool) -> None:
        """No edits at all; clicks still select spans and emit spanClicked."""
        self._read_only = bool(on)

    def is_read_only(self) -> bool:
        return self._read_only

    # --- selection -----------------------------------------------------------------------

    def selected_span(self) -> Span | None:
        return self._selected

    def select_span(self, span: Span | None, ensure_visible: bool = True) -> None:
        """Select `span` (matched by start, end, label) or clear the selection with None."""
        found = self._find(span) if span is not None else None
        if found is None and self._selected is None:
            return
        if found is not None and self._selected is not None and full_key(found) == full_key(self._selected):
            return
        self._selected = found
        if found is not None and ensure_visible:
            self._scroll_to(found)
        self._view.viewport().update()
        self.spanSelected.emit(found)

    def select_adjacent(self, step: int) -> Span | None:
        """Select the next (step > 0) or previous span, from the selection or the start."""
        if not self._spans:
            return None
        if self._selected is None:
            index = 0 if step > 0 else len(self._spans) - 1
        else:
            index = bisect.bisect_left(self._spans, self._selected.key(), key=Span.key) + step
            index = min(max(index, 0), len(self._spans) - 1)
        self.select_span(self._spans[index])
        return self._selected

    def _find(self, span: Span) -> Span | None:
        for s in spans_between(self._spans, span.start, span.end):
            if s.key() == span.key():
                return s
        return None

    # --- edits -------------------------------------------------------------------------

    def create_span_from_selection(self, start_cp: int, end_cp: int,
                                   char_level: bool = False) -> Span | None:
        """Turn a selection [start_cp, end_cp) into a span with the active label.

        Trims whitespace, snaps to token boundaries unless char mode is on or `char_level`
        (Alt held), replaces overlapping spans and pushes an undo command. Returns the new
        span, or None if the selection held only whitespace, no label is active or the
        editor is read-only. Afterwards nothing is selected (see choose_label).
        """
        if self._read_only or not self._active:
            return None
        index = None if (self._char_mode or char_level) else self._token_index()
        start, end = editing.selection_to_range(self._text, start_cp, end_cp, index)
        if start >= end:
            return None
        new = Span(start, end, self._active)
        existing = self._find(new)
        if existing is not None and existing.source is None:
            self.select_span(None)  # already there, confirmed: nothing to do
            return existing
        self._labelling(AddSpan(self, self._spans, new, self._selected, then=self.follow_up))
        return new

    def _labelling(self, command: SpanListCommand) -> None:
        self._undo.push(command)
        self.labelled.emit(command)

    def relabel_selected(self, label: str) -> bool:
        """Give the selected span `label` (which also confirms it). False if nothing changed."""
        span = self._selected
        if self._read_only or span is None or not label or not self._known(label):
            return False
        if label == span.label:
            return self.confirm_selected()
        self._labelling(RelabelSpan(self, self._spans, span, label, then=self.follow_up))
        return True

    def delete_selected(self) -> bool:
        """Remove the selected span. False if there is none or the editor is read-only."""
        span = self._selected
        if self._read_only or span is None:
            return False
        if span.source is not None:  # a suggestion dismissed: nothing else follows from it
            self._undo.push(RemoveSpan(self, self._spans, span))
        else:
            self._labelling(RemoveSpan(self, self._spans, span, then=self.follow_up))
        return True

    def confirm_selected(self) -> bool:
        """Accept the selected suggestion as it is (source -> None)."""
        span = self._selected
        if self._read_only or span is None or span.source is None:
            return False
        self._labelling(ConfirmSpan(self, self._spans, span, then=self.follow_up))
        return True

    def confirm_all(self) -> bool:
        """Accept every unconfirmed suggestion in one undoable step."""
        if self._read_only or not editing.unconfirmed(self._spans):
            return False
        self._labelling(ConfirmAll(self, self._spans, self._selected, then=self.follow_up))
        return True

    def replace_spans(self, spans: Sequence[Span], description: str = "Replace spans", selected: Span | None = None,
                      change: tuple[Sequence[Span], Sequence[Span]] | None = None) -> bool:
        """Swap in a whole span list as one undoable step (clear all, apply suggestions, label
        all occurrences), selecting `selected` afterwards. `change`: (removed, added) from the
        current list, worked out (and `spans` checked) off the GUI thread for a long text."""
        if self._read_only:
            return False
        new = validate_spans(self._text, spans, trim=False) if change is None else list(spans)
        if (not any(change) if change is not None else
                [full_key(s) for s in new] == [full_key(s) for s in self._spans]):
            return False
        self._labelling(ReplaceSpans(self, self._spans, new, description, self._selected, selected,
                                     then=self.follow_up, change=change))
        return True

    def amend(self, command: SpanListCommand, spans: Sequence[Span],
              change: tuple[Sequence[Span], Sequence[Span]] | None = None) -> bool:
        """Fold `spans` (a follow-up's result; `change`: its (removed, added), if known) into
        `command`'s undo step if it is still the last edit done (True; nothing to fold too)."""
        stack = self._undo
        if self._read_only or stack.index() != stack.count() or stack.command(stack.index() - 1) is not command:
            return False
        new = list(spans)
        removed, added = change if change is not None else editing.diff_spans(self._spans, new)
        if removed or added:  # e.g. after label all, usually nothing is left to suggest
            command.amend(removed, added)
            self.apply_spans(new, self._selected, (removed, added))
        return True

    def apply_spans(self, spans: Sequence[Span], selected: Span | None,
                    change: tuple[Sequence[Span], Sequence[Span]] | None = None) -> None:
        """Set the span list (used by the undo commands, which pass `change`: what they
        removed and added): re-formats only the spans that changed, restores the selection
        and emits spansChanged."""
        old, new = self._spans, list(spans)
        removed, added = change if change is not None else editing.diff_spans(old, new)
        self._spans = new
        self.last_change = (old, removed, added)
        self._reformat(removed, added)
        self._view.clear_selection()
        previous = self._selected
        found = self._find(selected) if selected is not None else None
        self._selected = found
        if found is not None:
            self._scroll_to(found)  # undo and redo show what they changed
        self._view.viewport().update()
        if (None if previous is None else full_key(previous)) != (None if found is None else full_key(found)):
            self.spanSelected.emit(found)
        self.spansChanged.emit()

    def _reformat(self, removed: Sequence[Span], added: Sequence[Span]) -> None:
        span_window.reformat(self._view.document(), self._win, removed, added, self._base_format, self._format)

    def _format(self, span: Span) -> QTextCharFormat:
        """The char format of a span's text, one per look (a window can hold 2,000 spans)."""
        key = (span.label, span.source)
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = self._formats[key] = span_style.span_format(self._base_format, self._palette, span)
        return fmt

    def token_index(self) -> editing.Snapper:
        """Token boundaries: spaCy's once set_tokens() gave them, else word boundaries."""
        return self._token_index()

    def _token_index(self) -> editing.Snapper:
        if self._tokens is not None:
            return self._tokens
        if self._words is None:
            self._words = editing.WordBoundaries(self._text)
        return self._words

    # --- gestures from the view --------------------------------------------------------------

    def _on_selection_finished(self, qs: int, qe: int, alt: bool) -> None:
        if self._read_only:
            return  # keep the text selection: the person may want to copy it
        start, end = self._win.range_from_qt(qs, qe)
        self._view.clear_selection()
        self._cursor.after(self.create_span_from_selection(start, end, char_level=alt))

    def _span_at_qt(self, q: int) -> Span | None:
        return span_at(self._spans, self._win.from_qt(q)) if q >= 0 else None

    def _on_clicked(self, q: int, point: QPointF) -> None:
        if q >= 0:
            self._cursor.place(self._win.from_qt(q))
        span = self._span_at_qt(q)
        if span is None:  # a click on a label tag selects its span too
            hit = next((s for rect, s in self._tags if rect.contains(point)), None)
            span = self._find(hit) if hit is not None else None  # not a stale paint
        self.select_span(span, ensure_visible=False)
        if span is not None:
            self.spanClicked.emit(span)

    def _on_context_menu(self, q: int, where: QPoint) -> bool:
        """A right click: on a span, select it and ask for the span's menu (True: handled)."""
        span = self._span_at_qt(q)
        if span is None:
            return False
        self.select_span(span, ensure_visible=False)
        self.spanMenuRequested.emit(span, where)
        return True

    def _on_double_clicked(self, q: int, alt: bool) -> None:
        if q < 0 or self._read_only:
            return  # read-only: the click before it already selected the span
        token = self._token_index().token_at(self._win.from_qt(q))
        if token is not None:
            self._cursor.after(self.create_span_from_selection(token.start, token.end, char_level=True))

    # --- painting, tooltips, theme and text size: SpanPainting (gui/editor/span_paint.py) ----------
