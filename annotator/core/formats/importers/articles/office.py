"""Word (.docx) and OpenDocument (.odt) articles, read with the standard library: both are ZIP
files of XML, and their text is a walk over one XML part (Word's main document part, ODF's
content.xml). No python-docx or odfpy: neither keeps tracked changes, fields and notes apart
as an article needs, and the walk is short.

What becomes the document's text, one document per file:
- every paragraph and heading, in order, separated by a blank line (so `--split paragraphs`
  gives one document per paragraph); empty paragraphs are left out, and each paragraph is
  stripped of the whitespace around it;
- a line break inside a paragraph is a line break, a tab is a tab;
- a table row is one paragraph, its cells separated by a tab (paragraphs inside a cell by a
  line break); list items are paragraphs (their bullets and numbers are formatting, not text);
- tracked changes as they would print: inserted text kept, deleted text left out;
- a field's result (a hyperlink's words, a date), not its code;
- left out: footnotes and endnotes, comments, headers and footers, text boxes and drawings,
  and generated indexes (a table of contents).
ODF whitespace is read as ODF defines it: runs of spaces and line breaks in the XML collapse
to one space, `text:s` stands for its spaces.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import Iterator
from xml.etree import ElementTree

from annotator.core.errors import RecordError
from annotator.core.formats.importers.base import ImportRecord, ReadNote

# A main part bigger than this is refused rather than read into memory (a ZIP bomb, or not
# an article): a 1,000-page book's document.xml is around 50 MB.
MAX_PART_BYTES = 512 << 20

Element = ElementTree.Element


def _local(tag: str) -> str:
    """An element's name without its namespace: Word writes two (transitional and strict)."""
    return tag.rpartition("}")[2]


def _read_part(path: Path, name: str | None, what: str) -> Element:
    """The root of the XML part `name` of the ZIP file (None: the Word main part, found
    through the package relationships). Raises RecordError for a damaged file."""
    a = "an" if what[0] in "AEIOU" else "a"
    if not zipfile.is_zipfile(path):
        raise RecordError(str(path), None, f"not {a} {what} (its content is not a ZIP archive)")
    try:
        with zipfile.ZipFile(path) as z:
            name = name or _word_main_part(z)
            info = z.getinfo(name)
            if info.file_size > MAX_PART_BYTES:
                raise RecordError(str(path), None, f"its text part {name} is {info.file_size / 1e6:,.0f} MB, "
                                                   f"too large for an article")
            data = z.read(info)
    except KeyError:
        raise RecordError(str(path), None, f"not {a} {what}: it has no {name or 'main document part'}") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, RuntimeError) as exc:
        raise RecordError(str(path), None, f"a damaged {what}: {exc}") from None
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise RecordError(str(path), None, f"a damaged {what}: {name} is not well-formed XML ({exc})") from None


def _word_main_part(z: zipfile.ZipFile) -> str:
    """The main document part named by _rels/.rels (word/document.xml as Word writes it)."""
    try:
        rels = ElementTree.fromstring(z.read("_rels/.rels"))
    except (KeyError, ElementTree.ParseError):
        return "word/document.xml"
    for rel in rels:
        if rel.get("Type", "").endswith("/officeDocument") and rel.get("Target"):
            return str(PurePosixPath(rel.get("Target", "").lstrip("/")))
    return "word/document.xml"


def _document(path: Path, paragraphs: Iterator[str], kind: str, suffixes: tuple[str, ...]
              ) -> Iterator[ImportRecord | ReadNote]:
    if path.suffix.lower() not in suffixes:
        yield ReadNote(f"{path}: {kind} named {path.suffix or '(no extension)'}; read as {kind}")
    text = "\n\n".join(p for p in (para.strip() for para in paragraphs) if p)
    yield ImportRecord(text, {"file": path.name}, pos=path.stat().st_size)


# ---- Word ----------------------------------------------------------------------------------

# Subtrees whose text is not the article's: deleted or moved-away tracked text, field codes,
# drawings and text boxes (their text would land inside the paragraph that anchors them),
# note and comment marks, properties.
_WORD_SKIP = frozenset({"del", "moveFrom", "delText", "instrText", "drawing", "pict", "object",
                        "AlternateContent", "footnoteReference", "endnoteReference", "commentReference",
                        "annotationRef", "pPr", "rPr", "sectPr", "tblPr", "trPr", "tcPr", "fldData"})
_WORD_CHARACTERS = {"tab": "\t", "ptab": "\t", "br": "\n", "cr": "\n", "noBreakHyphen": "-"}


def read_docx(path: Path) -> Iterator[ImportRecord | RecordError | ReadNote]:
    """One document: the paragraphs of a Word file (see the module docstring)."""
    path = Path(path)
    try:
        root = _read_part(path, None, "Word document")
    except RecordError as exc:
        yield exc
        return
    body = next((child for child in root if _local(child.tag) == "body"), None)
    if body is None:
        yield RecordError(str(path), None, "not a Word document: its main part has no body")
        return
    yield from _document(path, _word_blocks(body), "a Word document", (".docx", ".docm", ".dotx", ".dotm"))


def _word_blocks(parent: Element) -> Iterator[str]:
    """The paragraphs of a body, a table cell or a content control, in order."""
    for child in parent:
        name = _local(child.tag)
        if name == "p":
            yield "".join(_word_inline(child))
        elif name == "tbl":
            for row in _word_children(child, "tr"):
                cells = ("\n".join(p.strip() for p in _word_blocks(cell) if p.strip())
                         for cell in _word_children(row, "tc"))
                yield "\t".join(cells)
        elif name not in _WORD_SKIP:  # sdt, sdtContent, customXml, ins, moveTo: containers
            yield from _word_blocks(child)


def _word_children(parent: Element, wanted: str) -> Iterator[Element]:
    """Children named `wanted`, looking through content controls and custom XML around them."""
    for child in parent:
        name = _local(child.tag)
        if name == wanted:
            yield child
        elif name in ("sdt", "sdtContent", "customXml"):
            yield from _word_children(child, wanted)


def _word_inline(parent: Element) -> Iterator[str]:
    for child in parent:
        name = _local(child.tag)
        if name in _WORD_SKIP:
            continue
        if name == "t":
            yield child.text or ""
        elif name in _WORD_CHARACTERS:
            yield _WORD_CHARACTERS[name]
        else:  # r, hyperlink, ins, moveTo, smartTag, fldSimple, sdt, oMath...: their runs
            yield from _word_inline(child)


# ---- OpenDocument --------------------------------------------------------------------------

_ODF_SKIP = frozenset({"note", "annotation", "annotation-end", "tracked-changes", "ruby-text", "frame",
                       "sequence-decls", "variable-decls", "user-field-decls", "forms", "table-of-content",
                       "alphabetical-index", "illustration-index", "table-index", "object-index",
                       "user-index", "bibliography", "change", "change-start", "change-end",
                       "bookmark", "bookmark-start", "bookmark-end", "soft-page-break",
                       "table-columns", "table-column", "table-header-columns"})
_ODF_BLOCKS = frozenset({"p", "h"})
_ODF_WHITESPACE = re.compile(r"[ \t\r\n]+")
_TEXT_C = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}c"


def read_odt(path: Path) -> Iterator[ImportRecord | RecordError | ReadNote]:
    """One document: the paragraphs of an OpenDocument text (see the module docstring)."""
    path = Path(path)
    try:
        root = _read_part(path, "content.xml", "OpenDocument text")
    except RecordError as exc:
        yield exc
        return
    text = next((el for el in root.iter() if _local(el.tag) == "text" and el.tag.startswith(
        "{urn:oasis:names:tc:opendocument:xmlns:office")), None)
    if text is None:
        yield RecordError(str(path), None, "not an OpenDocument text: content.xml has no office:text")
        return
    yield from _document(path, _odf_blocks(text), "an OpenDocument text", (".odt", ".ott"))


def _odf_blocks(parent: Element) -> Iterator[str]:
    for child in parent:
        name = _local(child.tag)
        if name in _ODF_SKIP:
            continue
        if name in _ODF_BLOCKS:
            yield _odf_paragraph(child)
        elif name == "table":
            for row in _odf_rows(child):
                cells = ("\n".join(p.strip() for p in _odf_blocks(cell) if p.strip())
                         for cell in row if _local(cell.tag) == "table-cell")
                yield "\t".join(cells)
        else:  # list, list-item, section, table-of-content body...: containers
            yield from _odf_blocks(child)


def _odf_rows(parent: Element) -> Iterator[Element]:
    """A table's rows, through row groups (not those of tables nested in its cells)."""
    for child in parent:
        name = _local(child.tag)
        if name == "table-row":
            yield child
        elif name in ("table-rows", "table-header-rows", "table-row-group"):
            yield from _odf_rows(child)


def _odf_paragraph(p: Element) -> str:
    text = _OdfText()
    text.inline(p)
    return "".join(text.parts)


class _OdfText:
    """A paragraph's text with ODF's whitespace rule: in character data, runs of spaces, tabs
    and line breaks are one space, and a space right after such a space (or at the start of
    the paragraph) is dropped; text:s, text:tab and text:line-break are kept as they are."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.after_space = True

    def chars(self, raw: str | None) -> None:
        if not raw:
            return
        text = _ODF_WHITESPACE.sub(" ", raw)
        if self.after_space and text.startswith(" "):
            text = text[1:]
        if text:
            self.parts.append(text)
            self.after_space = text.endswith(" ")

    def literal(self, text: str) -> None:
        self.parts.append(text)
        self.after_space = False

    def inline(self, parent: Element) -> None:
        self.chars(parent.text)
        for child in parent:
            name = _local(child.tag)
            if name == "s":
                count = child.get(_TEXT_C, "1")
                self.literal(" " * (int(count) if count.isdigit() and 0 < int(count) < 10_000 else 1))
            elif name == "tab":
                self.literal("\t")
            elif name == "line-break":
                self.literal("\n")
            elif name not in _ODF_SKIP:  # span, a, ruby, ruby-base, meta, fields...: their text
                self.inline(child)
            self.chars(child.tail)
