"""The Project model: every write goes through it and is announced once, by kind."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from annotator.core.team.merge import merge_project
from annotator.core.text.model import Span
from annotator.core.store import Store
from annotator.gui import actions
from annotator.gui.panels.accepted_panel import AcceptedPanel
from annotator.gui.project import Project
from tests.gui.window_helpers import ARTICLES, make_project


class Recorder:
    """Every signal of a Project, in order, with its arguments."""

    NAMES = ["opened", "annotatorChanged", "decisionSaved", "draftSaved", "writesWaiting", "labelsChanged",
             "documentsAdded", "teamWorkChanged", "reviewSaved", "disputedChanged", "modelChanged",
             "modelKeyChanged", "matcherChanged", "trainedModelsChanged"]

    def __init__(self, project: Project) -> None:
        self.seen: list[tuple] = []
        for name in self.NAMES:
            getattr(project, name).connect(lambda *args, n=name: self.seen.append((n, *args)))

    def names(self) -> list[str]:
        return [s[0] for s in self.seen]


def test_writes_are_announced_once_by_kind(qtbot, db_path, tmp_path):
    ids = make_project(db_path)
    project = Project(db_path, "alice")
    seen = Recorder(project)
    project.save_draft(ids[0], [Span(0, 8, "PERSON")])
    assert seen.seen == [("draftSaved", ids[0])]
    assert project.decide(ids[0], "accept", [Span(0, 8, "PERSON")]) is True
    assert seen.seen[-1] == ("decisionSaved", ids[0], "accept")
    assert project.status(ids[0]) == "accepted"
    project.add_label("PRODUCT")
    assert seen.names()[-1] == "labelsChanged" and "PRODUCT" in project.store.label_names()
    project.set_model("", remember=False)
    assert seen.names()[-1] == "modelChanged" and project.model == ""
    project.set_annotator("bob")
    assert seen.seen[-1] == ("annotatorChanged", "bob") and project.annotator == "bob"
    # A teammate's file: documents, labels and work arrive in one announcement each.
    other = tmp_path / "carol.db"
    with Store(other) as carol:
        doc, _ = carol.add_document(ARTICLES[0])
        carol.add_label("WORK")
        carol.save_annotation(doc, "carol", "accept", [Span(0, 8, "ORG")])
    seen.seen.clear()
    project.merged(merge_project(project.store, other))
    assert seen.names() == ["labelsChanged", "documentsAdded", "disputedChanged", "teamWorkChanged"]
    assert project.disputed() == {ids[0]}  # alice PERSON, carol ORG
    project.save_review(ids[0], "bob", [Span(0, 8, "PERSON")], ["alice", "carol"])
    assert seen.names()[-2:] == ["disputedChanged", "reviewSaved"] and project.disputed() == set()
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


def test_actions_are_plain_functions_over_a_session(db_path):
    ids = make_project(db_path)
    with Store(db_path) as store:
        session = actions.Session(store, "alice")
        assert actions.spans_to_show(session, ids[0]) == ([], actions.FROM_NOTHING)
        assert actions.save_draft(session, ids[0], [Span(0, 8, "PERSON")]) == "draft"
        assert actions.spans_to_show(session, ids[0]) == ([Span(0, 8, "PERSON")], actions.FROM_DRAFT)
        ann = actions.accept(session, ids[0], [Span(0, 8, "PERSON", "model")])
        assert ann.spans == (Span(0, 8, "PERSON"),) and ann.spans[0].source is None  # sources dropped
        assert actions.spans_to_show(session, ids[0])[1] == actions.FROM_ANNOTATION
        assert session.pending_gold[ids[0]][0] == "accept"  # replayed when the matcher arrives
        actions.reject(session, ids[1], [])
        actions.skip(session, ids[2], [])
        assert store.statuses("alice") == {ids[0]: "accepted", ids[1]: "rejected", ids[2]: "skipped"}
        assert actions.status_after("ignore") == "skipped"
