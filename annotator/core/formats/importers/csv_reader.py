"""CSV/TSV with a header row: the `text` column is the document, the other columns its meta.

Rows stream from the file (see base.iter_lines), quoted fields keep their newlines as written.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterator

from annotator.core.errors import RecordError
from annotator.core.formats.importers.base import ImportRecord, iter_lines

# News articles exceed csv's default 128 KiB field limit; 2**31-1 also fits a C long on Windows.
_FIELD_LIMIT = 2**31 - 1


def read_csv(path: Path, encoding: str | None = None) -> Iterator[ImportRecord | RecordError]:
    """Yield one record per data row; `.tsv` files are tab-separated."""
    path = Path(path)
    name = str(path)
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)
    state = {"pos": 0}

    def lines() -> Iterator[str]:
        for _number, line, pos in iter_lines(path, encoding):
            state["pos"] = pos
            yield line

    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.reader(lines(), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            yield RecordError(name, None, "empty file: expected a header row with a 'text' column")
            return
        column = _text_column(header)
        if column is None:
            shown = ", ".join(repr(h) for h in header)
            yield RecordError(name, 1, f"no 'text' column in the header (columns: {shown})")
            return
        others = [(i, h) for i, h in enumerate(header) if i != column]
        last_line = reader.line_num
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield RecordError(name, last_line + 1, f"bad CSV: {exc}")
                last_line = reader.line_num
                continue
            number, last_line = last_line + 1, reader.line_num
            if not row:
                continue
            if len(row) != len(header):
                yield RecordError(name, number, f"row has {len(row)} fields, the header has {len(header)}")
                continue
            meta = {h: row[i] for i, h in others}
            yield ImportRecord(row[column], meta, line=number, pos=state["pos"])
    except RecordError as exc:  # undecodable bytes: one error, stop this file
        yield exc


def _text_column(header: list[str]) -> int | None:
    """Index of the 'text' column: exact name first, then ignoring case and spaces."""
    if "text" in header:
        return header.index("text")
    for i, h in enumerate(header):
        if h.strip().lower() == "text":
            return i
    return None
