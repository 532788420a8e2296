"""Import benchmark: N generated articles from JSONL through annotator's import, against a
bare sqlite3 executemany of the same precomputed rows into the same schema and pragmas.

    python benchmarks/bench_import.py --docs 100000 [--repeat 3] [--profile-docs 10000]

Each round imports into a fresh project file (bare and ours alternate, so load on the
machine hits both alike); the figures are medians. The CLI (`annotator import`, a
subprocess) is timed once. If the import is slower than 1.25x bare, a cProfile of one
import (of --profile-docs documents) says where the time goes.
Target: import time <= 1.25x the bare executemany time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson  # noqa: E402

from benchmarks.common import Result, command_line, remove_db, time_cli_import, workdir  # noqa: E402
from benchmarks.corpus import write_jsonl  # noqa: E402

from annotator.core.ops.importing import import_paths  # noqa: E402
from annotator.core.text.model import text_hash  # noqa: E402
from annotator.core.store import Store  # noqa: E402

TARGET = 1.25


def precomputed_rows(jsonl: Path) -> list[tuple[str, str, str, float]]:
    """The rows the import stores: (hash, text, meta JSON, added)."""
    now = time.time()
    rows = []
    with jsonl.open("rb") as f:
        for line in f:
            obj = orjson.loads(line)
            rows.append((text_hash(obj["text"]), obj["text"], orjson.dumps(obj["meta"]).decode(), now))
    return rows


def bare_insert(db: Path, rows: list[tuple[str, str, str, float]], per_statement: int = 1) -> tuple[float, float]:
    """(wall, CPU) seconds for one executemany of `rows` in one transaction, schema made by Store.
    per_statement > 1: INSERT statements of that many rows each instead (how the import writes)."""
    remove_db(db)
    Store(db).close()  # same schema, WAL mode (persistent in the file)
    conn = sqlite3.connect(str(db), isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 30000")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")
    t, cpu = time.perf_counter(), time.process_time()
    conn.execute("BEGIN IMMEDIATE")
    if per_statement == 1:
        conn.executemany("INSERT OR IGNORE INTO documents (hash, text, meta, added) VALUES (?, ?, ?, ?)", rows)
    else:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start:start + per_statement]
            conn.execute("INSERT OR IGNORE INTO documents (hash, text, meta, added) VALUES "
                         + ", ".join(["(?, ?, ?, ?)"] * len(chunk)), [v for row in chunk for v in row])
    conn.execute("COMMIT")
    took, cpu = time.perf_counter() - t, time.process_time() - cpu
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == len(rows)
    conn.close()
    return took, cpu


def parse_only(jsonl: Path) -> float:
    """Seconds to read, parse and hash the file as the import does, with no database."""
    from annotator.core.formats.importers.jsonl import read_jsonl
    from annotator.core.store import dumps

    t = time.perf_counter()
    for rec in read_jsonl(jsonl):
        (text_hash(rec.text), dumps(rec.meta))
    return time.perf_counter() - t


def our_import(db: Path, jsonl: Path, n: int) -> tuple[float, float]:
    """(wall, CPU of all threads) seconds for import_paths of the JSONL file into a fresh
    project (store opened first)."""
    remove_db(db)
    store = Store(db)
    t, cpu = time.perf_counter(), time.process_time()
    report = import_paths(store, [jsonl])
    took, cpu = time.perf_counter() - t, time.process_time() - cpu
    assert report.documents_added == n and not report.errors, report.summary()
    store.close()
    return took, cpu


def profile_import(db: Path, jsonl: Path, top: int = 18) -> str:
    """cProfile of one import with the file read on the main thread (cProfile sees only the
    thread it runs on; importing.py reads big files on a second thread)."""
    from annotator.core.ops import importing

    remove_db(db)
    store = Store(db)
    saved = getattr(importing, "BACKGROUND_MIN_BYTES", None)
    importing.BACKGROUND_MIN_BYTES = 1 << 62  # type: ignore[attr-defined]
    prof = cProfile.Profile()
    try:
        prof.enable()
        import_paths(store, [jsonl])
        prof.disable()
    finally:
        if saved is not None:
            importing.BACKGROUND_MIN_BYTES = saved  # type: ignore[attr-defined]
    store.close()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out).strip_dirs().sort_stats("tottime")
    stats.print_stats(top)
    lines = [ln for ln in out.getvalue().splitlines() if ln.strip()]
    start = next((i for i, ln in enumerate(lines) if "ncalls" in ln), 0)
    total = next((ln.strip() for ln in lines if "function calls" in ln), "")
    return "\n".join([total, *lines[start:]])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile-docs", type=int, default=10_000,
                        help="size of the profiled import when the target is missed (0: never)")
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI subprocess run")
    parser.add_argument("--workdir", default=None)
    args = parser.parse_args(argv)
    n = args.docs
    work = workdir(args.workdir)
    jsonl = work / f"import-{n}.jsonl"
    db = work / f"import-{n}.db"

    t = time.perf_counter()
    size = write_jsonl(jsonl, n)
    print(f"corpus: {n:,} articles, {size / 1e6:,.1f} MB JSONL, written in {time.perf_counter() - t:.1f}s")
    rows = precomputed_rows(jsonl)

    ours_t: list[float] = []
    bare_t: list[float] = []
    multi_t: list[float] = []
    cpu_t: dict[str, list[float]] = {"ours": [], "bare": []}
    parse_t: list[float] = []
    for round_ in range(args.repeat):
        # Alternate which goes first: a busy spell on the machine hits both.
        pair = [("bare", lambda: bare_insert(db, rows)), ("ours", lambda: our_import(db, jsonl, n))]
        for name, fn in (pair if round_ % 2 == 0 else pair[::-1]):
            took, cpu = fn()
            (bare_t if name == "bare" else ours_t).append(took)
            cpu_t[name].append(cpu)
            print(f"  round {round_ + 1}: {name:4s} {took:.2f}s ({n / took:,.0f} docs/s)", flush=True)
        # Context, not the baseline: the same insert as 1,000-row statements (as the import
        # writes them), to show how much of the gap SQLite's side explains.
        took, _ = bare_insert(db, rows, per_statement=1000)
        multi_t.append(took)
        print(f"  round {round_ + 1}: bare, 1,000 rows a statement {took:.2f}s", flush=True)
        parse_t.append(parse_only(jsonl))
    rows = []  # free the precomputed rows before the CLI run
    ours = statistics.median(ours_t)
    bare = statistics.median(bare_t)
    ratio = ours / bare

    result = Result("import", command_line(), sizes={"documents": n, "jsonl_mb": round(size / 1e6, 1),
                                                       "repeat": args.repeat})
    result.add("import_paths throughput", n / ours, "docs/s", note=f"median of {args.repeat}: {ours:.2f}s")
    result.add("bare sqlite3 executemany", n / bare, "docs/s", note=f"median of {args.repeat}: {bare:.2f}s")
    result.add("import time / bare time", ratio, "x", target=f"<= {TARGET}", met=ratio <= TARGET, ratio=ratio)
    multi = statistics.median(multi_t)
    result.add("bare sqlite3, 1,000 rows per INSERT statement", n / multi, "docs/s", ratio=ours / multi,
               note=f"median {multi:.2f}s; context, not the baseline: the import writes this way; "
                    "ratio = import time / this")
    cpu_ratio = statistics.median(cpu_t["ours"]) / statistics.median(cpu_t["bare"])
    result.add("import CPU time / bare CPU time", cpu_ratio, "x", ratio=cpu_ratio,
               note="process CPU seconds (both threads), medians: what the machine's load does not change")
    parse = statistics.median(parse_t)
    result.add("read + parse + hash only, no database (read_jsonl, text_hash)", n / parse, "docs/s",
               ratio=(parse + bare) / ours,
               note=f"median {parse:.2f}s; ratio = (this + bare) / import: 1 when the import runs the two "
                    "in series, above 1 as far as its reader thread overlaps them")

    if not args.no_cli:
        cli, _ = time_cli_import(jsonl, db)
        result.add("`annotator import` CLI (subprocess, once)", n / cli, "docs/s",
                   ratio=cli / bare, note=f"{cli:.2f}s incl. interpreter start; ratio = CLI time / bare time")

    if args.profile_docs and ratio > TARGET:
        pn = min(args.profile_docs, n)
        pj = work / f"import-profile-{pn}.jsonl"
        write_jsonl(pj, pn)
        text = profile_import(work / "import-profile.db", pj)
        print(text)
        result.notes.append(f"cProfile of one import of {pn:,} documents, read on the main thread (sorted by own time):\n```\n{text}\n```")
        pj.unlink(missing_ok=True)
        remove_db(work / "import-profile.db")

    jsonl.unlink(missing_ok=True)
    remove_db(db)
    result.emit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
