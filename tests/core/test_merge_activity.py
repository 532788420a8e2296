"""A merge brings a teammate's timed decisions and suggestions-at-opening along, once, checked
as untrusted input like the rest of their file."""

from __future__ import annotations

import sqlite3

import pytest

from annotator.core.errors import RecordError
from annotator.core.team.merge import check_project_file, merge_project
from annotator.core.text.model import Span
from annotator.core.store import Store

TEXTS = ["Paris is in France.", "Apple hired Tim Cook."]


@pytest.fixture
def projects(tmp_path):
    with Store(tmp_path / "ours.db") as ours:
        ours.documents.add_documents([(TEXTS[0], {})])
        ours.activity.save_timed_decision(1, "alice", "accept", [Span(0, 5, "GPE")], seconds=12,
                                 suggested=[Span(0, 5, "GPE", "model")], timestamp=100.0)
    with Store(tmp_path / "theirs.db") as theirs:
        theirs.documents.add_documents([(TEXTS[1], {}), (TEXTS[0], {})])  # other ids: the hash links them
        theirs.activity.save_timed_decision(2, "bob", "accept", [Span(0, 5, "GPE"), Span(12, 18, "GPE")], seconds=30,
                                   suggested=[Span(0, 5, "GPE", "gold")], timestamp=200.0)
        theirs.activity.save_timed_decision(1, "bob", "reject", [], seconds=4, suggested=[], timestamp=210.0)
    return tmp_path / "ours.db", tmp_path / "theirs.db"


def test_merge_brings_timed_decisions_once(projects):
    ours, theirs = projects
    assert check_project_file(theirs).decision_times == 2
    with Store(ours) as store:
        report = merge_project(store, theirs)
        assert report.decision_times["added"] == 2 and report.to_dict()["decision_times"]["added"] == 2
        assert any("timed decisions: 2 added" in line for line in report.lines())
        again = merge_project(store, theirs)
        assert again.decision_times == {"unchanged": 2} and not again.changed
        rows = {(r.annotator, r.document_id): r for r in store.activity.timed_decisions()}
    assert set(rows) == {("alice", 1), ("bob", 1), ("bob", 2)}
    bob = rows[("bob", 1)]  # their document 2 is our document 1
    assert bob.seconds == 30 and bob.suggested == (Span(0, 5, "GPE"),) and bob.suggested[0].source == "gold"
    assert bob.decided_spans == (Span(0, 5, "GPE"), Span(12, 18, "GPE"))  # the version came as an annotation
    assert rows[("bob", 2)].answer == "reject" and rows[("bob", 2)].suggested == ()


@pytest.mark.parametrize("sql, problem", [
    ("UPDATE decision_times SET seconds = -5", "seconds must be between 0"),
    ("UPDATE decision_times SET seconds = 'soon'", "seconds is text, not a number"),
    ("UPDATE decision_times SET decided = x'00'", "decided is a blob, not a number"),
    ("UPDATE decision_suggestions SET spans = '[{\"start\": 0, \"end\": 99, \"label\": \"GPE\"}]'",
     "out of range"),
    ("UPDATE decision_suggestions SET spans = '[{\"start\": 0, \"end\": 5, \"label\": \"GPE\", \"source\": \"'"
     " || hex(zeroblob(1000)) || '\"}]'", "source must be 1 to 1000 characters"),
    ("UPDATE decision_suggestions SET spans = 'not json'", "not valid JSON"),
    ("UPDATE decision_times SET document_id = 99", "its document 99 is not in the file"),
])
def test_a_crafted_record_is_refused_with_its_row_and_ours_is_untouched(projects, sql, problem):
    ours, theirs = projects
    conn = sqlite3.connect(theirs)
    # Past the CHECK constraints and foreign keys, as a hand-crafted file would be.
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute(sql)
    conn.commit()
    conn.close()
    with Store(ours) as store:
        before = store.activity.count_timed_decisions()
        with pytest.raises(RecordError) as caught:
            merge_project(store, theirs)
        assert problem in str(caught.value) and "decision record" in str(caught.value)
        assert str(theirs) in str(caught.value)
        assert store.activity.count_timed_decisions() == before and store.annotations.annotators() == ["alice"]
