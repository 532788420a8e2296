from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.team.agreement import versions_for
from annotator.core.text.model import Span, text_hash
from annotator.core.team.review import accept_review, initial_final
from annotator.core.store import Store

TEXT1 = "Hun Sen met Donald Trump in Phnom Penh on Monday."
TEXT2 = "Apple hired Tim Cook."


@pytest.fixture
def projects(tmp_path):
    """alice's and bob's project files: the same two articles, labelled differently."""
    alice_db, bob_db = tmp_path / "alice.db", tmp_path / "bob.db"
    with Store(alice_db) as s:
        d1, _ = s.documents.add_document(TEXT1)
        d2, _ = s.documents.add_document(TEXT2)
        s.annotations.save_annotation(d1, "alice", "accept", [Span(0, 7, "PERSON"), Span(12, 24, "PERSON"),
                                                  Span(28, 38, "GPE"), Span(42, 48, "DATE")])
        s.annotations.save_annotation(d2, "alice", "accept", [Span(0, 5, "ORG"), Span(12, 20, "PERSON")])
    with Store(bob_db) as s:
        d2, _ = s.documents.add_document(TEXT2)
        d1, _ = s.documents.add_document(TEXT1)
        s.annotations.save_annotation(d1, "bob", "accept", [Span(0, 7, "PERSON"), Span(19, 24, "PERSON"),
                                                Span(28, 38, "LOC")])
        s.annotations.save_annotation(d2, "bob", "accept", [Span(0, 5, "ORG"), Span(12, 20, "PERSON")])
    return alice_db, bob_db


def test_merge_then_agreement_json(projects):
    alice_db, bob_db = projects
    runner = CliRunner()
    result = runner.invoke(main, ["merge", str(bob_db), "--db", str(alice_db)])
    assert result.exit_code == 0, result.output
    assert "documents: 0 added, 2 already here" in result.output
    assert "bob: 2 added, 0 updated, 0 filed to history, 0 unchanged" in result.output

    again = runner.invoke(main, ["merge", str(bob_db), "--db", str(alice_db), "--json"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["annotations"]["bob"]["unchanged"] == 2

    result = runner.invoke(main, ["agreement", "--db", str(alice_db), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    (pair,) = data["pairs"]
    # Same hand computation as tests/core/test_agreement.py: exact 3 of 6 + 5 spans -> 6/11,
    # partial 8/11, kappa 7/12 over 16 tokens.
    assert (pair["a"], pair["b"], pair["documents"]) == ("alice", "bob", 2)
    assert pair["f1"] == round(6 / 11, 4)
    assert pair["partial_f1"] == round(8 / 11, 4)
    assert pair["kappa"] == round(7 / 12, 4)
    assert pair["per_label"]["PERSON"]["f1"] == round(4 / 6, 4)
    assert pair["counts"]["boundary_only"] == 1 and pair["counts"]["label_only"] == 1
    # Doc 1 (1 - alpha = 210/354, see tests/core/test_agreement.py) is disputed, doc 2 is not.
    assert [(d["score"], d["disputed_spans"]) for d in data["documents"]] == [(round(210 / 354, 4), 5), (0.0, 0)]
    assert pair["alpha"] == round(1 - 310 / 758, 4) and pair["overlap_f1"] == round(8 / 11, 4)


def test_agreement_table(projects):
    alice_db, bob_db = projects
    runner = CliRunner()
    runner.invoke(main, ["merge", str(bob_db), "--db", str(alice_db)])
    result = runner.invoke(main, ["agreement", "--db", str(alice_db)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    row = next(l for l in lines if l.startswith("alice"))
    # exact F1 6/11, overlap F1 8/11, kappa 7/12, alpha 1 - 310/758 (tests/core/test_agreement.py)
    assert row.split()[:7] == ["alice", "bob", "2", "0.545", "0.727", "0.583", "0.591"]
    assert lines[0].startswith("Overall (2 annotators, 2 shared documents): exact F1 0.545, overlap F1 0.727")
    assert "Documents with disagreement: 1 of 2 shared" in result.output
    assert any("Hun Sen met Donald" in l and "0.593" in l for l in lines)  # 1 - alpha = 210/354


def test_agreement_with_nothing_to_compare(projects):
    alice_db, _ = projects
    result = CliRunner().invoke(main, ["agreement", "--db", str(alice_db)])
    assert result.exit_code == 0
    assert "No document has two or more" in result.output


def test_merge_bad_file_is_a_clear_error(projects, tmp_path):
    alice_db, _ = projects
    junk = tmp_path / "notes.db"
    junk.write_text("not a database" * 100)
    result = CliRunner().invoke(main, ["merge", str(junk), "--db", str(alice_db)])
    assert result.exit_code == 1
    assert "notes.db: not an annotator project" in result.output
    assert "Traceback" not in result.output
    missing = CliRunner().invoke(main, ["merge", str(tmp_path / "nope.db"), "--db", str(alice_db)])
    assert missing.exit_code == 2 and "does not exist" in missing.output


def test_commands_have_help():
    for name in ("merge", "agreement"):
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output


def test_reviewed_gold_is_exported(projects, tmp_path):
    alice_db, bob_db = projects
    runner = CliRunner()
    assert runner.invoke(main, ["merge", str(bob_db), "--db", str(alice_db)]).exit_code == 0
    with Store(alice_db) as store:
        doc = store.documents.document_by_hash(text_hash(TEXT1))
        versions = versions_for(store, doc.id)
        final = initial_final(versions) + [Span(12, 24, "PERSON"), Span(28, 38, "GPE")]
        accept_review(store, doc.id, "lead", final, versions)
    out = tmp_path / "gold.jsonl"
    result = runner.invoke(main, ["export", "--db", str(alice_db), "--reviewed", "-f", "jsonl", "-o", str(out),
                                  "--no-tokens"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 1
    (record,) = records
    assert record["text"] == TEXT1 and record["_annotator_id"] == "lead"
    assert [(s["start"], s["end"], s["label"]) for s in record["spans"]] == \
        [(0, 7, "PERSON"), (12, 24, "PERSON"), (28, 38, "GPE")]
    assert record["meta"]["reviewed_from"] == ["alice", "bob"]


def test_accept_against_reject_is_disputed_in_every_command(tmp_path):
    """Issue 23 §5 on the command line: alice accepted TEXT2, bob (merged) rejected it."""
    alice_db, bob_db = tmp_path / "alice.db", tmp_path / "bob.db"
    with Store(alice_db) as s:
        d2, _ = s.documents.add_document(TEXT2)
        s.annotations.save_annotation(d2, "alice", "accept", [Span(0, 5, "ORG"), Span(12, 20, "PERSON")])
    with Store(bob_db) as s:
        d2, _ = s.documents.add_document(TEXT2)
        s.annotations.save_annotation(d2, "bob", "reject", [])
    runner = CliRunner()
    assert runner.invoke(main, ["merge", str(bob_db), "--db", str(alice_db)]).exit_code == 0
    review = runner.invoke(main, ["review", "--db", str(alice_db)])
    assert ("Gold: 0 documents (0 reviewed: 0 by hand, 0 by majority, 0 unanimous; 0 unanimous not reviewed); "
            "1 disputed document.") in review.output
    assert "accept vs reject: Apple hired Tim Cook." in review.output
    stats = json.loads(runner.invoke(main, ["stats", "--db", str(alice_db), "--json"]).output)
    assert stats["gold"] == {"reviewed": 0, "unanimous": 0, "disputed": 1}
    assert "1 disputed document" in runner.invoke(main, ["stats", "--db", str(alice_db)]).output
    agreement = json.loads(runner.invoke(main, ["agreement", "--db", str(alice_db), "--json"]).output)
    assert [(d["id"], d["reason"], d["annotators"]) for d in agreement["documents"]] == [
        (d2, "accept vs reject", ["alice", "bob"])]
