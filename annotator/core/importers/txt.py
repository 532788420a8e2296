"""Plain text: one .txt file is one document, stored byte-exact (see base.decode_bytes)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from annotator.core.errors import RecordError
from annotator.core.importers.base import ImportRecord, read_text


def read_txt(path: Path) -> Iterator[ImportRecord | RecordError]:
    """Yield the file as one document whose meta names the file."""
    path = Path(path)
    try:
        text = read_text(path)
    except RecordError as exc:
        yield exc
        return
    yield ImportRecord(text, {"file": path.name}, pos=path.stat().st_size)
