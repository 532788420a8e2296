"""The Project model: every write goes through it and is announced once, by kind."""

from __future__ import annotations

import pytest

from PySide6.QtWidgets import QLabel

from annotator.core.ops import work
from annotator.core.ops.changes import BY_WINDOW, Changes
from annotator.core.ops.team import merge
from annotator.core.text.model import Span
from annotator.core.store import Store
from annotator.core.team import identity
from annotator.gui import actions
from annotator.gui.panels.accepted_panel import AcceptedPanel
from annotator.gui.project import Project
from tests.gui.window_helpers import ARTICLES, make_project


class Recorder:
    """Every signal of a Project, in order, with its arguments."""

    NAMES = ["opened", "annotatorChanged", "decisionSaved", "draftSaved", "writesWaiting", "labelsChanged",
             "settingsChanged", "documentsAdded", "workChanged", "teamWorkChanged", "reviewSaved",
             "disputedChanged", "disputedStale", "modelChanged", "modelKeyChanged", "matcherChanged",
             "matcherStale", "patternsEdited", "trainedModelsChanged", "assignmentsChanged"]

    def __init__(self, project: Project) -> None:
        self.seen: list[tuple] = []
        self.changes: list[Changes] = []
        for name in self.NAMES:
            getattr(project, name).connect(lambda *args, n=name: self.seen.append((n, *args)))
        project.changed.connect(self.changes.append)

    def names(self) -> list[str]:
        return [s[0] for s in self.seen]


def test_writes_are_announced_once_by_kind(qtbot, db_path, tmp_path):
    ids = make_project(db_path)
    project = Project(db_path, "alice")
    seen = Recorder(project)
    project.save_draft(ids[0], [Span(0, 8, "PERSON")])
    assert seen.seen == [("workChanged", frozenset({ids[0]})), ("draftSaved", ids[0])]
    assert seen.changes[-1] == Changes(by=BY_WINDOW, drafts=True, doc_ids=frozenset({ids[0]}))
    seen.seen.clear()
    assert project.decide(ids[0], "accept", [Span(0, 8, "PERSON")]) is True
    assert seen.seen == [("workChanged", frozenset({ids[0]})), ("decisionSaved", ids[0], "accept")]
    assert project.status(ids[0]) == "accepted"
    project.add_label("PRODUCT")
    assert seen.names()[-1] == "labelsChanged" and "PRODUCT" in project.store.labels.label_names()
    assert project.current.label_names()[-1] == "PRODUCT"  # the model the label bar follows
    project.set_model("", remember=False)
    assert seen.names()[-1] == "modelChanged" and project.model == ""
    project.set_annotator("bob")
    assert seen.seen[-1] == ("annotatorChanged", "bob") and project.annotator == "bob"
    # one Changes per write: draft, decision, label, model, the name kept in the project
    assert len(seen.changes) == 5
    assert [k.startswith(identity.SETTING_PREFIX) for k in seen.changes[-1].settings] == [True]
    # A teammate's file: documents, labels and work arrive in one announcement each.
    other = tmp_path / "carol.db"
    with Store(other) as carol:
        doc, _ = carol.documents.add_document(ARTICLES[0])
        carol.documents.add_document("A text only carol has.")
        carol.labels.add_label("WORK")
        carol.annotations.save_annotation(doc, "carol", "accept", [Span(0, 8, "ORG")])
    seen.seen.clear()
    _report, changes = merge(project.store, other, by="merge")
    assert changes.labels and changes.decisions and changes.documents and changes.new_documents == 1
    assert changes.doc_ids == {ids[0]} and changes.new_ids == (len(ARTICLES) + 1,)
    project.apply(changes)
    assert seen.names() == ["labelsChanged", "documentsAdded", "workChanged", "disputedChanged", "teamWorkChanged"]
    assert seen.seen[-1] == ("teamWorkChanged", frozenset({ids[0]}))  # which documents, not "everything"
    assert project.disputed() == {ids[0]}  # alice PERSON, carol ORG
    seen.seen.clear()
    project.save_review(ids[0], "bob", [Span(0, 8, "PERSON")], ["alice", "carol"])
    assert seen.names() == ["workChanged", "disputedChanged", "reviewSaved"] and project.disputed() == set()
    project.close()


@pytest.mark.slow
def test_another_connection_is_seen_by_polling_with_its_document_ids(qtbot, db_path):
    """A write by another connection (here: a second Store, as the CLI would) reaches the
    Project as Changes for the very documents it touched, within a poll; the Project's own
    writes are not announced twice."""
    ids = make_project(db_path)
    project = Project(db_path, "alice")
    seen = Recorder(project)
    assert project.decide(ids[0], "accept", [])
    assert not project.check_changes()  # its own decision: announced once, at the write
    reads = project.watcher.reads
    for _ in range(5):
        assert not project.check_changes()  # nobody wrote: data_version unchanged, no log read
    assert project.watcher.reads == reads
    with Store(db_path) as cli:
        cli.annotations.save_annotation(ids[1], "bob", "accept", [Span(0, 5, "ORG")])
        cli.labels.add_label("LAW_FIRM")
    seen.seen.clear()
    with qtbot.waitSignal(project.changed, timeout=3000) as got:  # the timer's poll
        pass
    changes = got.args[0]
    assert changes.by == "elsewhere" and changes.decisions and changes.labels
    assert changes.doc_ids == {ids[1]}
    assert "LAW_FIRM" in project.current.label_names()
    assert ("teamWorkChanged", frozenset({ids[1]})) in seen.seen
    project.close()


def test_a_new_panel_needs_only_to_subscribe(qtbot, db_path):
    """The proof of issue 17: AcceptedPanel is one file that subscribes to the Project; no
    writer knows it exists, yet it follows every decision."""
    ids = make_project(db_path)
    project = Project(db_path, "alice")
    panel = AcceptedPanel(project)
    qtbot.addWidget(panel)
    panel.show()
    text = panel.findChild(QLabel).text
    assert "0 documents</b> accepted by alice" in text()
    project.decide(ids[0], "accept", [])
    assert "1 document</b> accepted by alice" in text() and "1 document</b> with team gold" in text()
    project.close()


def test_actions_and_operations_are_plain_functions(db_path):
    """The session's reads are functions over a Session; every write is an operation of the
    core returning its Changes (core/ops/work.py)."""
    ids = make_project(db_path)
    with Store(db_path) as store:
        session = actions.Session(store, "alice")
        assert actions.spans_to_show(session, ids[0]) == ([], actions.FROM_NOTHING)
        changes = work.save_draft(actions.journal(session), ids[0], [Span(0, 8, "PERSON")], by=BY_WINDOW)
        assert changes.drafts and not changes.decisions and changes.doc_ids == {ids[0]}
        assert actions.spans_to_show(session, ids[0]) == ([Span(0, 8, "PERSON")], actions.FROM_DRAFT)
        changes = work.decide(store, ids[0], "alice", "accept", [Span(0, 8, "PERSON", "model")], by=BY_WINDOW)
        assert changes.decisions and changes.drafts and not changes.records
        assert store.annotations.get_annotation(ids[0], "alice").spans == (Span(0, 8, "PERSON"),)  # source dropped
        assert actions.spans_to_show(session, ids[0])[1] == actions.FROM_ANNOTATION
        assert actions.learn_from(session, [ids[0]])
        assert session.pending_gold[ids[0]][0] == "accept"  # replayed when the matcher arrives
        work.decide(store, ids[1], "alice", "reject", [], by=BY_WINDOW)
        work.decide(store, ids[2], "alice", "ignore", [], by=BY_WINDOW, seconds=3.0)
        assert store.drafts.statuses("alice") == {ids[0]: "accepted", ids[1]: "rejected", ids[2]: "skipped"}
