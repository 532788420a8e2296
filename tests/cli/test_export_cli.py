from __future__ import annotations

import orjson
import pytest

from annotator.core.text.model import Span
from annotator.core.store import Store
from annotator.core.text.tokens import blank_nlp
from tests.cli.helpers import run


def test_default_jsonl_export(project, tmp_path):
    out = tmp_path / "out.jsonl"
    result = run("export", "--db", project, "-o", out)
    assert result.exit_code == 0, result.output
    records = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert len(records) == 5 and all(r["answer"] == "accept" for r in records)
    assert "tokens" in records[0] and records[0]["_view_id"] == "ner_manual"
    assert result.stdout.strip() == f"Exported 5 records (accepted annotations) as jsonl -> {out}"


@pytest.mark.parametrize("fmt,name", [("doccano", "d.jsonl"), ("conll", "c.conll"), ("spacy", "c.spacy"),
                                      ("spacy", "folder")])
def test_every_format(project, tmp_path, fmt, name):
    out = tmp_path / name
    result = run("export", "--db", project, "--format", fmt, "-o", out, "--annotator", "alice")
    assert result.exit_code == 0, result.output
    assert "Exported 4 records" in result.stdout
    assert out.exists()


def test_split_and_reviewed_and_answer(project, tmp_path):
    result = run("export", "--db", project, "-f", "spacy", "-o", tmp_path / "corpus.spacy",
                 "--answer", "all", "--split", "0.2")
    assert result.exit_code == 0, result.output
    assert "6 records" in result.stdout and "train" in result.stdout and "dev" in result.stdout
    from spacy.tokens import DocBin

    dev = list(DocBin().from_disk(tmp_path / "corpus-dev.spacy").get_docs(blank_nlp().vocab))
    train = list(DocBin().from_disk(tmp_path / "corpus-train.spacy").get_docs(blank_nlp().vocab))
    assert len(dev) + len(train) == 6 and dev
    result = run("export", "--db", project, "-o", tmp_path / "r.jsonl", "--reviewed")
    assert result.exit_code == 0 and "Exported 1 record (reviewed documents)" in result.stdout
    result = run("export", "--db", project, "-o", tmp_path / "b.jsonl", "--answer", "reject", "--no-tokens")
    rec = orjson.loads((tmp_path / "b.jsonl").read_bytes())
    assert result.exit_code == 0 and rec["answer"] == "reject" and "tokens" not in rec


def test_warnings_go_to_stderr(db_path, tmp_path):
    with Store(db_path) as store:
        doc_id, _ = store.documents.add_document("Applesauce is sold here.")
        store.annotations.save_annotation(doc_id, "a", "accept", [Span(0, 5, "ORG")])
    result = run("export", "--db", db_path, "-f", "conll", "-o", tmp_path / "c.conll")
    assert result.exit_code == 0
    assert "widened" in result.stderr and "widened" not in result.stdout
    assert "Exported 1 record (team gold" in result.stdout


def test_nothing_to_export_writes_no_file_says_so_and_fails(db_path, tmp_path):
    Store(db_path).close()
    result = run("export", "--db", db_path, "-o", tmp_path / "o.jsonl")
    assert result.exit_code == 1, result.output  # so scripts notice
    assert result.stderr.strip() == "Error: nothing to export: no accepted annotations"
    by_zed = run("export", "--db", db_path, "-o", tmp_path / "o.jsonl", "--annotator", "zed", "--answer", "all")
    assert by_zed.exit_code == 1 and "nothing to export: no annotations by zed" in by_zed.stderr
    assert not (tmp_path / "o.jsonl").exists()


@pytest.mark.parametrize("args,message", [
    (["--format", "xml"], "Invalid value for '--format'"),
    (["--split", "1.5"], "Invalid value for '--split'"),
    (["--answer", "maybe"], "Invalid value for '--answer'"),
    (["--reviewed", "--answer", "reject"], "--reviewed exports the final versions"),
    (["-f", "spacy", "--no-tokens"], "--no-tokens applies to --format jsonl only"),
])
def test_bad_arguments(project, tmp_path, args, message):
    result = run("export", "--db", project, "-o", tmp_path / "o.jsonl", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "o.jsonl").exists()


def test_errors_without_traceback(project, tmp_path):
    result = run("export", "-o", tmp_path / "o.jsonl")
    assert result.exit_code == 1  # the default project (seeded, no annotations yet)
    assert "nothing to export: no accepted annotations" in result.stderr
    result = run("export", "--db", tmp_path / "missing.db", "-o", tmp_path / "o.jsonl")
    assert result.exit_code == 1 and "missing.db: no such project file" in result.stderr
    assert not (tmp_path / "missing.db").exists()
    result = run("export", "--db", project, "-o", project)
    assert result.exit_code == 1 and "project file itself" in result.stderr
    (tmp_path / "f").write_text("x")
    result = run("export", "--db", project, "-o", tmp_path / "f" / "o.jsonl")
    assert result.exit_code == 1 and "cannot write" in result.stderr
    assert "Traceback" not in result.output
    result = run("export", "--db", project)
    assert result.exit_code == 2 and "Missing option '--output'" in result.stderr
