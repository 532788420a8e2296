"""Issue 23 §4: "unchanged" means the accepted spans equal what the window showed when the
document was opened (model, ★ learned, propagated: any source), defined once
(core/report/activity.py) and the same in `agreement --json`, `stats --json`, the report and the
review window's column (tests/gui/test_review_view.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.learning.quality import agreement_report
from annotator.core.text.model import SOURCE_GOLD, SOURCE_MODEL, SOURCE_PROPAGATED, Span
from annotator.core.report.overview import compute_overview
from annotator.core.report.report import agreement_tables
from annotator.core.store import Store
from annotator.core.learning.suggest import project_model_key
from tests.cli.helpers import run

TEXT1 = "zorblax industries hired quentin marsh in belmouth"
TEXT2 = "quentin marsh left zorblax industries for belmouth on friday"


def at(text: str, phrase: str, label: str, source: str | None = None) -> Span:
    start = text.index(phrase)
    return Span(start, start + len(phrase), label, source)


def shown(text: str) -> list[Span]:
    """What the window showed at opening: ★ learned, the model's, a propagated one."""
    return [at(text, "zorblax industries", "ORG", SOURCE_GOLD), at(text, "quentin marsh", "PERSON", SOURCE_MODEL),
            at(text, "belmouth", "GPE", SOURCE_PROPAGATED)]


def plain(spans: list[Span]) -> list[Span]:
    return [Span(s.start, s.end, s.label) for s in spans]


def build(path: Path) -> dict[str, int]:
    """bob accepts what was shown, ★ included, on both articles; alice corrects the first; the
    model alone (cached) only ever suggested the person; carol's version was imported."""
    with Store(path) as store:
        (d1, d2), _ = store.documents.add_documents([(TEXT1, {}), (TEXT2, {})])
        key = project_model_key(store)
        assert key is not None  # the default model is installed for the tests
        store.suggestions.save_suggestions(key, [(d, [at(t, "quentin marsh", "PERSON", SOURCE_MODEL)])
                                     for d, t in ((d1, TEXT1), (d2, TEXT2))])
        for doc_id, text in ((d1, TEXT1), (d2, TEXT2)):
            store.activity.save_timed_decision(doc_id, "bob", "accept", plain(shown(text)), seconds=4.0,
                                      suggested=shown(text))
        store.activity.save_timed_decision(d1, "alice", "accept", [*plain(shown(TEXT1))[:2]], seconds=9.0,
                                  suggested=shown(TEXT1))   # removed belmouth: a correction
        store.activity.save_timed_decision(d2, "alice", "accept", plain(shown(TEXT2)), seconds=3.0, suggested=shown(TEXT2))
        store.annotations.save_annotation(d1, "carol", "accept", plain(shown(TEXT1)))  # not made in the window
    return {"d1": d1, "d2": d2}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "team.db"
    build(path)
    return path


EXPECTED = {"bob": 1.0, "alice": 0.5, "carol": None}


def test_agreement_and_the_report_use_what_was_shown(project: Path):
    with Store(project, readonly=True) as store:
        rows = {q.name: q for q in agreement_report(store).annotators}
        assert {n: q.unchanged_from_suggestions for n, q in rows.items()} == EXPECTED
        assert {n: q.suggestions_compared for n, q in rows.items()} == {"bob": 2, "alice": 2, "carol": 0}
        html = agreement_tables(compute_overview(store))
    assert "<td>bob</td><td>2</td><td>1.000</td><td>2</td>" in html
    assert "<td>alice</td><td>2</td><td>0.500</td><td>2</td>" in html


def test_the_command_line_says_the_same(project: Path):
    agreement = json.loads(run("agreement", "--db", project, "--json").stdout)
    assert {a["name"]: a["unchanged_from_suggestions"] for a in agreement["annotators"]} == EXPECTED
    stats = json.loads(run("stats", "--db", project, "--json").stdout)
    got = {name: row["unchanged_from_suggestions"] for name, row in stats["per_annotator"].items()}
    assert got == EXPECTED
    text = run("agreement", "--db", project).stdout
    assert "unchanged = accepted exactly what the window showed at opening" in text
