"""SIGKILL a process in the middle of a labelling session; nothing it reported as saved is lost."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.core.text.model import Span
from annotator.core.store import Store

WORKER = Path(__file__).with_name("store_worker.py")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def apply_op(state: dict, op: str) -> None:
    """Replay one worker operation on the expected state {(kind, doc): spans}."""
    kind, doc, start, end, label = op.split()
    doc_id = int(doc)
    spans = (Span(int(start), int(end), label),)
    if kind == "accept":
        state[("accept", doc_id)] = spans
        state.pop(("draft", doc_id), None)  # accepting clears that document's draft
    else:
        state[("draft", doc_id)] = spans


def actual_state(store: Store, annotator: str) -> dict:
    state = {}
    for doc_id in store.documents.document_ids():
        ann = store.annotations.get_annotation(doc_id, annotator)
        if ann is not None:
            assert ann.answer == "accept"
            state[("accept", doc_id)] = ann.spans
        draft = store.drafts.get_draft(doc_id, annotator)
        if draft is not None:
            state[("draft", doc_id)] = draft
    return state


def kill_mid_session(db: Path, target_done: int, rng: random.Random) -> tuple[list[str], str | None]:
    """Start the worker, SIGKILL it after `target_done` finished writes (+ a random few ms).

    Returns the finished operations in order and the one in flight (if any)."""
    proc = subprocess.Popen([sys.executable, str(WORKER), str(db), "alice", "0", "40", "--drafts", "--loop"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
    done: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("done "):
                done.append(line[5:].strip())
                if len(done) >= target_done:
                    break
        time.sleep(rng.uniform(0, 0.004))
        os.kill(proc.pid, signal.SIGKILL)
        rest = proc.stdout.read()
    finally:
        proc.kill()
        proc.wait(timeout=30)
        stderr = proc.stderr.read() if proc.stderr else ""
    assert proc.returncode == -signal.SIGKILL, stderr
    assert "Traceback" not in stderr, stderr
    # Lines printed between our last read and the kill still count.
    in_flight = None
    for line in rest.splitlines():
        if line.startswith("done "):
            done.append(line[5:].strip())
            in_flight = None
        elif line.startswith("begin "):
            in_flight = line[6:].strip()
    return done, in_flight


@pytest.mark.slow
def test_sigkill_mid_session_loses_nothing(tmp_path):
    db = tmp_path / "crash.db"
    with Store(db) as store:
        store.documents.add_documents([(f"Doc{i:03d} met someone in town number {i}.", {"n": i}) for i in range(41)])
    rng = random.Random(int(os.environ.get("RELIABILITY_SEED", "20261128")))
    expected: dict = {}
    checked_drafts = 0
    for round_no in range(4):
        done, in_flight = kill_mid_session(db, rng.randint(15, 120), rng)
        before = dict(expected)
        for op in done:
            apply_op(expected, op)
        with Store(db) as store:
            assert store.integrity_check() == "ok"
            got = actual_state(store, "alice")
        if got != expected:
            # The one write in flight at the kill may have committed; nothing else may differ.
            assert in_flight is not None, (round_no, before, done[-3:])
            with_flight = dict(expected)
            apply_op(with_flight, in_flight)
            assert got == with_flight, f"round {round_no}: state matches neither before nor after {in_flight}"
            expected = with_flight
        checked_drafts += sum(k[0] == "draft" for k in expected)
        # The session resumes on the same file after the crash (next round).
    assert any(k[0] == "accept" for k in expected) and checked_drafts


@pytest.mark.slow
def test_sigkill_during_import_leaves_file_all_or_nothing(tmp_path):
    """`annotator import` writes each file in one transaction: killed mid-file, the project has
    all of that file or none of it, and everything from before."""
    import json

    from tests.reliability.helpers import snapshot

    db = tmp_path / "import.db"
    with Store(db) as s:
        doc, _ = s.documents.add_document("Grace Hopper joined the Navy.")
        s.annotations.save_annotation(doc, "existing", "accept", [Span(0, 12, "PERSON")])
    before = snapshot(db)
    big = tmp_path / "big.jsonl"
    with big.open("w", encoding="utf-8") as f:
        for i in range(30000):
            f.write(json.dumps({"text": f"Story {i} about Paris and Berlin, filed by desk {i % 7}.",
                                "spans": [{"start": 0, "end": 5 + len(str(i)) + 1, "label": "ORG"}],
                                "answer": "accept"}) + "\n")
    env = dict(os.environ)
    proc = subprocess.Popen([sys.executable, "-m", "annotator", "import", "--db", str(db), str(big)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    wal = db.with_name(db.name + "-wal")
    deadline = time.monotonic() + 60
    # Kill once the import is visibly writing (its WAL grows), well before it can finish.
    while time.monotonic() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > 256 * 1024:
            break
        time.sleep(0.01)
    finished_first = proc.poll() is not None
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    with Store(db) as s:
        assert s.integrity_check() == "ok"
        n = s.documents.count_documents()
    print(f"documents after the kill: {n} (finished before the kill: {finished_first})")
    assert n in (1, 30001), n
    after = snapshot(db)
    for table, rows in before.items():
        assert set(rows) <= set(after[table]), table
    if not finished_first:
        assert n == 1, "killed mid-file, yet part of the file is in the project"


@pytest.mark.slow
def test_sigkill_during_export_leaves_the_previous_export_intact(tmp_path):
    """An export killed halfway never leaves a half-written file where the last good one was."""
    db = tmp_path / "export.db"
    with Store(db) as s:
        ids, _ = s.documents.add_documents([(f"Story {i} about Paris and Berlin, filed by desk {i % 7}. " * 4, {})
                                  for i in range(4000)])
        with s.transaction():
            for doc in ids:
                s.annotations.save_annotation(doc, "alice", "accept", [Span(0, 5, "ORG")])
    out = tmp_path / "corpus.jsonl"
    out.write_text('{"text": "the previous export"}\n', encoding="utf-8")
    before = out.read_bytes()
    proc = subprocess.Popen([sys.executable, "-m", "annotator", "export", "--db", str(db), "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    part = [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    while time.monotonic() < deadline and proc.poll() is None:
        part = [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
        if part and part[0].stat().st_size > 64 * 1024:
            break
        time.sleep(0.01)
    finished_first = proc.poll() is not None
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    print(f"export finished before the kill: {finished_first}")
    assert part or finished_first, "the export never started writing"
    if not finished_first:
        assert out.read_bytes() == before
    else:
        assert len(out.read_bytes().splitlines()) == 4000


MIGRATE_SLOWLY = """
import sys
import annotator.core.store as store_module
# A long second migration (rewrites a big table), as a real schema change on a big project would.
store_module.MIGRATIONS = [*store_module.MIGRATIONS, [
    "CREATE TABLE filler AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 4000000) "
    "SELECT x, printf('%.40d', x) AS pad FROM c",
    "ALTER TABLE documents ADD COLUMN language TEXT",
]]
store_module.SCHEMA_VERSION = len(store_module.MIGRATIONS)
print("migrating", flush=True)
store_module.Store(sys.argv[1]).close()
print("migrated", flush=True)
"""


@pytest.mark.slow
def test_sigkill_during_migration_leaves_the_old_project_and_a_backup(tmp_path):
    from annotator.core.store.schema import SCHEMA_VERSION
    from tests.reliability.helpers import snapshot

    db = tmp_path / "old.db"
    with Store(db) as s:
        doc, _ = s.documents.add_document("Grace Hopper joined the Navy.")
        s.annotations.save_annotation(doc, "alice", "accept", [Span(0, 12, "PERSON")])
    before = snapshot(db)
    proc = subprocess.Popen([sys.executable, "-c", MIGRATE_SLOWLY, str(db)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "migrating"
    backup = db.with_name(f"old.db.schema{SCHEMA_VERSION}.bak")
    deadline = time.monotonic() + 30
    while not backup.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.5)  # the backup is written first, then the migration runs for seconds
    finished_first = proc.poll() is not None
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert not finished_first, "the migration finished before it could be interrupted"
    with Store(db) as s:  # this version: schema 1 again, everything as it was
        assert s.integrity_check() == "ok"
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert not s.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'filler'").fetchone()
    assert snapshot(db) == before
    assert snapshot(backup) == before
