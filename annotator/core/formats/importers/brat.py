"""brat standoff: `name.txt` + `name.ann`; T lines (`T1<TAB>LABEL start end<TAB>text`) are spans.

Offsets are code points of the .txt as stored (brat does not translate newlines). Relations,
events, attributes and notes are ignored. A bad T line (discontinuous fragments, bad offsets,
text that does not match) is reported with its .ann line and the document is not imported,
so no document is stored as accepted with an entity silently missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from annotator.core.errors import RecordError
from annotator.core.formats.importers.base import ImportRecord, iter_lines, read_text


def brat_pair(path: Path) -> tuple[Path, Path]:
    """The (.txt, .ann) pair for either file of it."""
    path = Path(path)
    return path.with_suffix(".txt"), path.with_suffix(".ann")


def read_brat(path: Path, encoding: str | None = None) -> Iterator[ImportRecord | RecordError]:
    """Yield the pair as one document whose spans are the T lines (both files in `encoding`
    when one is named, else UTF-8)."""
    txt, ann = brat_pair(path)
    if not txt.is_file():
        yield RecordError(str(ann), None, f"no text file {txt.name} next to it")
        return
    if not ann.is_file():
        yield RecordError(str(txt), None, f"no brat annotation file {ann.name} next to it")
        return
    try:
        text = read_text(txt, encoding)
    except RecordError as exc:
        yield exc
        return
    spans: list[Any] = []
    errors: list[RecordError] = []
    try:
        for number, line, _pos in iter_lines(ann, encoding):
            line = line.rstrip("\r\n")
            if not line.startswith("T"):
                continue  # relations, events, attributes, notes: not spans
            span = _parse_t_line(line, text)
            if isinstance(span, str):
                errors.append(RecordError(str(ann), number, span))
            else:
                spans.append(span)
    except RecordError as exc:
        yield exc
        return
    if errors:
        yield from errors
        return
    yield ImportRecord(text, {"file": txt.name}, spans, pos=txt.stat().st_size)


def _parse_t_line(line: str, text: str) -> list[Any] | str:
    """[start, end, label] for a T line, or the message saying what is wrong with it."""
    parts = line.split("\t", 2)  # the text column may itself hold a tab
    if len(parts) < 2:
        return f"expected 'ID<TAB>LABEL START END<TAB>TEXT', got {line!r}"
    ident, middle = parts[0], parts[1]
    if ";" in middle:
        return (f"{ident}: discontinuous span ({middle.split(' ', 1)[-1]}) is not supported; "
                f"split it into separate entities")
    fields = middle.split(" ")
    if len(fields) != 3:
        return f"{ident}: expected 'LABEL START END', got {middle!r}"
    label, start_s, end_s = fields
    try:
        start, end = int(start_s), int(end_s)
    except ValueError:
        return f"{ident}: offsets must be integers, got {start_s!r} {end_s!r}"
    if not (0 <= start < end <= len(text)):
        return f"{ident}: span [{start}, {end}] is out of range or reversed for a text of {len(text)} characters"
    if len(parts) >= 3 and parts[2] != text[start:end]:
        return (f"{ident}: text {parts[2]!r} does not match {text[start:end]!r} at [{start}, {end}] "
                f"(offsets must be characters of the .txt)")
    return [start, end, label]
