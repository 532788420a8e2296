"""Readers of input files, one module per format, in one registry keyed by format name.

A reader takes a path and yields ImportRecord (a document, maybe with spans), RecordError
(a bad record: reported, the rest of the file goes on) or ReadNote (something left out on
purpose, e.g. a draft). Readers never touch the store: importers.batches checks and batches
their records, annotator.core.ops.importing writes them. Readers of formats with choices (Label
Studio's text field, WebAnno's layer) also take ReadOptions: see open_reader.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from dataclasses import dataclass
from typing import Callable, Iterator

from annotator.core.errors import RecordError, UnknownFormat
from annotator.core.formats.importers.articles import (
    ARTICLE_SUFFIXES, SELF_DECODING, read_docx, read_html, read_odt, read_pdf, sniff,
)
from annotator.core.formats.importers.base import ImportRecord, ReadNote, ReadOptions
from annotator.core.formats.importers.brat import read_brat
from annotator.core.formats.importers.conll import read_conll
from annotator.core.formats.importers.csv_reader import read_csv
from annotator.core.formats.importers.docbin import read_docbin
from annotator.core.formats.importers.jsonl import read_jsonl
from annotator.core.formats.importers.label_studio import read_label_studio
from annotator.core.formats.importers.txt import read_txt
from annotator.core.formats.importers.webanno import WEBANNO_MAGIC, read_webanno

Reader = Callable[..., Iterator["ImportRecord | RecordError | ReadNote"]]


@dataclass(frozen=True)
class ImportFormat:
    """Everything about one input format, in one place (as the exporters' classes are):
    its reader, the line of help, the file suffixes that name it, and what the reader takes:
    ReadOptions (takes_options) or a text encoding (text)."""

    name: str
    reader: Reader
    help: str
    suffixes: tuple[str, ...] = ()
    takes_options: bool = False
    text: bool = False


_ARTICLE_HELP = {
    "docx": "Word .docx: one document per file, paragraphs kept",
    "odt": "OpenDocument text .odt: one document per file, paragraphs kept",
    "pdf": "PDF with text (not a scan): one document per file",
    "html": "saved web page .html/.htm: the article's main text only",
}
_ARTICLE_READERS = {"docx": read_docx, "odt": read_odt, "pdf": read_pdf, "html": read_html}

IMPORT_FORMATS: dict[str, ImportFormat] = {f.name: f for f in (
    ImportFormat("txt", read_txt, ".txt files, or folders of them: one document per file",
                 (".txt", ".text"), text=True),
    ImportFormat("jsonl", read_jsonl, "JSONL: plain {text, meta}, Prodigy tasks, doccano exports",
                 (".jsonl", ".ndjson"), text=True),
    # doccano exports are JSONL; the same reader knows their fields.
    ImportFormat("doccano", read_jsonl, "doccano JSONL (read by the jsonl reader)", text=True),
    ImportFormat("csv", read_csv, "CSV or TSV with a 'text' column", (".csv", ".tsv"), text=True),
    ImportFormat("brat", read_brat, "brat standoff: .txt with its .ann", (".ann",), text=True),
    ImportFormat("conll", read_conll, "CoNLL/IOB (IOB1/IOB2/BIOES); Label Studio's CONLL2003: a document per task",
                 (".conll", ".conll03", ".iob", ".iob2", ".bio", ".bioes", ".bilou"), text=True),
    ImportFormat("spacy", read_docbin, "spaCy DocBin .spacy", (".spacy",)),
    ImportFormat("label-studio", read_label_studio,
                 "Label Studio JSON export (.json); predictions become suggestions", (".json",), takes_options=True),
    ImportFormat("webanno", read_webanno, "WebAnno TSV 3.x (.tsv) from INCEpTION: named entities, or --layer",
                 takes_options=True),  # .tsv is CSV's unless the file starts with WEBANNO_MAGIC
    *(ImportFormat(name, _ARTICLE_READERS[name], _ARTICLE_HELP[name], tuple(ARTICLE_SUFFIXES[name]),
                   text=name == "html") for name in _ARTICLE_READERS),
)}

# Views of the records, for callers that need one facet.
READERS: dict[str, Reader] = {name: f.reader for name, f in IMPORT_FORMATS.items()}
FORMAT_HELP: dict[str, str] = {name: f.help for name, f in IMPORT_FORMATS.items()}
FORMATS: list[str] = list(IMPORT_FORMATS)
# Formats read as text: their readers take an `encoding` (default UTF-8).
TEXT_FORMATS: frozenset[str] = frozenset(name for name, f in IMPORT_FORMATS.items() if f.text)
# Formats whose files say their own encoding: `--encoding` does not apply to them.
ARTICLE_FORMATS: frozenset[str] = frozenset(ARTICLE_SUFFIXES)

_BY_SUFFIX = {suffix: name for name, f in IMPORT_FORMATS.items() for suffix in f.suffixes}

# Extensions detect_format knows (for file dialogs); a folder gives its .txt files.
SUFFIXES: list[str] = sorted(_BY_SUFFIX)


def detect_format(path: str | Path) -> str:
    """Format name of a file from its name: a .txt with a sibling .ann is brat, `x.conll.txt`
    is CoNLL. Two extensions are shared, so their first characters decide: a .tsv starting
    with `#FORMAT=WebAnno TSV` is WebAnno (else CSV), a .json holding a JSON object rather
    than an array is JSON lines (else a Label Studio export).
    Raises RecordError for an unknown extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".txt":
        inner = Path(path.stem).suffix.lower()
        if _BY_SUFFIX.get(inner) == "conll":
            return "conll"
        if path.with_suffix(".ann").is_file():
            return "brat"
    if suffix == ".tsv" and _head(path).startswith(WEBANNO_MAGIC):
        return "webanno"
    if suffix == ".json" and _head(path).lstrip().startswith("{"):
        return "jsonl"
    fmt = _BY_SUFFIX.get(suffix)
    if fmt is None:
        raise UnknownFormat(str(path), suffix, f"unknown file type {suffix or '(no extension)'!r}; "
                                               f"use --format with one of {', '.join(FORMATS)}")
    return fmt


def read_as(path: str | Path, fmt: str | None = None, encoding: str | None = None) -> str:
    """The format to read `path` as. Its content decides first (articles/magic.py): a Word,
    OpenDocument or PDF file is read as one whatever its name or `fmt`, and a binary file of
    another kind raises RecordError ('FILE: a PNG image, not text; ...'), with an encoding
    named or not. Otherwise `fmt`, else its name (detect_format). A .spacy file is binary by
    design and is not checked."""
    path = Path(path)
    try:
        by_name = fmt or detect_format(path)
    except UnknownFormat:
        by_name = None
    if by_name != "spacy":
        content = sniff(path, encoding)
        if content is not None:
            if content.fmt is None:
                raise content.error(path)
            return content.fmt
    return by_name or detect_format(path)


def _head(path: Path) -> str:
    """The first characters of a file (UTF-8 or UTF-16 with a BOM), '' if unreadable."""
    try:
        with open(path, "rb") as f:
            data = f.read(256)
    except OSError:
        return ""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="ignore")
    return data.removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="ignore")


def open_reader(fmt: str, path: Path, options: ReadOptions | None = None,
                encoding: str | None = None) -> Iterator[ImportRecord | RecordError | ReadNote]:
    """The records of `path` read as `fmt`, with the person's options for formats that have
    any, and the text encoding for text formats (default UTF-8)."""
    record = IMPORT_FORMATS[fmt]
    if record.takes_options:
        return record.reader(path, options or ReadOptions())
    if encoding is not None and record.text:
        return record.reader(path, encoding)
    return record.reader(path)


__all__ = ["ARTICLE_FORMATS", "ARTICLE_SUFFIXES", "FORMATS", "FORMAT_HELP", "IMPORT_FORMATS", "ImportFormat", "READERS", "SELF_DECODING", "SUFFIXES",
           "TEXT_FORMATS", "ImportRecord", "ReadNote", "ReadOptions", "Reader", "RecordError", "detect_format",
           "open_reader", "read_as"]
