"""Plain text: one .txt file is one document.

The text is stored exactly as in the file (see base.decode_bytes), except that the file's
trailing line breaks are not part of the document: an article saved with and without a
final newline is one document. Interior text, and trailing spaces or tabs, stay byte-exact.

Projects made before this rule hold such a file's text with its line breaks. The record
carries that form as `former_text`, and the import treats a document stored under it as this
file's document, so re-importing an old file adds no near-duplicate.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from annotator.core.errors import RecordError
from annotator.core.formats.importers.base import ImportRecord, read_text

LINE_BREAKS = "\r\n"


def document_text(raw: str) -> str:
    """A .txt file's document text: its content without trailing line breaks."""
    return raw.rstrip(LINE_BREAKS)


def read_txt(path: Path, encoding: str | None = None) -> Iterator[ImportRecord | RecordError]:
    """Yield the file as one document whose meta names the file."""
    path = Path(path)
    try:
        raw = read_text(path, encoding)
    except RecordError as exc:
        yield exc
        return
    text = document_text(raw)
    yield ImportRecord(text, {"file": path.name}, pos=path.stat().st_size,
                       former_text=raw if raw != text else None)
