"""Encodings other than UTF-8: the name a person gives (`import --encoding NAME`) and, when a
file is not UTF-8, a guess at its encoding for the error message (charset-normalizer).

A guess is only a hint: the message says which encoding to try, nothing is decoded with it
unless the person asks.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from annotator.core.errors import AnnotatorError, DecodeError

_SAMPLE = 256 * 1024
# Among equally likely guesses, the encodings most files really are in, most common first:
# a short Latin-1 text fits cp1250 as well as cp1252, and cp1252 is far more often right.
_PREFERRED = ("cp1252", "iso8859_15", "cp1251", "shift_jis", "gb18030", "euc_kr", "big5")


def normalize(name: str) -> str:
    """Python's name for an encoding (latin-1 -> iso8859-1); AnnotatorError if unknown."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise AnnotatorError(f"unknown encoding {name!r} (e.g. utf-8, cp1252, latin-1, utf-16)") from None


def is_utf8(encoding: str | None) -> bool:
    """Whether `encoding` means the default UTF-8 reading (a BOM is stripped either way)."""
    return encoding is None or normalize(encoding) in ("utf-8", "utf-8-sig")


def is_wide(encoding: str) -> bool:
    """UTF-16/32: a b"\\n" byte may sit inside a character, so such files are decoded whole."""
    return normalize(encoding).startswith(("utf-16", "utf-32"))


def guess(path: Path, offset: int = 0) -> str | None:
    """The likely encoding of a file that is not UTF-8, from its start and the bytes around
    `offset` (where decoding failed); None when nothing fits."""
    try:
        with open(path, "rb") as f:
            data = f.read(_SAMPLE)
            if offset > len(data):
                f.seek(max(0, offset - _SAMPLE // 4))
                data += b"\n" + f.read(_SAMPLE // 2)
    except OSError:
        return None
    import charset_normalizer

    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        return None
    best = matches[0]
    tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    candidates = {name for m in tied for name in m.could_be_from_charset}
    for name in _PREFERRED:
        if name in candidates:
            return name
    return None if best.encoding in ("utf_8", "ascii") else best.encoding


def utf8_error(path: Path, offset: int, line: int | None = None) -> DecodeError:
    """'not valid UTF-8 at byte N; it looks like cp1252: import it with --encoding cp1252'."""
    likely = guess(Path(path), offset)
    if likely:
        hint = f"; it looks like {likely}: import it with --encoding {likely}"
    else:
        hint = "; import it with --encoding NAME (e.g. cp1252) if it is in another encoding"
    return DecodeError(str(path), line, f"not valid UTF-8 at byte {offset}{hint}", likely)


def decode_error(path: Path, encoding: str, offset: int, line: int | None = None) -> DecodeError:
    """The error for a file that is not in the encoding the person chose."""
    return DecodeError(str(path), line, f"not valid {normalize(encoding)} at byte {offset}", None)
