"""The one label-admission rule, and checks on label settings typed by a person.

What may be a label (admit_label: the store, every importer, a merge, `check` and a hub pull
apply it, and the hub's CHECK constraints are built from the same constants, hub/checks.py):
- a name of 1 to MAX_LABEL_CHARS characters with no whitespace, no control character (NUL
  included) and no lone surrogate: it is written in IOB tags, spaCy ents and the label bar;
- a colour `#rrggbb` (hex digits, either case; stored lower case);
- a shortcut key that is one character (not whitespace or a control character), or none;
- at most MAX_LABELS labels in one project.
A name that is data (a span's label, a label row of a file) must pass as it is: " GPE " is
refused everywhere with the same line. Only a name a person types is stripped first
(check_name(strip=True)); their colour may be #rgb (check_color), their key a letter or digit.
"""

from __future__ import annotations

import re

from typing import Iterable

from annotator.core.errors import AnnotatorError
from annotator.core.text.model import Label

# Shortcut keys, in the order labels get them: 1-9, 0, then letters the window does not use.
LABEL_KEYS = [str(i) for i in range(1, 10)] + ["0"] + list("qwertyuiop")

MAX_LABEL_CHARS = 1000   # a label's name (as an annotator's name: store/bounds.py)
MAX_LABELS = 10_000      # labels in one project (and on a hub)
# Characters no name or key may hold: every character Python calls whitespace (str.isspace)
# and every control character (category Cc, NUL included), as code point ranges. The hub's
# CHECK constraints are written from this same list.
FORBIDDEN_RANGES = ((0x00, 0x20), (0x7F, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A), (0x2028, 0x2029),
                    (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000))
_FORBIDDEN = re.compile("[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in FORBIDDEN_RANGES)
                        + "\\ud800-\\udfff]")
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_HEX6 = re.compile(r"#[0-9a-fA-F]{6}")


class LabelError(AnnotatorError, ValueError):
    """A label setting is invalid."""


def _forbidden_problem(value: str, what: str) -> str | None:
    """Why `value` (a name or key) holds a character it may not, or None. One C-level search."""
    found = _FORBIDDEN.search(value)
    if found is None:
        return None
    ch = found.group()
    if ch == "\x00":
        return f"NUL in a {what}"  # the value itself is not shown: a terminal would cut it there
    if "\ud800" <= ch <= "\udfff":
        return f"{what} {value!r} holds a lone surrogate U+{ord(ch):04X} (not valid Unicode)"
    if ch.isspace():
        return f"{what} {value!r} must not contain spaces"
    return f"{what} {value!r} must not contain a control character (U+{ord(ch):04X})"


def check_name(value: str, *, strip: bool = True) -> str:
    """A label name by the rule above, else a LabelError saying what is wrong.

    The store applies it to every name that enters a label set (the labels dialog, `annotator
    labels`, import, merge, a hub pull). strip=False for a name that is data, such as a span's
    label read from a file: whitespace around it is refused too, not silently dropped."""
    if type(value) is not str:
        raise LabelError(f"label name {value!r} is not text")
    if strip:
        value = value.strip()
    if not value:
        raise LabelError("label name must not be empty")
    if len(value) > MAX_LABEL_CHARS:
        raise LabelError(f"label name of {len(value):,} characters: at most {MAX_LABEL_CHARS:,}")
    problem = _forbidden_problem(value, "label name")
    if problem:
        raise LabelError("NUL in a label" if problem.startswith("NUL") else problem)
    return value


def check_names(names: Iterable[str]) -> None:
    """check_name(strip=False) of every distinct name (a span list's labels: few distinct),
    in sorted order, so the error names the same one every time."""
    for name in sorted(set(names), key=str):
        check_name(name, strip=False)


def admit_color(value: object) -> str:
    """A stored colour: exactly #rrggbb (returned lower case), else a LabelError."""
    if type(value) is not str or not _HEX6.fullmatch(value):
        shown = value if type(value) is str and len(value) <= 40 and "\x00" not in value else type(value).__name__
        raise LabelError(f"colour {shown!r} is not a hex colour #rrggbb")
    return value.lower()


def admit_key(value: object) -> str | None:
    """A stored shortcut key: None, or one character that is not whitespace or a control
    character; else a LabelError."""
    if value is None:
        return None
    if type(value) is not str or len(value) != 1 or _FORBIDDEN.search(value):
        shown = value if type(value) is str and len(value) <= 40 and "\x00" not in value else type(value).__name__
        raise LabelError(f"key {shown!r} must be one character (or none)")
    return value


def admit_label(name: object, color: object, key: object, position: int = 0) -> Label:
    """The one label-admission rule (module docstring): a Label, or a LabelError saying why not."""
    return Label(check_name(name, strip=False), admit_color(color), admit_key(key), position)  # type: ignore[arg-type]


def check_label_count(count: int) -> None:
    """LabelError when a project (or a hub) would hold more than MAX_LABELS labels."""
    if count > MAX_LABELS:
        raise LabelError(f"more than {MAX_LABELS:,} labels")


def check_color(value: str) -> str:
    """A colour a person typed, as #rrggbb (lower case); accepts #rgb. Anything else is a LabelError."""
    value = value.strip()
    if not _HEX.match(value):
        raise LabelError(f"colour {value!r} is not a hex colour like #1f77b4 or #abc")
    if len(value) == 4:
        value = "#" + "".join(c * 2 for c in value[1:])
    return value.lower()


def check_key(value: str, labels: list[Label], *, exclude: str | None = None) -> str:
    """A shortcut key a person typed: one character (letter or digit), not used by another label."""
    value = value.strip()
    if len(value) != 1 or not value.isalnum():
        raise LabelError(f"key {value!r} must be a single letter or digit")
    for label in labels:
        if label.key == value and label.name != exclude:
            raise LabelError(f"key {value} is already used by label {label.name}")
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
