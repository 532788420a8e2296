"""Checks on label settings (colour, shortcut key) shared by the CLI and the window."""

from __future__ import annotations

import re

from annotator.core.errors import AnnotatorError
from annotator.core.model import Label

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


class LabelError(AnnotatorError, ValueError):
    """A label setting is invalid."""


def check_color(value: str) -> str:
    """A colour as #rrggbb (lower case); accepts #rgb. Anything else is a LabelError."""
    value = value.strip()
    if not _HEX.match(value):
        raise LabelError(f"colour {value!r} is not a hex colour like #1f77b4 or #abc")
    if len(value) == 4:
        value = "#" + "".join(c * 2 for c in value[1:])
    return value.lower()


def check_key(value: str, labels: list[Label], *, exclude: str | None = None) -> str:
    """A shortcut key: one character (letter or digit), not used by another label."""
    value = value.strip()
    if len(value) != 1 or not value.isalnum():
        raise LabelError(f"key {value!r} must be a single letter or digit")
    for label in labels:
        if label.key == value and label.name != exclude:
            raise LabelError(f"key {value} is already used by label {label.name}")
    return value


def check_name(value: str, *, strip: bool = True) -> str:
    """A label name: non-empty, no whitespace (it is written in IOB tags and spaCy ents).

    The store applies it to every name that enters a label set (the labels dialog, `annotator
    labels`, import, merge). strip=False for a name that is data, such as a span's label read
    from a file: whitespace around it is refused too, not silently dropped."""
    if not isinstance(value, str):
        raise LabelError(f"label name {value!r} is not text")
    if strip:
        value = value.strip()
    if not value:
        raise LabelError("label name must not be empty")
    if any(c.isspace() for c in value):
        raise LabelError(f"label name {value!r} must not contain spaces")
    return value
