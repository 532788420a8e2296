"""`annotator suggest` and `annotator evaluate` through click's CliRunner, with the real model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.learning.suggest import SETTING_MODEL, default_model_name, load_label_map
from annotator.core.store import Store
from annotator.core.text.model import Span

APPLE = "Apple is looking at buying U.K. startup for $1 billion"


def _project(db_path: Path) -> list[int]:
    with Store(db_path) as store:
        ids, _ = store.documents.add_documents([
            (APPLE, {"source": "a"}),
            ("zorblax industries hired quentin marsh", {"source": "b"}),
            ("shares of zorblax industries rose 3 percent", {"source": "c"}),
        ])
        store.annotations.save_annotation(ids[1], "ann", "accept", [Span(0, 18, "ORG"), Span(25, 38, "PERSON")])
    return ids


def _second_accept(db_path: Path, ids: list[int]) -> None:
    with Store(db_path) as store:
        store.annotations.save_annotation(ids[2], "ann", "accept", [Span(10, 28, "ORG")])


@pytest.mark.slow
def test_suggest_writes_jsonl_of_current_suggestions(db_path: Path, tmp_path: Path):
    ids = _project(db_path)
    out = tmp_path / "suggestions.jsonl"
    result = CliRunner().invoke(main, ["suggest", "--db", str(db_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 documents pre-annotated" in result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 3
    for rec in records:
        assert {"text", "meta", "_input_hash", "_task_hash", "tokens", "spans"} <= set(rec)
        assert "answer" not in rec
        assert rec["meta"]["model"].startswith("core_web_sm")
        for span in rec["spans"]:
            assert {"start", "end", "token_start", "token_end", "label", "source"} <= set(span)
            assert span["source"] in ("model", "gold")
            assert span["label"] in ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "DATE", "MONEY")
    apple = records[0]
    assert apple["meta"]["source"] == "a"
    assert {(s["start"], s["end"], s["label"], s["source"]) for s in apple["spans"]} >= {
        (0, 5, "ORG", "model"), (44, 54, "MONEY", "model")}
    shares = records[2]
    assert (10, 28, "ORG", "gold") in {(s["start"], s["end"], s["label"], s["source"]) for s in shares["spans"]}
    assert all(s["label"] != "PERCENT" for s in shares["spans"])  # not a project label
    # Everything is cached now: a second run computes nothing.
    again = CliRunner().invoke(main, ["suggest", "--db", str(db_path)])
    assert again.exit_code == 0 and "0 documents pre-annotated" in again.output
    with Store(db_path) as store:
        assert len(store.suggestions.suggested_ids(records[0]["meta"]["model"])) == len(ids)


def test_suggest_label_map_is_saved_in_the_project(db_path: Path, tmp_path: Path):
    _project(db_path)
    out = tmp_path / "s.jsonl"
    model = default_model_name()
    result = CliRunner().invoke(main, ["suggest", "--db", str(db_path), "--model", model,
                                       "--label-map", "GPE=LOC", "--label-map", "MONEY=ORG", "-o", str(out)])
    assert result.exit_code == 0, result.output
    with Store(db_path) as store:
        assert load_label_map(store) == {"GPE": "LOC", "MONEY": "ORG"}
        assert store.settings.get_setting(SETTING_MODEL) == model
    apple = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert {(s["start"], s["end"], s["label"]) for s in apple["spans"]} >= {(27, 31, "LOC"), (44, 54, "ORG")}


def test_suggest_bad_arguments_are_one_line_errors(db_path: Path):
    _project(db_path)
    runner = CliRunner()
    bad_map = runner.invoke(main, ["suggest", "--db", str(db_path), "--label-map", "GPE"])
    assert bad_map.exit_code == 1 and "SRC=DST" in bad_map.output and "Traceback" not in bad_map.output
    unknown = runner.invoke(main, ["suggest", "--db", str(db_path), "--label-map", "GPE=NOPE"])
    assert unknown.exit_code == 1 and "NOPE is not a label of this project" in unknown.output
    missing = runner.invoke(main, ["suggest", "--db", str(db_path), "--model", "xx_missing_model"])
    assert missing.exit_code == 1
    assert "model 'xx_missing_model' is not installed or not a spaCy pipeline" in missing.output
    assert "Traceback" not in missing.output
    with Store(db_path) as store:
        assert store.settings.get_setting(SETTING_MODEL) is None  # a failed run changes no setting
    absent = runner.invoke(main, ["suggest", "--db", str(db_path.with_name("typo.db"))])
    assert absent.exit_code == 1 and "no such project file" in absent.output
    assert not db_path.with_name("typo.db").exists()


@pytest.mark.slow
def test_suggest_output_that_cannot_be_written(db_path: Path, tmp_path: Path):
    _project(db_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(main, ["suggest", "--db", str(db_path), "-o", str(blocker / "out.jsonl")])
    assert result.exit_code == 1 and "cannot write" in result.output and "Traceback" not in result.output
    assert blocker.read_text() == "not a folder"


@pytest.mark.slow
def test_evaluate_json(db_path: Path):
    _second_accept(db_path, _project(db_path))
    result = CliRunner().invoke(main, ["evaluate", "--db", str(db_path), "--annotator", "ann", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"precision", "recall", "f1", "documents", "per_label"} <= set(data)
    assert data["documents"] == 2
    # Gold: doc b "zorblax industries" ORG + "quentin marsh" PERSON, doc c "zorblax industries" ORG.
    # The model finds none of them (lower case); each document learns "zorblax industries" from
    # the other (leave-one-out), and "quentin marsh" appears in one document only: 2 TP, 1 FN.
    assert data["per_label"]["ORG"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 2}
    assert data["per_label"]["PERSON"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert data["precision"] == 1.0 and abs(data["recall"] - 2 / 3) < 1e-9 and abs(data["f1"] - 0.8) < 1e-9

    gold_only = CliRunner().invoke(main, ["evaluate", "--db", str(db_path), "--gold-only", "--json"])
    assert gold_only.exit_code == 0, gold_only.output
    assert abs(json.loads(gold_only.stdout)["f1"] - 0.8) < 1e-9
    model_only = CliRunner().invoke(main, ["evaluate", "--db", str(db_path), "--model-only", "--json"])
    assert model_only.exit_code == 0, model_only.output
    assert json.loads(model_only.stdout)["recall"] == 0.0
    both = CliRunner().invoke(main, ["evaluate", "--db", str(db_path), "--model-only", "--gold-only"])
    assert both.exit_code == 2 and "exclude each other" in both.output


@pytest.mark.slow
def test_evaluate_table_and_errors(db_path: Path, tmp_path: Path):
    _project(db_path)
    table = CliRunner().invoke(main, ["evaluate", "--db", str(db_path)])
    assert table.exit_code == 0, table.output
    assert "overall" in table.output and "PERSON" in table.output
    nobody = CliRunner().invoke(main, ["evaluate", "--db", str(db_path), "--annotator", "bob"])
    assert nobody.exit_code == 1 and "no documents accepted by bob" in nobody.output
    absent = CliRunner().invoke(main, ["evaluate", "--db", str(tmp_path / "absent.db")])
    assert absent.exit_code == 1 and "no such project file" in absent.output


def test_help():
    for command in ("suggest", "evaluate"):
        result = CliRunner().invoke(main, [command, "--help"])
        assert result.exit_code == 0 and "--model" in result.output
