"""What SpanEditor paints over its text: borders, the selection outline and label tags of
the spans on screen (the look itself is span_style's), the token cursor, and how the view
scrolls to a span or a position of a long text. A part of SpanEditor kept in its own file; it
reads the editor's spans, view and selection and records where the tags went."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainter

from annotator.core.text.editing import spans_between
from annotator.core.text.model import Span
from annotator.gui.editor import span_style

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from annotator.gui.editor.offsets import WindowOffsets
    from annotator.gui.editor.span_view import SpanTextEdit
    from annotator.gui.editor.span_window import WindowScroller
    from annotator.gui.editor.token_cursor import TokenCursor

# More spans than this on screen (a tiny font, one-letter spans) get colours and borders but
# no label tags: painting thousands of tags would stall every repaint. The window's header
# says so (drawing_note), and a span's tooltip still names its label.
MAX_TAGGED_SPANS = 1_500


class SpanPainting:
    """Mixed into SpanEditor (which sets these attributes and owns the signal)."""

    _spans: list[Span]
    _view: "SpanTextEdit"
    _win: "WindowOffsets"
    _palette: span_style.Palette
    _selected: Span | None
    _tags: list[tuple[QRectF, Span]]
    _drawing_note: str | None
    _cursor: "TokenCursor"
    _formats: dict
    _scroller: "WindowScroller"
    drawingChanged: "SignalInstance"

    def apply_look(self) -> None:
        """The theme or the text size changed (gui/theme.py): the same text, spans and place,
        laid out again in the new font (the label tags' gap follows the size)."""
        self._view.setFont(span_style.text_font())
        self._formats = {}
        top = self._scroller.top_cp()
        self._show_window(top, 0.0)  # type: ignore[attr-defined] - SpanEditor's
        self._view.viewport().update()

    def jump_window_to(self, cp: int) -> bool:
        """Move a long document's window to code point `cp` unless it is well inside it
        already; True if the window moved."""
        before = (self._win.start, self._win.end)
        if self._scroller.windowed:
            self._scroller.jump(cp, self._view.viewport().height() / 3)
        return (self._win.start, self._win.end) != before

    def _jump_to_end(self, end: bool) -> bool:
        if not self._scroller.windowed:
            return False  # the view scrolls through its whole document itself
        self._scroller.jump(len(self._text) if end else 0)
        return True

    def _scroll_to(self, span: Span) -> None:
        cursor = self._view.textCursor()
        if cursor.hasSelection():
            return  # never disturb a selection in progress
        w = self._win
        if not (w.start <= span.start and span.end <= w.end):  # outside the window: move it
            self._scroller.jump(span.start, self._view.viewport().height() / 3)
            cursor = self._view.textCursor()
        cursor.setPosition(self._win.to_qt(span.start))
        self._view.setTextCursor(cursor)
        self._view.ensureCursorVisible()

    def _tooltip_at(self, point: QPointF) -> str | None:
        span = self._span_at_qt(self._view.char_at(point))  # type: ignore[attr-defined] - SpanEditor's
        return span_style.tooltip(span, self._text) if span is not None else None  # type: ignore[attr-defined]

    def visible_spans(self) -> list[Span]:
        """The spans on screen (plus a line below), found by bisection: what an overlay
        (e.g. the review view's agreement marks) should paint, rather than all spans."""
        if not self._spans:
            return []
        qs, qe = self._view.visible_range()
        return spans_between(self._spans, self._win.from_qt(qs), self._win.from_qt(qe) + 1)

    def drawing_note(self) -> str | None:
        """None while spans are drawn in full (colour, border, label tag); else what is left
        out and why, for the window's header."""
        return self._drawing_note

    def _paint_overlay(self, painter: QPainter, _rect: QRectF) -> None:
        visible = self.visible_spans()
        items = [(span, self._view.line_rects(*self._win.range_to_qt(span.start, span.end))) for span in visible]
        tagged = len(visible) <= MAX_TAGGED_SPANS
        self._tags = span_style.paint_spans(painter, items, self._palette, self._selected, tags=tagged,
                                            right=self._view.viewport().width())
        self._cursor.paint(painter)  # the token cursor and a keyboard selection, over the spans
        note = None if tagged else (f"label tags hidden: {len(visible):,} spans on screen "
                                    f"(over {MAX_TAGGED_SPANS:,}); hover a span for its label")
        if note != self._drawing_note:
            self._drawing_note = note
            self.drawingChanged.emit()
