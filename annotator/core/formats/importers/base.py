"""The record readers yield, and byte-exact text decoding shared by the readers.

Text is kept exactly as in the file: bytes are decoded, never newline-translated (CRLF stays),
so offsets written by other tools still point at the same characters. UTF-8 (a BOM is
stripped) and UTF-16 with a BOM are accepted; anything else is an error naming the byte and
the likely encoding, unless the person names the encoding (`encoding=`, `import --encoding`).
"""

from __future__ import annotations

import codecs
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from annotator.core.errors import RecordError
from annotator.core.formats.importers.encodings import decode_error, is_utf8, is_wide, normalize, utf8_error

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_BUFFER = 1 << 20  # long lines (CSV articles): fewer refills than the default 8 KiB


@dataclass(slots=True)
class ImportRecord:
    """One document read from a file.

    spans: raw spans as found (dicts or [start, end, label] lists), validated by the pipeline;
    None when the record carries no span annotation. answer: the record's decision, if any.
    A record becomes an annotation when it has an answer or a non-empty span list.
    line: where the record starts (for CoNLL the first token line, for .spacy the doc number).
    pos: bytes of the file consumed after this record (for progress), when the reader knows.
    suggestions: spans another tool predicted (Label Studio predictions), cached as the
    suggestions of the model key `suggestion_source`; None when there are none.
    former_text: the text as earlier versions of the reader stored it, when it differs (a
    .txt file's trailing line breaks): a document stored under it is this record's document.
    meta_json: the meta as stored, set when the record is admitted (importers/batches.py).
    """

    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    spans: list[Any] | None = None
    annotator: str | None = None
    answer: str | None = None
    timestamp: float | None = None
    line: int | None = None
    pos: int | None = None
    suggestions: list[Any] | None = None
    suggestion_source: str | None = None
    former_text: str | None = None
    meta_json: str | None = None


@dataclass(frozen=True, slots=True)
class ReadNote:
    """Something a reader left out on purpose (not an error): a draft skipped, a stacked entity
    dropped, a relation layer ignored. `message` is shown as a warning, `FILE:LINE: ...` when it
    has a place; `kind`, when set, is counted in the import summary (see importing.NOTE_KINDS)."""

    message: str
    kind: str | None = None


@dataclass(frozen=True)
class ReadOptions:
    """Choices the person made for readers that need them (import --text-field/--layer).

    text_field: the task data field holding the text (Label Studio). layer: the WebAnno span
    layer, `NAME` or `NAME:FEATURE`. annotator: the name given with --annotator, if any.
    """

    text_field: str = "text"
    layer: str | None = None
    annotator: str | None = None




def looks_like_utf16(data: bytes) -> bool:
    """Whether bytes that decode as UTF-8 are really BOM-less UTF-16: then (for Latin script)
    every other byte is NUL. A few NULs scattered in real text do not count."""
    sample = data[:4096]
    half = len(sample) // 2
    if half < 2:
        return False
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    return max(even, odd) >= 0.3 * half and min(even, odd) <= 0.05 * half


def nul_error(path: Path, offset: int, line: int | None = None) -> RecordError:
    """The error for UTF-16 without a BOM (see looks_like_utf16)."""
    return RecordError(str(path), line, f"not valid UTF-8 text at byte {offset}: NUL bytes every "
                                        f"other byte (UTF-16 without a BOM?); save it as UTF-8")


def decode_bytes(path: Path, data: bytes, encoding: str | None = None) -> str:
    """Decode a whole file's bytes: UTF-8 (BOM stripped) or UTF-16 with a BOM, or in the
    `encoding` named.

    Raises DecodeError(path, None, 'not valid UTF-8 at byte N; it looks like ...') when
    undecodable, and for BOM-less UTF-16, which would otherwise pass as UTF-8 text full of NULs.
    """
    if not is_utf8(encoding):
        assert encoding is not None
        try:
            return data.decode(normalize(encoding))
        except UnicodeDecodeError as exc:
            raise decode_error(path, encoding, exc.start) from None
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise RecordError(str(path), None, f"not valid UTF-16 at byte {exc.start}") from None
    bom = 3 if data.startswith(codecs.BOM_UTF8) else 0
    try:
        text = data[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise utf8_error(path, bom + exc.start) from None
    if "\x00" in text and looks_like_utf16(data):
        raise nul_error(path, data.index(b"\x00"))
    return text


def read_text(path: Path, encoding: str | None = None) -> str:
    """A whole text file decoded exactly (see decode_bytes)."""
    return decode_bytes(path, Path(path).read_bytes(), encoding)


def is_utf16(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(2) in _UTF16_BOMS


def iter_raw_lines(path: Path) -> Iterator[tuple[int, bytes, int, int]]:
    """Yield (line number, raw bytes without a leading UTF-8 BOM, start byte, end byte) of a
    file read in binary with a large buffer: the streaming core of every line reader."""
    pos = 0
    with open(path, "rb", buffering=_BUFFER) as f:
        for number, raw in enumerate(f, 1):
            start = pos
            pos += len(raw)
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[3:]
                start = 3
            yield number, raw, start, pos


def iter_lines(path: Path, encoding: str | None = None) -> Iterator[tuple[int, str, int]]:
    """Yield (line number, line with its ending, bytes consumed so far), streaming.

    UTF-8 files (and those in an `encoding` that keeps b"\n" a byte of its own, such as
    cp1252 or Shift JIS) are read line by line in binary, so a huge file is never loaded whole
    and a decoding error names the exact byte and line (raised as DecodeError). UTF-16 and
    UTF-32 files (rare, small in practice) are decoded whole.
    """
    path = Path(path)
    if not is_utf8(encoding):
        assert encoding is not None
        yield from _iter_lines_in(path, encoding)
        return
    if is_utf16(path):
        text = read_text(path)
        # newline="" splits on \n, \r and \r\n but keeps the endings untouched.
        for number, line in enumerate(io.StringIO(text, newline=""), 1):
            yield number, line, 0
        return
    for number, raw, start, pos in iter_raw_lines(path):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise utf8_error(path, start + exc.start, number) from None
        if "\x00" in line and looks_like_utf16(raw):
            raise nul_error(path, start + raw.index(b"\x00"), number)
        yield number, line, pos


def _iter_lines_in(path: Path, encoding: str) -> Iterator[tuple[int, str, int]]:
    """iter_lines for a file in a named encoding other than UTF-8."""
    codec = normalize(encoding)
    if is_wide(codec):
        text = read_text(path, codec)
        for number, line in enumerate(io.StringIO(text, newline=""), 1):
            yield number, line, 0
        return
    for number, raw, start, pos in iter_raw_lines(path):
        try:
            line = raw.decode(codec)
        except UnicodeDecodeError as exc:
            raise decode_error(path, codec, start + exc.start, number) from None
        yield number, line, pos
