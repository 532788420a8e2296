"""Articles kept as Word (.docx), OpenDocument (.odt), PDF and saved web pages (.html): one
document per file, paragraphs blank-line separated; the content decides how a file is read,
so a Word file renamed .txt is read as Word, and a binary file of any other kind is refused
with one line that says what it is, with or without --encoding (issue 23, item 6)."""

from __future__ import annotations

import pytest

from annotator.core.ops.importing import import_paths
from tests.core.document_files import (
    ARTICLE, ELF, JPEG, OLE2, PNG, SQLITE, docx_article, docx_bytes, html_page, odt_article, odt_bytes,
    pdf_bytes, w_p, zip_bytes,
)

JOINED = "\n\n".join(ARTICLE)


def texts(store) -> list[str]:
    return [d.text for d in store.documents.iter_documents()]


def only_document(store):
    docs = list(store.documents.iter_documents())
    assert len(docs) == 1, [d.text[:40] for d in docs]
    return docs[0]


# ---- Word ----------------------------------------------------------------------------------

WORD_BODY = (
    w_p("Wrenmouth ferry vote")
    + "<w:p/>"  # an empty paragraph (spacing): no paragraph of its own
    + "<w:p><w:r><w:t>Councillor Idris Pennant said so.</w:t><w:br/><w:t>The contract lasts five years.</w:t></w:r></w:p>"
    + "<w:p><w:r><w:t>Crossing</w:t><w:tab/><w:t>daily</w:t></w:r></w:p>"
    # A tracked change: the deleted words are not text, the inserted ones are.
    + "<w:p><w:r><w:t xml:space=\"preserve\">The vote passed </w:t></w:r><w:del><w:r><w:delText>seven</w:delText>"
      "</w:r></w:del><w:ins><w:r><w:t>nine</w:t></w:r></w:ins><w:r><w:t xml:space=\"preserve\"> to three.</w:t></w:r></w:p>"
    # A field (a hyperlink): its code is not text, its result is.
    + "<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText>HYPERLINK \"https://example.org\""
      "</w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>Kestrel Gazette</w:t></w:r>"
      "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>"
    + "<w:tbl><w:tr><w:tc>" + w_p("Quay") + "</w:tc><w:tc>" + w_p("08:00") + w_p("and 18:00") + "</w:tc></w:tr></w:tbl>"
)
WORD_TEXT = ("Wrenmouth ferry vote\n\nCouncillor Idris Pennant said so.\nThe contract lasts five years.\n\n"
             "Crossing\tdaily\n\nThe vote passed nine to three.\n\nKestrel Gazette\n\nQuay\t08:00\nand 18:00")


def test_a_word_file_is_one_document_with_its_paragraphs(store, tmp_path):
    path = tmp_path / "ferry.docx"
    path.write_bytes(docx_bytes(WORD_BODY))
    report = import_paths(store, [path])
    assert report.ok, [str(e) for e in report.errors]
    doc = only_document(store)
    assert doc.text == WORD_TEXT
    assert doc.meta == {"file": "ferry.docx"}


def test_a_word_file_splits_into_its_paragraphs(store, tmp_path):
    path = tmp_path / "ferry.docx"
    path.write_bytes(docx_article())
    report = import_paths(store, [path], split="paragraphs")
    assert report.ok and report.documents_added == len(ARTICLE)
    assert sorted(texts(store)) == sorted(ARTICLE)


@pytest.mark.parametrize("encoding", [None, "cp1252"])
def test_a_word_file_renamed_txt_is_read_as_word_even_with_an_encoding(store, tmp_path, encoding):
    """The reported bug: a .docx renamed .txt, imported with the suggested --encoding,
    became a document of ZIP bytes."""
    path = tmp_path / "ferry.txt"
    path.write_bytes(docx_article())
    report = import_paths(store, [path], encoding=encoding)
    assert report.ok, [str(e) for e in report.errors]
    assert only_document(store).text == JOINED
    assert any(str(path) in w and "Word" in w for w in report.warnings), report.warnings


# ---- OpenDocument --------------------------------------------------------------------------

ODT_BODY = (
    '<text:tracked-changes><text:changed-region><text:deletion><text:p>removed words</text:p>'
    '</text:deletion></text:changed-region></text:tracked-changes>'
    '<text:h text:outline-level="1">Wrenmouth ferry vote</text:h>'
    '<text:p>Two<text:s text:c="3"/>spaces and\n    wrapped   source<text:tab/>tab.<text:line-break/>Next line.</text:p>'
    '<text:p/>'
    '<text:p>Pennant spoke<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation>'
    '<text:note-body><text:p>A footnote.</text:p></text:note-body></text:note>'
    '<office:annotation><text:p>A comment.</text:p></office:annotation> at <text:span>length</text:span>.</text:p>'
    '<text:list><text:list-item><text:p>First item</text:p></text:list-item>'
    '<text:list-item><text:p>Second item</text:p></text:list-item></text:list>'
    '<table:table><table:table-row><table:table-cell><text:p>Quay</text:p></table:table-cell>'
    '<table:table-cell><text:p>08:00</text:p></table:table-cell></table:table-row></table:table>'
)
ODT_TEXT = ("Wrenmouth ferry vote\n\nTwo   spaces and wrapped source\ttab.\nNext line.\n\nPennant spoke at length.\n\n"
            "First item\n\nSecond item\n\nQuay\t08:00")


def test_an_opendocument_file_is_one_document_with_its_paragraphs(store, tmp_path):
    path = tmp_path / "ferry.odt"
    path.write_bytes(odt_bytes(ODT_BODY))
    report = import_paths(store, [path])
    assert report.ok, [str(e) for e in report.errors]
    assert only_document(store).text == ODT_TEXT


def test_an_opendocument_file_without_its_suffix_is_read_by_content(store, tmp_path):
    path = tmp_path / "ferry"
    path.write_bytes(odt_article())
    report = import_paths(store, [path])
    assert report.ok, [str(e) for e in report.errors]
    assert only_document(store).text == JOINED


# ---- web pages -----------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".html", ".htm"])
def test_a_saved_web_page_gives_the_article_text_only(store, tmp_path, suffix):
    path = tmp_path / f"ferry{suffix}"
    path.write_text(html_page(), encoding="utf-8")
    report = import_paths(store, [path])
    assert report.ok, [str(e) for e in report.errors]
    doc = only_document(store)
    assert doc.text == JOINED
    for boilerplate in ("Home", "cookies", "tracker", "font-family", "Most read", "Copyright", "<p>"):
        assert boilerplate not in doc.text
    assert doc.meta["file"] == f"ferry{suffix}" and doc.meta["title"].startswith(ARTICLE[0])


def test_a_web_page_in_a_legacy_encoding_is_read_by_its_declared_charset(store, tmp_path):
    path = tmp_path / "cafe.html"
    page = html_page(["Café Pennant opens", "The café in Wrenmouth opened on Tuesday for the crossing's passengers."])
    path.write_bytes(page.replace('charset="utf-8"', 'charset="windows-1252"').encode("cp1252"))
    report = import_paths(store, [path])
    assert report.ok, [str(e) for e in report.errors]
    assert "The café in Wrenmouth" in only_document(store).text


def test_a_web_page_without_article_text_is_an_error_naming_it(store, tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>x</title><script>var a = 1;</script></head><body></body></html>",
                    encoding="utf-8")
    report = import_paths(store, [path])
    assert [str(e) for e in report.errors] == [f"{path}: no article text found in this web page"]
    assert texts(store) == []


# ---- PDF -----------------------------------------------------------------------------------

PDF_PAGES = [[["The harbour council of Wrenmouth voted on Tuesday", "to pay for a second ferry."],
              ["Councillor Idris Pennant said the", "Marlow Shipping Company (of Gullstone) would run it."]],
             [["The vote passed nine to three."]]]
PDF_TEXT = ("The harbour council of Wrenmouth voted on Tuesday\nto pay for a second ferry.\n\n"
            "Councillor Idris Pennant said the\nMarlow Shipping Company (of Gullstone) would run it.\n\n"
            "The vote passed nine to three.")


def test_a_pdf_with_text_is_one_document_with_its_paragraphs(store, tmp_path):
    path = tmp_path / "ferry.pdf"
    path.write_bytes(pdf_bytes(PDF_PAGES))
    report = import_paths(store, [path])
    assert report.ok, [str(e) for e in report.errors]
    assert only_document(store).text == PDF_TEXT
    again = import_paths(store, [path], split="paragraphs")
    assert again.documents_added == 3


def test_a_pdf_with_some_scanned_pages_names_them(store, tmp_path):
    path = tmp_path / "mixed.pdf"
    path.write_bytes(pdf_bytes(PDF_PAGES, image_only_pages=2))
    report = import_paths(store, [path])
    assert report.ok and only_document(store).text == PDF_TEXT
    assert any(w.startswith(f"{path}: ") and "pages 3-4" in w and "no text" in w for w in report.warnings), \
        report.warnings


@pytest.mark.parametrize("encoding", [None, "latin-1"])
def test_a_scanned_pdf_is_refused_in_one_line(store, tmp_path, encoding):
    path = tmp_path / "scan.pdf"
    path.write_bytes(pdf_bytes(image_only_pages=2))
    report = import_paths(store, [path], encoding=encoding)
    [error] = [str(e) for e in report.errors]
    assert error.startswith(f"{path}: a PDF with no text") and "OCR" in error and "\n" not in error
    assert texts(store) == []


# ---- binary files: refused in one line, even with --encoding --------------------------------

BINARIES = {
    "png": (PNG, "a PNG image, not text; "),
    "jpeg": (JPEG, "a JPEG image, not text; "),
    "zip": (zip_bytes({"notes/a.txt": "one", "notes/b.txt": "two"}), "a ZIP archive, not text; unpack it"),
    "xlsx": (zip_bytes({"[Content_Types].xml": "spreadsheetml.sheet.main+xml", "xl/workbook.xml": "<x/>"}),
             "an Excel workbook, not text; "),
    "ods": (odt_bytes("", "application/vnd.oasis.opendocument.spreadsheet"), "an OpenDocument spreadsheet, not text; "),
    "elf": (ELF, "a program (ELF executable), not text; "),
    "doc": (OLE2, "a Word 97-2003 document or another old Office file, not text; save it as .docx"),
    "sqlite": (SQLITE, "an SQLite database, not text; "),
    "noise": (bytes((n * 7919 + 13) % 256 for n in range(4000)), "a binary file, not text; "),
}


@pytest.mark.parametrize("kind", list(BINARIES))
@pytest.mark.parametrize("suffix", [".txt", ".bin"])
@pytest.mark.parametrize("encoding", [None, "cp1252", "latin-1"])
def test_a_binary_file_is_refused_in_one_line_naming_what_it_is(store, tmp_path, kind, suffix, encoding):
    data, message = BINARIES[kind]
    path = tmp_path / f"article{suffix}"
    path.write_bytes(data)
    report = import_paths(store, [path], encoding=encoding)
    [error] = [str(e) for e in report.errors]
    assert error.startswith(f"{path}: {message}"), error
    assert "\n" not in error and "--encoding" not in error
    assert texts(store) == [] and report.documents_added == 0


def test_text_with_control_characters_is_still_text(store, tmp_path):
    """Valid UTF-8 with control characters is text someone meant (the hostile-text cases)."""
    path = tmp_path / "odd.txt"
    path.write_bytes("\x01\x02Ada Lovelace\x7f met Bob .\x1b".encode())
    report = import_paths(store, [path])
    assert report.ok and texts(store) == ["\x01\x02Ada Lovelace\x7f met Bob .\x1b"]


def test_a_text_with_nul_is_refused_in_one_line(store, tmp_path):
    """Issue 29: imports refuse NUL in a text (the team hub cannot hold it, and tools
    downstream cut the text there), with the one admission's words, naming the file."""
    path = tmp_path / "odd.txt"
    path.write_bytes("\x00\x00Ada Lovelace\x00 met Bob .\x00".encode())
    report = import_paths(store, [path])
    assert [str(e) for e in report.errors] == [f"{path}: NUL in the text (character 0)"]
    assert texts(store) == []


def test_a_latin1_text_is_still_imported_with_its_encoding(store, tmp_path):
    path = tmp_path / "cafe.txt"
    path.write_bytes("Café Pennant, Wrenmouth: ouvert à midi.".encode("latin-1"))
    report = import_paths(store, [path], encoding="latin-1")
    assert report.ok and texts(store) == ["Café Pennant, Wrenmouth: ouvert à midi."]


def test_an_encoding_does_not_apply_to_word_or_pdf_files(store, tmp_path):
    (tmp_path / "a.docx").write_bytes(docx_article())
    (tmp_path / "b.pdf").write_bytes(pdf_bytes(PDF_PAGES))
    (tmp_path / "c.txt").write_bytes("Café Pennant opens.".encode("cp1252"))
    report = import_paths(store, [tmp_path], encoding="cp1252")
    assert report.ok, [str(e) for e in report.errors]
    assert sorted(texts(store)) == sorted([JOINED, PDF_TEXT, "Café Pennant opens."])
    assert any("--encoding" in w and "2 files" in w for w in report.warnings), report.warnings


# ---- folders -------------------------------------------------------------------------------

def test_a_folder_import_reads_every_kind_of_article(store, tmp_path):
    folder = tmp_path / "articles"
    (folder / "page_files").mkdir(parents=True)
    (folder / "a.docx").write_bytes(docx_article(["Word article about Wrenmouth."]))
    (folder / "B.ODT").write_bytes(odt_article(["OpenDocument article about Gullstone."]))
    (folder / "c.pdf").write_bytes(pdf_bytes([[["PDF article about the Marlow Shipping Company."]]]))
    (folder / "d.htm").write_text(html_page(["Ferry", "Web article about Councillor Pennant and the ferry."]),
                                  encoding="utf-8")
    (folder / "e.txt").write_text("Text article about Bryony Tegg.", encoding="utf-8")
    # A page saved "complete" comes with a folder of its parts: frames and adverts are no articles.
    (folder / "page.html").write_text(html_page(["Quay", "Saved page about the old quay."]), encoding="utf-8")
    (folder / "page_files" / "advert.html").write_text(html_page(["Buy", "Buy a new boat today at half price."]),
                                                       encoding="utf-8")
    (folder / "photo.png").write_bytes(PNG)
    report = import_paths(store, [folder])
    assert report.ok, [str(e) for e in report.errors]
    got = " ".join(texts(store))
    for words in ("Word article", "OpenDocument article", "PDF article", "Web article", "Text article",
                  "Saved page"):
        assert words in got
    assert "boat" not in got and report.documents_added == 6


def test_a_damaged_word_file_is_an_error_naming_it(store, tmp_path):
    path = tmp_path / "broken.docx"
    data = docx_article()
    path.write_bytes(data[: len(data) // 2])
    report = import_paths(store, [path])
    [error] = [str(e) for e in report.errors]
    assert error.startswith(f"{path}: ") and "\n" not in error
    assert texts(store) == []



def test_a_web_page_that_is_not_in_its_declared_charset_names_the_likely_one(store, tmp_path):
    path = tmp_path / "cafe.html"
    page = html_page(["Café Pennant opens", "The café in Wrenmouth opened on Tuesday for the crossing's passengers."])
    path.write_bytes(page.encode("cp1252"))  # declares utf-8
    [error] = import_paths(store, [path]).errors
    assert str(error).startswith(f"{path}: not valid utf-8 (the charset the page declares) at byte ")
    assert error.likely == "cp1252" and str(error).endswith("import it with --encoding cp1252")
    report = import_paths(store, [path], encoding="cp1252")
    assert report.ok and "The café in Wrenmouth" in only_document(store).text
