"""The text view inside SpanEditor: a read-only QTextEdit that reports mouse gestures,
computes span geometry and paints the overlay.

QTextEdit rather than QPlainTextEdit: QPlainTextEdit's layout ignores
QTextBlockFormat.lineHeight, and the label tags need a gap above every line. QTextEdit lays
long documents out incrementally, so opening a long article stays responsive, and hit tests
and geometry work on visible blocks only.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent, QFocusEvent, QKeyEvent, QMouseEvent, QPainter, QShowEvent, QTextBlockFormat, QTextCursor,
    QTextDocument,
    QTextFrameFormat,
)
from PySide6.QtWidgets import QFrame, QTextEdit, QToolTip, QWidget

from annotator.gui.editor import span_style

# Keys the view keeps for itself: scrolling. Everything else without Ctrl goes to the window.
_SCROLL_KEYS = {Qt.Key.Key_PageUp, Qt.Key.Key_PageDown, Qt.Key.Key_Home, Qt.Key.Key_End}
_EDIT_KEYS = {Qt.Key.Key_Delete, Qt.Key.Key_Backspace}


class SpanTextEdit(QTextEdit):
    """Read-only text with span gestures.

    Signals carry UTF-16 (Qt) positions; SpanEditor converts them to code points.
    """

    selectionFinished = Signal(int, int, bool)  # qt start, qt end, alt held
    clickedAt = Signal(int, QPointF)  # qt position of the character clicked (-1: none), point
    doubleClickedAt = Signal(int, bool)  # qt position of the character, alt held
    deletePressed = Signal()
    escapePressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("spanText")  # the style sheet's focus border (resources/style.qss)
        self.setAccessibleName("Text to label")
        self.setAccessibleDescription("The token under the cursor is described here as you move it")
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setAcceptRichText(False)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.viewport().setCursor(Qt.CursorShape.IBeamCursor)
        self.setFont(span_style.text_font())
        self.adopt(self.fresh_document())
        self._suppress_release = False
        self.mouse_down = False  # the left button is held (a drag may be selecting)
        # Set by SpanEditor: Home/End over a long article (the document holds a window of it).
        self.jump_to_end: Callable[[bool], bool] = lambda _end: False
        # Set by SpanEditor: paints the overlay; answers "is there a selected span?".
        self.overlay: Callable[[QPainter, QRectF], None] | None = None
        self.tooltip_at: Callable[[QPointF], str | None] | None = None
        self.has_selected_span: Callable[[], bool] = lambda: False
        self.editable: Callable[[], bool] = lambda: True
        # Set by SpanEditor: a right click at a qt position (-1: none); True when it showed a menu.
        self.context_menu: Callable[[int, QPoint], bool] = lambda _q, _where: False
        # Set by SpanEditor: the token cursor's keys (token_cursor.py): run one (True if it did),
        # and whether a key goes to the text before the window's shortcuts.
        self.key_handler: Callable[[QKeyEvent], bool] = lambda _e: False
        self.claims_key: Callable[[QKeyEvent], bool] = lambda _e: False

    # --- document set-up -------------------------------------------------------------

    def line_gap(self) -> float:
        return span_style.tag_height() + 4.0

    def block_format(self) -> QTextBlockFormat:
        """Every paragraph: extra distance between lines, room for the label tags."""
        fmt = QTextBlockFormat()
        fmt.setLineHeight(self.line_gap(), QTextBlockFormat.LineHeightTypes.LineDistanceHeight.value)
        fmt.setBottomMargin(4.0)
        return fmt

    def fresh_document(self) -> QTextDocument:
        """An empty document set up like ours (font, margins, no undo), not yet shown.

        Filling a detached document and then adopting it lets Qt lay it out lazily, in
        steps, instead of re-laying-out everything when the filling edit block ends.
        """
        doc = QTextDocument(self)
        doc.setUndoRedoEnabled(False)
        doc.setDefaultFont(self.font())
        doc.setDocumentMargin(14)
        # The first line has no line above it: give its tags room with a top margin.
        root = doc.rootFrame()
        fmt: QTextFrameFormat = root.frameFormat()
        fmt.setTopMargin(self.line_gap())
        root.setFrameFormat(fmt)
        return doc

    def adopt(self, doc: QTextDocument) -> None:
        """Show `doc` in place of the current document, which is deleted."""
        old = self.document()
        ours = old is not doc and old.parent() is self  # Qt deletes the ones it made itself
        self.setDocument(doc)
        if ours:
            old.deleteLater()
        self.setTextCursor(QTextCursor(doc))  # at the start, nothing selected
        self.verticalScrollBar().setValue(0)
        self.horizontalScrollBar().setValue(0)

    # --- geometry ----------------------------------------------------------------------

    def _offset(self) -> QPointF:
        return QPointF(-self.horizontalScrollBar().value(), -self.verticalScrollBar().value())

    def line_rects(self, qs: int, qe: int) -> list[QRectF]:
        """Viewport rectangles of the text [qs, qe) (UTF-16), one per line piece."""
        doc = self.document()
        layout = doc.documentLayout()
        off = self._offset()
        rects: list[QRectF] = []
        block = doc.findBlock(qs)
        while block.isValid() and block.position() < qe:
            bp = block.position()
            tl = block.layout()
            if tl is None or tl.lineCount() == 0:
                block = block.next()
                continue
            br = layout.blockBoundingRect(block)
            s = max(qs, bp) - bp
            e = min(qe, bp + block.length() - 1) - bp
            n = tl.lineForTextPosition(s).lineNumber() if s > 0 else 0
            n = max(n, 0)
            while n < tl.lineCount():
                line = tl.lineAt(n)
                ls = line.textStart()
                le = ls + line.textLength()
                if ls >= e:
                    break
                a, b = max(s, ls), min(e, le)
                if b > a:
                    x1 = line.cursorToX(a)[0]
                    x2 = line.cursorToX(b)[0]
                    if x2 < x1:
                        x1, x2 = x2, x1
                    rects.append(QRectF(br.x() + x1 + off.x(), br.y() + line.y() + off.y(),
                                        max(x2 - x1, 1.0), line.height()))
                n += 1
            block = block.next()
        return rects

    def char_at(self, point: QPointF) -> int:
        """UTF-16 position of the character under `point` (viewport), or -1 if none."""
        pos = self.cursorForPosition(point.toPoint()).position()
        for c in (pos, pos - 1):
            if c < 0 or c >= self.document().characterCount() - 1:
                continue
            for r in self.line_rects(c, c + 1):
                if r.adjusted(0, 0, 0.5, 0).contains(point):
                    return c
        return -1

    def visible_range(self) -> tuple[int, int]:
        """UTF-16 range of the text shown, widened by a line so tags of the next line show.

        Walks the blocks down to the bottom of the viewport (laying them out, as painting
        does anyway): Qt's own hit test guesses while a document is still being laid out."""
        doc = self.document()
        layout = doc.documentLayout()
        y0 = float(self.verticalScrollBar().value())
        y1 = y0 + self.viewport().height() + self.line_gap() + 40
        top = bottom = -1
        block = doc.firstBlock()
        while block.isValid():
            rect = layout.blockBoundingRect(block)
            if rect.bottom() >= y0:
                tl = block.layout()
                for i in range(tl.lineCount() if tl is not None else 0):
                    line = tl.lineAt(i)
                    y = rect.top() + line.y()
                    if top < 0 and y + line.height() >= y0:
                        top = block.position() + line.textStart()
                    if y <= y1:
                        bottom = block.position() + line.textStart() + line.textLength()
                if top < 0:
                    top = block.position()
            if rect.top() > y1:
                break
            block = block.next()
        top = max(top, 0)
        return top, max(bottom, top) + 1

    # --- events ------------------------------------------------------------------------

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().paintEvent(event)
        if self.overlay is not None:
            painter = QPainter(self.viewport())
            try:
                self.overlay(painter, QRectF(event.rect()))
            finally:
                painter.end()

    def showEvent(self, e: QShowEvent) -> None:  # noqa: N802
        # QTextEdit scrolls its cursor into view when first shown, while the view may still be
        # a few pixels tall (a review window's rows): the first line's label tags were cut off.
        # The view stays where it was put.
        top = self.verticalScrollBar().value()
        super().showEvent(e)
        self.verticalScrollBar().setValue(top)

    def focusInEvent(self, e: QFocusEvent) -> None:  # noqa: N802 - the token cursor shows with the focus
        super().focusInEvent(e)
        self.viewport().update()

    def focusOutEvent(self, e: QFocusEvent) -> None:  # noqa: N802
        super().focusOutEvent(e)
        self.viewport().update()

    def mousePressEvent(self, e: QMouseEvent) -> None:  # noqa: N802
        if e.button() == Qt.MouseButton.LeftButton:
            self._suppress_release = False  # a new gesture (a double click never sends one)
            self.mouse_down = True
        super().mousePressEvent(e)

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:  # noqa: N802
        super().mouseReleaseEvent(e)
        if e.button() != Qt.MouseButton.LeftButton:
            return
        self.mouse_down = False
        if self._suppress_release:  # the release that ends a double click
            self._suppress_release = False
            return
        alt = bool(e.modifiers() & Qt.KeyboardModifier.AltModifier)
        cursor = self.textCursor()
        if cursor.hasSelection():
            self.selectionFinished.emit(cursor.selectionStart(), cursor.selectionEnd(), alt)
        else:
            point = e.position()
            self.clickedAt.emit(self.char_at(point), point)

    def mouseDoubleClickEvent(self, e: QMouseEvent) -> None:  # noqa: N802
        if e.button() != Qt.MouseButton.LeftButton:
            super().mouseDoubleClickEvent(e)
            return
        # Not the base class: its word selection would turn into a span on release.
        self._suppress_release = True
        self.clear_selection()
        alt = bool(e.modifiers() & Qt.KeyboardModifier.AltModifier)
        self.doubleClickedAt.emit(self.char_at(e.position()), alt)

    def contextMenuEvent(self, e: QContextMenuEvent) -> None:  # noqa: N802
        # On a span: the span's menu (label all occurrences...); elsewhere Qt's (copy, select all).
        if not self.context_menu(self.char_at(QPointF(e.pos())), e.globalPos()):  # viewport coordinates
            super().contextMenuEvent(e)

    def clear_selection(self) -> None:
        cursor = self.textCursor()
        if cursor.hasSelection():
            cursor.clearSelection()
            self.setTextCursor(cursor)

    def event(self, e: QEvent) -> bool:
        # Claim Delete/Backspace/Escape only while a span is selected; otherwise window
        # shortcuts bound to them fire as usual.
        if e.type() == QEvent.Type.ShortcutOverride and isinstance(e, QKeyEvent):
            if self.claims_key(e):
                e.accept()
                return True
            if e.modifiers() == Qt.KeyboardModifier.NoModifier and self.has_selected_span():
                if e.key() == Qt.Key.Key_Escape or (e.key() in _EDIT_KEYS and self.editable()):
                    e.accept()
                    return True
        return super().event(e)

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802
        key = e.key()
        plain = e.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        if plain and key in _EDIT_KEYS and self.has_selected_span() and self.editable():
            self.deletePressed.emit()
            e.accept()
            return
        if self.key_handler(e):
            e.accept()
            return
        if plain and key == Qt.Key.Key_Escape and self.has_selected_span():
            self.escapePressed.emit()
            e.accept()
            return
        if key in (Qt.Key.Key_Home, Qt.Key.Key_End) and self.jump_to_end(key == Qt.Key.Key_End):
            e.accept()
            return
        if key in _SCROLL_KEYS or e.modifiers() & Qt.KeyboardModifier.ControlModifier:
            super().keyPressEvent(e)  # scrolling, Ctrl+C, Ctrl+A
            return
        # Letters, digits, Space, arrows, Escape, Enter: the window's shortcuts and actions.
        e.ignore()

    def viewportEvent(self, e: QEvent) -> bool:  # noqa: N802
        if e.type() == QEvent.Type.ToolTip and self.tooltip_at is not None:
            tip = self.tooltip_at(QPointF(e.pos()))
            if tip:
                QToolTip.showText(e.globalPos(), tip, self.viewport())
            else:
                QToolTip.hideText()
                e.ignore()
            return True
        return super().viewportEvent(e)

    def cursor_at(self, qt_pos: int) -> QTextCursor:
        cursor = QTextCursor(self.document())
        cursor.setPosition(qt_pos)
        return cursor
