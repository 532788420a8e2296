"""`annotator import` of articles through the real command line (issue 23, items 6 and 7):
the reported Word-file-renamed-.txt case, a binary file's one line, a split's warning."""

from __future__ import annotations

import pytest

from annotator.core.store import Store
from tests.cli.helpers import run
from tests.core.document_files import ARTICLE, PNG, docx_article


def test_a_word_file_renamed_txt_with_the_suggested_encoding_is_read_as_word(tmp_path):
    db = tmp_path / "p.db"
    path = tmp_path / "ferry.txt"
    path.write_bytes(docx_article())
    result = run("import", path, "--encoding", "cp1252", "--db", db, "--annotator", "dana")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Imported 1 record from 1 file: 1 new document")
    assert f"warning: {path}: a Word document named .txt; read as a Word document" in result.stderr.splitlines()
    with Store(db) as store:
        assert [d.text for d in store.documents.iter_documents()] == ["\n\n".join(ARTICLE)]


def test_a_picture_is_refused_in_one_line_with_exit_code_1(tmp_path):
    db = tmp_path / "p.db"
    path = tmp_path / "scan.txt"
    path.write_bytes(PNG)
    result = run("import", path, "--encoding", "latin-1", "--db", db)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}: a PNG image, not text; import the article's text (.txt, .docx, .odt, .html, or a .pdf "
        f"that has text), or run OCR on the image first"]
    assert "0 new documents" in result.stdout and "1 error" in result.stdout


@pytest.mark.slow
def test_split_sentences_on_unpunctuated_notes_says_it_cut_at_whitespace(tmp_path):
    db = tmp_path / "p.db"
    path = tmp_path / "notes.txt"
    path.write_text(" ".join(["the ferry left wrenmouth at dawn with idris pennant aboard"] * 300), encoding="utf-8")
    result = run("import", path, "--split", "sentences", "--db", db)
    assert result.exit_code == 0, result.output
    [warning] = result.stderr.splitlines()
    assert warning.startswith(f"warning: {path}: ") and "cut at whitespace" in warning and "--split" not in warning
    with Store(db) as store:
        assert all(len(d.text) <= 5000 for d in store.documents.iter_documents())
