"""sync() against a real hub: both ways, the merge rules on both sides, watermarks."""

from __future__ import annotations

import os

import psycopg
import pytest

from annotator.core.hub.sync import sync
from annotator.core.store import Store
from annotator.core.text.model import Span

TEXTS = ["Alice Smith met Bob Jones in Paris.", "Acme Corp hired Carol in Berlin.",
         "Nothing to see here.", "Dave flew to Rome on Monday."]
PER = [Span(0, 11, "PERSON")]


@pytest.mark.slow
def test_push_pull_and_twice_moves_nothing(hub, make_project):
    alice, bob = hub.add("alice"), hub.add("bob")
    with Store(make_project("alice", TEXTS)) as a:
        a.annotations.save_annotation(1, "alice", "accept", PER)
        a.annotations.save_annotation(2, "alice", "reject", [])
        first = sync(a, alice)
        assert (first.pushed_documents, first.pushed_decisions["added"]) == (4, 2)
        assert sync(a, alice).moved == 0
    with Store(make_project("bob")) as b:
        got = sync(b, bob, pull_all=True)
        assert got.pulled.documents == 4 and got.pulled.decisions["added"] == 2
        doc = b.documents.document_by_hash(_hash(TEXTS[0]))
        assert b.annotations.get_annotation(doc.id, "alice").spans == tuple(PER)
        assert b.documents.get_document(doc.id).meta == {"n": 0}
        again = sync(b, bob, pull_all=True)
        assert again.moved == 0 and again.pushed_documents == 0
    assert hub.count("SELECT count(*) FROM hub.documents") == 4


@pytest.mark.slow
def test_newer_wins_older_goes_to_history_on_both_sides(hub, make_project):
    alice, bob = hub.add("alice"), hub.add("bob")
    with Store(make_project("alice", TEXTS[:1])) as a:
        a.annotations.save_annotation(1, "alice", "accept", PER, timestamp=100.0)
        sync(a, alice)
        a.annotations.save_annotation(1, "alice", "accept", PER + [Span(16, 25, "PERSON")], timestamp=200.0)
        # An older version of hers merged in from a file: new to the hub, yet dated 50.
        a.annotations.merge_annotation(1, "alice", "reject", [], 50.0, 50.0)
        report = sync(a, alice)
        assert report.pushed_decisions["updated"] == 1
        assert report.pushed_decisions["history"] == 1  # the version dated 50
        assert sync(a, alice).moved == 0
    assert hub.count("SELECT count(*) FROM hub.decision_history") == 2  # dated 100 and 50
    assert hub.count("SELECT count(*) FROM hub.decisions WHERE updated = 200") == 1
    with Store(make_project("bob", TEXTS[:1])) as b:
        got = sync(b, bob)
        assert got.documents_already_on_hub == 1
        assert b.annotations.get_annotation(1, "alice").updated == 200.0
        assert sorted(v.updated for v in b.annotations.annotation_history(1, "alice")) == [50.0, 100.0]
        assert sync(b, bob).moved == 0


def test_a_document_already_on_the_hub_brings_its_decisions(hub, make_project):
    alice, bob = hub.add("alice"), hub.add("bob")
    with Store(make_project("alice", TEXTS)) as a:
        a.annotations.save_annotation(3, "alice", "accept", [])
        sync(a, alice)
    with Store(make_project("bob")) as b:
        sync(b, bob, batch=0)  # holds nothing yet
        b.documents.add_document(TEXTS[2])  # imported later: the hub had it, with alice's decision
        sync(b, bob, batch=0)
        assert b.annotations.get_annotation(b.documents.document_by_hash(_hash(TEXTS[2])).id, "alice") is not None


def _hash(text: str) -> str:
    from annotator.core.text.model import text_hash

    return text_hash(text)


def test_odd_texts_round_trip_and_a_legacy_nul_text_stays_local(hub, make_project):
    """Texts travel exactly; a NUL text an older annotator imported (the hub cannot hold it)
    stays local with the decisions on it, counted with the reason, and the rest syncs."""
    odd = ["control \x01 and \x7f inside", "emoji \U0001F600 and ZWJ \u200d", "e\u0301 combining\u2028"]
    alice, bob = hub.add("alice"), hub.add("bob")
    with Store(make_project("alice", odd)) as a:
        with a.transaction() as c:  # as an annotator before issue 29 stored it
            legacy = c.execute("INSERT INTO documents (hash, text, meta, added) VALUES (?, ?, '{}', 1) "
                               "RETURNING id", (_hash("nul \x00 inside"), "nul \x00 inside")).fetchone()[0]
        a.annotations.save_annotation(legacy, "alice", "accept", [Span(0, 3, "PERSON")])
        a.annotations.save_annotation(1, "alice", "accept", [Span(0, 7, "PERSON")])
        report = sync(a, alice)
        assert report.pushed_documents == 3 and report.pushed_decisions["added"] == 1
        assert report.refused == {("document", "NUL in the text (character 4)"): 1,
                                  ("decision", "its document is not on the hub"): 1}
        assert "  kept in this project: 1 document the hub refuses (NUL in the text (character 4))" in report.lines()
        assert sync(a, alice).refused == {}  # the watermarks moved past them
    with Store(make_project("bob")) as b:
        sync(b, bob, pull_all=True)
        assert sorted(d.text for d in b.documents.iter_documents()) == sorted(odd)


@pytest.mark.slow
def test_labels_and_reviews_travel(hub, make_project):
    alice, carol, bob = hub.add("alice"), hub.add("carol", reviewer=True), hub.add("bob")
    with Store(make_project("alice", TEXTS[:1])) as a:
        a.labels.add_label("PRODUCT")
        a.annotations.save_annotation(1, "alice", "accept", [Span(0, 5, "PRODUCT")])
        a.reviews.save_review(1, "alice", [], ["alice"])  # alice is no reviewer: stays local
        report = sync(a, alice)
        assert report.pushed_labels >= 1 and report.reviews_waiting_for_role == 1
        assert report.kept_local_reviews == 0  # hers: kept until her role may review
    with Store(make_project("carol", TEXTS[:1])) as c:
        sync(c, carol)
        assert "PRODUCT" in c.labels.label_names()
        c.reviews.save_review(1, "carol", [Span(0, 5, "PRODUCT")], ["alice"])
        assert sync(c, carol).pushed_reviews["added"] == 1
    with Store(make_project("bob", TEXTS[:1])) as b:
        sync(b, bob)
        assert b.reviews.get_review(1).reviewer == "carol"
    assert hub.count("SELECT count(*) FROM hub.reviews") == 1


def test_pending_decisions_and_assignments_without_network(hub, make_project):
    alice = hub.add("alice")
    with Store(make_project("alice", TEXTS)) as a:
        assert a.sync.hub_pending_decisions() == 0  # never synced: no hub known
        sync(a, alice, batch=2)
        assert a.settings.get_setting("hub_url") == alice and a.sync.hub_pending_decisions() == 0
        assert a.sync.hub_assigned_ids() == [1, 2]
        a.annotations.save_annotation(1, "alice", "accept", PER)
        a.annotations.save_annotation(4, "alice", "ignore", [])
        a.annotations.save_annotation(4, "bob", "accept", [])  # another name: not hers to push
        assert a.sync.hub_pending_decisions() == 2
        assert a.sync.hub_assigned_ids() == [2]
        sync(a, alice, batch=2)
        assert a.sync.hub_pending_decisions() == 0


def test_a_late_commit_below_the_watermark_is_not_skipped(hub, make_project):
    """Alice's transaction writes first and commits last; Dave's, in between, commits at
    once. A pull between the two must not move its watermark past Alice's row."""
    alice, dave, bob = hub.add("alice"), hub.add("dave"), hub.add("bob")
    with Store(make_project("bob", TEXTS[:2])) as b:
        sync(b, bob, batch=0)
        slow = psycopg.connect(alice)
        slow.execute("SELECT hub.merge_decision(%s, 'alice', 'accept', '[]', 1, 1)", (_hash(TEXTS[0]),))
        with Store(make_project("dave", TEXTS[1:2])) as d:
            d.annotations.save_annotation(1, "dave", "accept", [])
            sync(d, dave, batch=0)
        first = sync(b, bob, batch=0)
        assert first.pulled.decisions["added"] == 0  # dave's waits behind alice's open one
        slow.commit()
        slow.close()
        second = sync(b, bob, batch=0)
        assert second.pulled.decisions["added"] == 2
        assert {a.annotator for d in (1, 2) for a in b.annotations.annotations_for_document(d)} == {"alice", "dave"}


def test_an_unreachable_hub_is_offline_a_refusal_is_not(hub, make_project, monkeypatch):
    """The window says "offline" (and keeps syncing) only when the hub cannot be reached."""
    from annotator.core.hub.connection import HubError, HubOffline
    from tests.hub.pgserver import free_port

    path = make_project("alice", ["Ana Ruiz flew to Lima."])
    url = hub.add("alice")
    with Store(path) as s:
        with pytest.raises(HubOffline, match="cannot connect"):
            sync(s, url.replace(f":{hub.server.port}/", f":{free_port()}/"))
        monkeypatch.setenv("PGPASSFILE", os.devnull)
        with pytest.raises(HubError, match="give the password") as refused:
            sync(s, url)
        assert not isinstance(refused.value, HubOffline)
