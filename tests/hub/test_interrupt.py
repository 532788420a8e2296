"""A sync interrupted at any point leaves both sides whole, and the next sync completes it
with exact counts: the process killed with SIGKILL, the server stopped (immediate mode, a
crash), the connection cut by the server (pg_terminate_backend). Real server, no mocks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from annotator.core.errors import AnnotatorError
from annotator.core.hub.sync import CHUNK, sync
from annotator.core.text.model import Span
from annotator.core.store import Store
from tests.hub.conftest import sync_until_the_server_stops

N = 3 * CHUNK
REPO = Path(__file__).resolve().parents[2]


def filled(make_project, name: str) -> Path:
    """N documents, each with an accepted decision by alice (one transaction)."""
    path = make_project(name, [f"Alice Smith visited Paris, story {i}." for i in range(N)])
    with Store(path) as s:
        s.annotations.merge_annotations([(i, "alice", "accept", [Span(0, 11, "PERSON")], 1.0, 2.0)
                             for i in range(1, N + 1)])
    return path


def check_whole(hub, path: Path, annotator: str = "alice") -> None:
    """After a final sync: everything arrived exactly once and nothing is left to do."""
    assert hub.count("SELECT count(*) FROM hub.documents") == N
    assert hub.count("SELECT count(*) FROM hub.decisions") == N
    assert hub.count("SELECT count(*) FROM hub.decision_history") == 0
    with Store(path) as s:
        assert s.integrity_check() == "ok"
        assert s.documents.count_documents() == N and s.queries.count_annotations() == N
        assert s.sync.hub_pending_decisions() == 0
        again = sync(s, hub.url(annotator))
        assert again.moved == 0, again.to_dict()


@pytest.mark.slow
def test_sync_killed_with_sigkill_mid_transaction(hub, make_project):
    alice = hub.add("alice")
    path = filled(make_project, "alice")
    child = subprocess.Popen([sys.executable, "-m", "tests.hub.sync_worker", str(path), alice],
                             cwd=REPO, stdout=subprocess.PIPE, text=True)
    # Kill it inside a hub write transaction once some chunks are committed.
    with hub.admin() as admin:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            row = admin.execute("SELECT count(*) FROM pg_stat_activity WHERE usename = 'alice' "
                                "AND backend_xid IS NOT NULL").fetchone()
            if row[0] and admin.execute("SELECT count(*) FROM hub.documents").fetchone()[0]:
                os.kill(child.pid, signal.SIGKILL)
                break
            time.sleep(0.002)
    assert child.wait(30) == -signal.SIGKILL, "the sync finished before it could be killed"
    # Each chunk is one transaction: the hub holds whole chunks only.
    time.sleep(0.2)  # the server notices the dead client and rolls its transaction back
    docs = hub.count("SELECT count(*) FROM hub.documents")
    decisions = hub.count("SELECT count(*) FROM hub.decisions")
    assert docs % CHUNK == 0 and decisions % CHUNK == 0 and 0 < docs and decisions < N
    with Store(path) as s:
        report = sync(s, alice)
    assert report.pushed_documents == N - docs  # a chunk committed just before the kill: "already"
    assert report.pushed_decisions["added"] == N - decisions
    check_whole(hub, path)


@pytest.mark.slow
def test_server_stopped_mid_sync(hub, make_project, pg_server):
    alice = hub.add("alice")
    path = filled(make_project, "alice")

    sync_until_the_server_stops(pg_server, path, alice, "decisions", CHUNK)
    assert hub.count("SELECT count(*) FROM hub.decisions") == CHUNK  # the committed chunk
    with Store(path) as s:
        assert s.integrity_check() == "ok"
        assert s.sync.hub_pending_decisions() == N - CHUNK
        report = sync(s, alice)
    assert report.pushed_decisions["added"] == N - CHUNK
    check_whole(hub, path)


@pytest.mark.slow
def test_connection_cut_by_the_server_mid_pull(hub, make_project):
    alice, bob = hub.add("alice"), hub.add("bob")
    with Store(filled(make_project, "alice")) as s:
        sync(s, alice, batch=0)
    cut: list[int] = []

    def cutter() -> None:
        with hub.admin() as admin:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not cut:
                rows = admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'bob' "
                    "AND query ILIKE '%%FETCH%%'").fetchall()
                cut.extend(1 for r in rows if r[0])
                time.sleep(0.002)

    thread = threading.Thread(target=cutter)
    path = make_project("bob")
    with Store(path) as b:
        thread.start()
        try:
            with pytest.raises(AnnotatorError, match="lost the hub"):
                sync(b, bob, pull_all=True, batch=0)
        finally:
            thread.join()
        assert cut, "the pull finished before the connection could be cut"
        assert b.documents.count_documents() == 0 and b.queries.count_annotations() == 0  # nothing half-written
        report = sync(b, bob, pull_all=True, batch=0)
        assert report.pulled.documents == N and report.pulled.decisions["added"] == N
        assert sync(b, bob, pull_all=True, batch=0).moved == 0
        assert b.queries.count_annotations("alice") == N
