"""The window's decision records (seconds, spans suggested at opening) through a real hub:
Alice's reach Bob's overview and `stats --json`, each once; only Alice pushes hers; a hub of
an older schema keeps them waiting until `hub init` upgrades it."""

from __future__ import annotations

import orjson
import pytest

from annotator.core.hub.roles import init_hub
from annotator.core.hub.schema import DECISION_TIMES_VERSION, SCHEMA_VERSION
from annotator.core.hub.sync import sync
from annotator.core.store import Store
from annotator.core.text.model import Span, text_hash
from tests.cli.helpers import run
from tests.hub.conftest import older_hub

TEXTS = ["Alice Smith met Bob Jones in Paris.", "Acme Corp hired Carol in Berlin.", "Nothing here."]
PER = Span(0, 11, "PERSON")
# What the window had suggested at opening: the model's span and a learned (gold) one.
SUGGESTED = [Span(0, 11, "PERSON", "en_core_web_sm"), Span(16, 25, "PERSON", "gold")]


def alice_decides(store: Store) -> None:
    """Two decisions made in the window, as the window saves them (store/activity.py)."""
    store.activity.save_timed_decision(1, "alice", "accept", [PER], seconds=12.0, suggested=SUGGESTED, timestamp=1000.0)
    store.activity.save_timed_decision(2, "alice", "reject", [], seconds=30.0, timestamp=1100.0)


@pytest.mark.slow
def test_alices_records_reach_bobs_stats_once(hub, make_project):
    alice, bob = hub.add("alice"), hub.add("bob")
    with Store(make_project("alice", TEXTS)) as a:
        alice_decides(a)
        # Carol's record merged from her file: never pushed under her name.
        a.activity.merge_timed_decision(3, "carol", "ignore", 2000.0, 4.0, [])
        first = sync(a, alice)
        assert first.pushed_decision_times == {"added": 2}
        assert first.kept_local_decision_times == 1
        sent = next(ln for ln in first.lines() if ln.startswith("  your work sent: "))
        assert sent.endswith(", 2 decision records")
        assert "  kept in this project: 1 decision record by other names (carol): only alice's work is sent" \
            in first.lines()
        again = sync(a, alice)
        assert again.moved == 0 and sum(again.pushed_decision_times.values()) == 0
        assert again.kept_local_decision_times == 0  # counted once, when it was new
    assert hub.count("SELECT count(*) FROM hub.decision_times") == 2
    assert hub.count("SELECT count(*) FROM hub.decision_times WHERE annotator = 'carol'") == 0
    with hub.admin() as conn:
        stored = conn.execute("SELECT suggested FROM hub.decision_times WHERE answer = 'accept'").fetchone()[0]
        empty = conn.execute("SELECT suggested FROM hub.decision_times WHERE answer = 'reject'").fetchone()[0]
    assert orjson.loads(stored) == [s.to_dict(with_source=True) for s in SUGGESTED] and empty is None

    path = make_project("bob")
    with Store(path) as b:
        got = sync(b, bob, pull_all=True, batch=0)
        # (--all brings them with the new documents; the same pull then finds them "already there")
        assert got.pulled.decision_times["added"] == 2
        assert "  received from the hub: 2 decisions, 0 reviews, 2 decision records" in got.lines()
        records = b.activity.timed_decisions("alice")
        assert [(r.answer, r.seconds) for r in records] == [("accept", 12.0), ("reject", 30.0)]
        assert [s.source for s in records[0].suggested] == ["en_core_web_sm", "gold"]
        assert records[0].decided_spans == (PER,)  # her decision came too: the point is complete
        # Pulled records are not Bob's to push: nothing goes back, nothing is "kept local".
        twice = sync(b, bob, pull_all=True, batch=0)
        assert twice.moved == 0 and twice.kept_local_decision_times == 0
        assert sum(twice.pushed_decision_times.values()) == 0
        assert b.activity.count_timed_decisions() == 2
    stats = orjson.loads(run("stats", "--db", path, "--json").stdout)
    assert stats["per_annotator"]["alice"]["median_seconds_per_document"] == 21.0
    assert stats["per_annotator"]["alice"]["timed_decisions"] == 2
    (point,) = stats["suggestion_quality"]
    assert point["annotator"] == "alice" and point["f1"] == round(2 / 3, 4)
    assert point["sources"] == {"learned": {"kept": 0, "suggested": 1}, "model": {"kept": 1, "suggested": 1}}


@pytest.mark.slow
def test_a_document_already_on_the_hub_brings_its_records(hub, make_project):
    alice, bob = hub.add("alice"), hub.add("bob")
    with Store(make_project("alice", TEXTS)) as a:
        alice_decides(a)
        sync(a, alice)
    with Store(make_project("bob")) as b:
        sync(b, bob, batch=0)  # holds nothing: no record comes
        assert b.activity.count_timed_decisions() == 0
        b.documents.add_document(TEXTS[0])  # imported later: the hub has it, with her record
        got = sync(b, bob, batch=0)
        assert got.documents_already_on_hub == 1 and got.pulled.decision_times == {"added": 1}
        (record,) = b.activity.timed_decisions()
        assert record.document_id == b.documents.document_by_hash(text_hash(TEXTS[0])).id and record.seconds == 12.0


@pytest.mark.slow
def test_bobs_own_records_go_up_and_a_second_project_of_alice_gets_hers(hub, make_project):
    alice, bob = hub.add("alice"), hub.add("bob")
    with Store(make_project("bob", TEXTS)) as b:
        b.activity.save_timed_decision(1, "bob", "accept", [PER], seconds=7.0, timestamp=500.0)
        assert sync(b, bob).pushed_decision_times == {"added": 1}
    with Store(make_project("alice", TEXTS)) as a:
        alice_decides(a)
        got = sync(a, alice)
        assert got.pulled.decision_times["added"] == 1  # Bob's
        assert got.pushed_decision_times == {"added": 2}
        assert a.activity.count_timed_decisions() == 3  # her own came back as "already there"
    with Store(make_project("alice_laptop")) as laptop:
        got = sync(laptop, alice, pull_all=True, batch=0)
        assert got.pulled.decision_times["added"] == 3
        # Her records pulled on another machine are already on the hub: nothing to push.
        assert sync(laptop, alice, pull_all=True, batch=0).moved == 0


@pytest.mark.slow
def test_an_older_hub_keeps_them_waiting_until_hub_init(hub, make_project):
    """A hub made by the release before decision records (its schema as then): everything
    else syncs, the records wait; once the admin runs `hub init` they go up, each once."""
    with hub.admin() as conn:
        older_hub(conn, DECISION_TIMES_VERSION)  # later migrations (patterns, notes...) go too
    alice = hub.add("alice")
    with Store(make_project("alice", TEXTS)) as a:
        alice_decides(a)
        old = sync(a, alice)
        assert old.pushed_decisions["added"] == 2 and old.decision_times_waiting == 2
        assert any("2 decision records until the hub's admin runs `annotator hub init`" in line
                   for line in old.lines())
        with hub.admin() as conn:
            assert init_hub(conn) == (DECISION_TIMES_VERSION - 1, SCHEMA_VERSION)
        new = sync(a, alice)
        assert new.pushed_decision_times == {"added": 2} and new.decision_times_waiting == 0
        assert sync(a, alice).moved == 0
    assert hub.count("SELECT count(*) FROM hub.decision_times") == 2
