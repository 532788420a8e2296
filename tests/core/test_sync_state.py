"""The local side of the hub sync (store/sync_state.py) on real project files, no server:
the change log, watermarks, assignments, and that a teammate's hub state never comes along
with a merge of their file."""

from __future__ import annotations

import sqlite3

from annotator.core.team.merge import merge_project
from annotator.core.text.model import Span
from annotator.core.store import Store

TEXTS = ["Ana Ruiz flew to Lima.", "Apple hired Tim Cook.", "Paris is in France."]


def test_every_change_gets_a_new_rev_but_pulled_rows_are_not_logged(tmp_path):
    with Store(tmp_path / "a.db") as s:
        s.documents.add_documents([(t, {}) for t in TEXTS])
        s.annotations.save_annotation(1, "alice", "accept", [Span(0, 8, "PERSON")])
        s.annotations.save_annotation(2, "alice", "accept", [])
        s.annotations.save_annotation(1, "alice", "reject", [])  # changed again: moves to the end
        assert [(r[1][:4], r[3]) for r in s.sync.changed_annotations(0, 10)] == [
            (s.documents.get_document(2).hash[:4], "accept"), (s.documents.get_document(1).hash[:4], "reject")]
        with s.sync.hub_pull_transaction():
            s.annotations.merge_annotation(3, "bob", "accept", [], 5.0, 5.0)
        assert len(s.sync.changed_annotations(0, 10)) == 2  # bob's came from the hub
        last = s.sync.changed_annotations(0, 10)[-1][0]
        assert s.sync.changed_annotations(last, 10) == []


def test_watermarks_pending_and_assigned_without_a_hub(tmp_path):
    with Store(tmp_path / "a.db") as s:
        s.documents.add_documents([(t, {}) for t in TEXTS])
        s.annotations.save_annotation(2, "alice", "accept", [])
        assert s.sync.hub_pending_decisions() == 0 and s.sync.hub_assigned_ids() == []  # never synced
        assert s.sync.hub_pending_decisions("alice") == 1  # named: waits for a first sync
        state = s.sync.hub_state("h1", "alice", "postgresql://alice@db/team")
        assert s.settings.get_setting("hub_url") == "postgresql://alice@db/team" and state.pushed_rev == 0
        s.sync.set_hub_assignments("h1", "alice", [(3, 9e9), (1, 9e9)])
        assert s.sync.hub_assigned_ids() == [1, 3]
        s.annotations.save_annotation(3, "alice", "ignore", [])
        s.annotations.save_annotation(2, "bob", "accept", [])
        assert s.sync.hub_assigned_ids() == [1] and s.sync.hub_assigned_ids(undecided=False) == [1, 3]
        assert s.sync.hub_pending_decisions() == 2  # bob's is not alice's to push
        s.sync.save_hub_state(state, pushed_rev=s.sync.changed_annotations(0, 10)[-1][0], last_sync=123.0)
        assert s.sync.hub_pending_decisions() == 0
        restored = s.sync.hub_state("h1", "alice", "postgresql://alice@db/team")
        assert restored.pushed_rev == state.pushed_rev and restored.last_sync == 123.0


def test_a_teammates_hub_state_is_never_merged(tmp_path):
    ours, theirs = tmp_path / "alice.db", tmp_path / "bob.db"
    with Store(ours) as s:
        s.documents.add_documents([(TEXTS[0], {})])
        s.sync.hub_state("h1", "alice", "postgresql://alice@db/team")
        s.sync.set_hub_assignments("h1", "alice", [(1, 9e9)])
    with Store(theirs) as t:
        t.documents.add_documents([(x, {}) for x in TEXTS])
        t.annotations.save_annotation(2, "bob", "accept", [Span(0, 5, "ORG")])
        t.sync.hub_state("h2", "bob", "postgresql://bob@elsewhere/other")
        t.sync.set_hub_assignments("h2", "bob", [(2, 1.0), (3, 1.0)])
    # Values a sound project never holds, in tables a merge has no business reading.
    raw = sqlite3.connect(theirs)
    with raw:
        raw.execute("UPDATE hub_state SET pushed_rev = 'x', url = zeroblob(10)")
        raw.execute("INSERT INTO sync_log (kind, row_id) VALUES ('junk', -1)")
    raw.close()
    with Store(ours) as s:
        report = merge_project(s, theirs)
        assert report.total("added") == 1 and report.documents_added == 2 and s.sync.count_documents_after(0) == 3
        assert s.conn.execute("SELECT hub_id, annotator FROM hub_state").fetchall() == [("h1", "alice")]
        assert s.sync.hub_assigned_ids() == [1]
        assert (s.settings.get_setting("hub_url"), s.settings.get_setting("hub_annotator")) == ("postgresql://alice@db/team", "alice")
        # bob's merged decision is new to our log, yet not alice's to push
        assert [r[2] for r in s.sync.changed_annotations(0, 10)] == ["bob"] and s.sync.hub_pending_decisions() == 0


def test_decision_records_are_logged_for_the_hub_but_not_pulled_ones(tmp_path):
    with Store(tmp_path / "a.db") as s:
        s.documents.add_documents([(t, {}) for t in TEXTS])
        s.activity.save_timed_decision(1, "alice", "accept", [Span(0, 8, "PERSON")], seconds=5.0,
                              suggested=[Span(0, 8, "PERSON", "model")], timestamp=100.0)
        s.activity.save_timed_decision(2, "alice", "reject", [], seconds=3.0, timestamp=101.0)
        s.activity.merge_timed_decision(3, "carol", "ignore", 50.0, 2.0, [])  # from carol's file: new to a hub too
        with s.sync.hub_pull_transaction():
            s.activity.merge_timed_decision(3, "bob", "accept", 60.0, 9.0, [])  # from the hub: never pushed back
        rows = s.sync.changed_decision_times(0, 10)
        assert [(r[2], r[3], r[4], r[5]) for r in rows] == [
            ("alice", "accept", 100.0, 5.0), ("alice", "reject", 101.0, 3.0), ("carol", "ignore", 50.0, 2.0)]
        assert rows[0][6] == '[{"start":0,"end":8,"label":"PERSON","source":"model"}]' and rows[1][6] is None
        assert s.sync.count_changed_decision_times(0, "alice") == 2
        assert s.sync.count_changed_decision_times(rows[0][0], "alice") == 1
        assert s.sync.changed_decision_times(rows[-1][0], 10) == []


def test_a_schema_5_project_logs_its_records_for_a_first_push(tmp_path):
    from annotator.core.text.model import text_hash
    from annotator.core.store.schema import MIGRATIONS

    db = tmp_path / "old.db"
    conn = sqlite3.connect(str(db))
    for migration in MIGRATIONS[:5]:
        for sql in migration:
            conn.execute(sql)
    conn.execute("INSERT INTO documents (hash, text, added) VALUES (?, ?, 1)", (text_hash(TEXTS[0]), TEXTS[0]))
    conn.execute("INSERT INTO decision_times (document_id, annotator, answer, decided, seconds) "
                 "VALUES (1, 'alice', 'accept', 7.0, 4.0)")
    conn.execute("INSERT INTO hub_state (hub_id, annotator, url, pushed_rev) VALUES ('h1', 'alice', 'u', 3)")
    conn.execute("PRAGMA application_id = 1095650895")
    conn.execute("PRAGMA user_version = 5")
    conn.commit()
    conn.close()
    with Store(db) as s:
        state = s.sync.hub_state("h1", "alice", "u")
        assert (state.pushed_rev, state.pushed_time_rev) == (3, 0)
        assert [(r[2], r[4]) for r in s.sync.changed_decision_times(0, 10)] == [("alice", 7.0)]
