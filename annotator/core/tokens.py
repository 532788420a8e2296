"""Tokenisation for the project's language: token boundaries for span snapping and exports.

Only spaCy's rule-based tokenizer is loaded (spacy.blank), never a statistical model.
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    ws: bool


@functools.lru_cache(maxsize=4)
def blank_nlp(lang: str = "en") -> Any:
    import spacy

    nlp = spacy.blank(lang)
    # max_length (1,000,000) guards the parser's memory; the tokenizer alone is linear, and a
    # 10 MB article must export and tokenize instead of failing with spaCy's E088.
    nlp.max_length = 2**31 - 1
    return nlp


def tokenize(text: str, lang: str = "en") -> list[Token]:
    """spaCy tokens with code-point offsets (whitespace tokens dropped)."""
    doc = blank_nlp(lang).make_doc(text)
    return [Token(t.text, t.idx, t.idx + len(t.text), bool(t.whitespace_))
            for t in doc if not t.is_space]


def snap_to_tokens(tokens: list[Token], start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to the boundaries of the tokens it touches.

    A selection that touches no token (only whitespace) comes back empty (start == end).
    """
    starts = [t.start for t in tokens]
    i = bisect.bisect_right(starts, start) - 1
    if i >= 0 and tokens[i].end <= start:
        i += 1  # start lies in the whitespace after token i
    i = max(i, 0)
    j = bisect.bisect_left(starts, end) - 1
    if i >= len(tokens) or j < i:
        return start, start
    return tokens[i].start, tokens[j].end
