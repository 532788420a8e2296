"""The token cursor: labelling without the mouse (issue 28 §1).

A box on one token, on the first token when a document opens, drawn while the text has the
focus (as a text caret is: Tab away and back, and it is where it was). Its keys are the keymap's
(gui/keymap.py EDITOR_ACTIONS; defaults in brackets) and act while the text has the focus:

- next / previous token [Ctrl+Right / Ctrl+Left], a line down / up [Ctrl+Down / Ctrl+Up]
  (the token under the same place on the next line with a token), first / last token
  [Home / End], the first token of the next / previous span [Alt+Right / Alt+Left] (to
  confirm, relabel or delete suggestions quickly);
- extend a selection from the cursor, token by token [Shift+Ctrl+Right / Shift+Ctrl+Left];
- add a span [Return]: over the selection, else over the cursor's token, with the active
  label; the cursor then moves to the token after the new span and nothing is selected, so a
  label key pressed next sets the next span's label (SpanEditor.choose_label, the rule for
  mouse drags too). Return on a span with no selection confirms it as it is (a suggestion
  becomes yours; a label key relabels it, Delete removes it);
- clear the selection [Escape]: the token selection and the selected span.

Moving the cursor into a span selects that span (it counts as clicked): a label key then
relabels it and Delete removes it; moving out of it deselects it. Adding a span, a click and a
drag put the cursor without selecting anything. The cursor works on a long document's window
too: it lives in code points of the whole text, and a move out of the window moves the window.

Each move is announced to screen readers (the text view's accessible description, and an
announcement event): the token, or the span under the cursor with its label and state
("halvard line, ORG, suggested"), or the selection.
"""

from __future__ import annotations

import bisect
import operator
from typing import Any, Callable, Protocol, Sequence

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAccessible, QAccessibleAnnouncementEvent, QAccessibleEvent, QKeyEvent, QPainter, QPen, QTextCursor,
)

from annotator.core.text.editing import span_at, token_near
from annotator.core.text.model import SOURCE_GOLD, SOURCE_MODEL, SOURCE_PATTERN, SOURCE_PROPAGATED, Span
from annotator.core.text.tokens import Token
from annotator.gui.editor import span_style
from annotator.gui.editor.offsets import WindowOffsets
from annotator.gui.editor.span_view import SpanTextEdit
from annotator.gui.keymap import keymap


class CursorHost(Protocol):
    """What the cursor needs of its editor (SpanEditor), named here rather than imported: the
    editor imports the cursor."""

    def text(self) -> str: ...
    def spans_view(self) -> Sequence[Span]: ...
    def token_index(self) -> Any: ...
    def text_edit(self) -> SpanTextEdit: ...
    def offsets(self) -> WindowOffsets: ...
    def selected_span(self) -> Span | None: ...
    def select_span(self, span: Span | None, ensure_visible: bool = True) -> None: ...
    def is_read_only(self) -> bool: ...
    def confirm_selected(self) -> bool: ...
    def delete_selected(self) -> bool: ...
    def create_span_from_selection(self, start_cp: int, end_cp: int, char_level: bool = False) -> Span | None: ...
    def jump_window_to(self, cp: int) -> bool: ...

STATE_WORDS = {None: "confirmed", SOURCE_MODEL: "suggested", SOURCE_GOLD: "suggested, learned from gold",
               SOURCE_PROPAGATED: "suggested, labelled so elsewhere in this document",
               SOURCE_PATTERN: "suggested by a pattern"}
_BLANK_LINES = 400  # a line move gives up after this many lines without a token
_START = operator.attrgetter("start")


def _END_MINUS_ONE(span: Span) -> int:  # noqa: N802 - a key function, named like the constant above
    return span.end - 1


class TokenCursor(QObject):
    """The cursor of one SpanEditor (see the module docstring)."""

    announced = Signal(str)  # what a screen reader is told after a move or an edit
    moved = Signal()

    def __init__(self, editor: CursorHost) -> None:
        super().__init__(editor)  # type: ignore[arg-type] - the editor is a QWidget
        self._editor = editor
        self.token: Token | None = None
        self.anchor: Token | None = None  # where a keyboard selection started
        self._goal_x: float | None = None  # kept over consecutive line moves
        self._slots: dict[str, Callable[[], object]] = {
            "cursor_next": lambda: self.move(+1), "cursor_previous": lambda: self.move(-1),
            "cursor_down": lambda: self.move_line(+1), "cursor_up": lambda: self.move_line(-1),
            "cursor_first": lambda: self.go_to_end(False), "cursor_last": lambda: self.go_to_end(True),
            "cursor_next_span": lambda: self.to_span(+1), "cursor_previous_span": lambda: self.to_span(-1),
            "extend_next": lambda: self.extend(+1), "extend_previous": lambda: self.extend(-1),
            "add_span": self.add_span, "clear_selection": self.clear_selection,
        }

    # ---- state ------------------------------------------------------------------------------
    def selection(self) -> tuple[int, int] | None:
        """The keyboard selection [start, end) in code points, or None."""
        if self.anchor is None or self.token is None:
            return None
        return min(self.anchor.start, self.token.start), max(self.anchor.end, self.token.end)

    def span_here(self) -> Span | None:
        """The span under the cursor, if any."""
        return span_at(self._editor.spans_view(), self.token.start) if self.token is not None else None

    def reset(self) -> None:
        """A new document: the cursor on its first token, nothing selected."""
        self.anchor, self._goal_x = None, None
        text = self._editor.text()
        self.token = self._index().token_from(0) if text else None
        self._describe_quietly()

    def retoken(self) -> None:
        """New token boundaries (spaCy's arrived): the cursor stays where it was."""
        index = self._index()
        if self.token is not None:
            self.token = token_near(index, self.token.start)
        if self.anchor is not None:
            self.anchor = token_near(index, self.anchor.start)

    def place(self, cp: int) -> None:
        """A click: the cursor on the token there (or nearest), nothing else changes."""
        token = token_near(self._index(), cp)
        if token is not None:
            self.token, self.anchor, self._goal_x = token, None, None
            self._changed(reveal=False)

    def after(self, span: Span | None, *, reveal: bool = False) -> None:
        """A span was added (or confirmed): the cursor on the token after it, nothing selected."""
        if span is None:
            return
        index = self._index()
        nxt = index.token_from(span.end)
        self.token = nxt if nxt is not None else (index.token_until(span.end) or self.token)
        self.anchor, self._goal_x = None, None
        self._changed(reveal=reveal, select=False)

    # ---- keys -----------------------------------------------------------------------------------
    def handle_key(self, event: QKeyEvent) -> bool:
        """Run the editor action a key press stands for; False if none (or nothing to do)."""
        keys = keymap()
        for name, slot in self._slots.items():
            if keys.matches(name, event):
                if name == "clear_selection" and not self.has_selection():
                    return False  # Escape goes on (the review window closes on it)
                slot()
                return True
        return False

    def claims(self, event: QKeyEvent) -> bool:
        """Whether the text takes this key before the window's shortcuts: only Escape (clear
        the selection) while something is selected; the keymap keeps every other key apart."""
        return self.has_selection() and keymap().matches("clear_selection", event)

    def has_selection(self) -> bool:
        return self.anchor is not None or self._editor.selected_span() is not None

    # ---- moves ------------------------------------------------------------------------------------
    def move(self, step: int) -> None:
        if self.token is None:
            return self.reset()
        index = self._index()
        target = index.token_from(self.token.end) if step > 0 else index.token_until(self.token.start)
        self.anchor, self._goal_x = None, None
        if target is not None:
            self.token = target
        self._changed()

    def extend(self, step: int) -> None:
        if self.token is None:
            return
        if self.anchor is None:
            self.anchor = self.token
            self._editor.select_span(None)  # a label key now sets the label of the span to come
        index = self._index()
        target = index.token_from(self.token.end) if step > 0 else index.token_until(self.token.start)
        if target is not None:
            self.token = target
        self._goal_x = None
        self._changed(select=False)

    def go_to_end(self, last: bool) -> None:
        index, text = self._index(), self._editor.text()
        target = index.token_until(len(text)) if last else index.token_from(0)
        self.anchor, self._goal_x = None, None
        if target is not None:
            self.token = target
        self._changed()

    def to_span(self, step: int) -> None:
        """The first token of the next span after the cursor's token (step +1), or of the
        previous span before it (-1); the span is then selected, as the cursor is in it."""
        if self.token is None:
            return self.reset()
        spans = self._editor.spans_view()
        if step > 0:
            i = bisect.bisect_left(spans, self.token.end, key=_START)
            target = spans[i] if i < len(spans) else None
        else:
            i = bisect.bisect_right(spans, self.token.start - 1, key=_END_MINUS_ONE) - 1
            target = spans[i] if i >= 0 else None
        self.anchor, self._goal_x = None, None
        if target is not None:
            self.token = token_near(self._index(), target.start) or self.token
        self._changed()

    def move_line(self, step: int) -> None:
        if self.token is None:
            return self.reset()
        self.anchor = None
        self.reveal()  # the cursor's line is laid out in the view's window
        target = self._token_on_line(step)
        if target is None and self._editor.jump_window_to(self.token.start):  # at the window's edge
            target = self._token_on_line(step)
        if target is not None:
            self.token = target
        self._changed()

    def _token_on_line(self, step: int) -> Token | None:
        assert self.token is not None
        target, self._goal_x = self.line_target(self.token, step, self._goal_x)
        return target

    def line_target(self, token: Token, step: int, goal_x: float | None = None) -> tuple[Token | None, float | None]:
        """Where a line move from `token` lands: the token on the next line (step +1) or the
        previous (-1) that has one, under `goal_x` (None: the token's own x), and that x; the
        cursor does not move (benchmarks/bench_keyboard.py plans with it). `token` must be
        inside the view's window."""
        view, win, index = self._editor.text_edit(), self._editor.offsets(), self._index()
        doc = view.document()
        layout = doc.documentLayout()
        q = win.to_qt(token.start)
        block = doc.findBlock(q)
        layout.blockBoundingRect(block)  # lays the block out
        lines = block.layout()
        if lines is None or lines.lineCount() == 0:
            return None, goal_x
        line = lines.lineForTextPosition(q - block.position())
        if goal_x is None:
            goal_x = line.cursorToX(q - block.position())[0]
        n = line.lineNumber()
        for _ in range(_BLANK_LINES):
            n += step
            if n < 0 or n >= lines.lineCount():
                block = block.previous() if n < 0 else block.next()
                if not block.isValid():
                    return None, goal_x
                layout.blockBoundingRect(block)
                lines = block.layout()
                if lines is None or lines.lineCount() == 0:
                    n = -1 if step > 0 else 0
                    continue
                n = lines.lineCount() - 1 if step < 0 else 0
            line = lines.lineAt(n)
            lo = win.from_qt(block.position() + line.textStart())
            hi = win.from_qt(block.position() + line.textStart() + line.textLength())
            at = win.from_qt(block.position() + line.xToCursor(goal_x))
            found = [t for t in (index.token_at(at), index.token_from(at), index.token_until(at))
                     if t is not None and t.start < hi and t.end > lo]
            if found:
                return min(found, key=lambda t: 0 if t.start <= at < t.end else
                           min(abs(t.start - at), abs(t.end - at))), goal_x
        return None, goal_x

    # ---- edits ------------------------------------------------------------------------------------
    def add_span(self) -> Span | None:
        """Return: see the module docstring. The span added (or confirmed), else None."""
        editor = self._editor
        if editor.is_read_only() or self.token is None:
            return None
        chosen = self.selection()
        here = self.span_here()
        if chosen is None and here is not None:  # on a span: confirm it as it is
            editor.select_span(here, ensure_visible=False)
            editor.confirm_selected()
            editor.select_span(None)
            done = Span(here.start, here.end, here.label)
            self.after(done, reveal=True)
            self._announce(f"{self._words(done)}, {done.label}, confirmed")
            return done
        start, end = chosen if chosen is not None else (self.token.start, self.token.end)
        new = editor.create_span_from_selection(start, end, char_level=True)
        if new is not None:
            self.after(new, reveal=True)
            self._announce(f"{self._words(new)}, {new.label}, added")
        return new

    def delete_here(self) -> bool:
        """Delete: the selected span, else the span under the cursor."""
        editor = self._editor
        if editor.selected_span() is None:
            here = self.span_here()
            if here is None or editor.is_read_only():
                return False
            editor.select_span(here, ensure_visible=False)
        removed = editor.selected_span()
        done = editor.delete_selected()
        if done and removed is not None:
            self._announce(f"{self._words(removed)}, {removed.label}, removed")
        return done

    def clear_selection(self) -> None:
        self.anchor = None
        self._editor.select_span(None)
        self._changed(select=False)

    # ---- after every change -------------------------------------------------------------------------
    def _changed(self, *, reveal: bool = True, select: bool = True) -> None:
        if select and self.anchor is None:
            self._editor.select_span(self.span_here(), ensure_visible=False)  # counts as clicked
        if reveal:
            self.reveal()
        self._editor.text_edit().viewport().update()
        self.moved.emit()
        if reveal:
            self._announce(self.describe())
        else:
            self._describe_quietly()

    def reveal(self) -> None:
        """Scroll the cursor's token into view (moving a long document's window to it), and
        put the text caret there, which screen readers follow."""
        if self.token is None:
            return
        editor = self._editor
        view, win = editor.text_edit(), editor.offsets()
        if not (win.start <= self.token.start and self.token.end <= win.end):
            editor.jump_window_to(self.token.start)
            win = editor.offsets()
        caret = view.textCursor()
        if caret.hasSelection() and view.mouse_down:
            return  # never disturb a drag in progress
        caret = QTextCursor(view.document())
        caret.setPosition(win.to_qt(self.token.start))
        view.setTextCursor(caret)
        view.ensureCursorVisible()

    def describe(self) -> str:
        """What is under the cursor, in words (for screen readers and tests)."""
        if self.token is None:
            return "no text"
        chosen = self.selection()
        if chosen is not None and self.anchor != self.token:
            return f"{self._editor.text()[chosen[0]:chosen[1]]}, selected"
        span = self.span_here()
        if span is not None:
            state = STATE_WORDS.get(span.source, f"suggested by {span.source}")
            return f"{self._words(span)}, {span.label}, {state}"
        return self._editor.text()[self.token.start:self.token.end]

    def _words(self, span: Span) -> str:
        return self._editor.text()[span.start:span.end]

    def _describe_quietly(self) -> None:
        self._editor.text_edit().setAccessibleDescription(self.describe())

    def _announce(self, words: str) -> None:
        view = self._editor.text_edit()
        view.setAccessibleDescription(words)
        QAccessible.updateAccessibility(QAccessibleEvent(view, QAccessible.Event.DescriptionChanged))
        QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(view, words))
        self.announced.emit(words)

    def _index(self):  # noqa: ANN202 - editing.Snapper
        return self._editor.token_index()

    # ---- painting ---------------------------------------------------------------------------------
    def paint(self, painter: QPainter) -> None:
        """The selection (a tint and a bar under it) and the cursor's box, in the theme's
        colours over a halo, so both show on every label colour and every theme."""
        if self.token is None:
            return
        view, win = self._editor.text_edit(), self._editor.offsets()
        look = span_style.LOOK
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        chosen = self.selection()
        if chosen is not None and chosen[0] < win.end and chosen[1] > win.start:
            for r in view.line_rects(*win.range_to_qt(*chosen)):
                painter.fillRect(r, look.selection)
                bar_y = r.bottom() + 1.5
                for pen in (QPen(look.halo, 5.0), QPen(look.cursor, 2.5)):
                    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
                    painter.setPen(pen)
                    painter.drawLine(QPointF(r.left(), bar_y), QPointF(r.right(), bar_y))
        if not (self.token.start < win.end and self.token.end > win.start) or not view.hasFocus():
            return
        # The box's line 5 px left and right of the token, a halo inside it; a selected span's
        # outline (1.5 px out) stays visible within it.
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for r in view.line_rects(*win.range_to_qt(self.token.start, self.token.end)):
            for pen, box in ((QPen(look.halo, 2.0), QRectF(r).adjusted(-3.0, -0.5, 3.0, 0.5)),
                             (QPen(look.cursor, 2.5), QRectF(r).adjusted(-5.0, -2.0, 5.0, 2.0))):
                painter.setPen(pen)
                painter.drawRoundedRect(box, 3.0, 3.0)
