"""The document list model and panel: lazy rows, statuses, filter and search."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.core.team.gold import disputed_ids
from annotator.core.text.model import Span
from annotator.gui.panels.doc_list import (
    ASSIGNED_MARK,
    DISPUTED_ROLE,
    DOC_ID_ROLE,
    FILTER_ASSIGNED,
    FILTER_DISPUTED,
    STATUS_ROLE,
    DocListModel,
    DocListPanel,
    next_document,
    preview_of,
)
from annotator.gui.project import Project


def _panel(qtbot, store, annotator="alice"):
    project = Project(store.path, annotator)
    model = DocListModel(project)
    panel = DocListPanel(model)
    project.setParent(panel)  # closed with the panel
    qtbot.addWidget(panel)
    panel.resize(320, 600)
    panel.show()
    qtbot.waitExposed(panel)
    return model, panel


@pytest.mark.large
def test_hundred_thousand_documents_open_at_once_and_fetch_only_shown_rows(qtbot, store):
    n = 100_000
    store.documents.add_documents((f"Article {i}: the council of town {i} met on Monday.", {}) for i in range(n))
    model, panel = _panel(qtbot, store)
    panel.grab()  # lay out and paint the visible rows now (timed in benchmarks/bench_window.py)
    assert model.rowCount() == n
    visible = panel.view.viewport().height() // panel.view.sizeHintForRow(0)
    assert visible >= 10
    shown = [model.index(i).data() for i in range(visible)]
    assert all(row.startswith(f"{i + 1}  Article {i}:") for i, row in enumerate(shown))
    assert visible <= model.fetched_rows <= 256, model.fetched_rows
    # Scrolling to the end fetches only the rows around it.
    before = model.fetched_rows
    panel.show_current(model.id_at(n - 1))
    panel.grab()
    assert model.fetched_rows - before <= 256
    assert model.index(n - 1).data().startswith(f"{n}  Article {n - 1}:")


def test_rows_show_preview_title_and_status(qtbot, store):
    ids, _ = store.documents.add_documents([("x " * 200, {}), ("Body text", {"title": "A headline"}),
                                  ("Third article", {})])
    store.annotations.save_annotation(ids[0], "alice", "accept", [Span(0, 1, "PERSON")])
    store.drafts.save_draft(ids[2], "alice", [])
    store.annotations.save_annotation(ids[1], "bob", "reject", [])
    model, _ = _panel(qtbot, store)
    first = model.index(0).data()
    assert first.startswith(f"{ids[0]}  x x") and first.endswith("…") and len(first) < 100
    assert model.index(1).data() == f"{ids[1]}  A headline"
    assert [model.index(i).data(STATUS_ROLE) for i in range(3)] == ["accepted", "new", "draft"]
    assert model.index(2).data(DOC_ID_ROLE) == ids[2]
    assert model.counts()["accepted"] == 1 and model.counts()["new"] == 1


def test_filter_by_status_and_search(qtbot, store):
    ids, _ = store.documents.add_documents([("Paris in spring", {}), ("Berlin in winter", {}),
                                  ("Paris in autumn", {})])
    store.annotations.save_annotation(ids[0], "alice", "accept", [])
    model, panel = _panel(qtbot, store)
    panel.filter.setCurrentIndex(panel.filter.findData("new"))
    assert model.ids() == [ids[1], ids[2]]
    panel.filter.setCurrentIndex(panel.filter.findData("accepted"))
    assert model.ids() == [ids[0]]
    panel.filter.setCurrentIndex(0)
    panel.search.setText("paris")
    qtbot.waitUntil(lambda: model.ids() == [ids[0], ids[2]], timeout=3000)
    panel.filter.setCurrentIndex(panel.filter.findData("new"))
    assert model.ids() == [ids[2]]


def test_status_updates_in_place_and_click_activates(qtbot, store):
    ids, _ = store.documents.add_documents([("one", {}), ("two", {}), ("three", {})])
    model, panel = _panel(qtbot, store)
    changed = []
    model.dataChanged.connect(lambda a, b, roles: changed.append(a.row()))
    model.set_status(ids[1], "accepted")
    assert changed == [1] and model.index(1).data(STATUS_ROLE) == "accepted"
    assert panel.neighbour(ids[0], +1) == ids[1] and panel.neighbour(ids[2], +1) is None
    assert panel.upcoming(ids[1], 5) == [ids[1], ids[2]]
    with qtbot.waitSignal(panel.documentActivated) as blocker:
        rect = panel.view.visualRect(model.index(2))
        qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [ids[2]]


def test_preview_of_prefers_title_and_flattens_whitespace():
    assert preview_of("a\n\n b", {}) == "a b"
    assert preview_of("body", {"title": "T"}) == "T"
    assert len(preview_of("w " * 100, {})) == 80


def test_disputed_documents_are_marked_filtered_and_follow_decisions(qtbot, store):
    ids, _ = store.documents.add_documents([("Paris in spring", {}), ("Berlin in winter", {}), ("Rome", {})])
    store.annotations.save_annotation(ids[0], "bob", "accept", [Span(0, 5, "GPE")])
    store.annotations.save_annotation(ids[0], "alice", "accept", [Span(0, 5, "PERSON")])  # they disagree
    store.annotations.save_annotation(ids[1], "bob", "accept", [Span(0, 6, "GPE")])
    model, panel = _panel(qtbot, store)
    project = model.project
    project.set_disputed(disputed_ids(store))  # what the window counts in a worker at start
    assert model.index(0).data(DISPUTED_ROLE) and model.index(0).data().startswith(f"{ids[0]}  ⚑ Paris")
    assert "disputed" in model.index(0).data(Qt.ItemDataRole.ToolTipRole)
    assert not model.index(1).data(DISPUTED_ROLE)
    panel.filter.setCurrentIndex(panel.filter.findData(FILTER_DISPUTED))
    assert model.ids() == [ids[0]]
    # alice disagrees with bob on the second one too: a decision updates the marks at once.
    with qtbot.waitSignal(project.disputedChanged, timeout=2000):
        project.decide(ids[1], "accept", [Span(0, 6, "LOC")])
    assert model.ids() == [ids[0], ids[1]] and model.status(ids[1]) == "accepted"
    with qtbot.waitSignal(project.disputedChanged, timeout=2000):
        project.save_review(ids[0], "rita", [Span(0, 5, "GPE")], ["alice", "bob"])
    assert model.ids() == [ids[1]]


def test_next_document_takes_the_hubs_assignments_first():
    assert next_document(1, [3, 5], 2) == 3       # from another document: the first assigned
    assert next_document(3, [3, 5], 4) == 5       # from an assigned one: the one after it
    assert next_document(5, [3, 5], 6) == 3       # ... wrapping around
    assert next_document(3, [3], 4) == 4          # the only one left: the list goes on
    assert next_document(1, [], 2) == 2 and next_document(9, [], None) is None


def test_next_in_the_list_goes_to_assigned_documents_until_they_are_decided(qtbot, store):
    store.documents.add_documents([(f"Story {i} about Lima.", {}) for i in range(1, 7)])
    store.sync.hub_state("h1", "alice", "postgresql://alice@db/team")  # as a sync leaves it
    store.sync.set_hub_assignments("h1", "alice", [(4, 9e9), (6, 9e9)])
    model, panel = _panel(qtbot, store)
    assert [ASSIGNED_MARK in model.index(r).data() for r in range(6)] == [False] * 3 + [True, False, True]
    assert panel.neighbour(1, +1) == 4 and panel.neighbour(4, +1) == 6 and panel.neighbour(6, +1) == 4
    assert panel.neighbour(4, -1) == 3  # Previous is the list's
    assert panel.upcoming(1, 4) == [1, 4, 6, 2]
    model.project.decide(4, "accept", [])
    assert panel.neighbour(1, +1) == 6 and ASSIGNED_MARK not in model.index(3).data()
    model.project.decide(6, "ignore", [])
    assert panel.neighbour(1, +1) == 2 and panel.upcoming(1, 3) == [1, 2, 3]
    store.sync.set_hub_assignments("h1", "alice", [(2, 9e9)])  # as the next sync leaves them
    model.project.assignmentsChanged.emit()
    assert panel.neighbour(1, +1) == 2
    model.set_search("Story 5")  # a search or filter that hides them: the list's order
    assert panel.neighbour(None, +1) == 5
    model.set_search("")
    # "Assigned to me": the hub's undecided assignments only, renewed with every sync.
    panel.filter.setCurrentIndex(panel.filter.findData(FILTER_ASSIGNED))
    assert model.ids() == [2]
    store.sync.set_hub_assignments("h1", "alice", [(2, 9e9), (5, 9e9)])
    model.project.assignmentsChanged.emit()
    assert model.ids() == [2, 5]


def test_the_list_fills_from_a_worker_and_statuses_set_meanwhile_win(qtbot, store):
    from annotator.gui.tasks import TaskRunner

    ids, _ = store.documents.add_documents((f"Article {i} about Paris.", {}) for i in range(50))
    store.drafts.save_draft(ids[3], "alice", [])
    project = Project(store.path, "alice")
    tasks = TaskRunner(project)
    model = DocListModel(project, fill_in=tasks)
    assert model.loading and model.rowCount() == 0  # nothing read on this thread
    model.set_status(ids[7], "accepted")  # e.g. a decision while the worker reads
    with qtbot.waitSignal(model.loaded, timeout=30000):
        pass
    assert not model.loading and model.rowCount() == 50
    assert model.status(ids[3]) == "draft" and model.status(ids[7]) == "accepted"
    assert model.counts()["accepted"] == 1
    tasks.stop_all()
    project.close()
