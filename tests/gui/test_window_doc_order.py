"""The document list's Order box in the real window (issue 16): "most disputed first" puts the
documents the team disagrees on most at the top and Next follows it; "most uncertain first"
scores the documents with the real model in a background child process and re-sorts; the
choice is saved in the project and comes back when it opens."""

from __future__ import annotations

import pytest

from annotator.core.learning.ordering import ORDER_DISPUTED, ORDER_IMPORTED, ORDER_UNCERTAINTY, document_order
from annotator.core.store import Store
from annotator.core.text.model import Span
from annotator.gui.panels.doc_order import SETTING_ORDER
from tests.gui.window_helpers import open_window

TEXTS = [
    "quentin marsh opened a bakery in belmouth on monday.",
    "zorblax industries hired quentin marsh and ada fenwick in belmouth.",
    "the weather in belmouth was mild.",
    "ada fenwick visited zorblax industries in port ellis with quentin marsh.",
]


def spans(text: str, *pairs: tuple[str, str]) -> list[Span]:
    return [Span(text.index(p), text.index(p) + len(p), label) for p, label in pairs]


def rows(w) -> list[int]:
    return [w.doc_model.id_at(r) for r in range(w.doc_model.rowCount())]


def choose(w, order: str) -> None:
    box = w.doc_panel.order
    box.setCurrentIndex(box.findData(order))


def test_most_disputed_first_orders_the_list_and_next_follows_it(qtbot, tmp_path):
    db = tmp_path / "team.db"
    with Store(db) as store:
        ids, _ = store.documents.add_documents([(t, {}) for t in TEXTS])
        # Doc 2: alice and bob disagree on one span of two; doc 4: on every span (more disputed).
        store.annotations.save_annotation(ids[1], "alice", "accept", spans(TEXTS[1], ("zorblax industries", "ORG"),
                                                               ("quentin marsh", "PERSON")))
        store.annotations.save_annotation(ids[1], "bob", "accept", spans(TEXTS[1], ("zorblax industries", "PERSON"),
                                                             ("quentin marsh", "PERSON")))
        store.annotations.save_annotation(ids[3], "alice", "accept", spans(TEXTS[3], ("ada fenwick", "PERSON"),
                                                               ("port ellis", "GPE")))
        store.annotations.save_annotation(ids[3], "bob", "accept", spans(TEXTS[3], ("zorblax industries", "ORG")))
    w = open_window(qtbot, db, annotator="carol", model="")
    assert rows(w) == ids and w.doc_panel.order.currentData() == ORDER_IMPORTED

    choose(w, ORDER_DISPUTED)
    qtbot.waitUntil(lambda: rows(w)[:2] == [ids[3], ids[1]], timeout=10000)
    assert rows(w)[2:] == [ids[0], ids[2]]  # the undisputed keep imported order
    with Store(db) as store:
        assert store.settings.get_setting(SETTING_ORDER) == ORDER_DISPUTED
        assert rows(w) == document_order(store, ORDER_DISPUTED)
    # Next walks the list in its order.
    w.open_document(ids[3])
    w.editor.setFocus()
    w.menu_actions["next"].trigger()
    qtbot.waitUntil(lambda: w.current_id == ids[1], timeout=5000)

    # Reopened, the project remembers the order.
    w.close()
    again = open_window(qtbot, db, annotator="carol", model="")
    assert again.doc_panel.order.currentData() == ORDER_DISPUTED
    qtbot.waitUntil(lambda: rows(again)[:2] == [ids[3], ids[1]], timeout=10000)
    choose(again, ORDER_IMPORTED)
    qtbot.waitUntil(lambda: rows(again) == ids, timeout=5000)


def test_most_uncertain_first_without_a_model_says_so_and_keeps_imported_order(qtbot, tmp_path):
    db = tmp_path / "p.db"
    with Store(db) as store:
        ids, _ = store.documents.add_documents([(t, {}) for t in TEXTS])
    w = open_window(qtbot, db, model="")
    choose(w, ORDER_UNCERTAINTY)
    qtbot.waitUntil(lambda: "needs a model" in w.status.currentMessage(), timeout=5000)
    assert rows(w) == ids


@pytest.mark.slow
def test_most_uncertain_first_scores_with_the_model_in_the_background(qtbot, tmp_path):
    db = tmp_path / "p.db"
    with Store(db) as store:
        ids, _ = store.documents.add_documents([(t, {}) for t in TEXTS])
    w = open_window(qtbot, db, model=None)  # the default model, as a person gets it
    qtbot.waitUntil(lambda: w.project.model_key is not None, timeout=60000)
    choose(w, ORDER_UNCERTAINTY)
    # Scored in a child process, then the list re-sorted by the stored scores.
    qtbot.waitUntil(lambda: "Uncertainty scored for 4 documents" in w.status.currentMessage(), timeout=120000)
    with Store(db) as store:
        expected = document_order(store, ORDER_UNCERTAINTY, model_key=w.project.model_key)
    assert sorted(expected) == ids
    qtbot.waitUntil(lambda: rows(w) == expected, timeout=10000)
