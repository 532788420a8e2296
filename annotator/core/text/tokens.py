"""Tokenisation for the project's language: token boundaries for span snapping and exports.

Only spaCy's rule-based tokenizer is loaded (spacy.blank), never a statistical model.
"""

from __future__ import annotations

import functools
import gc
import threading
from dataclasses import dataclass
from typing import Any, Iterator

# spaCy's tokenizer holds the GIL for a whole make_doc call: long texts are tokenized in
# pieces cut at whitespace (identical tokens, the tokenizer splits on whitespace first), so
# a worker thread tokenizing a 5 MB text never freezes the window for more than a few ms.
PIECE_CHARS = 20_000


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    ws: bool


_BLANK_LOCK = threading.Lock()


def blank_nlp(lang: str = "en") -> Any:
    """A blank pipeline of the language (only the tokenizer), made once per process: the
    window's workers ask for it at the same time, and each would build its own."""
    with _BLANK_LOCK:
        return _blank_nlp(lang)


@functools.lru_cache(maxsize=4)
def _blank_nlp(lang: str = "en") -> Any:
    # Importing spaCy builds about a million objects that live as long as the process. A
    # full garbage collection over them takes 0.2-0.4 s, during which every thread (the
    # window's too) waits for the GIL: collect none while importing, then freeze them out of
    # every later collection.
    enabled = gc.isenabled()
    gc.disable()
    try:
        import spacy

        nlp = spacy.blank(lang)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
    # max_length (1,000,000) guards the parser's memory; the tokenizer alone is linear, and a
    # 10 MB article must export and tokenize instead of failing with spaCy's E088.
    nlp.max_length = 2**31 - 1
    return nlp


# As functools.lru_cache offers them: an uncached pipeline (exporters renew theirs), and a reset.
blank_nlp.__wrapped__ = _blank_nlp.__wrapped__  # type: ignore[attr-defined]
blank_nlp.cache_clear = _blank_nlp.cache_clear  # type: ignore[attr-defined]


def text_pieces(text: str, size: int | None = None) -> Iterator[tuple[int, str]]:
    """Split a long text at whitespace into (offset, piece) of at most `size` characters
    (a piece ends just after a space or newline; a run with no whitespace is cut hard)."""
    size = size or PIECE_CHARS
    start = 0
    n = len(text)
    while n - start > size:
        cut = start + size
        ws = max(text.rfind("\n", start + size // 2, cut), text.rfind(" ", start + size // 2, cut))
        cut = ws + 1 if ws > start else cut
        yield start, text[start:cut]
        start = cut
    yield start, text[start:]


def tokenize(text: str, lang: str = "en") -> list[Token]:
    """spaCy tokens with code-point offsets (whitespace tokens dropped)."""
    nlp = blank_nlp(lang)
    out: list[Token] = []
    for offset, piece in text_pieces(text):
        out.extend(Token(t.text, t.idx + offset, t.idx + offset + len(t.text), bool(t.whitespace_))
                   for t in nlp.make_doc(piece) if not t.is_space)
    return out
