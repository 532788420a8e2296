"""Builders of the large inputs (shared by the core and the GUI tests)."""

from __future__ import annotations

from annotator.core.model import Span

UNIT = "Ada Lovelace met Babbage in London 😀 again and again . "
LABELS = ("PERSON", "ORG", "GPE", "LOC")


def single_line_text(size: int) -> tuple[str, tuple[Span, ...]]:
    """One line of `size` code points (astral characters throughout), with a span at the very
    start and one near the end (after ~size/50 emoji, so any UTF-16 slip would show)."""
    tail = " Finally Grace Hopper spoke ."
    text = (UNIT * (size // len(UNIT) + 1))[:size - len(tail)] + tail
    start = text.rindex("Grace Hopper")
    return text, (Span(0, 12, "PERSON"), Span(start, start + 12, "PERSON"))


def many_spans_text(n: int) -> tuple[str, tuple[Span, ...]]:
    """A document of n words, every word a span (names repeat, as a real list would)."""
    words = [f"Name{i % 997}" for i in range(n)]
    spans, pos = [], 0
    for i, word in enumerate(words):
        spans.append(Span(pos, pos + len(word), LABELS[i % 4]))
        pos += len(word) + 1
    return " ".join(words), tuple(spans)
