"""What the view holds for a stretch of a long text (gui/editor/display.py, pure Python)."""

from __future__ import annotations

import random

from annotator.core.text.model import Span
from annotator.gui.editor.display import LONG_PARAGRAPH, PIECE, DisplayText, display_text


def _long_text(seed: int = 3) -> str:
    rng = random.Random(seed)
    words = ["Ada", "met", "Babbage.", "in", "London", "😀", "again", "Dr.", "Smith!"]
    paragraphs = []
    for n in (50, 4_000, 30, 9_000, 10):  # short and long paragraphs
        paragraphs.append(" ".join(rng.choice(words) for _ in range(n)))
    return "\r\n".join(paragraphs[:2]) + "\n\n" + "\n".join(paragraphs[2:]) + "\ufeff end"


def test_every_slice_agrees_with_the_whole():
    text = _long_text()
    whole = display_text(text)
    assert len(whole) == len(text)
    assert whole.count("\u2029") >= 2 * (len(text) // (2 * LONG_PARAGRAPH))
    rng = random.Random(1)
    for _ in range(200):
        a = rng.randrange(len(text))
        b = min(len(text), a + rng.randrange(1, 30_000))
        assert DisplayText(text).slice(a, b) == whole[a:b], (a, b)


def test_breaks_replace_spaces_only_and_never_inside_spans():
    text = _long_text(5)
    spans = [Span(i, i + 3, "ORG") for i in range(0, len(text) - 5, 700) if not text[i:i + 3].isspace()]
    shown = DisplayText(text, lambda: spans).slice(0, len(text))
    for i, (a, b) in enumerate(zip(text, shown)):
        assert a == b or (a == " " and b == "\u2029") or (a, b) in (("\r", " "), ("\ufeff", "\u2060")), i
    for span in spans:
        assert "\u2029" not in shown[span.start:span.end]


def test_block_bounds_are_where_the_view_breaks_lines():
    text = _long_text(7)
    shown = display_text(text)
    display = DisplayText(text)
    rng = random.Random(2)
    for _ in range(300):
        pos = rng.randrange(len(text))
        start, end = display.block_start(pos), display.block_end(pos)
        assert start is not None and end is not None
        assert start <= pos <= end
        assert start == 0 or shown[start - 1] in "\n\u2029\r"
        assert end == len(text) or shown[end] in "\n\u2029\r"
        assert not any(c in "\n\u2029" for c in shown[start:end])


def test_a_run_without_spaces_has_no_block_bound_nearby():
    text = "字" * (20 * PIECE)
    display = DisplayText(text)
    assert display.block_start(10 * PIECE) is None and display.block_end(10 * PIECE) is None
    assert display.block_start(100) == 0
    assert display.slice(0, len(text)) == text
