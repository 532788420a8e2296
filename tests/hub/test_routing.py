"""Task routing on a real hub: batches, overlap documents, skips, expiry, `hub status`."""

from __future__ import annotations

import time

from annotator.core.hub.connection import connect
from annotator.core.hub.routing import hub_status, is_overlap, set_settings
from annotator.core.hub.sync import sync
from annotator.core.text.model import text_hash
from annotator.core.store import Store

TEXTS = [f"Document number {i} about Paris and Berlin." for i in range(10)]


def _settings(hub, **values) -> None:
    with connect(hub.admin_url) as conn:
        set_settings(conn, **values)


def _status(hub) -> dict:
    with connect(hub.admin_url) as conn:
        return hub_status(conn).to_dict()


def _held(store: Store) -> set[str]:
    return {store.get_document(i).text for i in store.hub_assigned_ids()}


def test_batches_are_disjoint_and_done_documents_leave_the_queue(hub, make_project):
    _settings(hub, overlap_share=0.0)
    alice, bob = hub.add("alice"), hub.add("bob")
    with Store(make_project("lead", TEXTS)) as lead:
        sync(lead, hub.add("lead"), batch=0)
    with Store(make_project("alice")) as a, Store(make_project("bob")) as b:
        sync(a, alice, batch=3)
        sync(b, bob, batch=3)
        assert len(_held(a)) == len(_held(b)) == 3 and not _held(a) & _held(b)
        assert a.count_documents() == 3  # the assigned documents were pulled
        status = _status(hub)
        assert status["documents"] == 10 and status["queue"] == 4
        people = {p["name"]: p for p in status["annotators"]}
        assert people["alice"] == {"name": "alice", "done": 0, "assigned": 3}
        first = a.hub_assigned_ids()[0]
        a.save_annotation(first, "alice", "accept", [])
        skipped = a.hub_assigned_ids()[1]
        a.save_annotation(skipped, "alice", "ignore", [])  # frees the slot, never hers again
        sync(a, alice, batch=3)
        assert len(_held(a)) == 3 and a.get_document(skipped).text not in _held(a)
        status = {p["name"]: p for p in _status(hub)["annotators"]}
        assert status["alice"]["done"] == 2 and status["alice"]["assigned"] == 3
        # The skipped document goes to someone else.
        sync(b, bob, batch=10)
        assert a.get_document(skipped).text in _held(b)


def test_overlap_documents_go_to_two_annotators(hub, make_project):
    _settings(hub, overlap_share=0.3)
    alice, bob = hub.add("alice"), hub.add("bob")
    overlap = {t for t in TEXTS if is_overlap(text_hash(t), 0.3)}
    assert 0 < len(overlap) < len(TEXTS)  # the hash picks some, deterministically
    assert hub.count("SELECT count(*) FROM hub.documents") == 0
    with Store(make_project("lead", TEXTS)) as lead:
        sync(lead, hub.add("lead"), batch=0)
    assert hub.count("SELECT count(*) FROM hub.documents WHERE needs = 2") == len(overlap)
    with Store(make_project("alice")) as a, Store(make_project("bob")) as b:
        sync(a, alice, batch=100)
        sync(b, bob, batch=100)
        assert _held(a) & _held(b) == overlap
        assert _held(a) | _held(b) == set(TEXTS)
    assert _status(hub)["queue"] == 0


def test_settings_recompute_needs(hub, make_project):
    with Store(make_project("lead", TEXTS)) as lead:
        sync(lead, hub.add("lead"), batch=0)
    _settings(hub, annotations_per_document=3)
    assert hub.count("SELECT count(*) FROM hub.documents WHERE needs = 3") == 10


def test_expired_assignments_return_to_the_queue(hub, make_project):
    _settings(hub, overlap_share=0.0, assignment_timeout_s=1.0)
    alice, bob = hub.add("alice"), hub.add("bob")
    with Store(make_project("lead", TEXTS[:2])) as lead:
        sync(lead, hub.add("lead"), batch=0)
    with Store(make_project("alice")) as a, Store(make_project("bob")) as b:
        sync(a, alice, batch=2)
        sync(b, bob, batch=2)
        assert len(_held(a)) == 2 and not _held(b)
        time.sleep(1.2)
        sync(b, bob, batch=2)
        assert _held(b) == set(TEXTS[:2])
        sync(a, alice, batch=2)  # alice's expired: she holds nothing now (bob has them)
        assert not _held(a)
        assert a.count_documents() == 2  # the documents stay in her project
