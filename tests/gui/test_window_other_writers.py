"""Other writers (issue 27 §2): the command line, a second window, a merge or a sync run
outside write to the project a window has open. The window notices by polling (one PRAGMA
data_version per tick) and updates what it shows from the change log: the label bar, the
document list, the counts and the disputed marks, as for its own writes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.core.store import Store
from annotator.core.text.model import Span
from tests.cli.helpers import run
from tests.gui.window_helpers import ARTICLES, drag, key, make_project, open_window

K = Qt.Key
# Each test runs the real command line in processes of its own and waits for the window's poll.
pytestmark = pytest.mark.slow
TEXTS = [*ARTICLES, "Nairobi hosted the summit on Tuesday.", "Brazil beat Chile in Santiago."]


def _cli(qtbot, *args: object) -> None:
    """The real `annotator` command in its own process, the window's event loop running."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen([sys.executable, "-m", "annotator", *map(str, args)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=60_000)
    out, err = proc.communicate()
    assert proc.returncode == 0, err


def test_a_label_and_a_document_added_from_the_command_line_show_in_the_open_window(qtbot, tmp_path):
    """The issue's case: `annotator labels add law_firm` with the window open used to leave
    the label bar as it was (key 0 did nothing, a drag made PERSON), and an imported
    document never reached the list ("0 of 6 done")."""
    db = tmp_path / "project.db"
    ids = make_project(db, TEXTS)
    w = open_window(qtbot, db)
    assert "law_firm" not in w.label_bar.names() and "0 of 6 done" in w.status.progress_label.text()
    polls_before = w.project.watcher.reads

    _cli(qtbot, "labels", "add", "law_firm", "--db", db)
    qtbot.waitUntil(lambda: "law_firm" in w.label_bar.names(), timeout=5000)
    assert w.label_bar.keys()["law_firm"] == "0"  # the tenth label
    key(qtbot, w, K.Key_0)
    assert w.editor.active_label() == "law_firm" and w.label_bar.active() == "law_firm"
    text = TEXTS[0]
    start = text.index("Angela Merkel")
    drag(qtbot, w, start, start + len("Angela Merkel"))
    assert w.editor.spans() == [Span(start, start + 13, "law_firm")]  # saved as a draft: the label is known
    with Store(db) as other:
        assert other.drafts.get_draft(ids[0], "alice") == (Span(start, start + 13, "law_firm"),)

    article = tmp_path / "new.txt"
    article.write_text("Kenya opened a consulate in Lagos.", encoding="utf-8")
    _cli(qtbot, "import", article, "--db", db)
    qtbot.waitUntil(lambda: w.doc_model.total() == 7, timeout=5000)
    assert w.doc_model.ids()[-1] == 7 and "Kenya opened" in w.doc_model.index(6).data()
    assert "0 of 7 done" in w.status.progress_label.text()
    assert "of 7" in w.header.text()
    # The edit in progress survived both (no reload of the document on screen).
    assert w.current_id == ids[0] and w.editor.undo_stack().count() == 1
    assert w.project.watcher.reads - polls_before <= 4  # the log is read only when someone wrote
    assert not w.doc_model.loading  # one row appended, no reload of the list


def test_decisions_made_elsewhere_update_one_row_each_and_the_disputed_marks(qtbot, tmp_path):
    """A second window (another connection, as alice) and a teammate's file merged from the
    command line: the list's rows, the counts and the ⚑ follow, row by row."""
    from annotator.gui.panels.doc_list import DISPUTED_ROLE

    db = tmp_path / "project.db"
    ids = make_project(db, TEXTS)
    w = open_window(qtbot, db)
    w.decide("accept")  # alice accepts the first article with no spans
    reloads = []
    w.doc_model.modelReset.connect(lambda: reloads.append(1))
    rows_changed = []
    w.doc_model.dataChanged.connect(lambda a, b, _roles: rows_changed.append((a.row(), b.row())))

    with Store(db) as second_window:  # alice, in another window of hers
        second_window.annotations.save_annotation(ids[3], "alice", "reject", [])
    qtbot.waitUntil(lambda: w.doc_model.status(ids[3]) == "rejected", timeout=5000)
    assert "2 of 6 done" in w.status.progress_label.text()
    assert (3, 3) in rows_changed and all(a == b for a, b in rows_changed)  # single rows

    bob = tmp_path / "bob.db"
    with Store(bob) as b:
        b.documents.add_documents([(t, {}) for t in TEXTS])
        b.annotations.save_annotation(ids[0], "bob", "accept", [Span(0, 8, "PERSON")])  # alice accepted it empty
        b.annotations.save_annotation(ids[1], "bob", "accept", [])
    result = run("merge", bob, "--db", db)
    assert result.exit_code == 0, result.output
    qtbot.waitUntil(lambda: w.project.disputed() == {ids[0]}, timeout=5000)
    assert w.doc_model.index(0).data(DISPUTED_ROLE) and "1 disputed" in w.status.disputed_label.text()
    assert not reloads  # never the whole list
    assert "2 of 6 done" in w.status.progress_label.text()  # bob's decisions are not alice's


def test_a_big_change_elsewhere_reloads_the_list_in_a_worker(qtbot, tmp_path):
    """Past what is worth updating row by row (ROWS_IN_PLACE), the list reloads its ids and
    statuses in a worker, and the disputed documents are counted in one."""
    from annotator.core.ops.changes import LIST_LIMIT

    db = tmp_path / "project.db"
    make_project(db, TEXTS)
    w = open_window(qtbot, db)
    texts = [f"Article number {i} about Paris." for i in range(LIST_LIMIT + 10)]
    with Store(db) as cli:
        new_ids, _ = cli.documents.add_documents([(t, {}) for t in texts])
        for doc_id in new_ids[:3]:
            cli.annotations.save_annotation(doc_id, "alice", "accept", [])
    qtbot.waitUntil(lambda: w.doc_model.total() == len(TEXTS) + len(texts) and not w.doc_model.loading,
                    timeout=10_000)
    assert w.doc_model.status(new_ids[0]) == "accepted"
    assert f"3 of {len(TEXTS) + len(texts):,} done" in w.status.progress_label.text()


def test_a_teammates_decision_is_learned_in_a_worker_not_by_a_rebuild(qtbot, tmp_path):
    """What a synced decision teaches reaches the gold matcher as its entries for that one
    document, learned in a worker (the whole matcher is not rebuilt), and the untouched
    document on screen then shows what it learned."""
    from annotator.core.text.model import SOURCE_GOLD

    db = tmp_path / "project.db"
    texts = ["Nairobi hosted the summit.", "The summit moved to Nairobi."]
    ids = make_project(db, texts)
    w = open_window(qtbot, db)
    qtbot.waitUntil(lambda: w.project.matcher is not None, timeout=30_000)
    rebuilds, learned = w.background.rebuilds, w.background.learned
    assert w.go(+1) and w.current_id == ids[1] and w.editor.spans() == []
    with Store(db) as bob:  # as a pull from the team hub writes it (not logged for pushing back)
        with bob.sync.hub_pull_transaction():
            bob.annotations.merge_annotation(ids[0], "bob", "accept", [Span(0, 7, "GPE")], 5.0, 5.0)
    nairobi = texts[1].index("Nairobi")
    qtbot.waitUntil(lambda: w.editor.spans() == [Span(nairobi, nairobi + 7, "GPE", SOURCE_GOLD)], timeout=10_000)
    assert (w.background.rebuilds, w.background.learned) == (rebuilds, learned + 1)
    assert len(w.project.matcher) == 1


def test_patterns_added_from_the_command_line_are_suggested_in_the_open_window(qtbot, tmp_path):
    """`annotator patterns add` (issue 25) with the window open: the window rebuilds its
    pattern matcher from the change log and the untouched document shows the ◆ match; a
    label the file brought (--add-labels) reaches the label bar, the one owner of the next
    span's label (the model) keeping its choice."""
    from annotator.core.text.model import SOURCE_PATTERN

    db = tmp_path / "project.db"
    make_project(db, ["Dockers in Belmouth struck in March."])
    w = open_window(qtbot, db)
    qtbot.waitUntil(lambda: w.background.started, timeout=30_000)
    key(qtbot, w, K.Key_2)
    chosen = w.project.current.active_label
    assert chosen == w.editor.active_label() == w.label_bar.active() != w.label_bar.names()[0]
    patterns = tmp_path / "team.jsonl"
    patterns.write_text('{"label": "UNION", "pattern": "dockers"}\n', encoding="utf-8")
    _cli(qtbot, "patterns", "add", patterns, "--add-labels", "--db", db)
    qtbot.waitUntil(lambda: Span(0, 7, "UNION", SOURCE_PATTERN) in w.editor.spans(), timeout=30_000)
    assert "UNION" in w.label_bar.names()
    assert w.project.current.active_label == w.editor.active_label() == w.label_bar.active() == chosen


def test_notes_and_guidelines_written_from_the_command_line_show_in_the_open_window(qtbot, tmp_path):
    """Issue 24's writes are operations too: a note added with `annotator notes add` shows
    its ✎ in the list and in the Notes panel of the open document, a label described with
    `annotator labels describe` reaches the label's tooltip, and `annotator guidelines set`
    the Guidelines panel, each seen through the change log as the window's own writes are."""
    from annotator.gui.panels.doc_list import NOTES_MARK

    db = tmp_path / "project.db"
    make_project(db, TEXTS)
    w = open_window(qtbot, db)
    panel = w.team.notes
    assert panel.doc_id == w.current_id == 1 and panel.list.count() == 0

    def row_text(doc_id: int) -> str:
        return w.doc_model.data(w.doc_model.index(w.doc_model.row_of(doc_id)))

    assert NOTES_MARK not in row_text(1)
    _cli(qtbot, "notes", "add", "1", "is Berlin the GPE here?", "--annotator", "bob", "--db", db)
    qtbot.waitUntil(lambda: NOTES_MARK in row_text(1), timeout=5000)
    assert panel.list.count() == 1 and "bob" in panel.list.item(0).text()
    assert NOTES_MARK not in row_text(2)

    _cli(qtbot, "labels", "describe", "GPE", "Countries, cities, states.", "--example", "Berlin", "--db", db)
    qtbot.waitUntil(lambda: "Countries, cities, states." in w.label_bar.button("GPE").toolTip(), timeout=5000)
    guidelines = tmp_path / "guidelines.md"
    guidelines.write_text("# Names\n\nWhole names, titles too.", encoding="utf-8")
    _cli(qtbot, "guidelines", "set", guidelines, "--db", db)
    qtbot.waitUntil(lambda: "Whole names, titles too." in w.team.guidelines.view.toPlainText(), timeout=5000)


def test_a_label_key_and_the_palette_set_from_the_command_line_reach_the_label_bar(qtbot, tmp_path):
    """Issue 28's label writes are operations too: `annotator labels key` gives the open
    window's label bar the new key (and its shortcut chooses the label, through the model),
    `annotator labels palette` recolours its buttons."""
    db = tmp_path / "project.db"
    make_project(db, TEXTS)
    with Store(db) as s:
        s.labels.set_label_color("GPE", "#000000")  # not the palette's
    w = open_window(qtbot, db)
    assert w.label_bar.keys()["GPE"] != "z"
    _cli(qtbot, "labels", "key", "GPE", "z", "--db", db)
    qtbot.waitUntil(lambda: w.label_bar.keys().get("GPE") == "z", timeout=5000)
    key(qtbot, w, K.Key_Z)
    assert w.project.current.active_label == w.editor.active_label() == w.label_bar.active() == "GPE"
    _cli(qtbot, "labels", "palette", "--db", db)
    with Store(db) as other:
        after = {label.name: label.color for label in other.labels.all()}
    assert after["GPE"] != "#000000"
    qtbot.waitUntil(lambda: {label.name: label.color for label in w.label_bar.labels()} == after, timeout=5000)
    assert after["GPE"] in w.label_bar.button("GPE").styleSheet()
