"""`annotator report` writes one self-contained HTML file; `stats --json` carries the data
behind the charts. On the project with known decisions (tests/core/overview_data.py)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import orjson
import pytest

from tests.cli.helpers import run
from tests.core.overview_data import DAY1, DAY2, EXPECTED, build


@pytest.fixture(scope="module")
def known(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("report") / "known.db")


class Links(HTMLParser):
    """Every tag, and every attribute that makes a browser fetch or follow something."""

    FETCHING = {"src", "href", "xlink:href", "srcset", "data", "poster", "action", "formaction", "background"}

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.refs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.refs += [(tag, name, value or "") for name, value in attrs if name in self.FETCHING]

    handle_startendtag = handle_starttag


@pytest.mark.slow
def test_report_is_one_self_contained_file(known, tmp_path):
    out = tmp_path / "REPORT.html"
    result = run("report", "--db", known, "-o", out)
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.stdout and list(tmp_path.iterdir()) == [out]  # no side files
    html = out.read_text(encoding="utf-8")
    parser = Links()
    parser.feed(html)
    assert "script" not in parser.tags and "link" not in parser.tags and "iframe" not in parser.tags
    outside = [r for r in parser.refs if not (r[2].startswith("#") or r[2].startswith("data:"))]
    assert outside == [], outside[:5]
    assert not re.search(r"@import|url\((?!#|data:)", html)  # nothing fetched from the style sheet
    assert parser.tags.count("svg") == 6  # the six charts, inline
    assert "<!DOCTYPE svg" not in html and "<?xml" not in html


@pytest.mark.slow
def test_report_has_the_tables_behind_the_charts(known, tmp_path):
    out = tmp_path / "r.html"
    assert run("report", "--db", known, "-o", out).exit_code == 0
    html = out.read_text(encoding="utf-8")
    for section in ("progress", "gold", "agreement", "suggestions", "curve", "time", "stats"):
        assert f'id="{section}"' in html and f'href="#{section}"' in html
    text = re.sub(r"<[^>]+>", "|", html)
    assert f"|{DAY1}||3||1||4|" in text and f"|{DAY2}||2||4||6|" in text  # decisions per day and total
    assert "|alice × bob||3||0.833|" in text  # the pair: documents, F1
    assert "|alice × bob||PERSON||0.667|" in text  # per label, each pair
    assert "|alice||4|" in text and "F1 vs reviewed gold" in html  # per-annotator quality
    assert "|alice||5||30.0|" in text and "|bob||4||35.0|" in text  # median seconds per document
    assert "|base model||0.400|" in text and "|100%||0.700|" in text  # the learning curve


@pytest.mark.slow
def test_report_escapes_names_from_the_project(tmp_path):
    from annotator.core.store import Store

    db = tmp_path / "p.db"
    with Store(db) as store:
        (doc,), _ = store.documents.add_documents([("Paris.", {})])
        store.activity.save_timed_decision(doc, "<script>x</script>", "accept", [], seconds=2)
    out = tmp_path / "r.html"
    assert run("report", "--db", db, "-o", out).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


def test_report_on_a_missing_project_is_one_line(tmp_path):
    result = run("report", "--db", tmp_path / "nope.db", "-o", tmp_path / "r.html")
    assert result.exit_code == 1 and "no such project file" in result.output


def test_stats_json_has_per_annotator_and_suggestion_quality(known):
    result = run("stats", "--db", known, "--json")
    assert result.exit_code == 0
    data = orjson.loads(result.stdout)
    alice = data["per_annotator"]["alice"]
    assert alice["decisions_per_day"] == {DAY1: 3, DAY2: 2}
    assert alice["median_seconds_per_document"] == EXPECTED["median_seconds"]["alice"]
    assert data["per_annotator"]["bob"]["median_seconds_per_document"] == EXPECTED["median_seconds"]["bob"]
    quality = data["suggestion_quality"]
    assert [(q["annotator"], q["document"], q["f1"]) for q in quality] == [
        (a, d, round(f, 4)) for a, d, f in EXPECTED["points"]]
    assert all(set(q) >= {"annotator", "document", "decided_at", "f1"} for q in quality)
    text = run("stats", "--db", known).stdout
    assert "alice: median 30 s per document over 5 decisions timed in the window" in text
