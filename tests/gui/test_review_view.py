"""The review view on two real project files labelled by two people, merged."""

from __future__ import annotations


import pytest
from PySide6.QtCore import Qt

from annotator.core.team.merge import merge_project
from annotator.core.text.model import Span
from annotator.core.store import Store
from annotator.gui.project import Project
from annotator.gui.review.review_view import ReviewView, open_review_window


TEXT1 = ("Cambodian Prime Minister Hun Sen has responded positively to a letter from U.S. President "
         "Donald Trump. A letter from Hun Sen dated Tuesday accepted Trump's invitation to a meeting "
         "of Southeast Asian leaders in the United States early next year.")
TEXT2 = "Apple hired Tim Cook in Cupertino."
TEXT3 = "Paris is the capital of France."


def sp(text: str, phrase: str, label: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return Span(start, start + len(phrase), label)


ALICE1 = [sp(TEXT1, "Cambodian", "NORP"), sp(TEXT1, "Hun Sen", "PERSON"), sp(TEXT1, "U.S.", "GPE"),
          sp(TEXT1, "Donald Trump", "PERSON"), sp(TEXT1, "Hun Sen", "PERSON", 1),
          sp(TEXT1, "Tuesday", "DATE"), sp(TEXT1, "Trump", "PERSON", 1),
          sp(TEXT1, "Southeast Asian", "NORP"), sp(TEXT1, "the United States", "GPE"),
          sp(TEXT1, "early next year", "DATE")]
BOB1 = [sp(TEXT1, "Cambodian", "NORP"), sp(TEXT1, "Hun Sen", "PERSON"), sp(TEXT1, "U.S.", "GPE"),
        sp(TEXT1, "Trump", "PERSON"), sp(TEXT1, "Hun Sen", "PERSON", 1), sp(TEXT1, "Trump", "ORG", 1),
        sp(TEXT1, "Southeast Asian", "NORP"), sp(TEXT1, "United States", "GPE")]
AGREED1 = [s for s in ALICE1 if s in BOB1]


@pytest.fixture
def merged(tmp_path):
    """alice's project with bob's project file merged into it."""
    with Store(tmp_path / "bob.db") as bob:
        ids, _ = bob.documents.add_documents([(TEXT3, {}), (TEXT2, {}), (TEXT1, {})])
        bob.annotations.save_annotation(ids[2], "bob", "accept", BOB1)
        bob.annotations.save_annotation(ids[1], "bob", "accept", [sp(TEXT2, "Apple", "ORG"), sp(TEXT2, "Tim Cook", "PERSON"),
                                                      sp(TEXT2, "Cupertino", "LOC")])
        bob.annotations.save_annotation(ids[0], "bob", "accept", [sp(TEXT3, "Paris", "GPE"), sp(TEXT3, "France", "GPE")])
    store = Store(tmp_path / "alice.db")
    ids, _ = store.documents.add_documents([(TEXT1, {}), (TEXT2, {}), (TEXT3, {})])
    store.annotations.save_annotation(ids[0], "alice", "accept", ALICE1)
    store.annotations.save_annotation(ids[1], "alice", "accept", [sp(TEXT2, "Apple", "ORG"), sp(TEXT2, "Tim Cook", "PERSON"),
                                                      sp(TEXT2, "Cupertino", "GPE")])
    store.annotations.save_annotation(ids[2], "alice", "accept", [sp(TEXT3, "Paris", "GPE"), sp(TEXT3, "France", "GPE")])
    merge_project(store, tmp_path / "bob.db")
    store.close()
    project = Project(tmp_path / "alice.db", "lead")
    yield project, ids
    project.close()


def click_span(qtbot, editor, span: Span) -> None:
    view = editor.text_edit()
    qa, qb = editor.offsets().range_to_qt(span.start, span.end)
    cursor = view.textCursor()
    cursor.setPosition(qa)
    view.setTextCursor(cursor)
    view.ensureCursorVisible()
    rect = view.line_rects(qa, qb)[0]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center().toPoint())


@pytest.fixture
def view(qtbot, merged):
    project, ids = merged
    store = project.store
    widget = ReviewView(project, "lead")
    qtbot.addWidget(widget)
    widget.resize(1500, 950)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: widget.agreement is not None and widget.listed, timeout=20000)
    yield widget, store, ids
    widget.shutdown()


def test_review_shows_both_versions_and_starts_from_agreement(view, qtbot):
    widget, store, (d1, d2, d3) = view
    # Least agreement first (1 - alpha of the tokens): doc 1, doc 2; doc 3 agrees.
    items = [widget.doc_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(widget.doc_list.count())]
    assert items == [d1, d2]
    assert widget.current_document() == d1
    editors = widget.annotator_editors()
    assert sorted(editors) == ["alice", "bob"]
    assert editors["alice"].spans() == sorted(ALICE1) and editors["bob"].spans() == sorted(BOB1)
    assert editors["bob"].is_read_only()
    assert widget.final_editor().spans() == sorted(AGREED1)
    kinds = widget._rows["bob"].kinds
    assert kinds[sp(TEXT1, "Trump", "PERSON")] == "some"
    assert kinds[sp(TEXT1, "Tuesday", "DATE")] == "one"
    assert kinds[sp(TEXT1, "Hun Sen", "PERSON")] == "all"
    # alice: Donald Trump, Trump (PERSON vs bob's ORG), the United States disputed;
    # Tuesday and early next year only hers.
    header = widget._rows["alice"].header.text()
    assert all(part in header for part in ("10 spans", "5 agreed", "3 disputed", "2 only theirs"))

    # Agreement over the 3 shared documents: exact 5 + 2 + 2 = 9 of 15 (alice) + 13 (bob) spans
    # -> F1 = 18/28 = 0.643; boundary-only pairs Donald Trump/Trump and the United States/United
    # States -> partial F1 = 2*11/28 = 0.786.
    table = widget.agreement_table
    rows = [[table.item(i, j).text() for j in range(table.columnCount())] for i in range(table.rowCount())]
    # All annotators first (two here: the same figures as their pair), then the pair, each per label.
    assert rows[0][:3] == ["All annotators", "0.643", "0.786"] and rows[0][5] == "3"
    pair = next(r for r in rows if r[0] == "alice / bob")
    assert pair[:3] == ["alice / bob", "0.643", "0.786"] and pair[5] == "3" and pair[4] == rows[0][4]
    assert float(pair[4]) < 1  # alpha
    assert table.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff  # fits its panel


def test_click_copies_keys_edit_and_accept_saves_review(view, qtbot, shots):
    widget, store, (d1, d2, d3) = view
    final = widget.final_editor()
    bob, alice = widget.annotator_editors()["bob"], widget.annotator_editors()["alice"]

    click_span(qtbot, bob, sp(TEXT1, "United States", "GPE"))
    assert sp(TEXT1, "United States", "GPE") in final.spans()
    click_span(qtbot, alice, sp(TEXT1, "the United States", "GPE"))  # replaces the overlap
    assert sp(TEXT1, "the United States", "GPE") in final.spans()
    assert sp(TEXT1, "United States", "GPE") not in final.spans()
    final.setFocus()
    qtbot.keyClick(final.text_edit(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert sp(TEXT1, "United States", "GPE") in final.spans()
    qtbot.keyClick(final.text_edit(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert sp(TEXT1, "the United States", "GPE") in final.spans()

    click_span(qtbot, alice, sp(TEXT1, "Tuesday", "DATE"))
    click_span(qtbot, alice, sp(TEXT1, "Donald Trump", "PERSON"))
    click_span(qtbot, bob, sp(TEXT1, "Trump", "ORG", 1))
    assert final.selected_span() is None  # copied, not selected: a key would set the next label
    click_span(qtbot, final, sp(TEXT1, "Trump", "ORG", 1))
    assert final.selected_span() == sp(TEXT1, "Trump", "ORG", 1)
    final.setFocus()
    qtbot.keyClick(final.text_edit(), Qt.Key.Key_1)  # PERSON's key relabels the span clicked
    assert sp(TEXT1, "Trump", "PERSON", 1) in final.spans()
    final.select_span(sp(TEXT1, "Tuesday", "DATE"))
    qtbot.keyClick(final.text_edit(), Qt.Key.Key_Delete)
    assert sp(TEXT1, "Tuesday", "DATE") not in final.spans()
    click_span(qtbot, alice, sp(TEXT1, "Tuesday", "DATE"))  # changed my mind: put it back
    final.select_span(None)
    assert widget.grab().save(str(shots / "review.png"))

    expected = sorted(AGREED1 + [sp(TEXT1, "the United States", "GPE"), sp(TEXT1, "Tuesday", "DATE"),
                                 sp(TEXT1, "Donald Trump", "PERSON"), sp(TEXT1, "Trump", "PERSON", 1)])
    assert final.spans() == expected
    with qtbot.waitSignal(widget.reviewSaved, timeout=2000):
        qtbot.keyClick(final.text_edit(), Qt.Key.Key_A)
    review = store.reviews.get_review(d1)
    assert review.reviewer == "lead" and review.sources == ("alice", "bob")
    assert list(review.spans) == expected
    assert widget.current_document() == d2  # moved on to the next disputed document
    assert widget.final_editor().spans() == [sp(TEXT2, "Apple", "ORG"), sp(TEXT2, "Tim Cook", "PERSON")]
    assert widget.doc_list.item(0).text().startswith("✓")

    widget.final_editor().setFocus()
    qtbot.keyClick(widget.final_editor().text_edit(), Qt.Key.Key_N)  # nothing else unreviewed
    assert widget.current_document() == d2
    assert "No other disputed" in widget.status.text()

    widget.set_document(d1)  # a reviewed document opens with its saved review
    assert widget.final_editor().spans() == expected
    assert "reviewed by lead" in widget.title.text()


def test_no_disputed_documents(qtbot, db_path):
    project = Project(db_path, "lead")
    store = project.store
    doc, _ = store.documents.add_document("Paris is the capital of France.")
    store.annotations.save_annotation(doc, "alice", "accept", [Span(0, 5, "GPE")])
    widget = ReviewView(project, "lead")
    qtbot.addWidget(widget)
    assert widget.current_document() is None and not widget.accept_button.isEnabled()
    assert widget.accept() is False
    qtbot.waitUntil(lambda: widget.agreement is not None, timeout=20000)
    assert "No document has two" in widget.agreement_panel.status.text()
    widget.shutdown()
    project.close()


def test_entry_points_for_the_main_window(qtbot, merged):
    project, ids = merged
    window = open_review_window(project, "lead")
    assert window.isWindow() and window.isVisible()
    qtbot.waitUntil(lambda: window.listed, timeout=20000)  # listed off the GUI thread
    assert window.current_document() == ids[0]
    area = window.screen().availableGeometry()
    assert window.width() <= area.width() and window.height() <= area.height()
    qtbot.waitUntil(lambda: window.agreement is not None, timeout=20000)
    with qtbot.waitSignal(window.destroyed, timeout=5000):  # Escape closes it, and it is deleted
        qtbot.keyClick(window.final_editor().text_edit(), Qt.Key.Key_Escape)
        qtbot.keyClick(window.doc_list, Qt.Key.Key_Escape)


def test_disputed_marks_and_accept_all_unanimous(qtbot, merged):
    project, ids = merged
    widget = ReviewView(project, "lead")
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.listed, timeout=20000)
    texts = [widget.doc_list.item(i).text() for i in range(widget.doc_list.count())]
    assert texts and all(t.startswith("⚑") for t in texts)  # nobody has reviewed them yet
    assert "higher means more disagreement" in widget.list_title.text()
    assert project.store.queries.reviewed_document_ids() == []
    with qtbot.waitSignal(project.reviewSaved, timeout=5000):
        saved = widget.accept_unanimous()
    assert saved == 1 and project.store.queries.reviewed_document_ids() == [ids[2]]  # Paris: both agree
    assert widget.status.text() == "Reviewed 1 document as lead: 1 unanimous; 2 disputed documents left."
    assert project.store.reviews.get_review(ids[2]).method == "unanimous"
    assert widget.accept_unanimous() == 0  # idempotent
    qtbot.waitUntil(lambda: widget.agreement is not None, timeout=20000)
    quality = widget.agreement_panel.quality
    assert [quality.item(r, 0).text() for r in range(quality.rowCount())] == ["alice", "bob"]
    widget.shutdown()


def qtbot_top_levels():
    from PySide6.QtWidgets import QApplication

    return QApplication.topLevelWidgets()


def test_the_unchanged_column_uses_what_the_window_showed(qtbot, tmp_path):
    """Issue 23 §4: bob accepted the ★ and model suggestions as shown: 100% unchanged in the
    review window's column, as in `agreement --json` (tests/core/test_unchanged.py)."""
    from tests.core.test_unchanged import build

    path = tmp_path / "team.db"
    build(path)
    project = Project(path, "lead")
    widget = ReviewView(project, "lead")
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.agreement is not None, timeout=20000)
    table = widget.agreement_panel.quality
    header = table.horizontalHeaderItem(2)
    assert header.text() == "As shown" and "window showed" in header.toolTip()
    cells = {table.item(r, 0).text(): table.item(r, 2).text() for r in range(table.rowCount())}
    assert cells == {"alice": "50%", "bob": "100%", "carol": "n/a"}
    widget.shutdown()
    project.close()


def test_the_list_is_made_off_the_gui_thread_and_the_window_never_waits_for_it(qtbot, merged, monkeypatch):
    """Scoring a disputed document tokenizes it (1 - alpha): hundreds took seconds on the GUI
    thread when the window opened. The list comes from a worker; the window opens at once,
    and a review saved before the list is in moves on when it arrives."""
    import threading

    from annotator.core.team import review as review_module
    from annotator.gui.review import disputed_list

    project, (d1, d2, _d3) = merged
    release, threads = threading.Event(), []
    real_table, real_tokenize = disputed_list.disagreement_table, review_module.tokenize

    def held_table(store, **kwargs):  # type: ignore[no-untyped-def]
        release.wait(20)
        return real_table(store, **kwargs)

    def tokenize(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread())
        return real_tokenize(*args, **kwargs)

    monkeypatch.setattr(disputed_list, "disagreement_table", held_table)
    monkeypatch.setattr(review_module, "tokenize", tokenize)
    monkeypatch.setattr(review_module, "_ROWS", type(review_module._ROWS)())  # nothing scored yet
    widget = ReviewView(project, "lead")  # returns although the listing is held
    qtbot.addWidget(widget)
    assert not widget.listed and widget.current_document() is None
    assert "Finding the documents" in widget.title.text() and not widget.accept_button.isEnabled()
    widget.set_document(d2)  # opened meanwhile (the agreement panel's documents) and accepted
    assert widget.accept() and project.store.reviews.get_review(d2) is not None
    release.set()
    qtbot.waitUntil(lambda: widget.listed, timeout=20000)
    assert threads and all(t is not threading.main_thread() for t in threads)
    assert widget.current_document() == d1  # moved on from the review saved before the list came
    texts = [widget.doc_list.item(i).text() for i in range(widget.doc_list.count())]
    assert texts[0].startswith(f"⚑ #{d1}") and texts[1].startswith(f"✓ #{d2}")
    widget.shutdown()
