"""What SpanEditor paints over its text: borders, the selection outline and label tags of
the spans on screen (the look itself is span_style's). A part of SpanEditor kept in its own
file; it reads the editor's spans, view and selection and records where the tags went."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter

from annotator.core.text.editing import spans_between
from annotator.core.text.model import Span
from annotator.gui.editor import span_style

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from annotator.gui.editor.offsets import WindowOffsets
    from annotator.gui.editor.span_view import SpanTextEdit

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
    drawingChanged: "SignalInstance"

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
        note = None if tagged else (f"label tags hidden: {len(visible):,} spans on screen "
                                    f"(over {MAX_TAGGED_SPANS:,}); hover a span for its label")
        if note != self._drawing_note:
            self._drawing_note = note
            self.drawingChanged.emit()
