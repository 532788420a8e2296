"""Issue 29: stuck transactions cannot freeze the team. A sync gives up on a teammate's lock
after its lock_timeout with one line ("the hub is busy; try again") and leaves both sides
whole; PostgreSQL ends a session left idle in a transaction after the hub's setting;
hub.claim caps its batch on the server. No timing asserts: the bounds below only say the
sync gives up rather than hangs (benchmarks/bench_hub_guard.py measures how soon)."""

from __future__ import annotations

import time

import psycopg
import pytest

from annotator.core.hub.connection import HubBusy, connect
from annotator.core.hub.routing import CLAIM_CAP, get_settings, set_settings
from annotator.core.hub.sync import sync
from annotator.core.text.model import Span
from annotator.core.store import Store
from tests.cli.helpers import run

pytestmark = pytest.mark.slow  # each test makes its own hub and syncs (README, Tests)

TEXT = "Alice Smith met Bob Jones in Paris."


def test_a_teammates_open_insert_makes_a_sync_give_up_not_hang(hub, make_project):
    """Mallory inserts the label CONTESTED and leaves her transaction open (a laptop asleep
    mid-sync): alice, who has that label too, waits at most her lock_timeout, then stops with
    one line; nothing of hers was half-written, and once mallory is gone the sync completes."""
    alice = hub.add("alice")
    hub.add("mallory")
    path = make_project("alice", [TEXT])
    with Store(path) as a:
        a.labels.add_label("CONTESTED")
        a.annotations.save_annotation(1, "alice", "accept", [Span(0, 11, "CONTESTED")])
    blocker = psycopg.connect(hub.url("mallory"))
    try:
        blocker.execute("INSERT INTO hub.labels (name, color, key, position) VALUES ('CONTESTED', '#aabbcc', NULL, 1)")
        started = time.monotonic()
        with Store(path) as a, pytest.raises(HubBusy) as caught:
            sync(a, alice, lock_timeout_s=1)
        assert time.monotonic() - started < 60  # gave up; did not hang
        assert str(caught.value).startswith("the hub is busy; try again")
        assert "\n" not in str(caught.value)
    finally:
        blocker.close()  # her transaction goes with her
    assert hub.count("SELECT count(*) FROM hub.decisions") == 0
    with Store(path) as a:
        report = sync(a, alice)
    assert report.pushed_decisions["added"] == 1 and report.pushed_labels >= 1


def test_the_cli_says_busy_in_one_line(hub, make_project):
    alice = hub.add("alice")
    hub.add("mallory")
    path = make_project("alice", [TEXT])
    with Store(path) as a:
        a.labels.add_label("CONTESTED")
    with psycopg.connect(hub.url("mallory")) as blocker:
        blocker.execute("INSERT INTO hub.labels (name, color, key, position) VALUES ('CONTESTED', '#aabbcc', NULL, 1)")
        got = run("sync", alice, "--db", path)  # waits the default 10 s, then says so
    assert got.exit_code == 1
    assert got.output.strip().splitlines() == [f"Error: {got.output.strip()[7:]}"]
    assert "the hub is busy; try again" in got.output


def test_another_annotator_cannot_lock_alices_rows(hub, make_project):
    """Before: SELECT ... FOR UPDATE on alice's decisions blocked her sync for good. Now the
    UPDATE policy does not let mallory see them to lock them: alice syncs while mallory sits."""
    alice = hub.add("alice")
    hub.add("mallory")
    path = make_project("alice", [TEXT])
    with Store(path) as a:
        a.annotations.save_annotation(1, "alice", "accept", [Span(0, 11, "PERSON")])
        sync(a, alice)
        a.annotations.save_annotation(1, "alice", "reject", [])
    with psycopg.connect(hub.url("mallory")) as blocker:
        assert blocker.execute("SELECT * FROM hub.decisions WHERE annotator = 'alice' FOR UPDATE").fetchall() == []
        with Store(path) as a:
            report = sync(a, alice, lock_timeout_s=5)
        assert report.pushed_decisions["updated"] == 1


def test_hub_init_sets_the_idle_transaction_timeout(hub):
    """An open transaction (BEGIN; SELECT pg_current_xact_id(); then nothing) held every
    pull's watermark back: PostgreSQL now ends such a session after the hub's setting."""
    assert get_settings(hub.admin())["idle_transaction_timeout_s"] == "300"
    with hub.admin() as conn:
        shown = conn.execute("SELECT array_to_string(setconfig, ',') FROM pg_db_role_setting s JOIN pg_database d "
                             "ON d.oid = s.setdatabase WHERE d.datname = current_database()").fetchone()[0]
    assert "idle_in_transaction_session_timeout=300000ms" in shown
    got = run("hub", "settings", hub.admin_url, "--idle-transaction-timeout", "0.05")
    assert got.exit_code == 0 and "idle_transaction_timeout: 0.05 minutes" in got.output
    hub.add("mallory")
    alice = hub.add("alice")
    sitting = psycopg.connect(hub.url("mallory"))
    sitting.execute("SELECT pg_current_xact_id()")  # BEGIN implied: psycopg opens a transaction
    pid = sitting.info.backend_pid
    deadline = time.monotonic() + 60  # the admin watches; any statement of hers would wake it
    while hub.count("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert time.monotonic() < deadline, "the idle session was never ended"
    with pytest.raises(psycopg.errors.IdleInTransactionSessionTimeout):
        sitting.execute("SELECT 1")
    sitting.close()
    with connect(alice) as conn:
        assert conn.execute("SHOW idle_in_transaction_session_timeout").fetchone()[0] == "3s"


def test_the_setting_has_bounds(hub):
    with hub.admin() as conn, pytest.raises(Exception, match="between 1 s and 24 h"):
        set_settings(conn, idle_transaction_timeout_s=0.5)


def test_claim_is_capped_on_the_server(hub):
    """The CLI caps --batch at 10,000; hub.claim called by hand with a million now takes at
    most as many, not the whole queue."""
    hub.add("mallory")
    with hub.admin() as conn:
        conn.execute("INSERT INTO hub.documents (hash, body, meta, added) SELECT encode(sha256(b), 'hex'), b, "
                     "'{}', 1 FROM (SELECT convert_to('Doc ' || i, 'UTF8') b FROM generate_series(1, %s) i) s",
                     (CLAIM_CAP + 25,))
    with psycopg.connect(hub.url("mallory"), autocommit=True) as conn:
        assert len(conn.execute("SELECT * FROM hub.claim(1000000)").fetchall()) == CLAIM_CAP
        assert conn.execute("SELECT count(*) FROM hub.claim(-5)").fetchone()[0] == CLAIM_CAP  # holds, takes none
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM hub.claim_uncapped(1000000)")
    assert hub.count("SELECT count(*) FROM hub.assignments WHERE annotator = 'mallory'") == CLAIM_CAP


def test_settings_of_a_hub_not_yet_upgraded_show_the_default_idle_timeout(hub):
    """A hub made before issue 29 has no idle-transaction setting until `hub init` runs again:
    `hub settings` shows the default instead of failing."""
    with hub.admin() as conn:
        conn.execute("DELETE FROM hub.settings WHERE key = 'idle_transaction_timeout_s'")
    got = run("hub", "settings", hub.admin_url)
    assert got.exit_code == 0 and "  idle_transaction_timeout: 5 minutes" in got.output.splitlines()
