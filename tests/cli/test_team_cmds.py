"""`annotator notes`, `guidelines`, `labels describe`, `history` and majority review, on a
three-annotator project, as a user runs them."""

from __future__ import annotations

import json

import pytest

from annotator.core.store import Store
from annotator.core.team.undo import undo_decision
from annotator.core.text.model import Span
from tests.cli.helpers import run

TEXT1 = "Hun Sen met Donald Trump in Phnom Penh on Monday."
TEXT2 = "Apple hired Tim Cook."
TEXT3 = "The mayor of Belmouth spoke."


@pytest.fixture
def team(tmp_path):
    """Three annotators: document 1 settled by a majority, 2 without one, 3 unanimous."""
    path = tmp_path / "team.db"
    with Store(path) as s:
        (d1, d2, d3), _ = s.documents.add_documents([(TEXT1, {}), (TEXT2, {}), (TEXT3, {})])
        for name, spans in (("alice", [Span(0, 7, "PERSON"), Span(12, 24, "PERSON"), Span(42, 48, "DATE")]),
                            ("bob", [Span(0, 7, "PERSON"), Span(19, 24, "PERSON")]),
                            ("carol", [Span(0, 7, "PERSON"), Span(12, 24, "PERSON")])):
            s.annotations.save_annotation(d1, name, "accept", spans)
        for name, label in (("alice", "ORG"), ("bob", "GPE"), ("carol", "PERSON")):
            s.annotations.save_annotation(d2, name, "accept", [Span(0, 5, label)])
        for name in ("alice", "bob", "carol"):
            s.annotations.save_annotation(d3, name, "accept", [Span(13, 21, "GPE")])
    return path


def test_notes_from_the_command_line(team, tmp_path):
    added = run("notes", "add", 2, "is Apple the company here? 🍏", "--db", team, "--annotator", "alice")
    assert added.exit_code == 0 and added.output == "Added note 1 to document 2 as alice.\n"
    run("notes", "add", 2, "yes", "--db", team, "--annotator", "bob")
    listed = json.loads(run("notes", "list", "--json", "--db", team).output)
    assert [(n["document"], n["author"], n["text"]) for n in listed] == [
        (2, "alice", "is Apple the company here? 🍏"), (2, "bob", "yes")]
    refused = run("notes", "edit", 1, "mine now", "--db", team, "--annotator", "bob")
    assert refused.exit_code == 1
    assert refused.output == "Error: note 1 is alice's: only its author may edit it\n"
    assert run("notes", "delete", 1, "--db", team, "--annotator", "alice").exit_code == 0
    assert "is Apple" not in run("notes", "list", "--db", team).output
    missing = run("notes", "add", 9, "where?", "--db", team)
    assert missing.exit_code == 1 and missing.output == "Error: no document 9 in this project (it has 3 documents)\n"
    big = run("notes", "add", 1, "x" * 102_401, "--db", team)
    assert big.exit_code == 1 and big.output.count("\n") == 1 and "the limit is 100 KB" in big.output
    # Notes go out in a JSONL export's meta.
    out = tmp_path / "out.jsonl"
    assert run("export", "-f", "jsonl", "-o", out, "--db", team, "--no-tokens").exit_code == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    noted = [r["meta"]["notes"] for r in records if r["text"] == TEXT2]
    assert noted and all([(n["author"], n["text"]) for n in ns] == [("bob", "yes")] for ns in noted)
    assert all("notes" not in r["meta"] for r in records if r["text"] != TEXT2)


def test_guidelines_and_descriptions(team, tmp_path):
    rules = tmp_path / "rules.md"
    rules.write_text("# Names\n\nLabel the *whole* name — «Greyfen» too.\n", encoding="utf-8")
    assert run("guidelines", "set", rules, "--db", team).exit_code == 0
    shown = run("guidelines", "show", "--db", team)
    assert shown.output.startswith("# Names\n\nLabel the *whole* name — «Greyfen» too.")
    described = run("labels", "describe", "GPE", "Countries, cities, states", "--example", "Belmouth",
                    "--db", team)
    assert described.exit_code == 0
    data = json.loads(run("guidelines", "show", "--json", "--db", team).output)
    assert data["labels"]["GPE"]["examples"] == ["Belmouth"]
    assert json.loads(run("labels", "list", "--json", "--db", team).output)[2]["description"] == \
        "Countries, cities, states"
    unknown = run("labels", "describe", "PLANET", "Mars", "--db", team)
    assert unknown.exit_code == 1 and unknown.output.startswith("Error: no label PLANET")
    huge = tmp_path / "huge.md"
    huge.write_text("é" * 60_000, encoding="utf-8")
    refused = run("guidelines", "set", huge, "--db", team)
    assert refused.exit_code == 1
    assert refused.output == (f"Error: {huge}: the guidelines text is 120,000 bytes of UTF-8; the limit is "
                              "100 KB (102,400 bytes)\n")
    latin = tmp_path / "latin.md"
    latin.write_bytes("caf\xe9".encode("latin-1"))
    assert run("guidelines", "set", latin, "--db", team).output == f"Error: {latin}: not UTF-8 (byte 3)\n"
    assert run("guidelines", "show", "--db", team).output.startswith("# Names")  # nothing refused was saved


def test_majority_review_and_its_json(team):
    plain = run("review", "--auto-accept", "--reviewer", "lead", "--db", team)
    assert "Accepted 1 document as lead: 1 unanimous; 2 disputed documents left." in plain.output
    result = run("review", "--auto-accept", "--min-agreement", 2, "--reviewer", "lead", "--db", team, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["auto_accept"] == {"accepted": 1, "unanimous": 0, "majority": 1, "left": 1, "reviewer": "lead",
                                   "min_agreement": 2}
    assert data["reviewed_by"] == {"hand": 0, "majority": 1, "unanimous": 1} and data["disputed"] == [2]
    assert [(r["id"], r["method"]) for r in data["reviews"]] == [(1, "majority"), (3, "unanimous")]
    with Store(team) as s:
        assert s.reviews.get_review(1).spans == (Span(0, 7, "PERSON"), Span(12, 24, "PERSON"))  # 2 of 3 on each
    text = run("review", "--db", team).output
    assert "Gold: 2 documents (2 reviewed: 0 by hand, 1 by majority, 1 unanimous" in text
    bad = run("review", "--auto-accept", "--min-agreement", 1, "--db", team)
    assert bad.exit_code == 2 and "of 2 or more" in bad.output
    alone = run("review", "--min-agreement", 2, "--db", team)
    assert alone.exit_code == 2 and "--min-agreement goes with --auto-accept" in alone.output
    assert "at least 3 of the annotators" in run("review", "--set-min-agreement", 3, "--db", team).output


def test_agreement_json_has_every_measure(team):
    data = json.loads(run("agreement", "--json", "--db", team).output)
    assert data["overall"]["annotators"] == ["alice", "bob", "carol"]
    for key in ("exact_f1", "overlap_f1", "kappa", "alpha"):
        assert isinstance(data["overall"][key], float)
        assert all(isinstance(p[key], float) for p in data["pairs"])
    assert set(data["overall"]["per_label"]) == {"DATE", "GPE", "ORG", "PERSON"}
    # The least agreeing document first: three labels for Apple.
    assert data["documents"][0]["id"] == 2


def test_history_lists_versions_and_an_undo(team):
    with Store(team) as s:
        s.annotations.save_annotation(1, "bob", "reject", [])
        undo_decision(s, 1, "bob")
    data = json.loads(run("history", 1, "--json", "--db", team).output)
    bob = [(v["what"], v["current"]) for v in data if v["who"] == "bob"]
    assert bob == [("accept", False), ("reject", False), ("accept", True)]
    text = run("history", 1, "--db", team).output
    assert "bob" in text and "(current)" in text
    missing = run("history", 7, "--db", team)
    assert missing.exit_code == 1 and "no document 7" in missing.output


@pytest.mark.slow
def test_the_report_shows_guidelines_measures_and_majority(team, tmp_path):
    rules = tmp_path / "rules.md"
    rules.write_text("# Names\n\n<script>alert(1)</script> whole names", encoding="utf-8")
    run("guidelines", "set", rules, "--db", team)
    run("labels", "describe", "GPE", "Countries & cities", "--example", "Belmouth", "--db", team)
    run("review", "--auto-accept", "--min-agreement", "majority", "--db", team)
    out = tmp_path / "report.html"
    result = run("report", "-o", out, "--db", team)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert '<section id="guidelines"><h2>Guidelines</h2><pre class="guidelines"># Names' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; whole names" in html and "<script>" not in html
    assert "<td>GPE</td><td>Countries &amp; cities</td><td>Belmouth</td>" in html
    # How the reviews were decided: none by hand, 1 by majority (document 1), 1 unanimous (3).
    assert "<th>by hand</th><th>by majority</th><th>unanimous</th></tr></thead><tbody><tr><td>0</td><td>1</td>" in html
    assert "<h3>All annotators</h3>" in html and "<th>alpha</th>" in html and "<th>overlap F1</th>" in html
