"""Label colours everyone can tell apart, and the text colour that reads on each (Qt-free).

The palette is in resources/labels.json, in the order labels get its colours: first Paul Tol's
"light" scheme (the default labels' colours), then a documented second set of nine for labels
ten to eighteen; labels past that reuse the colours from the start (the label name on every
tag still tells them apart, so colour is never the only cue). The figures it keeps (CAM02-UCS
distances under simulated colour blindness, WCAG contrast of label text) are computed from
these files by tests/core/test_palette.py and benchmarks/palette_figures.py.

Existing projects keep the colours they have; new projects get the palette through the default
labels, and labels added later get the palette's next colour (by position). "Use the accessible
palette" (Edit -> Labels, `annotator labels palette`) recolours every label by its position.
"""

from __future__ import annotations

import functools
import json
from typing import Iterable

from annotator.core.text.model import Label
from annotator.paths import resource_path

DARK_TEXT = "#1d1d1f"
LIGHT_TEXT = "#ffffff"
MIN_TEXT_CONTRAST = 4.5  # WCAG AA for normal text


@functools.lru_cache(maxsize=1)
def _sets() -> tuple[tuple[str, ...], tuple[str, ...]]:
    data = json.loads(resource_path("labels.json").read_text(encoding="utf-8"))
    return tuple(data["palette"]), tuple(data["second_set"])


def first_set() -> list[str]:
    """The default labels' colours (Paul Tol's 'light' scheme), in order."""
    return list(_sets()[0])


def second_set() -> list[str]:
    """The colours of labels ten to eighteen."""
    return list(_sets()[1])


def palette() -> list[str]:
    """Every palette colour in the order labels get them."""
    first, second = _sets()
    return [*first, *second]


def palette_color(index: int) -> str:
    """The colour of the label at `index` (0-based position), repeating after the last."""
    colors = palette()
    return colors[index % len(colors)]


def accessible_colors(labels: Iterable[Label]) -> dict[str, str]:
    """{label: colour} giving each label the palette colour of its place in the label set."""
    ordered = sorted(labels, key=lambda label: (label.position, label.name))
    return {label.name: palette_color(i) for i, label in enumerate(ordered)}


def _rgb(color: str) -> tuple[float, float, float]:
    value = color.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    if len(value) != 6:
        raise ValueError(f"colour {color!r} is not #rrggbb")
    r, g, b = (int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return r, g, b


def relative_luminance(color: str) -> float:
    """WCAG 2.x relative luminance of an sRGB colour (#rrggbb)."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_color(background: str) -> str:
    """Dark or white text, whichever has the higher contrast on `background` (a colour the
    person chose may be dark); an unreadable colour string gets dark text."""
    try:
        dark, light = contrast_ratio(background, DARK_TEXT), contrast_ratio(background, LIGHT_TEXT)
    except ValueError:
        return DARK_TEXT
    return DARK_TEXT if dark >= light else LIGHT_TEXT
