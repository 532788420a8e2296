"""Issue 11 in the window: a disputed document is marked in the list, the header and the status
bar; reviewing it in the review window settles it, and the learned (★) suggestions of another
document change at once, for an annotator who never labelled it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.core.text.model import SOURCE_GOLD, Span
from annotator.core.store import Store
from annotator.gui.panels.doc_list import DISPUTED_ROLE, FILTER_DISPUTED
from tests.gui.window_helpers import open_window

DISPUTED = "zorblax industries hired quentin marsh in belmouth"
OTHER = "quentin marsh left zorblax industries on friday"


def spans(text: str, *pairs: tuple[str, str]) -> list[Span]:
    return [Span(text.index(p), text.index(p) + len(p), label) for p, label in pairs]


def test_review_a_disputed_document_then_the_learned_suggestions_change(qtbot, tmp_path):
    db = tmp_path / "team.db"
    with Store(db) as store:
        ids, _ = store.documents.add_documents([(DISPUTED, {}), (OTHER, {})])
        store.annotations.save_annotation(ids[0], "alice", "accept", spans(DISPUTED, ("zorblax industries", "ORG"),
                                                              ("quentin marsh", "PERSON")))
        store.annotations.save_annotation(ids[0], "bob", "accept", spans(DISPUTED, ("zorblax industries", "PERSON"),
                                                            ("quentin marsh", "PERSON")))
    w = open_window(qtbot, db, annotator="carol", model="")
    qtbot.waitUntil(lambda: w.project.matcher is not None and w.project.disputed() == {ids[0]}, timeout=20000)
    # Marked as disputed: the list row, the header, the status bar.
    assert w.doc_model.index(0).data(DISPUTED_ROLE) and "⚑" in w.doc_model.index(0).data()
    w.open_document(ids[0])
    assert "disputed" in w.header.text()
    assert "1 disputed" in w.status.disputed_label.text() and w.status.disputed_label.isVisibleTo(w.status)
    # Carol learns nothing from the dispute: no ★ for zorblax industries on the other article.
    w.open_document(ids[1])
    learned = [s for s in w.editor.spans() if s.source == SOURCE_GOLD]
    assert learned == []

    view = w.reviews.open()
    qtbot.waitUntil(lambda: view.listed, timeout=20000)  # listed off the GUI thread
    assert view.current_document() == ids[0]
    assert view.doc_list.item(0).text().startswith("⚑")
    view.copy_span("alice", spans(DISPUTED, ("zorblax industries", "ORG"))[0])
    assert view.accept()
    # The review settles it everywhere at once: list, status bar, and what carol is suggested.
    qtbot.waitUntil(lambda: w.project.disputed() == set(), timeout=5000)
    assert not w.doc_model.index(0).data(DISPUTED_ROLE)
    assert not w.status.disputed_label.isVisibleTo(w.status)
    assert view.doc_list.item(0).text().startswith("✓")
    qtbot.waitUntil(lambda: any(s.source == SOURCE_GOLD for s in w.editor.spans()), timeout=5000)
    shown = {(OTHER[s.start:s.end], s.label, s.source) for s in w.editor.spans()}
    assert ("zorblax industries", "ORG", SOURCE_GOLD) in shown
    assert ("quentin marsh", "PERSON", SOURCE_GOLD) in shown
    view.close()


def test_accept_against_reject_is_disputed_in_the_window_and_the_review(qtbot, tmp_path):
    """Issue 23 §5: bob rejected both articles; alice accepts one in the window: it is
    disputed at once (list, filter, header, status bar), and the review shows bob's reject."""
    db = tmp_path / "team.db"
    with Store(db) as store:
        ids, _ = store.documents.add_documents([(DISPUTED, {}), (OTHER, {})])
        for doc_id in ids:
            store.annotations.save_annotation(doc_id, "bob", "reject", [])
    w = open_window(qtbot, db, annotator="alice", model="")
    qtbot.waitUntil(lambda: w.project.matcher is not None, timeout=20000)
    assert w.project.disputed() == set()  # rejected by everyone who decided: no dispute
    w.open_document(ids[0])
    w.editor.set_spans(spans(DISPUTED, ("zorblax industries", "ORG")))
    assert w.accept()
    qtbot.waitUntil(lambda: w.project.disputed() == {ids[0]}, timeout=5000)
    assert w.doc_model.index(0).data(DISPUTED_ROLE) and "⚑" in w.doc_model.index(0).data()
    assert "accept vs reject" in w.doc_model.index(0).data(Qt.ItemDataRole.ToolTipRole)
    assert "1 disputed" in w.status.disputed_label.text()
    w.doc_panel.filter.setCurrentIndex(w.doc_panel.filter.findData(FILTER_DISPUTED))
    assert w.doc_model.ids() == [ids[0]]
    w.open_document(ids[0])
    assert "⚑ disputed" in w.header.text()

    view = w.reviews.open()
    qtbot.waitUntil(lambda: view.listed, timeout=20000)  # listed off the GUI thread
    assert view.current_document() == ids[0]
    item = view.doc_list.item(0)
    assert item.text().startswith("⚑") and "accept vs reject" in item.toolTip()
    assert sorted(view.annotator_editors()) == ["alice", "bob"]
    assert "rejected" in view._rows["bob"].header.text() and view.annotator_editors()["bob"].spans() == []
    assert "rejected by bob" in view.title.text()
    assert view.accept()  # the reviewer keeps it: reviewed gold, no longer disputed
    qtbot.waitUntil(lambda: w.project.disputed() == set(), timeout=5000)
    view.close()
