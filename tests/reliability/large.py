"""Builders of the large inputs (shared by the core and the GUI tests)."""

from __future__ import annotations

from annotator.core.text.model import Span

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


def big_article(size: int, paragraphs: bool = True, every: int = 15) -> tuple[str, tuple[Span, ...]]:
    """About `size` code points of news-like words, as paragraphs of ~80 words separated by
    blank lines (or as one line), with a span on every `every`-th word."""
    words = ("Ada", "Lovelace", "met", "Charles", "Babbage", "in", "London", "on", "Tuesday", "and",
             "the", "Analytical", "Engine", "was", "shown", "to", "😀", "guests", "from", "Paris.")
    parts: list[str] = []
    spans: list[Span] = []
    pos = 0
    i = 0
    while pos < size:
        word = words[(i * 7 + i // 20) % len(words)]
        if i % every == 0 and word.isalpha():
            spans.append(Span(pos, pos + len(word), LABELS[i % 4]))
        parts.append(word)
        pos += len(word)
        i += 1
        sep = "\n\n" if paragraphs and i % 80 == 0 else " "
        parts.append(sep)
        pos += len(sep)
    return "".join(parts).rstrip() + ".", tuple(spans)
