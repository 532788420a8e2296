"""The real window: guidelines beside the text (Ctrl+G) and in the labels' tooltips, notes on
documents (panel, ✎, the "Has notes" filter), undoing a decision (menu and Ctrl+Z right after
moving on), and the review's majority pre-accept and agreement click-through."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.core.store import Store
from annotator.core.team.guidelines import HUB_ROLE, describe_label, set_guidelines
from annotator.core.team.notes import add_note
from annotator.core.text.model import Span
from annotator.gui.panels.doc_list import FILTER_NOTES, NOTES_MARK
from annotator.gui.review.review_view import ReviewView
from tests.gui.window_helpers import ARTICLES, key, make_project, open_window

@pytest.fixture
def db(tmp_path):
    path = tmp_path / "p.db"
    make_project(path)
    return path


@pytest.mark.slow
def test_guidelines_beside_the_text_and_in_the_tooltips(qtbot, db, shots):
    with Store(db) as s:
        set_guidelines(s, "# Names\n\nLabel the **whole** name; <b>no</b> titles.", "lead")
        describe_label(s, "GPE", "Countries, cities, states.", "lead", ["Berlin", "<Tokyo>"])
    w = open_window(qtbot, db)
    dock = w.team.guidelines_dock
    assert not dock.isVisible()
    assert w.menu_actions["guidelines"].shortcut().toString() == "Ctrl+G"
    w.menu_actions["guidelines"].trigger()
    assert dock.isVisible()
    shown = w.team.guidelines.view.toPlainText()
    assert "Label the whole name; <b>no</b> titles." in shown  # Markdown rendered, its HTML shown as text
    assert "GPE (key 3) — Countries, cities, states." in shown and "e.g. Berlin; <Tokyo>" in shown
    tip = w.label_bar.button("GPE").toolTip()
    assert "Countries, cities, states." in tip and "&lt;Tokyo&gt;" in tip  # escaped, never rich text
    dialog = w.team.guidelines.edit_guidelines()
    dialog.text.setPlainText("# Names\n\nWhole names, titles too.")
    assert dialog.save()
    assert "Whole names, titles too." in w.team.guidelines.view.toPlainText()
    describe = w.team.guidelines.describe_label("ORG")
    describe.description.setPlainText("Companies, unions.")
    describe.examples.setPlainText("Apple\n\nToyota\n")
    assert describe.save()
    assert "Companies, unions." in w.label_bar.button("ORG").toolTip()
    big = w.team.guidelines.edit_guidelines()
    big.text.setPlainText("x" * 102_401)
    assert not big.save() and big.isVisible()  # refused with its one-line reason, nothing saved
    big.reject()
    w.resize(1400, 800)
    qtbot.wait(100)
    w.grab().save(str(shots / "teamq-guidelines.png"))
    with Store(db) as s:
        assert s.guidelines.get_guideline("").text == "# Names\n\nWhole names, titles too."
        assert s.guidelines.get_guideline("ORG").examples == ("Apple", "Toyota")
        s.settings.set_setting(HUB_ROLE, "annotator")
    w.project.guidelinesChanged.emit()
    assert not w.team.guidelines.edit_button.isEnabled()
    assert "Only reviewers change the guidelines" in w.team.guidelines.who.text()


def test_notes_beside_the_text_marked_and_filtered(qtbot, db, shots):
    with Store(db) as s:
        bobs = add_note(s, 2, "bob", "is this the London office or the HQ?")
    w = open_window(qtbot, db)
    panel = w.team.notes
    assert panel.doc_id == w.current_id == 1 and panel.list.count() == 0
    panel.box.setPlainText("is Berlin the GPE here? 🇩🇪")
    assert panel.add()
    assert panel.list.count() == 1 and "alice" in panel.list.item(0).text()
    row_text = w.doc_model.data(w.doc_model.index(w.doc_model.row_of(1)))
    assert NOTES_MARK in row_text
    panel.box.setPlainText("   ")
    assert not panel.add()  # an empty note is refused, the status bar says why
    assert "Note not added: the note is empty" in w.status.currentMessage()
    w.open_document(2)
    assert panel.list.count() == 1
    panel.list.setCurrentRow(0)
    assert not panel.save_button.isEnabled() and not panel.delete_button.isEnabled()  # bob's note
    w.doc_panel.filter.setCurrentIndex(w.doc_panel.filter.findData(FILTER_NOTES))
    assert w.doc_model.ids() == [1, 2]
    w.team.notes_dock.show()
    w.resize(1400, 800)
    qtbot.wait(100)
    w.grab().save(str(shots / "teamq-notes.png"))
    w.open_document(1)
    panel.list.setCurrentRow(0)
    assert panel.box.toPlainText() == "is Berlin the GPE here? 🇩🇪" and panel.delete_button.isEnabled()
    assert panel.delete()
    assert w.doc_model.ids() == [2]  # the filter follows
    with Store(db) as s:
        assert [n.author for n in s.notes.all()] == ["bob"] and s.notes.get_note(bobs.id).text == bobs.text


def test_ctrl_z_right_after_moving_on_undoes_the_decision(qtbot, db):
    w = open_window(qtbot, db)
    assert w.current_id == 1
    key(qtbot, w, Qt.Key.Key_A)  # accept: the window moves on
    qtbot.waitUntil(lambda: w.current_id == 2, timeout=5000)
    with Store(db) as s:
        assert s.annotations.get_annotation(1, "alice").answer == "accept"
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert w.current_id == 1  # back on the document, its decision taken back
    with Store(db) as s:
        assert s.annotations.get_annotation(1, "alice").answer == "draft"  # it was the first: a draft again
    assert w.doc_model.status(1) == "draft"
    assert "Undid your accept of document 1" in w.status.currentMessage()
    # Reject, move on, open another document: Ctrl+Z is an edit's undo again, nothing undone.
    key(qtbot, w, Qt.Key.Key_X)
    qtbot.waitUntil(lambda: w.current_id == 2, timeout=5000)
    w.open_document(3)
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert w.current_id == 3
    with Store(db) as s:
        assert s.annotations.get_annotation(1, "alice").answer == "reject"
    # Document -> Undo decision on a decided document: its previous version (the draft) comes back.
    w.open_document(1)
    w.menu_actions["undo_decision"].trigger()
    with Store(db) as s:
        assert [v.answer for v in s.annotations.annotation_history(1, "alice")][-1] == "reject"
        assert s.annotations.get_annotation(1, "alice").answer == "draft"


def phrase(text: str, words: str, label: str) -> Span:
    start = text.index(words)
    return Span(start, start + len(words), label)


@pytest.fixture
def three(tmp_path):
    """Three annotators on the sample articles: a majority on article 1, none on article 2."""
    path = tmp_path / "team.db"
    make_project(path, ARTICLES[:3])
    text = ARTICLES[0]
    macron, merkel, berlin, monday = (phrase(text, "Emmanuel Macron", "PERSON"), phrase(text, "Angela Merkel", "PERSON"),
                                      phrase(text, "Berlin", "GPE"), phrase(text, "Monday", "DATE"))
    with Store(path) as s:
        s.annotations.save_annotation(1, "alice", "accept", [macron, merkel, berlin])
        s.annotations.save_annotation(1, "bob", "accept", [macron, berlin.with_label("LOC")])
        s.annotations.save_annotation(1, "carol", "accept", [macron, merkel, berlin, monday])
        for name, label in (("alice", "ORG"), ("bob", "GPE"), ("carol", "PERSON")):
            s.annotations.save_annotation(2, name, "accept", [Span(0, 5, label)])
        add_note(s, 1, "carol", "Merkel was chancellor then")
    return path


@pytest.mark.slow
def test_review_offers_the_majority_and_agreement_cells_open_documents(qtbot, three, shots):
    from annotator.gui.project import Project

    project = Project(three, "lead")
    widget = ReviewView(project, "lead")
    qtbot.addWidget(widget)
    widget.resize(1500, 900)
    widget.show()
    widget.set_document(1)
    # 2 of 3 on Merkel and Berlin (GPE): pre-accepted; Monday only carol marked.
    text = ARTICLES[0]
    macron = phrase(text, "Emmanuel Macron", "PERSON")
    assert widget.final_editor().spans() == [macron, phrase(text, "Angela Merkel", "PERSON"),
                                             phrase(text, "Berlin", "GPE")]
    assert "2 of the 3 annotators" not in widget.final_header.text()
    assert "a strict majority of the 3 annotators agree on, pre-accepted" in widget.final_header.text()
    assert widget.notes.text() == "✎ carol: Merkel was chancellor then"
    widget.k_box.setCurrentIndex(widget.k_box.findData(3))  # all three: only Macron
    assert widget.final_editor().spans() == [macron]
    assert project.store.settings.get_setting("min_agreement") == "3"
    widget.k_box.setCurrentIndex(0)
    qtbot.waitUntil(lambda: widget.agreement is not None, timeout=30000)
    table = widget.agreement_table
    labels = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert labels[0] == "All annotators" and "alice / bob" in labels
    assert all(table.item(0, c).text() not in ("", "n/a") for c in range(1, 5))
    row = labels.index("alice / bob")
    table.cellClicked.emit(row, 4)  # the alpha of alice / bob
    docs = widget.agreement_panel.docs
    assert [docs.item(i).data(Qt.ItemDataRole.UserRole) for i in range(docs.count())] == [2, 1]
    assert "2 documents</b> behind alice / bob" in widget.agreement_panel.docs_title.text()
    widget.agreement_panel.docs.itemClicked.emit(docs.item(1))
    assert widget.current_document() == 1
    gpe = labels.index("   GPE", row)
    table.cellClicked.emit(gpe, 1)
    assert [docs.item(i).data(Qt.ItemDataRole.UserRole) for i in range(docs.count())] == [2, 1]
    qtbot.wait(200)
    widget.grab().save(str(shots / "teamq-review-agreement.png"))
    assert widget.accept_unanimous(majority=True) == 1
    assert project.store.reviews.get_review(1).method == "majority" and project.store.reviews.get_review(2) is None
    assert "1 by majority; 1 disputed document left" in widget.status.text()
    widget.shutdown()
    project.close()
