"""Saved web pages (.html, .htm, .xhtml): the article's main text only, found by trafilatura
(the field's standard for boilerplate removal), one document per file. Menus, cookie notices,
link lists, sidebars, footers, reader comments, scripts, styles and markup are dropped.

The text: each paragraph, heading, quote and list item of the article, separated by a blank
line (so `--split paragraphs` works); a `<br>` is a line break; a table row is one paragraph,
its cells separated by a tab. Meta: the file, and the page's title, address (its canonical
link) and date when the page states them.

Decoding, in order: a byte order mark; the encoding the person names (`--encoding`); the
charset the page declares (`<meta charset>`, read as browsers read it: a page that says
ISO-8859-1 or ASCII is windows-1252); else UTF-8, and a page that is not UTF-8 is an error
naming the encoding it seems to be in, as for .txt files. Nothing is fetched from the network.
"""

from __future__ import annotations

import codecs
import logging
import re
from pathlib import Path
from typing import Any, Iterator

from annotator.core.errors import AnnotatorError, DecodeError, RecordError
from annotator.core.formats.importers.base import ImportRecord, decode_bytes
from annotator.core.formats.importers.encodings import guess, normalize

# trafilatura and htmldate log a page's oddities as warnings; they would print as stray lines
# among the import's FILE: messages.
for _name in ("trafilatura", "htmldate", "courlan", "justext"):
    logging.getLogger(_name).setLevel(logging.ERROR)

_DECLARED = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)"""
                       rb"""|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9._:-]+)""", re.I)
# WHATWG Encoding: labels browsers read as another encoding.
_AS_BROWSERS_READ = {"iso8859-1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254", "iso8859-11": "cp874",
                     "utf-16-le": "utf-8", "utf-16-be": "utf-8", "utf-16": "utf-8"}
_DATE_SEARCH = {"extensive_search": False, "original_date": True}
_BLOCKS = frozenset({"p", "head", "quote", "item", "code", "row", "list", "table"})


def read_html(path: Path, encoding: str | None = None) -> Iterator[ImportRecord | RecordError]:
    """One document: the article text of a saved web page (see the module docstring)."""
    path = Path(path)
    try:
        page = _decode(path, path.read_bytes(), encoding)
    except RecordError as exc:
        yield exc
        return
    from trafilatura import bare_extraction  # slow to import: only when a page is read

    # No extensive date search: it runs dateparser over every locale, ~9 s the first time.
    found = bare_extraction(page, include_comments=False, include_tables=True, include_images=False,
                            with_metadata=True, deduplicate=False,
                            date_extraction_params=_DATE_SEARCH) if page.strip() else None
    paragraphs = _paragraphs(found.body) if found is not None and found.body is not None else []
    text = "\n\n".join(p for p in paragraphs if p)
    if not text:
        yield RecordError(str(path), None, "no article text found in this web page")
        return
    meta: dict[str, Any] = {"file": path.name}
    for key in ("title", "url", "date"):
        value = getattr(found, key, None)
        if isinstance(value, str) and value.strip():
            meta[key] = value.strip()
    yield ImportRecord(text, meta, pos=path.stat().st_size)


def _decode(path: Path, data: bytes, encoding: str | None) -> str:
    if encoding is not None or data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_bytes(path, data, encoding)
    declared = _declared(data[:4096])
    if declared is None:
        return decode_bytes(path, data)  # UTF-8, or an error naming the likely encoding
    try:
        return data.decode(declared)
    except UnicodeDecodeError as exc:
        likely = guess(path, exc.start)
        hint = (f"it looks like {likely}: import it with --encoding {likely}" if likely
                else "import it with --encoding NAME")
        raise DecodeError(str(path), None, f"not valid {declared} (the charset the page declares) at byte "
                                           f"{exc.start}; {hint}", likely) from None


def _declared(head: bytes) -> str | None:
    """The page's declared charset as Python names it, None when it declares none we know."""
    match = _DECLARED.search(head)
    if not match:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii").lower()
    try:
        name = normalize(label)
    except AnnotatorError:  # an unknown label is no declaration
        return None
    return _AS_BROWSERS_READ.get(name, name)


def _paragraphs(body: Any) -> list[str]:
    """The blocks of trafilatura's article tree as paragraphs (see the module docstring)."""
    out: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = "\n".join(line.strip() for line in "".join(current).split("\n")).strip()
        if text:
            out.append(text)
        current.clear()

    def walk(element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "graphic":
            pass
        elif tag == "lb":
            current.append("\n")
        elif tag in _BLOCKS:
            flush()
            current.append(element.text or "")
            for child in element:
                walk(child)
            flush()
        else:
            if tag == "cell" and current and "".join(current).strip():
                current.append("\t")
            current.append(element.text or "")
            for child in element:
                walk(child)
        current.append(element.tail or "")

    current.append(body.text or "")
    for child in body:
        walk(child)
    flush()
    return out
