"""Label names and meta values are data, never SQL or markup: they go in and come out exactly
through the store, `annotator labels`, `annotator stats` and a rename."""

from __future__ import annotations

import json

from click.testing import CliRunner

from annotator.cli import main
from annotator.core.text.model import Span
from annotator.core.store import Store
from tests.reliability.helpers import TABLES

SQLISH = ["';DROP_TABLE_documents;--", "Robert');DELETE_FROM_annotations;--", '"quoted"', "<b>x</b>",
          "<script>alert(1)</script>", "%s%d{0}", "\\x00"]
META = {"title": "'); DROP TABLE documents; --", "html": "<img src=x onerror=alert(1)>",
        "newline": "a\nb\r\nc", "control": "a\x01b", "emoji": "😀", "list": [1, "<b>", None]}


def test_store_keeps_sqlish_labels_and_meta_exactly(tmp_path):
    db = tmp_path / "p.db"
    with Store(db) as s:
        doc, _ = s.documents.add_document("Ada met Bob in Paris with Carl and Dan and Eve and Fay .", META)
        for name in SQLISH:
            s.labels.add_label(name)
        text = s.documents.get_document(doc).text
        words = ["Ada", "Bob", "Paris", "Carl", "Dan", "Eve", "Fay"]
        spans = [Span(text.index(w), text.index(w) + len(w), label) for w, label in zip(words, SQLISH)]
        s.annotations.save_annotation(doc, "o'brien; --", "accept", spans)
        s.drafts.save_draft(doc, "<b>me</b>", spans)
        s.rename_label(SQLISH[0], "renamed';--")
        got = s.annotations.get_annotation(doc, "o'brien; --")
        assert [x.label for x in got.spans] == ["renamed';--", *SQLISH[1:]]
        assert s.drafts.get_draft(doc, "<b>me</b>")[0].label == "renamed';--"
        assert s.documents.get_document(doc).meta == META
        tables = {r[0] for r in s.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert set(TABLES) <= tables
        assert s.integrity_check() == "ok"


def test_cli_labels_and_stats_treat_names_as_data(tmp_path):
    db = tmp_path / "p.db"
    Store(db).close()
    runner = CliRunner()
    for name in SQLISH:
        result = runner.invoke(main, ["labels", "add", "--db", str(db), name])
        assert result.exit_code == 0, result.output
    listed = runner.invoke(main, ["labels", "list", "--db", str(db), "--json"])
    assert listed.exit_code == 0
    names = [row["name"] for row in json.loads(listed.output)]
    assert names[-len(SQLISH):] == SQLISH
    stats = runner.invoke(main, ["stats", "--db", str(db), "--json"])
    assert stats.exit_code == 0, stats.output
    assert set(SQLISH) <= set(json.loads(stats.output)["labels"])
    # A name with whitespace cannot be a CoNLL/IOB tag: refused with a one-line message.
    bad = runner.invoke(main, ["labels", "add", "--db", str(db), "'; DROP TABLE documents; --"])
    assert bad.exit_code == 1 and "Traceback" not in bad.output and len(bad.output.strip().splitlines()) == 1
    with Store(db, readonly=True) as s:
        assert s.documents.count_documents() == 0 and s.integrity_check() == "ok"
