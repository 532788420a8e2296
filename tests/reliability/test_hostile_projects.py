"""A teammate's project file is untrusted input (issue 19). Every crafted file of
hostile_projects.py is refused by `annotator merge` and `annotator check` with one line naming
the file and what is wrong, within seconds, and opened with `--db` it never hangs or prints a
traceback; our project and the crafted file are byte-identical afterwards (-wal included).
The window's File -> Merge is in test_window_hostile_merge.py."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.errors import ProjectError
from annotator.core.store import Store
from annotator.core.store.guard import bounds
from annotator.core.team.merge import merge_project
from annotator.core.text.model import Span
from tests.reliability.helpers import assert_clean_failure, run_cli
from tests.reliability.hostile_projects import cases, make_base, make_cases

NAMES = [c.name for c in cases()]
SECONDS = 5.0  # "within a few seconds"; each case takes tens of milliseconds here


def state(path: Path) -> tuple[str | None, str | None]:
    """sha256 of the file and of its -wal's content (None when absent or empty: a read-only
    open of a WAL file may leave an empty -wal beside it, which holds nothing)."""
    def digest(p: Path) -> str | None:
        data = p.read_bytes() if p.exists() else b""
        return hashlib.sha256(data).hexdigest() if data else None
    return digest(path), digest(path.with_name(path.name + "-wal"))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return make_cases(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def mine(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("mine") / "mine.db"
    with Store(path) as s:
        doc, _ = s.documents.add_document("Grace Hopper met Alan Turing in Princeton.")
        s.annotations.save_annotation(doc, "me", "accept", [Span(0, 12, "PERSON")])
    return path


def invoke(args: list[str]) -> tuple[str, int, float]:
    start = time.monotonic()
    result = CliRunner().invoke(main, args)
    elapsed = time.monotonic() - start
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result.output.strip(), result.exit_code, elapsed


def assert_one_line_refusal(output: str, code: int, elapsed: float, path: Path, expect: str) -> None:
    assert code == 1, output
    assert len(output.splitlines()) == 1, output
    assert str(path) in output and expect in output, output
    assert elapsed < SECONDS, elapsed


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_merge_and_check_refuse_it_in_one_line(hostile, mine, name):
    case, path = hostile[name]
    ours, theirs = state(mine), state(path)
    for args in (["merge", str(path), "--db", str(mine)], ["check", "--db", str(path)]):
        assert_one_line_refusal(*invoke(args), path, case.expect)
        assert state(mine) == ours and state(path) == theirs


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_opening_it_as_your_project_never_hangs_or_crashes(hostile, tmp_path, name):
    """`--db`: a bad schema is refused at open; a bad value is found where it is read (opening
    does not read every value: a project of 100,000 documents opens at once)."""
    case, path = hostile[name]
    before = state(path)
    for args in (["stats", "--db", str(path)], ["export", "--db", str(path), "-f", "jsonl", "-o", str(tmp_path / "o.jsonl")]):
        output, code, elapsed = invoke(args)
        assert elapsed < SECONDS
        if not case.opens:
            assert_one_line_refusal(output, code, elapsed, path, case.expect)
        elif code:
            assert len(output.splitlines()) == 1 and str(path) in output, output
        assert state(path) == before


def test_a_bad_value_in_your_own_project_is_one_line_where_it_is_read(hostile):
    _, path = hostile["truncated-json"]
    output, code, _ = invoke(["export", "--db", str(path), "-f", "jsonl", "-o", str(path.with_suffix(".jsonl"))])
    assert code == 1 and output == (f"Error: {path}: annotation of document 1 by 'alice': spans are not valid JSON "
                                    "(unexpected end of data)")


@pytest.mark.slow
def test_a_real_process_stops_at_once_on_the_endless_view(hostile, mine):
    case, path = hostile["endless-recursive-view"]
    ours = state(mine)
    for args in (["merge", path, "--db", mine], ["stats", "--db", path]):
        start = time.monotonic()
        assert_clean_failure(run_cli(args, timeout=60), str(path), case.expect)
        assert time.monotonic() - start < 30  # interpreter start included; the refusal itself is ms
    assert state(mine) == ours


@pytest.mark.slow
def test_side_tables_views_and_full_text_indexes_of_the_user_are_fine(tmp_path, mine):
    """As sqlite-utils makes them: never queried by us, so never a reason to refuse."""
    path = make_base(tmp_path / "theirs.db")
    db = sqlite_utils.Database(path)
    db["documents"].enable_fts(["text"])  # no triggers on our table: the user refreshes it
    db.create_view("endless", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c")
    db["notes"].insert({"document_id": 1, "note": "check the dates"})
    db["documents"].create_index(["added"])
    db.conn.close()
    output, code, _ = invoke(["check", "--db", str(path)])
    assert code == 0 and output == f"{path}: sound: 300 documents, 80 annotations (40 earlier versions), 1 review, 10 labels, 0 patterns"
    with Store(mine) as ours:
        report = merge_project(ours, path)
        assert report.documents_added == 300 and report.total("added") == 80
        assert ours.integrity_check() == "ok"
    output, code, _ = invoke(["stats", "--db", str(path)])
    assert code == 0 and "300" in output


@pytest.mark.slow
def test_their_last_commits_in_the_wal_are_read_and_their_files_never_written(tmp_path):
    ours = Store(tmp_path / "ours.db")
    path = make_base(tmp_path / "theirs.db")
    theirs = Store(path)  # still open: its last commit is only in its -wal
    doc, _ = theirs.documents.add_document("Only in the WAL so far.")
    theirs.annotations.save_annotation(doc, "bob", "accept", [Span(0, 4, "PERSON")])
    before = state(path)
    assert before[1] is not None
    report = merge_project(ours, path)
    assert report.documents_added == 301
    assert ours.documents.document_by_hash(theirs.documents.get_document(doc).hash) is not None
    assert state(path) == before
    theirs.close()
    ours.close()


@pytest.mark.slow
def test_statements_on_a_file_from_elsewhere_are_bounded(tmp_path, monkeypatch):
    path = make_base(tmp_path / "p.db")
    with Store(path) as own:
        assert own.conn.guard is None  # checked at open; long legitimate work is never cut
    monkeypatch.setattr(bounds, "STATEMENT_SECONDS", 0.3)
    endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
    with Store(path, untrusted=True) as other:
        start = time.monotonic()
        with pytest.raises(ProjectError, match=r"p\.db: a query took more than 0\.3 s and was stopped"):
            with other.foreign._reading():
                other.conn.execute(endless).fetchone()
        assert time.monotonic() - start < 2
        assert other.documents.count_documents() == 300  # the next statement has its own bound
    monkeypatch.setattr(bounds, "STATEMENT_STEPS", 1_000_000)
    conn = sqlite3.connect(":memory:", factory=bounds.GuardedConnection)
    conn.set_guard(bounds.QueryGuard())
    with pytest.raises(sqlite3.OperationalError, match="interrupted"):
        conn.execute(endless).fetchone()
    assert bounds.stopped_by_guard(conn, sqlite3.OperationalError("interrupted")).startswith(
        "a query took more than 1,000,000 steps")



def _views(path: Path, n: int) -> None:
    """n views written straight into the schema table (CREATE VIEW one by one takes minutes)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql) VALUES ('view', ?, ?, 0, ?)",
                     [(f"v{i}", f"v{i}", f"CREATE VIEW v{i} AS SELECT {i}") for i in range(n)])
    conn.execute("COMMIT")
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    conn.execute(f"PRAGMA schema_version = {version + 1}")
    conn.close()


@pytest.mark.parametrize("command", [["stats"], ["labels", "list"], ["check"]])
def test_a_schema_too_costly_to_load_is_refused_by_every_command(tmp_path, monkeypatch, command):
    """Issue 29: 250,000 views in a file took SQLite 3 minutes to load in `stats --db`, 5.8 s
    in `check`. Loading the schema of any file opened is now under the same bound as `check`
    (here the bound is lowered and the file smaller: the same refusal, sooner)."""
    path = make_base(tmp_path / "views.db")
    _views(path, 30_000)
    monkeypatch.setattr(bounds, "STATEMENT_SECONDS", 0.05)
    output, code, _elapsed = invoke([*command, "--db", str(path)])
    assert code == 1 and "a query took more than 0.05 s and was stopped" in output, output
    assert len(output.splitlines()) == 1
    monkeypatch.setattr(bounds, "STATEMENT_SECONDS", 60.0)  # the same file within the bound: it opens
    assert invoke(["check", "--db", str(path)])[1] == 0
