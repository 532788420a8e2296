"""Articles as people keep them: Word (.docx), OpenDocument (.odt), PDF with text, saved web
pages (.html), one document per file; and the content check that tells these, and binary
files annotator refuses, from text whatever their names (magic.py).

The readers give one ImportRecord whose text keeps the article's paragraphs, separated by a
blank line, so `import --split paragraphs` makes one document per paragraph.
"""

from __future__ import annotations

from annotator.core.formats.importers.articles.magic import Content, sniff
from annotator.core.formats.importers.articles.office import read_docx, read_odt
from annotator.core.formats.importers.articles.pdf import read_pdf
from annotator.core.formats.importers.articles.web import read_html

# Format name -> suffixes (the first is the usual one); a folder import takes these files.
ARTICLE_SUFFIXES: dict[str, tuple[str, ...]] = {
    "docx": (".docx", ".docm", ".dotx"),
    "odt": (".odt", ".ott"),
    "pdf": (".pdf",),
    "html": (".html", ".htm", ".xhtml"),
}
# Formats that carry their own encoding: --encoding does not apply (html honours it).
SELF_DECODING: frozenset[str] = frozenset({"docx", "odt", "pdf"})

__all__ = ["ARTICLE_SUFFIXES", "SELF_DECODING", "Content", "read_docx", "read_html", "read_odt", "read_pdf",
           "sniff"]
