"""Files that are not UTF-8: the error names the likely encoding, `encoding=` reads them; and
a .txt file's trailing line breaks are not part of its document."""

from __future__ import annotations

import re

import pytest

from annotator.core.errors import AnnotatorError, DecodeError
from annotator.core.ops.importing import import_paths
from annotator.core.store import Store
from tests.cli.helpers import run

ARTICLE = "José Müller, maître d'hôtel à Montréal, a reçu la médaille à Zürich."


def latin1_files(tmp_path):
    """The same article as each text format, encoded in Latin-1 (ISO-8859-1)."""
    def write(name: str, text: str):
        path = tmp_path / name
        path.write_bytes(text.encode("latin-1"))
        return path

    write("b.txt", ARTICLE)
    write("b.ann", "T1\tPERSON 0 11\tJosé Müller\n")
    return {
        "txt": write("a.txt", ARTICLE + "\n"),
        "jsonl": write("a.jsonl", '{"text": "%s"}\n' % ARTICLE.replace('"', '\\"')),
        "csv": write("a.csv", f'text\n"{ARTICLE}"\n'),
        "conll": write("a.conll", "José B-PER\nMüller I-PER\nà O\nZürich B-LOC\n"),
        "brat": tmp_path / "b.txt",
    }


def test_latin1_is_refused_with_the_likely_encoding_then_read_with_it(tmp_path):
    files = latin1_files(tmp_path)
    with Store(tmp_path / "p.db") as store:
        for fmt, path in files.items():
            report = import_paths(store, [path], fmt=fmt)
            (error,) = report.errors
            assert isinstance(error, DecodeError) and error.likely == "cp1252", fmt
            assert re.search(r"not valid UTF-8 at byte \d+; it looks like cp1252: import it "
                             r"with --encoding cp1252$", str(error)), fmt
        for fmt, path in files.items():
            report = import_paths(store, [path], fmt=fmt, encoding="latin-1")
            assert report.errors == [] and report.records == 1, (fmt, report.summary())
        texts = {store.documents.get_document(i).text for i in store.documents.document_ids()}
    assert ARTICLE in texts and "José Müller à Zürich" in texts  # txt, jsonl, csv, brat: one document


def test_wrong_encoding_named_and_unknown_encoding(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("café".encode("utf-8") + b"\xff")
    with Store(tmp_path / "p.db") as store:
        (error,) = import_paths(store, [path], encoding="ascii").errors
        assert str(error) == f"{path}: not valid ascii at byte 3"
        with pytest.raises(AnnotatorError, match="unknown encoding 'klingon'"):
            import_paths(store, [path], encoding="klingon")


def test_cli_encoding_option(tmp_path):
    files = latin1_files(tmp_path)
    db = tmp_path / "p.db"
    refused = run("import", files["txt"], "--db", db)
    assert refused.exit_code == 1 and "--encoding cp1252" in refused.stderr
    ok = run("import", files["txt"], "--encoding", "latin-1", "--db", db)
    assert ok.exit_code == 0 and "1 new document," in ok.stdout, ok.output
    spacy = tmp_path / "x.spacy"
    spacy.write_bytes(b"\x00")
    binary = run("import", spacy, "--encoding", "latin-1", "--db", db)
    assert binary.exit_code == 1 and "has no text encoding" in binary.stderr
    bad = run("import", files["txt"], "--encoding", "klingon", "--db", db)
    assert bad.exit_code == 1 and "unknown encoding 'klingon'" in bad.stderr and "Traceback" not in bad.output


def test_trailing_line_breaks_are_not_part_of_a_txt_document(tmp_path):
    body = "hun sen wrote\r\nto trump  "
    for name, tail in (("a.txt", ""), ("b.txt", "\n"), ("c.txt", "\r\n\r\n")):
        (tmp_path / name).write_bytes((body + tail).encode("utf-8"))
    with Store(tmp_path / "p.db") as store:
        report = import_paths(store, [tmp_path])
        assert (report.documents_added, report.duplicates) == (1, 2)
        (doc_id,) = store.documents.document_ids()
        assert store.documents.get_document(doc_id).text == body  # interior CRLF and trailing spaces kept


def test_reimport_into_an_older_project_matches_the_stored_text_with_its_newline(tmp_path):
    """A project made before the rule stored "...\\n": the same file is that document."""
    (tmp_path / "a.txt").write_text("hun sen wrote to trump\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("another article\n", encoding="utf-8")
    with Store(tmp_path / "p.db") as store:
        old, _ = store.documents.add_document("hun sen wrote to trump\n", {"file": "a.txt"})
        report = import_paths(store, [tmp_path])
        assert (report.documents_added, report.duplicates) == (1, 1)
        assert store.documents.count_documents() == 2 and store.documents.get_document(old).text.endswith("\n")
        assert {store.documents.get_document(i).text for i in store.documents.document_ids()} == {
            "hun sen wrote to trump\n", "another article"}
