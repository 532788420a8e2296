"""`annotator import` through click's CliRunner: exit codes, FILE:LINE errors, the summary."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.store import Store


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def count(db: Path, table: str = "documents") -> int:
    with Store(db) as store:
        return store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_import_prodigy_file(runner, db_path, peer_data):
    path = peer_data / "prodigy_news_headlines_ner.jsonl"
    result = runner.invoke(main, ["import", str(path), "--db", str(db_path), "--annotator", "alice"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "Imported 373 records from 1 file: 373 new documents, 0 duplicates, 373 annotations added "
        "(alice); labels added: LOCATION, PRODUCT")
    assert result.stderr == ""
    assert count(db_path) == 373  # no sample articles seeded into a --db project
    again = runner.invoke(main, ["import", str(path), "--db", str(db_path), "--annotator", "alice"])
    assert again.exit_code == 0
    assert "0 new documents, 373 duplicates, 373 annotations unchanged (alice)" in again.stdout


def test_bad_records_exit_1_with_file_line_messages(runner, db_path, tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"text": "Hun Sen met Trump.", "spans": [[0, 7, "PERSON"]]}\n'
                    '{"text": "broken"\n'
                    '{"text": "Ed", "spans": [[0, 9, "PERSON"]]}\n'
                    '{"text": " "}\n'
                    '{"text": "Last one."}\n', encoding="utf-8")
    result = runner.invoke(main, ["import", str(path), "--db", str(db_path), "--annotator", "bob"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    err_lines = result.stderr.splitlines()
    assert err_lines[0].startswith(f"{path}:2: malformed JSON")
    assert err_lines[1] == f"{path}:3: span [0, 9, PERSON] is out of range for a text of 2 characters"
    assert f"warning: {path}:4: empty document, skipped" in err_lines
    assert result.stdout.strip() == (
        "Imported 2 records from 1 file: 2 new documents, 0 duplicates, 1 annotation added (bob); "
        "1 empty document skipped; 2 errors")
    assert count(db_path) == 2 and count(db_path, "annotations") == 1


def test_a_record_with_a_bad_label_name_is_a_bad_record(runner, db_path, tmp_path):
    path = tmp_path / "labels.jsonl"
    path.write_text('{"text": "Hun Sen met Trump.", "spans": [[0, 7, "PERSON"]]}\n'
                    '{"text": "Apple hired Tim Cook.", "spans": [[0, 5, "NEW LABEL"]]}\n'
                    '{"text": "Paris is nice.", "spans": [[0, 5, "CITY"]]}\n', encoding="utf-8")
    result = runner.invoke(main, ["import", str(path), "--db", str(db_path), "--annotator", "bob"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.splitlines() == [f"{path}:2: label name 'NEW LABEL' must not contain spaces"]
    with Store(db_path) as store:
        assert "NEW LABEL" not in store.labels.label_names() and "CITY" in store.labels.label_names()
        assert [d.text for d in store.documents.iter_documents()] == ["Hun Sen met Trump.", "Paris is nice."]
        assert store.queries.count_annotations() == 2


def test_undecodable_file(runner, db_path, tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Café".encode("latin-1"))
    result = runner.invoke(main, ["import", str(path), "--db", str(db_path)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"{path}: not valid UTF-8 at byte 3; it looks like cp1252: "
                                     f"import it with --encoding cp1252")
    assert count(db_path) == 0


def test_format_option_and_folder(runner, db_path, tmp_path):
    data = tmp_path / "tags.dat"
    data.write_text("-DOCSTART- O\nEd B-PER\nSheeran I-PER\n", encoding="utf-8")
    unknown = runner.invoke(main, ["import", str(data), "--db", str(db_path)])
    assert unknown.exit_code == 1 and "unknown file type '.dat'" in unknown.stderr
    result = runner.invoke(main, ["import", str(data), "--format", "conll", "--db", str(db_path),
                                  "--annotator", "x"])
    assert result.exit_code == 0 and "1 annotation added (x)" in result.stdout
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(3):
        (folder / f"{i}.txt").write_text(f"Article {i}.", encoding="utf-8")
    result = runner.invoke(main, ["import", str(folder), "--db", str(db_path)])
    assert result.exit_code == 0
    assert result.stdout.startswith("Imported 3 records from 3 files: 3 new documents")
    bad = runner.invoke(main, ["import", str(data), "--format", "pages", "--db", str(db_path)])
    assert bad.exit_code == 2 and "pages" in bad.stderr


def test_missing_path_is_a_usage_error(runner, db_path, tmp_path):
    result = runner.invoke(main, ["import", str(tmp_path / "nope.jsonl"), "--db", str(db_path)])
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_default_project_is_seeded_then_imported_into(runner, tmp_path, monkeypatch):
    from annotator.paths import seeds_dir

    default = tmp_path / "default.db"
    monkeypatch.setenv("ANNOTATOR_DB", str(default))
    path = tmp_path / "one.txt"
    path.write_text("A new article about Phnom Penh.", encoding="utf-8")
    result = runner.invoke(main, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert count(default) == len(list(seeds_dir().glob("*.txt"))) + 1


def test_help_names_the_formats(runner):
    result = runner.invoke(main, ["import", "--help"])
    assert result.exit_code == 0
    for fmt in ("txt", "jsonl", "doccano", "csv", "brat", "conll", "spacy"):
        assert fmt in result.stdout


def test_split_sentences_and_the_large_text_warning(runner, db_path, tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("Grace Hopper wrote a compiler. It worked!\n\nThen came COBOL.", encoding="utf-8")
    result = runner.invoke(main, ["import", str(path), "--db", str(db_path), "--split", "sentences"])
    assert result.exit_code == 0, result.output
    assert "3 new documents" in result.stdout
    with Store(db_path) as store:
        pieces = {d.text: d.meta["split"] for d in store.documents.iter_documents()}
    assert pieces["Then came COBOL."] == {"file": "long.txt", "by": "sentences", "index": 2, "offset": 43}
    big = tmp_path / "big.txt"
    big.write_text("word " * 250_000, encoding="utf-8")
    result = runner.invoke(main, ["import", str(big), "--db", str(db_path)])
    assert result.exit_code == 0
    assert "big.txt: a text of 1.2 MB was imported as one document" in result.stderr
    assert "--split paragraphs" in result.stderr
    bad = runner.invoke(main, ["import", str(big), "--db", str(db_path), "--split", "words"])
    assert bad.exit_code == 2 and "words" in bad.output
