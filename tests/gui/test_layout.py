"""Layout and messages people read in the window (issue 23 §8): nothing cut off, each case
with a screenshot in the `shots` folder ($ANNOTATOR_SHOTS keeps them): the Export dialog on a
1280-pixel screen, span tags at the editor's right edge, long paths in status messages, the
Team hub dialog showing an error, the review window's headers and tables, the shortcut list,
and the pre-annotation indicator once the work is done."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QStatusBar, QTableView, QWidget

from annotator.core.store import Store
from annotator.core.text.model import SOURCE_MODEL, Span
from tests.gui.span_helpers import make_editor
from tests.gui.window_helpers import make_project, open_window


def rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, widget.rect().topLeft()), widget.size())


def shows_all_its_text(label: QLabel) -> bool:
    if label.wordWrap():
        return label.height() >= label.heightForWidth(label.width())
    return label.width() >= label.sizeHint().width()


# ---- the Export dialog --------------------------------------------------------------------------
def test_the_export_dialog_fits_a_1280_pixel_screen(qtbot, db_path, tmp_path, shots: Path):
    from annotator.gui.dialogs.export_dialog import ExportDialog

    make_project(db_path)
    dialog = ExportDialog(db_path, "alice", QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.sizeHint().width() <= 900 and dialog.width() <= 1280
    for name in ("jsonl", "spacy", "label-studio", "webanno"):  # every format's description fits too
        dialog.set_format(name)
        qtbot.wait(10)
        assert dialog.sizeHint().width() <= 900, name
        (ok,) = [b for b in dialog.findChildren(QPushButton) if b.text().replace("&", "") == "OK"]
        assert rect_in(ok, dialog).right() <= dialog.width()
        assert dialog.description.text() and shows_all_its_text(dialog.description)
    dialog.set_format("jsonl")
    assert dialog.grab().save(str(shots / "export-dialog.png"))


def test_the_export_dialog_offers_the_command_lines_answers_and_its_checks(qtbot, db_path, tmp_path):
    from annotator.core.formats.exporters.options import EXPORT_ANSWERS
    from annotator.gui.dialogs.export_dialog import WHAT_MINE, ExportDialog

    make_project(db_path)
    dialog = ExportDialog(db_path, "alice", QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(dialog)
    assert [dialog.answer.itemText(i) for i in range(dialog.answer.count())] == list(EXPORT_ANSWERS)
    dialog.set_format("spacy")
    assert dialog.options() == {"annotator": None, "answer": "accept", "reviewed": False, "gold": True}
    dialog.set_what(WHAT_MINE)
    dialog.answer.setCurrentText("draft")
    assert dialog.options() == {"annotator": "alice", "answer": "draft", "reviewed": False, "gold": False}


# ---- span tags at the right edge ------------------------------------------------------------------
def test_span_tags_stay_inside_the_editor_at_its_right_edge(qtbot, shots: Path):
    editor = make_editor(qtbot, width=420, height=300)
    text = " ".join(["xx"] * 120)
    editor.set_document(text, [])
    view = editor.text_edit()
    starts = [i for i in range(0, len(text), 3)]
    tops = {s: view.line_rects(*editor.offsets().range_to_qt(s, s + 2))[0].top() for s in starts}
    first_line = [s for s in starts if tops[s] == tops[0]]
    second_line = [s for s in starts if tops[s] == tops[starts[len(first_line)]]]
    # The last word of line 1 with a tag wider than it; the last three words of line 2, each
    # with a long tag, pushed right by their neighbours.
    spans = [Span(first_line[-1], first_line[-1] + 2, "PERSON", SOURCE_MODEL)]
    spans += [Span(s, s + 2, label, SOURCE_MODEL) for s, label in zip(second_line[-3:], ("PERSON", "EVENT", "MONEY"))]
    editor.set_document(text, sorted(spans))
    qtbot.wait(50)  # the new document is laid out, then painted
    view.viewport().repaint()
    tags = sorted(editor._tags, key=lambda t: (round(t[0].top()), t[0].left()))
    assert len(tags) == 4
    width = view.viewport().width()
    for rect, span in tags:
        assert 0 <= rect.left() and rect.right() <= width, (span, rect, width)
    line2 = [rect for rect, span in tags if span.start in second_line]
    assert all(a.right() <= b.left() for a, b in zip(line2, line2[1:]))  # still side by side
    assert editor.grab().save(str(shots / "tags-right-edge.png"))


# ---- status messages with long paths ---------------------------------------------------------------
LONG_PATH = "/home/someone/Documents/projects/annotation/exports/2024/deep/folder/structure/team-gold-export.jsonl"


def test_status_messages_elide_long_paths_in_the_middle(qtbot, db_path, shots: Path):
    make_project(db_path)
    w = open_window(qtbot, db_path)
    w.resize(900, 600)
    message = f"Exported 1,234 records to {LONG_PATH}"
    w.status.showMessage(message, 60000)
    qtbot.wait(50)
    shown = QStatusBar.currentMessage(w.status)  # what is painted
    assert w.status.currentMessage() == message and w.status.toolTip() == message
    assert shown.startswith("Exported 1,234 records to /h") and shown.endswith("/team-gold-export.jsonl")
    assert "…" in shown
    permanent = [c for c in w.status.findChildren(QWidget) if c.parent() is w.status and c.isVisible()
                 and c.width() > 0]
    room = min(c.x() for c in permanent)
    assert w.status.fontMetrics().horizontalAdvance(shown) < room
    assert w.status.grab().save(str(shots / "status-long-path.png"))
    w.resize(1600, 600)  # wider: more of the path shows again
    qtbot.wait(50)
    assert len(QStatusBar.currentMessage(w.status)) > len(shown)
    w.status.showMessage("Saved", 3000)  # a short message is shown as it is
    assert QStatusBar.currentMessage(w.status) == "Saved" == w.status.currentMessage()


# ---- the Team hub dialog with an error -------------------------------------------------------------
def test_the_hub_dialog_keeps_its_fields_usable_while_it_shows_an_error(qtbot, db_path, shots: Path):
    from annotator.gui.hub.hub_dialog import HubDialog

    make_project(db_path)
    w = open_window(qtbot, db_path)
    dialog = HubDialog(w.hub, w)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    for url in ("postgresql://bob@localhost:5432/team", "not a url " * 12):
        dialog.url_edit.setText(url)
        assert not dialog.connect_hub()
        qtbot.wait(50)
        assert dialog.error.isVisible() and dialog.error.text()
        assert shows_all_its_text(dialog.error)
        for field in (dialog.url_edit, dialog.password_edit):
            assert field.height() >= field.sizeHint().height(), (url, field.objectName(), field.size())
            assert not rect_in(field, dialog).intersects(rect_in(dialog.error, dialog))
        assert rect_in(dialog.remember, dialog).bottom() < rect_in(dialog.error, dialog).top()
        assert rect_in(dialog.connect_button, dialog).bottom() <= dialog.height()
    assert dialog.grab().save(str(shots / "hub-dialog-error.png"))
    dialog.password_edit.setFocus()
    qtbot.keyClicks(dialog.password_edit, "secret")
    assert dialog.password_edit.text() == "secret"  # still usable


# ---- the review window ----------------------------------------------------------------------------
@pytest.mark.slow
def test_the_review_windows_headers_and_tables_are_not_truncated(qtbot, tmp_path, shots: Path):
    from annotator.gui.project import Project
    from annotator.gui.review.review_view import ReviewView
    from tests.gui.test_review_view import ALICE1, BOB1, TEXT1

    with Store(tmp_path / "p.db") as store:
        (doc,), _ = store.documents.add_documents([(TEXT1, {})])
        store.annotations.save_annotation(doc, "alexandra.konstantinopoulou", "accept", ALICE1)
        store.annotations.save_annotation(doc, "bob", "accept", BOB1)
        store.annotations.save_annotation(doc, "carol", "accept", ALICE1[:4])
    project = Project(tmp_path / "p.db", "lead")
    view = ReviewView(project, "lead")
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.agreement is not None, timeout=20000)
    for width, height in ((1152, 648), (1024, 600)):  # 90% of a 1280x720 screen, a small laptop
        view.resize(width, height)
        qtbot.wait(100)
        assert view.grab().save(str(shots / f"review-{width}.png"))
        for label in view.findChildren(QLabel):
            if label.isVisible() and label.text():
                assert shows_all_its_text(label), (width, label.text()[:60], label.size())
        for table in view.findChildren(QTableView):
            header, metrics = table.horizontalHeader(), table.fontMetrics()
            last = header.count() - 1  # every column inside the table: none cut off at its right edge
            assert header.sectionViewportPosition(last) + header.sectionSize(last) <= table.viewport().width(), (
                width, table.objectName())
            assert header.sectionSize(0) >= 60, (width, table.objectName())  # the names still readable
            for column in range(1, header.count()):  # the figures: the names' column elides
                text = table.model().headerData(column, Qt.Orientation.Horizontal)
                assert header.sectionSize(column) >= header.fontMetrics().horizontalAdvance(text) + 8, (width, text)
                for row in range(table.model().rowCount()):
                    value = table.model().index(row, column).data() or ""
                    assert header.sectionSize(column) >= metrics.horizontalAdvance(value) + 8, (width, value)
        for name, editor in {**view.annotator_editors(), "final": view.final_editor()}.items():
            assert editor.text_edit().verticalScrollBar().value() == 0, name  # the first line's tags show
    view.shutdown()
    project.close()


# ---- the shortcut list ------------------------------------------------------------------------------
def test_the_shortcut_list_shows_every_row_in_full(qtbot, db_path, shots: Path):
    make_project(db_path)
    w = open_window(qtbot, db_path)
    dialog = w.show_shortcuts()
    qtbot.waitExposed(dialog)
    qtbot.wait(50)
    table = dialog.table
    assert dialog.grab().save(str(shots / "shortcuts.png"))
    metrics = table.fontMetrics()
    for row in range(table.rowCount()):
        keys, what = table.item(row, 0), table.item(row, 1)
        bold = keys.font()
        assert table.columnWidth(0) >= type(metrics)(bold).horizontalAdvance(keys.text()) + 8, keys.text()
        needed = metrics.boundingRect(QRect(0, 0, table.columnWidth(1) - 6, 10_000),  # the delegate's margins
                                      int(Qt.TextFlag.TextWordWrap), what.text()).height()
        assert table.rowHeight(row) >= needed, (what.text(), table.rowHeight(row), needed)
    texts = " ".join(table.item(r, 1).text() for r in range(table.rowCount()))
    assert "next span" in texts  # the label keys' rule (SpanEditor.choose_label) is what it says


# ---- the pre-annotation indicator --------------------------------------------------------------------
def test_a_finished_tasks_indicator_goes_away_and_comes_back_with_new_work(qtbot, monkeypatch):
    from annotator.gui import status as status_module
    from annotator.gui.status import StatusBar

    monkeypatch.setattr(status_module, "DONE_HIDE_MS", 300)
    bar = StatusBar()
    qtbot.addWidget(bar)
    bar.show()
    task = bar.start_task("suggest", "Loading model", lambda: None)
    bar.task_progress("suggest", 3, 8, "Pre-annotating")
    assert task.isVisible()
    bar.task_progress("suggest", 8, 8, "Pre-annotated")
    assert task.isVisible() and "8/8" in task.label.text()
    qtbot.waitUntil(lambda: not task.isVisible(), timeout=2000)
    assert bar.task("suggest") is task  # the model stays loaded: the task goes on, unseen
    bar.task_progress("suggest", 8, 10, "Pre-annotating")  # new documents arrived
    assert task.isVisible()


@pytest.mark.slow
def test_the_pre_annotated_indicator_goes_away_after_the_work_ends(qtbot, db_path, shots: Path):
    from annotator.gui import status as status_module

    make_project(db_path)
    w = open_window(qtbot, db_path, model=None)  # the real model, pre-annotating in its process
    qtbot.waitUntil(lambda: w.status.task("suggest") is not None
                    and "Pre-annotated 4/4" in w.status.task("suggest").label.text(), timeout=90000)
    assert w.status.task("suggest").isVisible()
    assert w.status.grab().save(str(shots / "status-pre-annotated.png"))
    qtbot.waitUntil(lambda: not w.status.task("suggest").isVisible(), timeout=status_module.DONE_HIDE_MS + 2000)
