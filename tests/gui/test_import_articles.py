"""The window's import takes articles too (issue 23, item 6): the file dialog offers .docx,
.odt, .pdf and .html, and dropped Word, PDF and web-page files become documents, while a
binary file is listed in one line saying what it is."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox

from annotator.core.store import Store
from annotator.gui.file_actions import import_filter
from tests.core.document_files import PNG, docx_article, html_page, odt_article, pdf_bytes
from tests.gui.window_helpers import make_project, open_window


def test_the_file_dialog_offers_articles():
    everything, articles, _all = import_filter().split(";;")
    for suffix in ("*.docx", "*.odt", "*.pdf", "*.html", "*.htm", "*.txt"):
        assert suffix in everything and suffix in articles
    assert articles.startswith("Articles (") and "*.jsonl" not in articles


def test_dropped_articles_are_imported_and_a_picture_is_named(qtbot, tmp_path):
    db = tmp_path / "p.db"
    make_project(db, ["One article already here."])
    w = open_window(qtbot, db)
    files = {"ferry.docx": docx_article(["Word article about the Wrenmouth ferry."]),
             "quay.odt": odt_article(["OpenDocument article about the old quay."]),
             "vote.pdf": pdf_bytes([[["PDF article about the council vote."]]]),
             "tegg.html": html_page(["Tegg", "Web article in which Bryony Tegg speaks for the island."]).encode(),
             "photo.txt": PNG}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / name)) for name in files])
    w.dropEvent(QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                           Qt.KeyboardModifier.NoModifier))
    qtbot.waitUntil(lambda: w.doc_model.total() == 5, timeout=30000)
    qtbot.waitUntil(lambda: w.status.task("import") is None, timeout=30000)
    boxes = [b for b in w.findChildren(QMessageBox) if b.isVisible() and b.windowTitle() == "Import problems"]
    assert [b.text() for b in boxes] == [f"{tmp_path / 'photo.txt'}: a PNG image, not text; import the article's "
                                         f"text (.txt, .docx, .odt, .html, or a .pdf that has text), or run OCR "
                                         f"on the image first"]
    with Store(db) as s:
        texts = " ".join(s.documents.get_document(d).text for d in s.documents.document_ids())
    for words in ("Word article", "OpenDocument article", "PDF article", "Bryony Tegg speaks"):
        assert words in texts
    assert "PNG" not in texts


@pytest.mark.slow
def test_what_an_import_left_out_is_said_without_taking_the_keys(qtbot, tmp_path):
    """A Word file named .txt and a PDF with a scanned page import, and the window says so as
    the command line does (warnings), in a note that leaves the keyboard with the text."""
    db = tmp_path / "p.db"
    make_project(db, ["One article already here."])
    w = open_window(qtbot, db)
    (tmp_path / "ferry.txt").write_bytes(docx_article(["Word article about the Wrenmouth ferry."]))
    (tmp_path / "vote.pdf").write_bytes(pdf_bytes([[["PDF article about the council vote."]]], image_only_pages=1))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / name)) for name in ("ferry.txt", "vote.pdf")])
    w.dropEvent(QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                           Qt.KeyboardModifier.NoModifier))
    qtbot.waitUntil(lambda: w.doc_model.total() == 3, timeout=30000)
    qtbot.waitUntil(lambda: w.status.task("import") is None, timeout=30000)
    (box,) = [b for b in w.findChildren(QMessageBox) if b.isVisible() and b.windowTitle() == "Import notes"]
    assert box.text().splitlines() == [
        f"warning: {tmp_path / 'ferry.txt'}: a Word document named .txt; read as a Word document",
        f"warning: {tmp_path / 'vote.pdf'}: page 2 of 2 has no text (scanned?) and is left out; OCR them to import them"]
    assert not [b for b in w.findChildren(QMessageBox) if b.isVisible() and b.windowTitle() == "Import problems"]
