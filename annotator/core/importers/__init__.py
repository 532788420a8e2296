"""Readers of input files, one module per format, in one registry keyed by format name.

A reader takes a path and yields ImportRecord (a document, maybe with spans) or RecordError
(a bad record: reported, the rest of the file goes on). Readers never touch the store:
importers.batches checks and batches their records, annotator.core.importing writes them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

from annotator.core.errors import RecordError
from annotator.core.importers.base import ImportRecord
from annotator.core.importers.brat import read_brat
from annotator.core.importers.conll import read_conll
from annotator.core.importers.csv_reader import read_csv
from annotator.core.importers.docbin import read_docbin
from annotator.core.importers.jsonl import read_jsonl
from annotator.core.importers.txt import read_txt

Reader = Callable[[Path], Iterator["ImportRecord | RecordError"]]

READERS: dict[str, Reader] = {
    "txt": read_txt,
    "jsonl": read_jsonl,
    "doccano": read_jsonl,  # doccano exports are JSONL; the same reader knows their fields
    "csv": read_csv,
    "brat": read_brat,
    "conll": read_conll,
    "spacy": read_docbin,
}

FORMATS: list[str] = list(READERS)

# Formats read as text: their readers take an `encoding` (default UTF-8).
TEXT_FORMATS: frozenset[str] = frozenset({"txt", "jsonl", "doccano", "csv", "brat", "conll"})

_BY_SUFFIX = {
    ".txt": "txt", ".text": "txt",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".csv": "csv", ".tsv": "csv",
    ".ann": "brat",
    ".conll": "conll", ".conll03": "conll", ".iob": "conll", ".iob2": "conll", ".bio": "conll",
    ".bioes": "conll", ".bilou": "conll",
    ".spacy": "spacy",
}

# Extensions detect_format knows (for file dialogs); a folder gives its .txt files.
SUFFIXES: list[str] = sorted(_BY_SUFFIX)


def detect_format(path: str | Path) -> str:
    """Format name of a file from its name: a .txt with a sibling .ann is brat, `x.conll.txt`
    is CoNLL. Raises RecordError for an unknown extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".txt":
        inner = Path(path.stem).suffix.lower()
        if _BY_SUFFIX.get(inner) == "conll":
            return "conll"
        if path.with_suffix(".ann").is_file():
            return "brat"
    fmt = _BY_SUFFIX.get(suffix)
    if fmt is None:
        raise RecordError(str(path), None, f"unknown file type {suffix or '(no extension)'!r}; "
                                           f"use --format with one of {', '.join(FORMATS)}")
    return fmt


__all__ = ["FORMATS", "READERS", "SUFFIXES", "TEXT_FORMATS", "ImportRecord", "Reader", "RecordError", "detect_format"]
