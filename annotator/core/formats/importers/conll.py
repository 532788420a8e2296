"""CoNLL / IOB columns: `token ... TAG` per line, first column the token, last the tag.

A blank line ends a sentence; `-DOCSTART-` lines separate documents (before, between or after
them, as wikigold puts them). A file with no -DOCSTART- at all makes each sentence a document
(as `spacy convert` does by default), so a huge sentence-per-line corpus is not one giant text.
Label Studio's CONLL2003 export writes one `-DOCSTART- -X- O` line for the whole export and
`TOKEN -X- _ TAG` rows, one blank-line block per task: in a file laid out like that (its first
line that -DOCSTART-, the first token row in that shape, no other -DOCSTART-), each block is a
document, one per task.
The text is the tokens joined by single spaces, sentences joined by "\\n".

Tag schemes: IOB1 (I- only, B- just between two adjacent same-type entities), IOB2 (B-/I-),
BIOES/BILOU (S-/U- single, E-/L- last) and plain IO tags ("PER"): an I-/E-/L- tag of another
type than the open entity starts a new one, so all read the same way.
Every document read is gold: it becomes an accepted annotation, even with no entities.
"""

from __future__ import annotations

import mmap
import re
from pathlib import Path
from typing import Any, Iterator

from annotator.core.errors import RecordError
from annotator.core.formats.importers.base import ImportRecord, iter_lines

DOCSTART = "-DOCSTART-"
_COLUMNS = re.compile(r"[ \t]+")
_STARTS = frozenset("BSU")
_ENDS = frozenset("ESLU")


_LS_DOCSTART = b"-DOCSTART- -X- O"
_LS_ROW = re.compile(rb"^\S+ -X- _ \S+$")


def is_label_studio_conll(path: Path) -> bool:
    """Whether a file is Label Studio's CONLL2003 export (see the module docstring)."""
    with open(path, "rb") as f:
        first = f.readline().removeprefix(b"\xef\xbb\xbf").rstrip(b"\r\n")
        if first != _LS_DOCSTART:
            return False
        row = b""
        while not row:
            line = f.readline()
            if not line:
                return False
            row = line.rstrip(b"\r\n")
        if not _LS_ROW.match(row):
            return False
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return data.find(DOCSTART.encode(), len(_LS_DOCSTART)) == -1


def has_docstart(path: Path) -> bool:
    """Whether the file has any -DOCSTART- line (a fast byte search, any encoding we accept)."""
    path = Path(path)
    if path.stat().st_size == 0:
        return False
    needles = [DOCSTART.encode(enc) for enc in ("utf-8", "utf-16-le", "utf-16-be")]
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return any(data.find(needle) != -1 for needle in needles)


class _Doc:
    """A document being built: text pieces, spans and whether a line of it was bad."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.length = 0
        self.spans: list[list[Any]] = []
        self.sentence_open = False
        self.first_line: int | None = None
        self.bad = False
        # The entity being read: [start char, end char, label], or None.
        self.current: list[Any] | None = None

    def close_entity(self) -> None:
        if self.current is not None:
            self.spans.append(self.current)
            self.current = None

    def end_sentence(self) -> None:
        self.close_entity()
        self.sentence_open = False

    def add_token(self, token: str, tag: str, number: int) -> str | None:
        """Append a token; returns an error message for a bad tag."""
        if self.first_line is None:
            self.first_line = number
        kind, label = _parse_tag(tag)
        if kind == "?":
            return f"bad tag {tag!r} (expected O, or B-/I-/E-/S-/L-/U- followed by a label)"
        if self.pieces:
            sep = " " if self.sentence_open else "\n"
            self.pieces.append(sep)
            self.length += 1
        self.sentence_open = True
        start = self.length
        self.pieces.append(token)
        self.length += len(token)
        if kind == "O":
            self.close_entity()
        elif kind in _STARTS or self.current is None or self.current[2] != label:
            self.close_entity()
            self.current = [start, self.length, label]
        else:
            self.current[1] = self.length
        if kind in _ENDS:
            self.close_entity()
        return None


def _parse_tag(tag: str) -> tuple[str, str]:
    """(kind, label): kind is O, one of BIESLUM, or ? for a malformed tag."""
    if tag == "O":
        return "O", ""
    prefix, sep, label = tag.partition("-")
    if sep:
        kind = prefix.upper()
        if len(kind) == 1 and kind in "BIESLUM" and label:
            return kind, label
        return "?", ""
    return ("I", tag) if tag else ("?", "")  # IO scheme: a bare label continues


def read_conll(path: Path, encoding: str | None = None) -> Iterator[ImportRecord | RecordError]:
    """Yield one record per document (see the module docstring for what a document is)."""
    path = Path(path)
    name = str(path)
    by_docstart = has_docstart(path) and not is_label_studio_conll(path)
    meta_base = {"file": path.name}
    doc = _Doc()
    count = 0

    def finish(pos: int) -> Iterator[ImportRecord]:
        nonlocal doc, count
        doc.end_sentence()
        if doc.pieces or doc.bad:
            count += 1  # bad documents keep their number, so "doc" matches the file's order
        if doc.pieces and not doc.bad:
            yield ImportRecord("".join(doc.pieces), {**meta_base, "doc": count}, doc.spans,
                               answer="accept", line=doc.first_line, pos=pos)
        doc = _Doc()

    pos = 0
    try:
        for number, line, pos in iter_lines(path, encoding):
            stripped = line.strip(" \t\r\n")
            if not stripped:
                if by_docstart:
                    doc.end_sentence()
                else:
                    yield from finish(pos)
                continue
            columns = _COLUMNS.split(stripped)
            if columns[0] == DOCSTART:
                yield from finish(pos)
                continue
            if len(columns) < 2:
                doc.bad = True
                yield RecordError(name, number, f"expected 'TOKEN TAG' columns, got {stripped!r}")
                continue
            message = doc.add_token(columns[0], columns[-1], number)
            if message:
                doc.bad = True
                yield RecordError(name, number, message)
        yield from finish(pos)
    except RecordError as exc:  # undecodable bytes: one error, stop this file
        yield exc
