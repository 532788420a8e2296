"""Scrolling an article that the view holds only a window of.

A QTextDocument of a 5 MB article costs seconds to fill and lay out and hundreds of MB, so
the view of a text longer than WINDOWED_ABOVE holds a window of it: whole blocks from about
WINDOW_BEFORE characters above the screen to WINDOW_AFTER below. The view's own scroll bar
then moves inside the window (hidden); a second scroll bar, in characters, stands for the
whole text. When the screen comes within EDGE characters of a window edge (wheel, keys,
dragging the bar), the window is rebuilt around it, keeping the top line where it was: a
window starts at a block start, so its lines wrap exactly as in any other window. While the
mouse button is down the window stays put, so a drag can select up to the window's edge
(tens of thousands of characters), not further.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Sequence

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QScrollBar

from annotator.core.text.editing import spans_between
from annotator.core.text.model import Span
from annotator.gui.editor.display import DisplayText
from annotator.gui.editor.offsets import WindowOffsets

if TYPE_CHECKING:
    from annotator.gui.editor.span_view import SpanTextEdit

WINDOWED_ABOVE = 40_000
WINDOW_BEFORE = 5_000
WINDOW_AFTER = 10_000
EDGE = 2_500
DENSE = 0.03  # spans per character above which windows narrow (one every ~33 characters)
_RETRY_MS = 100


class WindowScroller(QObject):
    """Keeps the window around the screen. `show(anchor, top_y)` is the editor's: build the
    window around code point `anchor` and put its line `top_y` pixels below the top."""

    def __init__(self, view: "SpanTextEdit", bar: QScrollBar,
                 show: Callable[[int, float], None]) -> None:
        super().__init__(view)
        self.view, self.bar, self._show = view, bar, show
        self.length = 0
        self.windowed = False
        self.window = WindowOffsets("")
        self.edge = EDGE  # how near a window edge the screen may come (narrower windows: nearer)
        self._quiet = 0
        self._pending = False
        bar.setSingleStep(200)
        bar.hide()
        view.verticalScrollBar().valueChanged.connect(self._on_inner)
        bar.valueChanged.connect(self._on_outer)
        bar.sliderReleased.connect(self.sync_bar)

    def reset(self, length: int) -> None:
        """A new text of `length` code points."""
        self.length = length
        self.windowed = length > WINDOWED_ABOVE
        policy = Qt.ScrollBarPolicy.ScrollBarAlwaysOff if self.windowed else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        self.view.setVerticalScrollBarPolicy(policy)
        self._quiet += 1
        try:
            self.bar.setRange(0, length)
            self.bar.setValue(0)
        finally:
            self._quiet -= 1
        self.bar.setVisible(self.windowed)

    def window_for(self, display: DisplayText, anchor: int, density: float = 0.0) -> tuple[int, int]:
        """The [start, end) to show around `anchor`: whole blocks, or everything when short.
        `density` (spans per character there): a text dense with spans gets a narrower window,
        as every span is a format range Qt lays out."""
        if not self.windowed:
            return 0, self.length
        scale = 1.0 if density <= DENSE else max(0.25, DENSE / density)
        before, after = int(WINDOW_BEFORE * scale), int(WINDOW_AFTER * scale)
        self.edge = int(EDGE * scale)
        lo, hi = max(0, anchor - before), min(self.length, anchor + after)
        start, end = display.block_start(lo), display.block_end(hi)
        return (lo if start is None else start), (hi if end is None else end)

    # ---- geometry inside the window ------------------------------------------------------
    def top_cp(self) -> int:
        """Code point at the start of the top line on screen."""
        return self.window.from_qt(self.view.visible_range()[0])

    def bottom_cp(self) -> int:
        """Code point at the end of the last line on screen (or just below it)."""
        return self.window.from_qt(self.view.visible_range()[1])

    def line_top(self, cp: int) -> float:
        """Document y of the top of the line holding `cp` (lays the window out up to it)."""
        q = self.window.to_qt(cp)
        doc = self.view.document()
        block = doc.findBlock(q)
        rect = doc.documentLayout().blockBoundingRect(block)
        layout = block.layout()
        if layout is None or layout.lineCount() == 0:
            return rect.top()
        line = layout.lineForTextPosition(q - block.position())
        return rect.top() + (line.y() if line.isValid() else 0.0)

    def scroll_inside(self, cp: int, top_y: float = 0.0) -> None:
        """Put the line holding `cp` `top_y` pixels below the top, within the window."""
        y = self.line_top(cp)
        # Lay out a screen further (Qt lays out lazily) so the scroll range reaches y.
        doc = self.view.document()
        layout = doc.documentLayout()
        block = doc.findBlock(self.window.to_qt(cp))
        bottom = y - top_y + self.view.viewport().height()
        while block.isValid() and layout.blockBoundingRect(block).bottom() < bottom:
            block = block.next()
        self._quiet += 1
        try:
            self.view.verticalScrollBar().setValue(round(y - top_y))
        finally:
            self._quiet -= 1
        self.sync_bar()

    def jump(self, cp: int, top_y: float = 0.0) -> None:
        """Show code point `cp`'s line `top_y` pixels below the top, rebuilding the window
        if `cp` is not well inside it."""
        cp = min(max(cp, 0), self.length)
        w = self.window
        edge = self.edge
        inside = w.start + (edge if w.start else 0) <= cp <= w.end - (edge if w.end < self.length else 0)
        if self.windowed and not inside:
            self._rebuild(cp, top_y)
        else:
            self.scroll_inside(cp, top_y)

    def _rebuild(self, anchor: int, top_y: float) -> None:
        """The window around `anchor`, its line `top_y` below the top; the outer bar follows."""
        self._quiet += 1
        try:
            self._show(anchor, top_y)
        finally:
            self._quiet -= 1
        self.sync_bar()

    # ---- the two scroll bars -----------------------------------------------------------
    def sync_bar(self) -> None:
        """The outer bar shows where the screen is in the whole text."""
        if not self.windowed or self.bar.isSliderDown():
            return
        top, bottom = self.top_cp(), self.bottom_cp()
        self._quiet += 1
        try:
            self.bar.setPageStep(max(1, bottom - top))
            self.bar.setValue(top)
        finally:
            self._quiet -= 1

    def _on_inner(self, _value: int) -> None:
        if self._quiet or not self.windowed:
            return
        self.sync_bar()
        if not self._pending:
            self._pending = True
            QTimer.singleShot(0, self, self._shift)

    def _on_outer(self, value: int) -> None:
        if not self._quiet and self.windowed:
            self.jump(value)

    def _shift(self) -> None:
        """Rebuild the window if the screen is near one of its edges (after the scroll)."""
        self._pending = False
        if not self.windowed:
            return
        if self.view.mouse_down:  # a drag is selecting in this window: wait for the release
            self._pending = True
            QTimer.singleShot(_RETRY_MS, self, self._shift)
            return
        w = self.window
        top, bottom = self.top_cp(), self.bottom_cp()
        if (w.start > 0 and top - w.start < self.edge) or (w.end < self.length and w.end - bottom < self.edge):
            self._rebuild(top, self.line_top(top) - self.view.verticalScrollBar().value())


def load_window(view: "SpanTextEdit", text: str, start: int, spans: Sequence[Span],
                base: QTextCharFormat, format_of: Callable[[Span], QTextCharFormat]) -> None:
    """Show `text` (the window starting at code point `start`) with `spans` in a fresh
    QTextDocument built in one edit block (text runs between spans in the base format, span
    runs in their own, so no range is formatted twice): Qt lays a newly shown document out in
    steps."""
    doc = view.fresh_document()
    cursor = QTextCursor(doc)
    cursor.beginEditBlock()
    cursor.setBlockFormat(view.block_format())
    cursor.setCharFormat(base)
    pos = 0
    for span in spans:
        a, b = max(span.start - start, 0), min(span.end - start, len(text))
        if a > pos:
            cursor.insertText(text[pos:a], base)
        cursor.insertText(text[a:b], format_of(span))
        pos = b
    if pos < len(text):
        cursor.insertText(text[pos:], base)
    cursor.endEditBlock()
    view.adopt(doc)
    view.viewport().update()


def reformat(doc: QTextDocument, win: WindowOffsets, removed: Sequence[Span], added: Sequence[Span],
             base: QTextCharFormat, format_of: Callable[[Span], QTextCharFormat]) -> None:
    """Reset the format of `removed` spans' text, then format `added` ones (each sorted, as
    every change is): only the changed ranges inside the window are touched, in one edit
    block (the document keeps no undo)."""
    removed, added = spans_between(removed, win.start, win.end), spans_between(added, win.start, win.end)
    if not removed and not added:
        return
    to_qt = win.to_qt  # clamps a span crossing a window edge to the edge
    cursor = QTextCursor(doc)
    cursor.beginEditBlock()
    for spans, fmt in ((removed, lambda _s: base), (added, format_of)):
        for span in spans:
            cursor.setPosition(to_qt(span.start))
            cursor.setPosition(to_qt(span.end), QTextCursor.MoveMode.KeepAnchor)
            cursor.setCharFormat(fmt(span))
    cursor.endEditBlock()
