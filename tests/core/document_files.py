"""Word, OpenDocument, PDF and HTML files built from our own words, for the document readers'
tests and benchmarks/bench_documents.py: the smallest file each format allows that real
programs write the same way (the parts a reader looks at: Word's document.xml, ODF's
content.xml, a PDF's text operators)."""

from __future__ import annotations

import io
import zipfile
from typing import Callable
from html import escape as html_escape
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"')

ARTICLE = [
    "Wrenmouth harbour council votes for a second ferry",
    "The harbour council of Wrenmouth voted on Tuesday to pay for a second ferry to Gullstone Island.",
    "Councillor Idris Pennant said the Marlow Shipping Company would run it from June.",
]


def w_p(text: str) -> str:
    """A Word paragraph of one run (spaces kept, as Word writes them)."""
    return f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def docx_bytes(body_xml: str) -> bytes:
    """A .docx whose body is `body_xml` (w:p, w:tbl ... elements)."""
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f'<w:document xmlns:w="{W_NS}"><w:body>{body_xml}<w:sectPr/></w:body></w:document>')
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", content_types)
        z.writestr("_rels/.rels", rels)
        z.writestr("word/document.xml", document)
    return out.getvalue()


def docx_article(paragraphs: list[str] = ARTICLE) -> bytes:
    return docx_bytes("".join(w_p(p) for p in paragraphs))


def odt_bytes(text_xml: str, mimetype: str = "application/vnd.oasis.opendocument.text") -> bytes:
    """An .odt whose office:text holds `text_xml` (text:p, text:h, text:list ... elements); the
    mimetype entry first and stored, as ODF requires."""
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NS} office:version="1.3">'
               f'<office:body><office:text>{text_xml}</office:text></office:body></office:document-content>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                   'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')
    return out.getvalue()


def odt_article(paragraphs: list[str] = ARTICLE) -> bytes:
    head, *rest = paragraphs
    return odt_bytes(f'<text:h text:outline-level="1">{escape(head)}</text:h>'
                     + "".join(f"<text:p>{escape(p)}</text:p>" for p in rest))


def html_page(paragraphs: list[str] = ARTICLE, title: str | None = None) -> str:
    """A saved news page: the article among a menu, a cookie notice, links and a footer."""
    title = title or paragraphs[0]
    body = "".join(f"<p>{html_escape(p)}</p>\n" for p in paragraphs[1:])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html_escape(title)} | The Kestrel Gazette</title>
<script>var tracker = "script text is not article text";</script>
<style>body {{ font-family: serif }}</style></head>
<body>
<nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/sport">Sport</a> | <a href="/login">Log in</a></nav>
<div class="cookie-banner">We use cookies on this site. Accept all cookies?</div>
<main><article>
<h1>{html_escape(paragraphs[0])}</h1>
{body}</article></main>
<aside><h3>Most read</h3><ul><li><a href="/a">Lighthouse keeper retires</a></li>
<li><a href="/b">Cannery jobs fair</a></li></ul></aside>
<footer><p>Copyright 2026 The Kestrel Gazette. All rights reserved. Privacy policy.</p></footer>
</body></html>
"""


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def pdf_bytes(pages: list[list[list[str]]] | None = None, *, image_only_pages: int = 0) -> bytes:
    """A PDF as a word processor writes one: each page a list of paragraphs, each a list of
    lines set in Helvetica, paragraphs a line apart. `image_only_pages` adds pages with an
    image and no text (a scan)."""
    pages = pages or []
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below, once the page tree's number is known
    tree = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    image = add(b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8 /Length 4 >>\nstream\n\x00\xff\xff\x00\nendstream")
    kids = []
    for paragraphs in pages:
        ops = ["BT", "/F1 12 Tf", "14 TL", "72 740 Td"]
        for para in paragraphs:
            for line in para:
                ops.append(f"{_pdf_string(line)} Tj T*")
            ops.append("T*")  # an empty line between paragraphs
        ops.append("ET")
        kids.append(_page(add, tree, "\n".join(ops).encode("cp1252"), f"/Font << /F1 {font} 0 R >>"))
    for _ in range(image_only_pages):
        kids.append(_page(add, tree, b"q 400 0 0 600 100 100 cm /Im1 Do Q", f"/XObject << /Im1 {image} 0 R >>"))
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {tree} 0 R >>".encode()
    objects[tree - 1] = (f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] "
                         f"/Count {len(kids)} >>").encode()
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _page(add: Callable[[bytes], int], tree: int, content: bytes, resources: str) -> int:
    stream = add(f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream")
    return add(f"<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 612 792] /Resources << {resources} >> "
               f"/Contents {stream} 0 R >>".encode())


# The first bytes of files that are not text, as their programs write them.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256))
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(56) + b"\x00" * 64
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)  # Word 97-2003 .doc and its kin
SQLITE = b"SQLite format 3\x00" + bytes(84)


def zip_bytes(names: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, text in names.items():
            z.writestr(name, text)
    return out.getvalue()
