"""The annotation window through the keyboard and mouse, against a real project file."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from annotator.core.store import Store
from annotator.core.text.model import Span
from annotator.gui import file_actions
from annotator.gui.dialogs import dialogs
from tests.gui.window_helpers import (
    ARTICLES,
    click_span,
    drag,
    key,
    make_project,
    open_window,
    reactivate,
)

K = Qt.Key


@pytest.fixture
def project(db_path: Path) -> tuple[Path, list[int]]:
    return db_path, make_project(db_path)


def _fresh(db_path: Path, fn):
    """Read through a second connection: proves the data is committed to the file."""
    with Store(db_path) as other:
        return fn(other)


def test_select_label_accept_next_saves_before_next_document_shows(qtbot, project):
    db_path, ids = project
    w = open_window(qtbot, db_path)
    assert w.current_id == ids[0]
    text = ARTICLES[0]

    key(qtbot, w, K.Key_1)  # PERSON
    assert w.label_bar.active() == "PERSON" and w.editor.active_label() == "PERSON"
    start = text.index("Emmanuel Macron")
    drag(qtbot, w, start, start + len("Emmanuel Macron"))
    assert w.editor.spans() == [Span(start, start + 15, "PERSON")]
    # The edit is a draft in the file already.
    assert _fresh(db_path, lambda s: s.drafts.get_draft(ids[0], "alice")) == (Span(start, start + 15, "PERSON"),)
    assert w.doc_model.status(ids[0]) == "draft"

    seen_when_next_shows = []
    w.documentShown.connect(lambda doc_id: seen_when_next_shows.append(
        (doc_id, w.editor.text(), _fresh(db_path, lambda s: s.annotations.get_annotation(ids[0], "alice")))))
    key(qtbot, w, K.Key_A)
    assert w.current_id == ids[1]
    assert w.editor.text() == ARTICLES[1]
    shown_id, shown_text, ann = seen_when_next_shows[0]
    assert (shown_id, shown_text) == (ids[1], ARTICLES[1])
    assert ann is not None and ann.answer == "accept"
    assert ann.spans == (Span(start, start + 15, "PERSON"),)
    assert _fresh(db_path, lambda s: s.drafts.get_draft(ids[0], "alice")) is None
    assert w.doc_model.status(ids[0]) == "accepted"
    assert "1 of 4 done" in w.status.progress_label.text()


def test_number_keys_relabel_the_selected_span_else_set_active_label(qtbot, project):
    db_path, ids = project
    start = ARTICLES[0].index("Berlin")
    with Store(db_path) as s:
        s.drafts.save_draft(ids[0], "alice", [Span(start, start + 6, "PERSON")])
    w = open_window(qtbot, db_path)
    assert w.origin == "draft"
    key(qtbot, w, K.Key_2)  # nothing selected: ORG becomes active
    assert w.label_bar.active() == "ORG"
    click_span(qtbot, w, w.editor.spans()[0])
    assert w.editor.selected_span() is not None
    key(qtbot, w, K.Key_3)  # GPE: relabels the span, the active label stays ORG
    assert w.editor.spans() == [Span(start, start + 6, "GPE")]
    assert w.label_bar.active() == "ORG"
    assert _fresh(db_path, lambda s: s.drafts.get_draft(ids[0], "alice")) == (Span(start, start + 6, "GPE"),)


def test_delete_undo_redo(qtbot, project):
    db_path, ids = project
    text = ARTICLES[0]
    w = open_window(qtbot, db_path)
    key(qtbot, w, K.Key_3)
    start = text.index("Berlin")
    drag(qtbot, w, start, start + 6)
    berlin = Span(start, start + 6, "GPE")
    assert w.editor.spans() == [berlin]

    key(qtbot, w, K.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert w.editor.spans() == []
    assert _fresh(db_path, lambda s: s.drafts.get_draft(ids[0], "alice")) == ()
    key(qtbot, w, K.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert w.editor.spans() == [berlin]
    assert _fresh(db_path, lambda s: s.drafts.get_draft(ids[0], "alice")) == (berlin,)

    click_span(qtbot, w, berlin)
    assert w.editor.selected_span() == berlin
    key(qtbot, w, K.Key_Delete)
    assert w.editor.spans() == []
    assert _fresh(db_path, lambda s: s.drafts.get_draft(ids[0], "alice")) == ()
    key(qtbot, w, K.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert w.editor.spans() == [berlin]


def test_reject_skip_previous_next(qtbot, project):
    db_path, ids = project
    w = open_window(qtbot, db_path)
    key(qtbot, w, K.Key_X)
    assert w.current_id == ids[1]
    key(qtbot, w, K.Key_Space)
    assert w.current_id == ids[2]
    assert _fresh(db_path, lambda s: s.annotations.get_annotation(ids[0], "alice").answer) == "reject"
    assert _fresh(db_path, lambda s: s.annotations.get_annotation(ids[1], "alice").answer) == "ignore"
    assert w.doc_model.status(ids[0]) == "rejected" and w.doc_model.status(ids[1]) == "skipped"

    key(qtbot, w, K.Key_Left)
    assert w.current_id == ids[1]
    key(qtbot, w, K.Key_PageUp)
    assert w.current_id == ids[0]
    key(qtbot, w, K.Key_Left)  # first document: stays
    assert w.current_id == ids[0]
    key(qtbot, w, K.Key_Right)
    key(qtbot, w, K.Key_PageDown)
    assert w.current_id == ids[2]
    assert w.editor.text() == ARTICLES[2]


def test_accepting_again_overwrites_and_keeps_history(qtbot, project):
    db_path, ids = project
    text = ARTICLES[0]
    w = open_window(qtbot, db_path)
    key(qtbot, w, K.Key_A)  # accept with no spans
    key(qtbot, w, K.Key_Left)
    assert w.current_id == ids[0] and w.origin == "annotation"
    key(qtbot, w, K.Key_3)
    start = text.index("Berlin")
    drag(qtbot, w, start, start + 6)
    key(qtbot, w, K.Key_A)
    ann = _fresh(db_path, lambda s: s.annotations.get_annotation(ids[0], "alice"))
    assert ann.spans == (Span(start, start + 6, "GPE"),)
    history = _fresh(db_path, lambda s: s.annotations.annotation_history(ids[0], "alice"))
    assert [h.spans for h in history] == [()]


def test_the_draft_survives_closing_the_window(qtbot, project):
    db_path, ids = project
    text = ARTICLES[1]
    w = open_window(qtbot, db_path)
    key(qtbot, w, K.Key_Right)
    key(qtbot, w, K.Key_2)
    start = text.index("Apple")
    drag(qtbot, w, start, start + 5)
    w.close()  # no accept
    del w

    w2 = open_window(qtbot, db_path)
    # Resumes at the first undecided document; the draft is there when it is opened.
    assert w2.doc_model.status(ids[1]) == "draft"
    w2.open_document(ids[1])
    assert w2.origin == "draft"
    assert w2.editor.spans() == [Span(start, start + 5, "ORG")]


def test_astral_characters_keep_code_point_offsets_into_the_store(qtbot, db_path):
    text = "😀🇫🇷 Breaking 𝔸: Emmanuel Macron visited 🎉 Berlin today."
    ids = make_project(db_path, [text])
    w = open_window(qtbot, db_path)
    key(qtbot, w, K.Key_1)
    start = text.index("Emmanuel")
    drag(qtbot, w, start, start + len("Emmanuel Macron"))
    click_span(qtbot, w, Span(start, start + 15, "PERSON"))
    key(qtbot, w, K.Key_3)  # the span clicked: 3 relabels it GPE
    key(qtbot, w, K.Key_Escape)  # unselect; 3 now makes GPE the active label
    key(qtbot, w, K.Key_3)
    b = text.index("Berlin")
    drag(qtbot, w, b, b + 6)
    key(qtbot, w, K.Key_A)
    ann = _fresh(db_path, lambda s: s.annotations.get_annotation(ids[0], "alice"))
    got = {(s.start, s.end, s.label) for s in ann.spans}
    assert got == {(start, start + 15, "GPE"), (b, b + 6, "GPE")}
    assert [text[s.start:s.end] for s in ann.spans] == ["Emmanuel Macron", "Berlin"]


def test_help_shortcuts_on_question_mark(qtbot, project):
    db_path, _ = project
    w = open_window(qtbot, db_path)
    qtbot.keyClick(w.editor.text_edit(), "?")
    dialog = w.findChild(dialogs.ShortcutsDialog)
    assert dialog is not None and dialog.isVisible()
    table = dialog.table
    rows = {table.item(i, 1).text(): table.item(i, 0).text() for i in range(table.rowCount())}
    assert rows["Accept (save as gold)"] == "A"
    assert rows["Skip"] == "Space"
    assert "Left" in rows["Previous document"] and "PgUp" in rows["Previous document"]
    keys = {table.item(i, 0).text(): table.item(i, 1).text() for i in range(table.rowCount())}
    assert "character by character" in keys["Alt + drag"]  # the marks and gestures are explained
    assert "not confirmed" in keys["Dashed border, ?"] and "labelled this phrase" in keys["★ on a tag"]
    dialog.close()


def test_labels_dialog_adds_renames_and_recolours(qtbot, project):
    db_path, ids = project
    w = open_window(qtbot, db_path)
    dialog = dialogs.LabelsDialog(w.project, w)
    qtbot.addWidget(dialog)
    assert dialog.add_label("PRODUCT")
    assert dialog.rename_label("PRODUCT", "PRODUCT_NAME")
    assert dialog.recolour_label("PRODUCT_NAME", "#123456")
    w.labels_changed()
    assert "PRODUCT_NAME" in w.label_bar.names()
    key_ = w.label_bar.keys()["PRODUCT_NAME"]
    assert key_ == "0"  # the tenth label gets 0
    key(qtbot, w, K.Key_0)
    assert w.editor.active_label() == "PRODUCT_NAME"
    assert "#123456" in w.label_bar.button("PRODUCT_NAME").styleSheet()
    assert not dialog.add_label("ORG")  # exists: a message says so, nothing changes
    boxes = [b for b in dialog.findChildren(QMessageBox) if b.isVisible()]
    assert boxes and "already exists" in boxes[0].text()
    assert w.project.store.labels.label_names().count("ORG") == 1
    assert not dialog.add_label("NEW LABEL")  # the store's label-name rule, said in a message
    assert not dialog.rename_label("PRODUCT_NAME", "NEW LABEL")
    boxes = [b for b in dialog.findChildren(QMessageBox) if b.isVisible()]
    assert any("must not contain spaces" in b.text() for b in boxes)
    assert "NEW LABEL" not in w.project.store.labels.label_names()


def test_opening_a_file_that_is_not_a_project_says_so(qtbot, project, tmp_path):
    db_path, ids = project
    w = open_window(qtbot, db_path)
    bogus = tmp_path / "notes.db"
    bogus.write_text("just some text, not SQLite\n" * 100)
    assert not w.switch_project(bogus)
    boxes = [b for b in w.findChildren(QMessageBox) if b.isVisible()]
    assert boxes and "not an annotator project" in boxes[0].text()
    assert w.project.path == db_path and w.current_id == ids[0]
    boxes[0].close()


@pytest.mark.slow
def test_switching_project_and_title(qtbot, project, tmp_path):
    db_path, _ = project
    w = open_window(qtbot, db_path)
    from annotator.gui.app import create_app

    # The platform shows "<title> — <display name>": the project, then the app.
    assert create_app().applicationDisplayName() == "Annotator"
    assert w.windowTitle() == f"{db_path.name} ({db_path.parent})"
    other = tmp_path / "other.db"
    other_ids = make_project(other, ["Only one article about Paris."])
    assert w.switch_project(other)
    assert other.name in w.windowTitle()
    assert w.current_id == other_ids[0]
    qtbot.waitUntil(lambda: w.doc_model.total() == 1, timeout=30000)  # the list fills from a worker
    from annotator.gui.settings import recent_projects

    assert str(other.resolve()) == recent_projects()[0]


def test_a_model_that_fails_to_load_leaves_manual_labelling_working(qtbot, project):
    db_path, ids = project
    w = open_window(qtbot, db_path, model="no_such_spacy_model_xyz", wait_active=False)
    qtbot.waitUntil(lambda: w.project.model_error is not None, timeout=20000)
    assert "no_such_spacy_model_xyz" in w.project.model_error
    assert "failed" in w.status.model_label.text()
    boxes = [b for b in w.findChildren(QMessageBox) if b.isVisible()]
    assert boxes and "no_such_spacy_model_xyz" in boxes[0].text()
    boxes[0].close()
    reactivate(qtbot, w)
    key(qtbot, w, K.Key_A)
    assert _fresh(db_path, lambda s: s.annotations.get_annotation(ids[0], "alice").answer) == "accept"


def test_drop_files_imports_in_the_background(qtbot, project, tmp_path):
    pytest.importorskip("annotator.core.ops.importing")
    db_path, _ = project
    w = open_window(qtbot, db_path)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("A new article about the Red Cross in Nairobi.", encoding="utf-8")
    (folder / "b.txt").write_text("Another one about Madrid and Real Madrid.", encoding="utf-8")
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    w.dropEvent(event)
    assert w.status.task("import") is not None
    qtbot.waitUntil(lambda: w.doc_model.total() == 6, timeout=20000)
    qtbot.waitUntil(lambda: w.status.task("import") is None, timeout=5000)
    assert "Imported 2" in w.status.currentMessage()


def test_export_runs_in_a_worker_with_status(qtbot, project, tmp_path):
    pytest.importorskip("annotator.core.ops.exporting")
    db_path, ids = project
    w = open_window(qtbot, db_path)
    key(qtbot, w, K.Key_3)
    b = ARTICLES[0].index("Berlin")
    drag(qtbot, w, b, b + 6)
    key(qtbot, w, K.Key_A)
    out = tmp_path / "gold.jsonl"
    file_actions.export(w, w.project, w.tasks, "jsonl", out, {"annotator": "alice", "answer": "accept", "reviewed": False})
    assert w.status.task("export") is not None
    qtbot.waitUntil(lambda: w.status.task("export") is None, timeout=20000)
    assert "Exported 1 record to" in w.status.currentMessage()
    import json

    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(s["start"], s["end"], s["label"]) for s in records[0]["spans"]] == [(b, b + 6, "GPE")]


def test_tokens_arrive_from_the_background_and_snap_selections(qtbot, db_path):
    text = "Prices rose in the U.S.-Canada corridor."
    make_project(db_path, [text])
    w = open_window(qtbot, db_path)
    qtbot.waitUntil(lambda: w.background.cached_tokens(w.current_id) is not None, timeout=30000)
    tokens = w.background.cached_tokens(w.current_id).tokens
    assert any(t.text == "U.S.-Canada" for t in tokens)  # spaCy's token, not a word regex's
    key(qtbot, w, K.Key_3)
    start = text.index("U.S.")
    drag(qtbot, w, start + 2, start + 3)  # just the "S": snaps to the whole spaCy token
    assert [text[s.start:s.end] for s in w.editor.spans()] == ["U.S.-Canada"]


def test_fast_navigation_still_gets_tokens_for_the_document_on_screen(qtbot, project):
    db_path, ids = project
    w = open_window(qtbot, db_path)
    for _ in range(3):
        key(qtbot, w, K.Key_Right)
    assert w.current_id == ids[3]
    qtbot.waitUntil(lambda: w.background.cached_tokens(ids[3]) is not None, timeout=30000)
    key(qtbot, w, K.Key_Left)
    qtbot.waitUntil(lambda: w.background.cached_tokens(ids[2]) is not None, timeout=30000)
    assert [t.text for t in w.background.cached_tokens(ids[2]).tokens][:3] == ["The", "United", "Nations"]


def test_an_empty_project_opens_and_gets_its_first_document_from_an_import(qtbot, db_path, tmp_path):
    pytest.importorskip("annotator.core.ops.importing")
    Store(db_path).close()
    w = open_window(qtbot, db_path)
    assert w.current_id is None and "No documents yet" in w.header.text()
    key(qtbot, w, K.Key_A)  # nothing to decide: nothing happens
    key(qtbot, w, K.Key_Right)
    article = tmp_path / "one.txt"
    article.write_text("Kenya's president spoke in Nairobi.", encoding="utf-8")
    file_actions.import_paths(w, w.project, w.tasks, [article])
    qtbot.waitUntil(lambda: w.current_id is not None, timeout=20000)
    assert w.editor.text() == "Kenya's president spoke in Nairobi."
    assert not w.editor.is_read_only()


def test_reopening_resumes_at_the_document_with_a_draft(qtbot, project):
    db_path, ids = project
    with Store(db_path) as s:
        s.annotations.save_annotation(ids[0], "alice", "accept", [])
        s.drafts.save_draft(ids[2], "alice", [Span(0, 3, "PERSON")])
    w = open_window(qtbot, db_path)
    # ids[1] is new and comes first, but unfinished work is where the person left off.
    assert w.current_id == ids[2]
    assert [(s.start, s.end, s.label) for s in w.editor.spans()] == [(0, 3, "PERSON")]


def test_accept_before_the_gold_matcher_is_built_still_teaches_it(qtbot, project):
    from annotator.core.learning.learned import GoldMatcher
    from annotator.core.ops.work import decide
    from annotator.gui.actions import Session, learn_from

    db_path, ids = project
    with Store(db_path) as s:
        session = Session(s, "alice")
        text = s.documents.get_document(ids[0]).text
        decide(s, ids[0], "alice", "accept", [Span(0, 8, "PERSON")], by="window")
        assert learn_from(session, [ids[0]]) and ids[0] in session.pending_gold
        # The matcher was built from the store before that accept was written.
        session.set_matcher(GoldMatcher())
        assert not session.pending_gold
        proposed = session.matcher.propose(f"and {text[0:8]} again")
        assert [(p.start, p.end, p.label) for p in proposed] == [(4, 12, "PERSON")]


def test_the_window_shows_a_document_before_its_list_is_filled(qtbot, project):
    from annotator.gui.main_window import MainWindow

    db_path, ids = project
    w = MainWindow(db_path, "alice", "")
    qtbot.addWidget(w)
    # Constructed: the resume document is on screen, the list is still being read in a worker.
    assert w.current_id == ids[0] and w.editor.text()
    assert w.doc_model.loading and "list loading" in w.header.text()
    w.show()
    qtbot.waitUntil(lambda: not w.doc_model.loading, timeout=30000)
    assert w.doc_model.total() == len(ids) and "1 of 4" in w.header.text()
    assert w.doc_panel.view.currentIndex().row() == 0
