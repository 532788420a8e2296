"""Task routing on a real hub: batches, overlap documents, skips, expiry, `hub status`."""

from __future__ import annotations

import time

import pytest

from annotator.core.hub.connection import connect
from annotator.core.hub.routing import hub_status, is_overlap, set_settings
from annotator.core.hub.sync import sync
from annotator.core.store import Store
from annotator.core.text.model import text_hash

TEXTS = [f"Document number {i} about Paris and Berlin." for i in range(10)]


def _settings(hub, **values) -> None:
    with connect(hub.admin_url) as conn:
        set_settings(conn, **values)


def _status(hub) -> dict:
    with connect(hub.admin_url) as conn:
        return hub_status(conn).to_dict()


def _held(store: Store) -> set[str]:
    return {store.documents.get_document(i).text for i in store.sync.hub_assigned_ids()}


@pytest.mark.slow
def test_batches_are_disjoint_and_done_documents_leave_the_queue(hub, make_project):
    _settings(hub, overlap_share=0.0)
    alice, bob = hub.add("alice"), hub.add("bob")
    with Store(make_project("lead", TEXTS)) as lead:
        sync(lead, hub.admin_url, batch=0)  # the admin loads the articles: no annotator
    with Store(make_project("alice")) as a, Store(make_project("bob")) as b:
        sync(a, alice, batch=3)
        sync(b, bob, batch=3)
        assert len(_held(a)) == len(_held(b)) == 3 and not _held(a) & _held(b)
        assert a.documents.count_documents() == 3  # the assigned documents were pulled
        status = _status(hub)
        assert status["documents"] == 10 and status["queue"] == 4
        people = {p["name"]: p for p in status["annotators"]}
        assert people["alice"] == {"name": "alice", "done": 0, "assigned": 3}
        first = a.sync.hub_assigned_ids()[0]
        a.annotations.save_annotation(first, "alice", "accept", [])
        skipped = a.sync.hub_assigned_ids()[1]
        a.annotations.save_annotation(skipped, "alice", "ignore", [])  # frees the slot, never hers again
        sync(a, alice, batch=3)
        assert len(_held(a)) == 3 and a.documents.get_document(skipped).text not in _held(a)
        status = {p["name"]: p for p in _status(hub)["annotators"]}
        assert status["alice"]["done"] == 2 and status["alice"]["assigned"] == 3
        # The skipped document goes to someone else.
        sync(b, bob, batch=10)
        assert a.documents.get_document(skipped).text in _held(b)


@pytest.mark.slow
def test_overlap_documents_go_to_two_annotators(hub, make_project):
    _settings(hub, overlap_share=0.3)
    alice, bob = hub.add("alice"), hub.add("bob")
    overlap = {t for t in TEXTS if is_overlap(text_hash(t), 0.3)}
    assert 0 < len(overlap) < len(TEXTS)  # the hash picks some, deterministically
    assert hub.count("SELECT count(*) FROM hub.documents") == 0
    with Store(make_project("lead", TEXTS)) as lead:
        sync(lead, hub.admin_url, batch=0)  # the admin loads the articles: no annotator
    assert hub.count("SELECT count(*) FROM hub.documents WHERE needs = 2") == len(overlap)
    decided: dict[str, set[str]] = {"alice": set(), "bob": set()}
    with Store(make_project("alice")) as a, Store(make_project("bob")) as b:
        for _round in range(4):  # a fair share per sync: both work until the queue is empty
            for store, url, name in ((a, alice, "alice"), (b, bob, "bob")):
                sync(store, url, batch=100)
                for doc_id in store.sync.hub_assigned_ids():
                    store.annotations.save_annotation(doc_id, name, "accept", [])
                    decided[name].add(store.documents.get_document(doc_id).text)
                sync(store, url, batch=0)
        assert decided["alice"] & decided["bob"] == overlap
        assert decided["alice"] | decided["bob"] == set(TEXTS)
    assert _status(hub)["queue"] == 0


def test_settings_recompute_needs(hub, make_project):
    with Store(make_project("lead", TEXTS)) as lead:
        sync(lead, hub.admin_url, batch=0)  # the admin loads the articles: no annotator
    _settings(hub, annotations_per_document=3)
    assert hub.count("SELECT count(*) FROM hub.documents WHERE needs = 3") == 10


@pytest.mark.slow
def test_expired_assignments_return_to_the_queue(hub, make_project):
    _settings(hub, overlap_share=0.0, assignment_timeout_s=1.0)
    alice, bob = hub.add("alice"), hub.add("bob")
    with Store(make_project("lead", TEXTS[:2])) as lead:
        sync(lead, hub.admin_url, batch=0)  # the admin loads the articles: no annotator
    with Store(make_project("alice")) as a, Store(make_project("bob")) as b:
        sync(a, alice, batch=2)
        sync(b, bob, batch=2)
        assert _held(a) == {TEXTS[0]} and _held(b) == {TEXTS[1]}  # a fair share each
        time.sleep(1.2)
        sync(b, bob, batch=2)
        assert _held(b) == {TEXTS[0]}  # alice's expired assignment went back to the queue
        sync(a, alice, batch=2)
        assert _held(a) == {TEXTS[1]}
        assert a.documents.count_documents() == 2  # the document she no longer holds stays in her project


@pytest.mark.slow
def test_giving_back_returns_undecided_assignments_to_the_queue_at_once(hub, make_project):
    """A person stopping for the day syncs with give_back: her work is sent first, her
    undecided assignments go back to the queue now (not at the timeout, an hour by default)
    and a teammate's next sync takes them; what she decided stays hers."""
    _settings(hub, overlap_share=0.0)
    alice, bob = hub.add("alice"), hub.add("bob")
    with Store(make_project("lead", TEXTS[:6])) as lead:
        sync(lead, hub.admin_url, batch=0)
    with Store(make_project("alice")) as a, Store(make_project("bob")) as b:
        sync(a, alice, batch=3)
        held = _held(a)
        assert len(held) == 3
        decided = a.sync.hub_assigned_ids()[0]
        a.annotations.save_annotation(decided, "alice", "accept", [])
        report = sync(a, alice, give_back=True)
        assert report.released == 2 and report.assigned == 0 and a.sync.hub_assigned_ids() == []
        assert "  given back to the team's queue: 2 undecided documents; none assigned to you now" in report.lines()
        assert report.to_dict()["released"] == 2 and report.to_dict()["pushed"]["decisions"]["added"] == 1
        assert hub.count("SELECT count(*) FROM hub.assignments WHERE annotator = 'alice' AND state = 'assigned'") == 0
        assert hub.count("SELECT count(*) FROM hub.assignments WHERE annotator = 'alice' AND state = 'done'") == 1
        given_back = held - {a.documents.get_document(decided).text}
        sync(b, bob, batch=5)
        assert given_back <= _held(b)
        queue = _status(hub)["queue"]
        assert queue == 6 - 1 - len(_held(b)) == 2
        assert sync(a, alice, batch=3).assigned == queue  # a later sync takes work again: what is left


@pytest.mark.slow
def test_an_older_hub_says_it_cannot_take_assignments_back(hub, make_project):
    """Against a hub made before hub.release, give_back says what to do; the work it pushed
    first is on the hub, and the assignments are still held (nothing half-done)."""
    from annotator.core.hub.connection import HubError
    from annotator.core.hub.schema import RELEASE_VERSION
    from tests.hub.conftest import older_hub

    alice = hub.add("alice")
    with Store(make_project("alice", TEXTS[:2])) as a:
        sync(a, alice, batch=2)
        with hub.admin() as conn:
            older_hub(conn, RELEASE_VERSION)
        a.annotations.save_annotation(a.sync.hub_assigned_ids()[0], "alice", "accept", [])
        with pytest.raises(HubError, match="hub init"):
            sync(a, alice, give_back=True)
        assert hub.count("SELECT count(*) FROM hub.decisions WHERE annotator = 'alice'") == 1
        assert len(a.sync.hub_assigned_ids(undecided=False)) == 2


@pytest.mark.slow
def test_the_server_holds_a_claim_by_hand_to_the_fair_share(hub, make_project):
    """hub.claim called in psql with an annotator's login (not through a sync, which computes
    the share too) takes no more than min(batch, ceil(waiting versions / annotators))."""
    import psycopg

    _settings(hub, overlap_share=0.0)
    alice, bob = hub.add("alice"), hub.add("bob")
    with Store(make_project("lead", TEXTS[:6])) as lead:
        sync(lead, hub.admin_url, batch=0)
    with psycopg.connect(alice, autocommit=True) as conn:
        assert len(conn.execute("SELECT * FROM hub.claim(10000)").fetchall()) == 3  # 6 waiting, 2 of us
        assert len(conn.execute("SELECT * FROM hub.claim(10000)").fetchall()) == 3  # held: not more
        assert len(conn.execute("SELECT * FROM hub.claim(2)").fetchall()) == 3  # a smaller batch takes none back
    with Store(make_project("bob")) as b:
        assert sync(b, bob, batch=50).assigned == 3
    assert _status(hub)["queue"] == 0


@pytest.mark.slow
def test_an_older_hub_gets_the_fair_share_from_the_client(hub, make_project):
    """A hub made before hub.fair_share: the sync computes the share itself (routing.fair_share)."""
    from annotator.core.hub.schema import FAIR_SHARE_VERSION
    from tests.hub.conftest import older_hub

    _settings(hub, overlap_share=0.0)
    alice, _bob = hub.add("alice"), hub.add("bob")
    with hub.admin() as conn:
        older_hub(conn, FAIR_SHARE_VERSION)
    with Store(make_project("lead", TEXTS[:6])) as lead:
        sync(lead, hub.admin_url, batch=0)
    with Store(make_project("alice")) as a:
        assert sync(a, alice, batch=50).assigned == 3  # 6 waiting, 2 annotators
