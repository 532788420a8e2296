"""Checks on label settings (colour, shortcut key) shared by the CLI and the window."""

from __future__ import annotations

import re

from typing import Iterable

from annotator.core.errors import AnnotatorError
from annotator.core.text.model import Label

# Shortcut keys, in the order labels get them: 1-9, 0, then letters the window does not use.
LABEL_KEYS = [str(i) for i in range(1, 10)] + ["0"] + list("qwertyuiop")

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


def next_free_key(labels: Iterable[Label]) -> str | None:
    """The key a new label gets: the first of LABEL_KEYS no label uses (None when all are)."""
    used = {label.key for label in labels}
    return next((k for k in LABEL_KEYS if k not in used), None)


def shortcut_keys(labels: Iterable[Label], reserved: Iterable[str] = ()) -> dict[str, str]:
    """{label: key} as the window binds them: a label's own key if no earlier label took it,
    else the next free of LABEL_KEYS; labels past the last key get none. `reserved`: keys
    (lower case) the person gave to other actions (Edit -> Shortcuts…), which no label gets."""
    labels = list(labels)
    out: dict[str, str] = {}
    used: set[str] = {k.lower() for k in reserved}
    for label in labels:
        if label.key and label.key.lower() not in used:
            out[label.name] = label.key
            used.add(label.key.lower())
    free = [k for k in LABEL_KEYS if k not in used]
    for label in labels:
        if label.name not in out and free:
            out[label.name] = free.pop(0)
    return out
