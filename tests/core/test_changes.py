"""Operations return what they changed (core/ops/changes.py), and the change log tells a
watcher on another connection the same (core/ops/watch.py): real project files, two
connections, no window."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.ops import labels, settings, work
from annotator.core.ops.changes import BY_CLI, BY_WINDOW, LIST_LIMIT, Changes, recorded
from annotator.core.ops.importing import import_files
from annotator.core.settings import DOC_ORDER
from annotator.core.ops.team import merge
from annotator.core.ops.watch import ChangeWatcher
from annotator.core.store import Store
from annotator.core.text.model import Span

TEXTS = ["Ana Ruiz flew to Lima.", "Apple hired Tim Cook.", "Paris is in France."]


def _project(path: Path) -> list[int]:
    with Store(path) as s:
        return s.documents.add_documents([(t, {}) for t in TEXTS])[0]


def test_each_operation_says_what_it_changed(tmp_path):
    ids = _project(tmp_path / "p.db")
    with Store(tmp_path / "p.db") as s:
        assert work.decide(s, ids[0], "alice", "accept", [], by=BY_WINDOW) == Changes(
            by=BY_WINDOW, decisions=True, drafts=True, doc_ids=frozenset({ids[0]}))
        assert work.decide(s, ids[1], "alice", "reject", [], by=BY_WINDOW, seconds=2.0).records
        assert work.review(s, ids[0], "rita", [], ["alice"], by=BY_CLI).doc_ids == {ids[0]}
        label, changes = labels.add_label(s, " LAW ", by=BY_CLI)
        assert label.name == "LAW" and changes == Changes(by=BY_CLI, labels=True)
        assert settings.use_model(s, "en_core_web_sm", by=BY_CLI).model
        assert settings.set_setting(s, DOC_ORDER, "disputed", by=BY_CLI).settings == {"doc_order"}
        s.annotations.save_annotation(ids[2], "bob", "accept", [Span(0, 5, "LAW")])
        renamed = labels.rename_label(s, "LAW", "LAW_FIRM", author="ann", by=BY_CLI)  # read from the change log
        assert renamed.labels and renamed.decisions and renamed.doc_ids == {ids[2]}


def test_a_bulk_operation_reads_its_changes_from_the_log(tmp_path):
    ids = _project(tmp_path / "p.db")
    other = tmp_path / "bob.db"
    with Store(other) as b:
        b.documents.add_documents([(TEXTS[1], {}), ("A text only bob has.", {})])
        b.annotations.save_annotation(1, "bob", "accept", [Span(0, 5, "ORG")])
        b.labels.add_label("PRODUCT")
    article = tmp_path / "new.txt"
    article.write_text("Lagos is in Nigeria.", encoding="utf-8")
    with Store(tmp_path / "p.db") as s:
        report, changes = merge(s, other, by="merge")
        assert report.documents_added == 1
        assert changes.by == "merge" and changes.labels and changes.decisions and not changes.reviews
        assert changes.doc_ids == {ids[1]} and changes.new_ids == (4,) and changes.new_documents == 1
        _report, changes = import_files(s, [article], by=BY_CLI)
        assert changes.documents and changes.new_ids == (5,) and not changes.decisions
        assert "1 document added" in changes.describe()
        _, again = merge(s, other, by="merge")  # nothing new: nothing changed
        assert not again and again.describe() == ""


@pytest.mark.slow
def test_past_the_limit_the_ids_are_not_listed(tmp_path):
    with Store(tmp_path / "p.db") as s:
        with recorded(s, BY_CLI) as done:
            ids, _ = s.documents.add_documents([(f"Text number {i}.", {}) for i in range(LIST_LIMIT + 5)])
            for doc_id in ids:
                s.annotations.save_annotation(doc_id, "alice", "accept", [])
        changes = done.changes
    assert changes.new_ids is None and changes.new_documents == LIST_LIMIT + 5
    assert changes.doc_ids is None and changes.decisions and "many documents" in changes.describe()


def test_the_watcher_sees_other_connections_only(tmp_path):
    path = tmp_path / "p.db"
    ids = _project(path)
    with Store(path) as window, Store(path) as cli:
        watcher = ChangeWatcher(window)
        assert not watcher.poll() and watcher.reads == 0
        work.decide(window, ids[0], "alice", "accept", [], by=BY_WINDOW)
        watcher.own_write()  # the window announced its own already
        assert not watcher.poll() and watcher.reads == 0  # data_version moves for others' commits only
        labels.add_label(cli, "law_firm", by=BY_CLI)
        cli.documents.add_documents([("Nairobi hosted the summit.", {})])
        work.decide(cli, ids[1], "bob", "accept", [], by=BY_CLI)
        seen = watcher.poll()
        assert seen.by == "elsewhere" and seen.labels and seen.decisions and seen.doc_ids == {ids[1]}
        assert seen.new_ids == (4,) and watcher.reads == 1
        assert not watcher.poll()  # read once
        # A pull from the hub is quiet for pushing, not for the window.
        with cli.sync.hub_pull_transaction():
            cli.annotations.merge_annotation(ids[2], "carol", "accept", [], 5.0, 5.0)
            cli.sync.set_hub_assignments("h1", "alice", [(ids[2], 9e9)])
        pulled = watcher.poll()
        assert pulled.decisions and pulled.assignments and pulled.doc_ids == {ids[2]}
        assert cli.sync.changed_annotations(0, 10)[-1][2] == "bob"  # carol's is still not pushed back


def test_own_writes_are_seen_again_when_another_writer_came_in_between(tmp_path):
    """The watermark skips the window's own write only when nobody else committed since the
    last look: then the next read names both (a row reread for nothing, none missed)."""
    path = tmp_path / "p.db"
    ids = _project(path)
    with Store(path) as window, Store(path) as cli:
        watcher = ChangeWatcher(window)
        work.decide(cli, ids[1], "bob", "accept", [], by=BY_CLI)
        work.decide(window, ids[0], "alice", "accept", [], by=BY_WINDOW)
        watcher.own_write()
        assert watcher.poll().doc_ids == {ids[0], ids[1]}


def test_pattern_writes_say_so_and_the_watcher_sees_them(tmp_path):
    """Patterns (issue 25) are a kind of their own: added or removed here, renamed with their
    label, merged from a teammate's file or pulled from the hub, the window rebuilds its
    pattern matcher and the label bar shows labels a pattern file added."""
    from annotator.core.learning.patterns.records import Pattern
    from annotator.core.ops import patterns

    path = tmp_path / "p.db"
    _project(path)
    terms = tmp_path / "places.txt"
    terms.write_text("Lima\nParis\n", encoding="utf-8")
    with Store(path) as window, Store(path) as cli:
        watcher = ChangeWatcher(window)
        report, _read, changes = patterns.import_patterns(cli, terms, "ann", by=BY_CLI, label="GPE")
        assert report.added == 2 and changes == Changes(by=BY_CLI, patterns=True)
        assert "patterns" in changes.describe()
        seen = watcher.poll()
        assert seen.patterns and not seen.labels and not seen.decisions
        gone = [p.id for p in cli.patterns.all() if p.pattern == "Lima"]
        removed, changes = patterns.remove_patterns(cli, gone, author="ann", by=BY_CLI)
        assert removed == 1 and changes.patterns and watcher.poll().patterns
        # A rename carries the label's patterns along, signed by whoever renamed it.
        renamed = labels.rename_label(cli, "GPE", "PLACE", author="bea", by=BY_CLI)
        assert renamed.labels and renamed.patterns
        assert [(p.label, p.author) for p in cli.patterns.all()] == [("PLACE", "bea")]
        assert watcher.poll().patterns
        # Pulled from the hub: quiet for the push (never sent back), seen by the window.
        with cli.sync.hub_pull_transaction():
            key = Pattern("PLACE", "Quito").key
            cli.patterns.merge_pattern(key, "PLACE", '"Quito"', "carol", 9e9, False)
        pulled = watcher.poll()
        assert pulled.patterns and pulled.by == "elsewhere"
        assert all(row[4] != "carol" for row in cli.patterns.changed_patterns(0, 100))
        assert not watcher.poll()


def test_a_term_list_past_the_limit_still_says_patterns_changed(tmp_path):
    """A 100,000-term list logs a row per term: past the limit the log is not listed, yet a
    read says the patterns changed (and only what it cannot list is assumed)."""
    from annotator.core.learning.patterns.records import Pattern

    path = tmp_path / "p.db"
    _project(path)
    with Store(path) as window, Store(path) as cli:
        watcher = ChangeWatcher(window)
        cli.patterns.add_patterns([Pattern("GPE", f"Town {i}") for i in range(LIST_LIMIT + 10)], "ann")
        seen = watcher.poll()
        assert seen.patterns and not seen.labels and not seen.documents
        labels.add_label(cli, "LAW", by=BY_CLI)
        assert not watcher.poll().patterns  # a later read: only the label


def test_team_writes_say_what_they_changed_and_the_watcher_sees_them(tmp_path):
    """Issue 24's writes (notes, guidelines, label descriptions, undo, majority) are
    operations: each says what it changed, and a window on another connection reads the same
    from the change log, pulled ones too (logged apart, so never pushed back)."""
    from annotator.core.ops import teamwork
    from annotator.core.team.majority import SETTING_MIN_AGREEMENT

    path = tmp_path / "p.db"
    ids = _project(path)
    with Store(path) as window, Store(path) as cli:
        watcher = ChangeWatcher(window)
        note, changes = teamwork.add_note(cli, ids[1], "bob", "which Apple?", by=BY_CLI)
        assert changes == Changes(by=BY_CLI, notes=True, note_ids=frozenset({ids[1]}))
        assert "notes of 1 document" in changes.describe()
        seen = watcher.poll()
        assert seen.notes and seen.note_ids == {ids[1]} and not seen.work and seen.doc_ids == frozenset()
        assert teamwork.edit_note(cli, note.id, "bob", "Apple the company", by=BY_CLI)[1].note_ids == {ids[1]}
        assert teamwork.delete_note(cli, note.id, "bob", by=BY_CLI)[1].notes
        assert watcher.poll().note_ids == {ids[1]}
        assert teamwork.set_guidelines(cli, "# Names", "lead", by=BY_CLI)[1] == Changes(by=BY_CLI, guidelines=True)
        assert teamwork.describe_label(cli, "GPE", "Places.", "lead", ["Lima"], by=BY_CLI)[1].guidelines
        seen = watcher.poll()
        assert seen.guidelines and not seen.notes and not seen.labels
        assert teamwork.set_min_agreement(cli, 2, by=BY_CLI).settings == {SETTING_MIN_AGREEMENT}
        assert watcher.poll().settings == {SETTING_MIN_AGREEMENT}
        work.decide(cli, ids[0], "ann", "accept", [Span(0, 8, "PERSON")], by=BY_CLI)
        watcher.poll()
        undone, changes = teamwork.undo_decision(cli, ids[0], "ann", by=BY_CLI)
        assert undone.restored is None and changes.decisions and changes.drafts and changes.doc_ids == {ids[0]}
        seen = watcher.poll()
        assert seen.decisions and seen.doc_ids == {ids[0]}
        # Pulled from the hub: seen by the window under kinds of their own, never pushed back.
        with cli.sync.hub_pull_transaction():
            cli.notes.merge_note("uid-from-hub", ids[2], "carol", "Paris, Texas?", 1.0, 2.0, False)
            cli.guidelines.merge_guideline("ORG", "Companies.", (), "lead", 9e9)
        seen = watcher.poll()
        assert seen.notes and seen.note_ids == {ids[2]} and seen.guidelines and seen.by == "elsewhere"
        kinds = {k for (k,) in cli.conn.execute("SELECT kind FROM sync_log WHERE kind LIKE '%pulled'")}
        assert kinds == {"note_pulled", "guideline_pulled"}


def test_majority_auto_accept_is_one_operation(tmp_path):
    """`review --auto-accept` and the review window's button: the reviews saved are read back
    from the change log, with the documents they settle."""
    path = tmp_path / "p.db"
    ids = _project(path)
    with Store(path) as s:
        for who in ("ann", "bob", "carol"):
            work.decide(s, ids[0], who, "accept", [Span(0, 8, "PERSON")], by=BY_CLI)
        for who, label in (("ann", "ORG"), ("bob", "ORG"), ("carol", "PERSON")):
            work.decide(s, ids[1], who, "accept", [Span(0, 5, label)], by=BY_CLI)
        done, changes = work.auto_accept(s, "lead", None, majority=True, by=BY_CLI)
        assert (done.unanimous, done.majority) == (1, 1)
        assert changes.reviews and changes.doc_ids == {ids[0], ids[1]}
        assert work.auto_accept(s, "lead", None, by=BY_CLI)[1] == Changes(by=BY_CLI)  # nothing left


@pytest.mark.slow
def test_an_older_project_upgrades_to_the_change_log(tmp_path):
    """Migrations in order: a project at version 7 (patterns) or 8 (notes and guidelines)
    gains the change log's triggers (9) when opened, and its notes are then logged."""
    import sqlite3

    from annotator.core.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

    assert SCHEMA_VERSION == 9 and "patterns" in MIGRATIONS[6][0] and "document_notes" in " ".join(MIGRATIONS[7])
    for version in (7, 8):
        path = tmp_path / f"v{version}.db"
        conn = sqlite3.connect(path)
        for statements in MIGRATIONS[:version]:
            for sql in statements:
                conn.execute(sql)
        conn.execute(f"PRAGMA user_version = {version}")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.commit()
        conn.close()
        with Store(path) as s:
            assert s.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
            doc = s.documents.add_documents([("Lima is a city.", {})])[0][0]
            watcher = ChangeWatcher(s)
            with Store(path) as other:
                from annotator.core.ops import teamwork

                teamwork.add_note(other, doc, "ann", "capital", by=BY_CLI)
                labels.add_label(other, "LAW", by=BY_CLI)
            seen = watcher.poll()
            assert seen.notes and seen.note_ids == {doc} and seen.labels
