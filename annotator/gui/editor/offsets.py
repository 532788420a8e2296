"""Python code points <-> Qt UTF-16 positions.

Qt counts a character outside the Basic Multilingual Plane (emoji, math letters) as two
UTF-16 units; Python counts it as one code point. Every offset stored or emitted is a code
point, so the GUI converts exactly at the Qt boundary, through one OffsetMap per text.
Pure Python: no Qt import.
"""

from __future__ import annotations

import bisect
import re

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def utf16_len(text: str) -> int:
    """Length of `text` in UTF-16 code units (what Qt calls its length)."""
    return len(text) + sum(1 for _ in _ASTRAL.finditer(text))


class OffsetMap:
    """Converts positions in one text between code points and UTF-16 units in O(log n).

    Only the code-point positions of astral characters are stored; a text without any takes
    the fast path (both coordinates are equal).
    """

    __slots__ = ("_astral_cp", "_astral_qt", "_len_cp", "_len_qt")

    def __init__(self, text: str) -> None:
        self._astral_cp: list[int] = [m.start() for m in _ASTRAL.finditer(text)]
        # UTF-16 position of the i-th astral char: its code-point position plus the i
        # surrogates that precede it.
        self._astral_qt: list[int] = [cp + i for i, cp in enumerate(self._astral_cp)]
        self._len_cp = len(text)
        self._len_qt = len(text) + len(self._astral_cp)

    @property
    def has_astral(self) -> bool:
        return bool(self._astral_cp)

    @property
    def cp_length(self) -> int:
        return self._len_cp

    @property
    def qt_length(self) -> int:
        return self._len_qt

    def to_qt(self, cp: int) -> int:
        """UTF-16 position of code-point position `cp` (0..len(text), clamped)."""
        cp = min(max(cp, 0), self._len_cp)
        if not self._astral_cp:
            return cp
        # Each astral char strictly before cp adds one unit.
        return cp + bisect.bisect_left(self._astral_cp, cp)

    def from_qt(self, qt: int) -> int:
        """Code-point position of UTF-16 position `qt`; inside a surrogate pair it rounds
        down to the start of that character."""
        qt = min(max(qt, 0), self._len_qt)
        if not self._astral_cp:
            return qt
        # Astral chars whose first unit lies strictly before qt.
        n = bisect.bisect_left(self._astral_qt, qt)
        if n and self._astral_qt[n - 1] + 1 == qt:
            return self._astral_cp[n - 1]  # qt points between the two surrogates
        return qt - n

    def range_to_qt(self, start: int, end: int) -> tuple[int, int]:
        return self.to_qt(start), self.to_qt(end)

    def range_from_qt(self, start: int, end: int) -> tuple[int, int]:
        """Code-point range of a UTF-16 range; an end inside a pair widens to cover it."""
        s = self.from_qt(start)
        e = self.from_qt(end)
        if self.to_qt(e) < end:  # end split a surrogate pair: include the character
            e += 1
        return s, e


class WindowOffsets:
    """The OffsetMap of a window [start, end) of a text (what the view of a long article
    holds): code points of the whole text <-> UTF-16 positions inside the window. Positions
    outside the window clamp to its edges."""

    __slots__ = ("start", "end", "_map")

    def __init__(self, text: str, start: int = 0, end: int | None = None) -> None:
        self.start = start
        self.end = len(text) if end is None else end
        self._map = OffsetMap(text if (start, self.end) == (0, len(text)) else text[start:self.end])

    def contains(self, cp: int) -> bool:
        return self.start <= cp <= self.end

    def to_qt(self, cp: int) -> int:
        return self._map.to_qt(cp - self.start)

    def from_qt(self, qt: int) -> int:
        return self.start + self._map.from_qt(qt)

    def range_to_qt(self, start: int, end: int) -> tuple[int, int]:
        return self.to_qt(start), self.to_qt(end)

    def range_from_qt(self, start: int, end: int) -> tuple[int, int]:
        s, e = self._map.range_from_qt(start, end)
        return self.start + s, self.start + e
