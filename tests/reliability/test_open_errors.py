"""Files that are not projects, newer projects, read-only projects: a clear message, never a
traceback, never a changed file. Schema migrations back the project up first."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

import annotator.core.store as store_module
from annotator.core.errors import ProjectError
from annotator.core.text.model import Span
from annotator.core.store.schema import SCHEMA_VERSION
from annotator.core.store import Store
from tests.reliability.helpers import file_state, snapshot


def make_project(path: Path) -> Path:
    with Store(path) as s:
        doc, _ = s.documents.add_document("Ada Lovelace met Babbage in London.", {"source": "t"})
        s.annotations.save_annotation(doc, "alice", "accept", [Span(0, 12, "PERSON"), Span(29, 35, "GPE")])
    return path


def foreign_sqlite(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.execute("INSERT INTO invoices (total) VALUES (12.5)")
    conn.commit()
    conn.close()
    return path


def newer_project(path: Path) -> Path:
    make_project(path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    return path


def text_file(path: Path) -> Path:
    path.write_text("These are my meeting notes, not a database.\n" * 100, encoding="utf-8")
    return path


def binary_junk(path: Path) -> Path:
    path.write_bytes(bytes(range(256)) * 64)
    return path


def truncated_project(path: Path) -> Path:
    make_project(path)
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 3])
    return path


BAD_FILES = {
    "foreign-sqlite": (foreign_sqlite, "not an annotator project"),
    "newer-schema": (newer_project, "newer annotator"),
    "text-file": (text_file, "not an annotator project"),
    "binary-junk": (binary_junk, "not an annotator project"),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
@pytest.mark.parametrize("readonly", [False, True])
def test_bad_file_gives_clear_error_and_is_unchanged(tmp_path, kind, readonly):
    make, message = BAD_FILES[kind]
    path = make(tmp_path / f"{kind}.db")
    before = file_state(path)
    siblings = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(ProjectError, match=message) as info:
        Store(path, readonly=readonly)
    assert str(path) in str(info.value) and "\n" not in str(info.value)
    assert file_state(path) == before
    extra = sorted(set(p.name for p in tmp_path.iterdir()) - set(siblings))
    if readonly:
        # A read-only SQLite connection cannot remove the WAL index it opened; the WAL stays empty.
        assert set(extra) <= {f"{path.name}-wal", f"{path.name}-shm"}, extra
        wal = path.with_name(f"{path.name}-wal")
        assert not wal.exists() or wal.stat().st_size == 0
    else:
        assert extra == []


def test_truncated_project_is_an_error_not_a_crash(tmp_path):
    path = truncated_project(tmp_path / "cut.db")
    before = file_state(path)
    try:
        store = Store(path)
    except ProjectError as exc:
        assert str(path) in str(exc)
    else:
        # SQLite may open a cut file; then the damage must show in the integrity check.
        result = store.integrity_check()
        store.close()
        assert result != "ok"
    assert file_state(path).sha256 == before.sha256


def test_read_only_file_refused_for_writing_and_untouched(tmp_path):
    path = make_project(tmp_path / "ro.db")
    rows = snapshot(path)
    os.chmod(path, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    before = file_state(path)
    try:
        with pytest.raises(ProjectError, match="read-only"):
            Store(path)
        # Read-only open works for reading, and cannot write.
        with Store(path, readonly=True) as s:
            assert s.documents.count_documents() == 1
            with pytest.raises(ProjectError, match="read-only"):
                s.documents.add_document("new text")
        assert file_state(path) == before
        assert snapshot(path) == rows
    finally:
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)


def test_missing_file_for_reading(tmp_path):
    with pytest.raises(ProjectError, match="no such project file"):
        Store(tmp_path / "nope.db", readonly=True)
    assert not (tmp_path / "nope.db").exists()


# ---- migrations ------------------------------------------------------------------------

def _with_migration_2(monkeypatch, statements: list[str]) -> None:
    migrations = [*store_module.MIGRATIONS, statements]
    monkeypatch.setattr(store_module, "MIGRATIONS", migrations)
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", len(migrations))


def test_migration_backs_up_first(tmp_path, monkeypatch):
    path = make_project(tmp_path / "old.db")
    # Another window still has the project open, its last decision only in the WAL so far.
    other = Store(path)
    other.documents.add_document("Only in the WAL until a checkpoint.")
    rows = snapshot(path)
    _with_migration_2(monkeypatch, ["CREATE TABLE comments (document_id INTEGER, body TEXT)"])
    with Store(path) as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
        assert s.conn.execute("SELECT count(*) FROM comments").fetchone()[0] == 0
        assert s.annotations.get_annotation(1, "alice").spans == (Span(0, 12, "PERSON"), Span(29, 35, "GPE"))
    backups = [p for p in tmp_path.iterdir() if p.name.startswith("old.db") and p.name.endswith(".bak")]
    assert len(backups) == 1, sorted(p.name for p in tmp_path.iterdir())
    conn = sqlite3.connect(f"{backups[0].resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'comments'").fetchone()
    finally:
        conn.close()
    other.close()
    assert snapshot(backups[0]) == rows  # WAL content included
    # The backup is itself a project this (older) version opens.
    monkeypatch.undo()
    with Store(backups[0], readonly=True) as s:
        assert s.documents.count_documents() == 2


def test_failed_migration_leaves_project_as_it_was(tmp_path, monkeypatch):
    path = make_project(tmp_path / "old.db")
    rows = snapshot(path)
    _with_migration_2(monkeypatch, ["CREATE TABLE comments (body TEXT)", "THIS IS NOT SQL"])
    with pytest.raises(ProjectError) as info:
        Store(path)
    message = str(info.value)
    assert str(path) in message and "not an annotator project" not in message, message
    monkeypatch.undo()
    assert snapshot(path) == rows
    with Store(path) as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert not s.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'comments'").fetchone()


# ---- the same through the command line ----------------------------------------------------

def read_only_project(path: Path) -> Path:
    make_project(path)
    os.chmod(path, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return path


CLI_FILES = {**{k: v for k, v in BAD_FILES.items()}, "read-only": (read_only_project, "read-only")}


def _cli_commands(path: Path, tmp_path: Path) -> dict[str, list[str]]:
    doc = tmp_path / "new.txt"
    doc.write_text("Ada Lovelace met Babbage.", encoding="utf-8")
    return {"stats": ["stats", "--db", str(path)], "import": ["import", "--db", str(path), str(doc)],
            "gui": ["gui", "--db", str(path), "--annotator", "alice", "--model", "none", "--quit-after", "1"]}


@pytest.mark.parametrize("kind", sorted(CLI_FILES))
@pytest.mark.parametrize("command", ["stats", "import", "gui"])
def test_cli_refuses_bad_project_cleanly(tmp_path, kind, command):
    from click.testing import CliRunner

    from annotator.cli import main

    make, message = CLI_FILES[kind]
    path = make(tmp_path / f"{kind}.db")
    before = file_state(path)
    try:
        result = CliRunner().invoke(main, _cli_commands(path, tmp_path)[command])
        output = result.output
        if kind == "read-only" and command == "stats" and result.exit_code == 0:
            assert "1" in output  # reading a read-only project is fine too
        else:
            assert result.exit_code == 1, output
            assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
            assert "Traceback" not in output
            lines = [line for line in output.splitlines() if line.strip()]
            assert len(lines) == 1 and message in lines[0] and str(path) in lines[0], output
        assert file_state(path) == before
    finally:
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["text-file", "newer-schema"])
def test_real_cli_process_refuses_bad_project(tmp_path, kind):
    from tests.reliability.helpers import assert_clean_failure, run_cli

    make, message = CLI_FILES[kind]
    path = make(tmp_path / f"{kind}.db")
    before = file_state(path)
    commands = _cli_commands(path, tmp_path)
    for name in ("stats", "import"):
        assert_clean_failure(run_cli(commands[name]), message, str(path))
        assert file_state(path) == before


def damaged_project(path: Path) -> Path:
    """A real project with pages in the middle overwritten (a bad sector, a half-synced copy):
    the header is fine, so it opens, and the damage shows when the data is read."""
    with Store(path) as s:
        ids, _ = s.documents.add_documents([(f"Doc {i} about Paris, with enough words to fill pages. " * 5, {})
                                  for i in range(2000)])
        for doc in ids[:300]:
            s.annotations.save_annotation(doc, "alice", "accept", [Span(0, 3, "PERSON")])
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    start = len(data) // 3 // 4096 * 4096
    data[start:start + 64 * 4096] = b"\xff" * (64 * 4096)
    path.write_bytes(bytes(data))
    return path


@pytest.mark.slow
def test_cli_on_damaged_project_gives_a_message_not_a_traceback(tmp_path):
    from tests.reliability.helpers import assert_clean_failure, run_cli

    path = damaged_project(tmp_path / "damaged.db")
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok"
    except sqlite3.DatabaseError:
        pass  # so damaged that the check itself stops: damaged all the same
    finally:
        conn.close()
    assert_clean_failure(run_cli(["stats", "--db", str(path)]), str(path))
