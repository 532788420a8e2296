"""`annotator train` and `annotator train-curve` on a small WikiGold project (peer data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.text.model import Span
from annotator.core.store import Store
from tests.core.wikigold import WIKIGOLD, add_wikigold

MAP_ARGS = ["--label-map", "PER=PERSON", "--label-map", "MISC="]


@pytest.fixture
def wiki_db(peer_data: Path, tmp_path: Path) -> Path:
    path = tmp_path / "wiki.db"
    with Store(path) as store:
        add_wikigold(store, peer_data / WIKIGOLD, 12)
    return path


@pytest.mark.slow
def test_train_writes_pipeline_and_prints_both_scores(wiki_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "model"
    result = CliRunner().invoke(main, ["train", "--db", str(wiki_db), "-o", str(out), *MAP_ARGS,
                                       "--max-steps", "6", "--seed", "2"])
    assert result.exit_code == 0, result.output
    assert "Trained on 10 documents, 2 held out, labels LOC, ORG, PERSON; 6 steps" in result.output
    assert "  trained: F1 " in result.output and "  base (" in result.output
    assert "PERSON" in result.output and f"Wrote {out}" in result.output
    scores = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    assert scores["train_docs"] == 10 and scores["dev_docs"] == 2 and scores["seed"] == 2
    assert scores["label_map"] == {"PER": "PERSON", "MISC": ""}
    assert (out / "config.cfg").is_file() and (out / "ner").is_dir()
    with Store(wiki_db) as store:
        assert [r["path"] for r in store.models.trained_models()] == [str(out.resolve())]


@pytest.mark.slow
def test_train_json_from_scratch_and_the_model_suggests(wiki_db: Path, tmp_path: Path) -> None:
    from annotator.core.learning.suggest import Suggester

    out = tmp_path / "scratch"
    result = CliRunner().invoke(main, ["train", "--db", str(wiki_db), "-o", str(out), "--from-scratch",
                                       *MAP_ARGS, "--max-steps", "3", "--patience", "0", "--no-augment", "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert scores["from_scratch"] is True and scores["base"] is None
    assert scores["early_stopping"]["patience"] is None and scores["steps"] == 3
    assert scores["augmented_copies"] == 0
    assert scores["labels"] == ["LOC", "ORG", "PERSON"]
    suggester = Suggester(model=str(out)).load()
    assert suggester.pipeline_labels() == ["LOC", "ORG", "PERSON"]
    scored = CliRunner().invoke(main, ["evaluate", "--db", str(wiki_db), "--model", str(out), "--model-only",
                                       "--label-map", "PERSON=PER", "--json"])
    assert scored.exit_code == 0, scored.output
    report = json.loads(scored.stdout)
    assert report["documents"] == 12 and report["model"].startswith("annotator_ner@1.0.0+")
    assert 0.0 <= report["f1"] <= 1.0


@pytest.mark.slow
def test_train_curve_json_and_table(wiki_db: Path) -> None:
    result = CliRunner().invoke(main, ["train-curve", "--db", str(wiki_db), *MAP_ARGS, "--from-scratch",
                                       "--fractions", "0.5,1", "--max-steps", "3", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["fraction"], r["train_docs"], r["dev_docs"]) for r in rows] == [(0.5, 5, 2), (1.0, 10, 2)]
    table = CliRunner().invoke(main, ["train-curve", "--db", str(wiki_db), *MAP_ARGS, "--fractions", "1",
                                      "--max-steps", "2"])
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert lines[0].split() == ["part", "docs", "F1", "P", "R"]
    assert lines[1].split()[:2] == ["base", "0"] and lines[2].split()[:2] == ["100%", "10"]
    assert lines[-1] == "(held out: 2 documents)"


def test_bad_arguments_fail_with_a_message(wiki_db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    both = runner.invoke(main, ["train", "--db", str(wiki_db), "-o", str(tmp_path / "m"), "--from-scratch",
                                "--base", "en_core_web_sm"])
    assert both.exit_code == 2 and "exclude each other" in both.output
    bad_map = runner.invoke(main, ["train", "--db", str(wiki_db), "-o", str(tmp_path / "m"), "--label-map", "PER"])
    assert bad_map.exit_code == 1 and "SRC=DST" in bad_map.output and "Traceback" not in bad_map.output
    missing = runner.invoke(main, ["train", "--db", str(tmp_path / "nope.db"), "-o", str(tmp_path / "m")])
    assert missing.exit_code == 1 and "no such project file" in missing.output
    fractions = runner.invoke(main, ["train-curve", "--db", str(wiki_db), "--fractions", "half"])
    assert fractions.exit_code == 2 and "--fractions" in fractions.output
    assert not (tmp_path / "m").exists()


def test_no_gold_and_unknown_base_are_user_errors(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    with Store(db) as store:
        doc, _ = store.documents.add_document("Alice met Bob in Paris.")
        store.annotations.save_annotation(doc, "ann", "reject", [Span(0, 5, "PERSON")])
    runner = CliRunner()
    empty = runner.invoke(main, ["train", "--db", str(db), "-o", str(tmp_path / "m")])
    assert empty.exit_code == 1 and "no gold to train on" in empty.output
    with Store(db) as store:
        store.annotations.save_annotation(doc, "ann", "accept", [Span(0, 5, "PERSON")])
    unknown = runner.invoke(main, ["train", "--db", str(db), "-o", str(tmp_path / "m"), "--base",
                                   "no_such_model_xyz", "--max-steps", "1"])
    assert unknown.exit_code == 1 and "cannot load base model no_such_model_xyz" in unknown.output
    assert "Traceback" not in unknown.output
