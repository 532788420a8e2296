"""What a file is, from its first bytes: an article format annotator reads (Word, OpenDocument,
PDF), a kind of binary file it refuses, or text (None).

The content decides, not the name: a Word file renamed .txt is read as Word, a PNG named .txt is
refused. A file is binary when it starts with a known signature, or when its start is not
UTF-8 and holds NUL bytes or many control characters (and is not UTF-16/32: a BOM, NULs every
other byte, or the person named a UTF-16/32 encoding). Valid UTF-8 with a few NULs is text,
not a binary file: the import's admission then refuses it for its NUL in one line
(core/text/admission.py, issue 29).
"""

from __future__ import annotations

import codecs
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from annotator.core.errors import RecordError
from annotator.core.formats.importers.base import looks_like_utf16
from annotator.core.formats.importers.encodings import is_wide

HEAD_BYTES = 8192
READABLE = ".txt, .docx, .odt, .html, or a .pdf that has text"
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


@dataclass(frozen=True)
class Content:
    """What a file's bytes are. `fmt`: the article format to read it as, or None when it is
    refused; `what` names it for people ("a PNG image"); `advice` says what to do instead."""

    fmt: str | None
    what: str
    advice: str = ""

    def error(self, path: str | Path) -> RecordError:
        """'FILE: a PNG image, not text; ...': one line."""
        return RecordError(str(path), None, f"{self.what}, not text; {self.advice}")


def _refused(what: str, advice: str) -> Content:
    return Content(None, what, advice)


_IMAGE = f"import the article's text ({READABLE}), or run OCR on the image first"
_ARCHIVE = "unpack it and import the files, or the folder, inside"
_PROGRAM = f"import articles ({READABLE})"
_MEDIA = "annotator imports written articles only"

# (offset, signature, what it is); the first match wins.
_SIGNATURES: list[tuple[int, bytes, Content]] = [
    (0, b"\x89PNG\r\n\x1a\n", _refused("a PNG image", _IMAGE)),
    (0, b"\xff\xd8\xff", _refused("a JPEG image", _IMAGE)),
    (0, b"GIF87a", _refused("a GIF image", _IMAGE)),
    (0, b"GIF89a", _refused("a GIF image", _IMAGE)),
    (0, b"II*\x00", _refused("a TIFF image", _IMAGE)),
    (0, b"MM\x00*", _refused("a TIFF image", _IMAGE)),
    (8, b"WEBP", _refused("a WebP image", _IMAGE)),
    (8, b"WAVE", _refused("a WAV sound file", _MEDIA)),
    (8, b"AVI ", _refused("an AVI video", _MEDIA)),
    (4, b"ftypheic", _refused("a HEIC image", _IMAGE)),
    (4, b"ftypmif1", _refused("a HEIC image", _IMAGE)),
    (4, b"ftyp", _refused("an MP4 or QuickTime video or sound file", _MEDIA)),
    (0, b"OggS", _refused("an Ogg sound or video file", _MEDIA)),
    (0, b"fLaC", _refused("a FLAC sound file", _MEDIA)),
    (0, b"\x1aE\xdf\xa3", _refused("a Matroska or WebM video", _MEDIA)),
    (0, b"\x7fELF", _refused("a program (ELF executable)", _PROGRAM)),
    (0, b"\xcf\xfa\xed\xfe", _refused("a program (Mach-O executable)", _PROGRAM)),
    (0, b"\xce\xfa\xed\xfe", _refused("a program (Mach-O executable)", _PROGRAM)),
    (0, b"\xca\xfe\xba\xbe", _refused("a program (Mach-O or Java class file)", _PROGRAM)),
    (0, b"\x1f\x8b", _refused("a gzip-compressed file", _ARCHIVE)),
    (0, b"\xfd7zXZ\x00", _refused("an xz-compressed file", _ARCHIVE)),
    (0, b"7z\xbc\xaf\x27\x1c", _refused("a 7-Zip archive", _ARCHIVE)),
    (0, b"Rar!\x1a\x07", _refused("a RAR archive", _ARCHIVE)),
    (0, b"(\xb5/\xfd", _refused("a zstd-compressed file", _ARCHIVE)),
    (257, b"ustar", _refused("a tar archive", _ARCHIVE)),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", _refused(
        "a Word 97-2003 document or another old Office file",
        "save it as .docx (Word: File > Save As > Word Document) or .odt and import that; "
        "a password-protected Office file must be saved without its password first")),
    (0, b"{\\rtf", _refused("an RTF document (text with formatting codes)",
                            "save it as .docx or .odt and import that")),
    (0, b"SQLite format 3\x00", _refused(
        "an SQLite database", "a teammate's annotator project is brought in with `annotator merge` "
                              "(File > Merge project file)")),
]

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_ODF_MIMETYPES = {
    "application/vnd.oasis.opendocument.text": Content("odt", "an OpenDocument text"),
    "application/vnd.oasis.opendocument.text-template": Content("odt", "an OpenDocument text"),
    "application/vnd.oasis.opendocument.spreadsheet": _refused(
        "an OpenDocument spreadsheet", "save the sheet as CSV with a 'text' column and import that"),
    "application/vnd.oasis.opendocument.presentation": _refused(
        "an OpenDocument presentation", f"import articles ({READABLE})"),
    "application/epub+zip": _refused("an EPUB e-book", "convert it to .docx or .txt and import that"),
}
_WORD_PARTS = ("wordprocessingml.document.main", "wordprocessingml.template.main",
               "ms-word.document.macroEnabled.main", "ms-word.template.macroEnabledTemplate.main")
WORD = Content("docx", "a Word document")
PDF = Content("pdf", "a PDF")


def sniff(path: str | Path, encoding: str | None = None) -> Content | None:
    """What `path` is when its bytes say it is not plain text (see the module docstring);
    None for text, and for a file that cannot be read (its reader reports that)."""
    try:
        with open(path, "rb") as f:
            head = f.read(HEAD_BYTES)
    except OSError:
        return None
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(_ZIP_MAGIC):
        return _zip_content(Path(path))
    for offset, signature, content in _SIGNATURES:
        if head.startswith(signature, offset):
            return content
    if _binary(head, encoding):
        return _refused("a binary file", f"import articles ({READABLE})")
    return None


def _binary(head: bytes, encoding: str | None) -> bool:
    if not head or head.startswith(_BOMS) or (encoding is not None and is_wide(encoding)):
        return False
    try:
        head.decode("utf-8")
        return False
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3 and exc.reason == "unexpected end of data":
            return False  # a character cut by the sample's end: the sample is UTF-8
    if looks_like_utf16(head):
        return False
    return b"\x00" in head or len(_CONTROL.findall(head)) > len(head) // 10


def _zip_content(path: Path) -> Content:
    """A Word or OpenDocument text, or the kind of ZIP file it is."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "mimetype" in names:
                mimetype = z.read("mimetype")[:200].decode("ascii", "replace").strip()
                if mimetype in _ODF_MIMETYPES:
                    return _ODF_MIMETYPES[mimetype]
            if "[Content_Types].xml" in names:
                types = z.read("[Content_Types].xml")[:100_000].decode("utf-8", "replace")
                if any(part in types for part in _WORD_PARTS) or "word/document.xml" in names:
                    return WORD
                if "spreadsheetml" in types:
                    return _refused("an Excel workbook", "save the sheet as CSV with a 'text' column and import that")
                if "presentationml" in types:
                    return _refused("a PowerPoint presentation", f"import articles ({READABLE})")
                return _refused("an Office file of a kind annotator does not read", f"import articles ({READABLE})")
            if "word/document.xml" in names:
                return WORD
            if "META-INF/MANIFEST.MF" in names:
                return _refused("a Java archive", _PROGRAM)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
        return _refused("a damaged ZIP archive (or Word or OpenDocument file)",
                        "open it in the program that made it, save it again, and import that")
    return _refused("a ZIP archive", _ARCHIVE)
