"""What the text view holds for a stretch of an article: its characters as Qt should see
them, with very long paragraphs broken into pieces. Pure Python (no Qt), one character for
one character, so a code point keeps its position in every slice.

- Qt folds CR LF into one block break (every later position would shift by one), so the CR
  of a CR LF is shown as a space; QTextCursor.insertText drops a U+FEFF at the start of an
  insertion, so it is shown as U+2060 (also zero-width).
- Qt re-lays out a whole paragraph on every format change (about 0.7 ms per 1,000
  characters), so inside a paragraph longer than LONG_PARAGRAPH one space per PIECE
  characters becomes a paragraph break: after a sentence end if the piece has one, else the
  first space, never inside a span. The rule is local (each PIECE-long cell of a paragraph
  decides its own break), so any slice of a 5 MB text is cut exactly as the whole text would
  be, without reading the rest of it. A cell with no space gets no break.
"""

from __future__ import annotations

import bisect
import re
from typing import Callable, Sequence

from annotator.core.text.editing import span_at
from annotator.core.text.model import Span

LONG_PARAGRAPH = 10_000
PIECE = 2_500
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d)\]]* ")
# How far the window looks for a block boundary before it cuts a block (a run of text with
# no space and no line break, e.g. Chinese): cells of PIECE characters.
_SEARCH_CELLS = 8


class DisplayText:
    """Block boundaries and display slices of one text, computed where they are asked for.

    `spans` returns the current spans (sorted): a break is never put inside one. A break,
    once chosen, is kept for the life of this object, so every slice agrees."""

    def __init__(self, text: str, spans: Callable[[], Sequence[Span]] = lambda: ()) -> None:
        self.text = text
        self._spans = spans
        self._cuts: dict[int, int | None] = {}  # cell start -> the space that becomes a break
        self._paras: list[tuple[int, int]] = []  # paragraphs found so far, sorted
        self._free_after: dict[str, tuple[int, int]] = {}  # char -> [lo, hi): none of it there
        self._free_before: dict[str, tuple[int, int]] = {}

    # ---- paragraphs (real line breaks) ------------------------------------------------
    def _next(self, ch: str, pos: int) -> int:
        """Index of the first `ch` at or after `pos`, or -1. Remembers the stretch it found
        free of `ch`, so a 5 MB line with no line break is scanned once, not per question."""
        lo, hi = self._free_after.get(ch, (1, 0))
        if lo <= pos <= hi:
            return hi if hi < len(self.text) else -1
        i = self.text.find(ch, pos)
        self._free_after[ch] = (pos, len(self.text) if i < 0 else i)
        return i

    def _prev(self, ch: str, pos: int) -> int:
        """Index of the last `ch` before `pos`, or -1 (remembered like _next)."""
        lo, hi = self._free_before.get(ch, (1, 0))
        if lo <= pos <= hi:
            return lo - 1
        i = self.text.rfind(ch, 0, pos)
        self._free_before[ch] = (i + 1, pos)
        return i

    def _is_break(self, i: int) -> bool:
        ch = self.text[i]
        return ch in "\n\u2029" or (ch == "\r" and self.text[i + 1:i + 2] != "\n")

    def _last_break_before(self, pos: int) -> int:
        """Index of the last line break before `pos`, or -1."""
        best = max(self._prev("\n", pos), self._prev("\u2029", pos))
        r = self._prev("\r", pos)
        while r > best and not self._is_break(r):
            r = self._prev("\r", r)
        return max(best, r)

    def _next_break_from(self, pos: int) -> int:
        """Index of the first line break at or after `pos`, or len(text)."""
        found = [i for i in (self._next("\n", pos), self._next("\u2029", pos), self._next("\r", pos)) if i >= 0]
        if not found:
            return len(self.text)
        i = min(found)
        return i + 1 if self.text[i] == "\r" and self.text[i + 1:i + 2] == "\n" else i  # CR LF: at its LF

    def _paragraph(self, pos: int) -> tuple[int, int]:
        """[start, end) of the paragraph holding `pos` (end: its break, or len(text))."""
        i = bisect.bisect_right(self._paras, (pos, len(self.text) + 1)) - 1
        if i >= 0 and self._paras[i][0] <= pos <= self._paras[i][1]:
            return self._paras[i]
        para = (self._last_break_before(pos) + 1, self._next_break_from(pos))
        bisect.insort(self._paras, para)
        return para

    # ---- breaks inside long paragraphs -------------------------------------------------
    def _cut(self, ps: int, pe: int, k: int) -> int | None:
        """The break of cell k (k >= 1) of the long paragraph [ps, pe), or None."""
        c = ps + k * PIECE
        if k < 1 or c >= pe - PIECE:
            return None
        if c in self._cuts:
            return self._cuts[c]
        t = self.text
        limit = min(c + PIECE, pe - PIECE)
        m = _SENTENCE_END.search(t, c, limit)
        cut = m.end() - 1 if m else t.find(" ", c, limit)
        spans = self._spans()
        while cut >= 0 and span_at(spans, cut) is not None:
            cut = t.find(" ", cut + 1, limit)
        self._cuts[c] = cut if cut >= 0 else None
        return self._cuts[c]

    def _cuts_in(self, a: int, b: int) -> list[int]:
        """Breaks of long paragraphs inside [a, b), in order."""
        out: list[int] = []
        pos = a
        while pos < b:
            ps, pe = self._paragraph(pos)
            if pe - ps > LONG_PARAGRAPH:
                for k in range(max(1, (pos - ps) // PIECE), (min(b, pe) - ps) // PIECE + 1):
                    cut = self._cut(ps, pe, k)
                    if cut is not None and pos <= cut < b:
                        out.append(cut)
            pos = pe + 1
        return out

    # ---- what the window asks --------------------------------------------------------
    def block_start(self, pos: int) -> int | None:
        """The last block start at or before `pos`, or None if there is none nearby."""
        pos = min(max(pos, 0), len(self.text))
        ps, pe = self._paragraph(pos)
        if pe - ps > LONG_PARAGRAPH:
            k = (pos - ps) // PIECE
            for kk in range(k, max(0, k - _SEARCH_CELLS), -1):
                cut = self._cut(ps, pe, kk)
                if cut is not None and cut < pos:
                    return cut + 1
            if pos - ps > _SEARCH_CELLS * PIECE:
                return None
        return ps if pos - ps <= _SEARCH_CELLS * PIECE else None

    def block_end(self, pos: int) -> int | None:
        """The first block end (a break, or the end of the text) at or after `pos`, or None."""
        pos = min(max(pos, 0), len(self.text))
        ps, pe = self._paragraph(pos)
        if pe - ps > LONG_PARAGRAPH:
            k = max(1, (pos - ps) // PIECE)
            for kk in range(k, k + _SEARCH_CELLS):
                cut = self._cut(ps, pe, kk)
                if cut is not None and cut >= pos:
                    return cut
        return pe if pe - pos <= _SEARCH_CELLS * PIECE else None

    def slice(self, a: int, b: int) -> str:
        """text[a:b] as the view shows it (same length)."""
        text = self.text
        s = text[a:b]
        if "\r" in s:
            s = s.replace("\r\n", " \n")
            if s.endswith("\r") and text[b:b + 1] == "\n":
                s = s[:-1] + " "
        if "\ufeff" in s:
            s = s.replace("\ufeff", "\u2060")
        if len(text) <= LONG_PARAGRAPH:
            return s
        cuts = self._cuts_in(a, b)
        if not cuts:
            return s
        chars = list(s)
        for cut in cuts:
            chars[cut - a] = "\u2029"
        return "".join(chars)


def display_text(text: str, spans: Sequence[Span] = ()) -> str:
    """The whole text as the view shows it (see the module docstring)."""
    return DisplayText(text, lambda: spans).slice(0, len(text))
