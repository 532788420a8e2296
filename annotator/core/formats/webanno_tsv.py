"""WebAnno TSV 3 (INCEpTION) details shared by its reader and its writer: escaping and offsets.

Offsets in the format are Java string offsets, i.e. UTF-16 code units (INCEpTION's format
guide: "the offsets used in the TSV format currently represent offsets of the 16bit units in
UTF-16 strings"), so an emoji counts 2. annotator works in code points: every offset is
converted here, at the file's edge.

Escaping, as INCEpTION's Escaping class does it (TSV 3.2 and later):
- `#Text=` lines: backslash, TAB, LF, CR, form feed and backspace as `\\\\ \\t \\n \\r \\f \\b`;
  other control characters (except 0x0B) as a backslash before the raw character.
- feature values (labels): `\\ [ ] | _ -> ; * TAB LF` with a backslash before (TAB, LF as \\t, \\n).
- the token column is written unescaped.
TSV 3.0/3.1 used Java escapes (`\\uXXXX` too) for text; those are read as well.
"""

from __future__ import annotations

import re
from typing import Callable

FORMAT_LINE = "#FORMAT=WebAnno TSV 3.3"
NE_LAYER = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"

_TEXT_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", "\b": "\\b"}
_TEXT_SPECIAL = re.compile("[\\\\\x00-\x0a\x0c-\x1f]")
_TEXT_UNESCAPE = re.compile(r"\\([\\tnfrb]|[\x00-\x07\x0e-\x1f])")
_TEXT_CODES = {"\\": "\\", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "b": "\b"}

_VALUE_SPECIAL = re.compile(r"\\|\[|\]|\||_|->|;|\t|\n|\*")
_VALUE_UNESCAPE = re.compile(r"\\(\\|\[|\]|\||_|->|;|t|n|\*)")
_JAVA_UNESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|[0-7]{1,3}|.)", re.S)
# Stacked values are separated by an unescaped `|`.
STACK_SPLIT = re.compile(r"(?<!\\)\|")


def escape_text(text: str) -> str:
    """A line of sentence text as a `#Text=` line holds it (no LF: lines are split on LF)."""
    return _TEXT_SPECIAL.sub(lambda m: _TEXT_ESCAPES.get(m.group(), "\\" + m.group()), text)


def unescape_text(text: str, minor: int) -> str:
    """The text of a `#Text=` line; `minor` is the format's 3.x version (escaping changed in 3.2)."""
    if "\\" not in text:
        return text
    if minor <= 1:
        return _JAVA_UNESCAPE.sub(_java_escape, text)
    return _TEXT_UNESCAPE.sub(lambda m: _TEXT_CODES.get(m.group(1), m.group(1)), text)


def _java_escape(m: re.Match[str]) -> str:
    code = m.group(1)
    if code[0] == "u" and len(code) == 5:
        return chr(int(code[1:], 16))
    if code[0] in "01234567":
        return chr(int(code, 8))
    return {"t": "\t", "n": "\n", "r": "\r", "f": "\f", "b": "\b"}.get(code, code)


def escape_value(value: str) -> str:
    return _VALUE_SPECIAL.sub(lambda m: {"\t": "\\t", "\n": "\\n"}.get(m.group(), "\\" + m.group()), value)


def unescape_value(value: str) -> str:
    return _VALUE_UNESCAPE.sub(lambda m: {"t": "\t", "n": "\n"}.get(m.group(1), m.group(1)), value)


def utf16_len(text: str) -> int:
    """Length of `text` in UTF-16 code units (astral characters count 2)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def to_utf16(text: str) -> Callable[[int], int]:
    """A function mapping code-point offsets of `text` to UTF-16 offsets."""
    astral = [i for i, c in enumerate(text) if ord(c) > 0xFFFF]
    if not astral:
        return lambda offset: offset
    import bisect

    return lambda offset: offset + bisect.bisect_left(astral, offset)


def from_utf16(text: str) -> Callable[[int], int | None]:
    """A function mapping UTF-16 offsets into `text` to code points; None for an offset in the
    middle of a surrogate pair or past the end."""
    if all(ord(c) <= 0xFFFF for c in text):
        n = len(text)
        return lambda offset: offset if 0 <= offset <= n else None
    table: dict[int, int] = {}
    unit = 0
    for i, c in enumerate(text):
        table[unit] = i
        unit += 2 if ord(c) > 0xFFFF else 1
    table[unit] = len(text)
    return table.get
