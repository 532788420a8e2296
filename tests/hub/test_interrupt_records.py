"""The window's decision records through an interrupted sync (as test_interrupt.py does for
documents and decisions): the process killed with SIGKILL inside a hub transaction, the
server stopped, the connection cut during the pull. Both sides stay whole and the next
sync completes with exact counts. Real server, no mocks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

from annotator.core.errors import AnnotatorError
from annotator.core.hub.sync import CHUNK, sync
from annotator.core.text.model import Span
from annotator.core.store import Store
from tests.hub.conftest import sync_until_the_server_stops

N = 3 * CHUNK
REPO = Path(__file__).resolve().parents[2]
PER = [Span(0, 11, "PERSON")]


def decided_at(i: int) -> float:
    return 1000.0 + i


def texts() -> list[str]:
    return [f"Alice Smith visited Paris, story {i}." for i in range(N)]


def decide_all(path: Path) -> None:
    """A window decision with its record (seconds, suggestions) on each document, by alice."""
    with Store(path) as s, s.transaction():
        for i in range(1, N + 1):
            s.activity.save_timed_decision(i, "alice", "accept", PER, seconds=float(i % 50), timestamp=decided_at(i),
                                  suggested=[Span(0, 11, "PERSON", "model")] if i % 2 else [])


def check_whole(hub, path: Path) -> None:
    """After a final sync: each record arrived exactly once, nothing is left to move."""
    assert hub.count("SELECT count(*) FROM hub.decision_times") == N
    assert hub.count("SELECT count(DISTINCT (document_id, decided)) FROM hub.decision_times") == N
    assert hub.count("SELECT count(*) FROM hub.decision_times WHERE suggested IS NOT NULL") == (N + 1) // 2
    with Store(path) as s:
        assert s.integrity_check() == "ok" and s.activity.count_timed_decisions() == N
        again = sync(s, hub.url("alice"))
        assert again.moved == 0, again.to_dict()


@pytest.mark.slow
def test_killed_inside_the_push_of_records(hub, make_project):
    alice = hub.add("alice")
    path = make_project("alice", texts())
    with Store(path) as s:
        sync(s, alice, batch=0)  # the documents go up first
    decide_all(path)
    # The admin holds an uncommitted row with the key of alice's record CHUNK + 1: her second
    # chunk waits on it inside its hub transaction, the first being committed.
    with hub.admin() as blocker, blocker.transaction():
        blocker.execute("INSERT INTO hub.decision_times (document_id, annotator, answer, decided, seconds) "
                        "SELECT id, 'alice', 'accept', %s, 1 FROM hub.documents ORDER BY id OFFSET %s LIMIT 1",
                        (decided_at(CHUNK + 1), CHUNK))
        child = subprocess.Popen([sys.executable, "-m", "tests.hub.sync_worker", str(path), alice],
                                 cwd=REPO, stdout=subprocess.PIPE, text=True)
        with hub.admin() as watch:
            deadline = time.monotonic() + 60
            while not (waiting := watch.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE usename = 'alice' AND wait_event_type = 'Lock' "
                    "AND query ILIKE '%%add_decision_time%%'").fetchone()[0]) and time.monotonic() < deadline:
                time.sleep(0.01)
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(30) == -signal.SIGKILL
        assert waiting, "the push never reached the second chunk of records"
        raise psycopg.Rollback()  # the admin's row goes: it was only there to hold alice up
    time.sleep(0.2)  # the server notices the dead client and rolls its transaction back
    assert hub.count("SELECT count(*) FROM hub.decision_times") == CHUNK  # the committed chunk only
    assert hub.count("SELECT count(*) FROM hub.decisions") == N
    with Store(path) as s:
        report = sync(s, alice)
    assert report.pushed_decision_times == {"added": N - CHUNK}
    check_whole(hub, path)


@pytest.mark.slow
def test_server_stopped_between_chunks_of_records(hub, make_project, pg_server):
    alice = hub.add("alice")
    path = make_project("alice", texts())
    decide_all(path)

    sync_until_the_server_stops(pg_server, path, alice, "decision records", CHUNK)
    assert hub.count("SELECT count(*) FROM hub.decision_times") == CHUNK
    with Store(path) as s:
        report = sync(s, alice)
    assert report.pushed_decision_times == {"added": N - CHUNK}
    assert report.pushed_decisions["added"] == 0  # all went up before the stop
    check_whole(hub, path)


@pytest.mark.slow
def test_connection_cut_while_pulling_records(hub, make_project):
    alice, bob = hub.add("alice"), hub.add("bob")
    path = make_project("alice", texts())
    decide_all(path)
    with Store(path) as s:
        sync(s, alice, batch=0)
    cut: list[int] = []

    def cutter() -> None:
        # Bob's pull waits on this lock when it reaches the records, inside its one local
        # transaction (documents and decisions already applied there); then his connection goes.
        # (Watched from another connection: pg_stat_activity is a snapshot within a transaction.)
        with hub.admin() as locker, locker.transaction(), hub.admin() as admin:
            locker.execute("LOCK TABLE hub.decision_times IN ACCESS EXCLUSIVE MODE")
            ready.set()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not cut:
                rows = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'bob' "
                                     "AND wait_event_type = 'Lock'").fetchall()
                cut.extend(1 for r in rows if r[0])
                time.sleep(0.01)

    ready = threading.Event()
    thread = threading.Thread(target=cutter)
    thread.start()
    ready.wait(30)
    with Store(make_project("bob")) as b:
        try:
            with pytest.raises(AnnotatorError, match="lost the hub"):
                sync(b, bob, pull_all=True, batch=0)
        finally:
            thread.join()
        assert cut, "the pull never reached the records"
        assert b.documents.count_documents() == 0 and b.queries.count_annotations() == 0 and b.activity.count_timed_decisions() == 0
        report = sync(b, bob, pull_all=True, batch=0)
        assert report.pulled.documents == N and report.pulled.decisions["added"] == N
        assert report.pulled.decision_times["added"] == N
        assert sync(b, bob, pull_all=True, batch=0).moved == 0
        assert len(b.activity.timed_decisions("alice")) == N
