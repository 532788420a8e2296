"""Export at scale: documents per second and peak memory of exporting N annotated documents
to JSONL and to .spacy, each export in its own subprocess (peak RSS = its VmHWM).

    python benchmarks/bench_export_scale.py --docs 100000 [--small 10000] [--repeat 3]

Targets (measured in this run):
- peak memory at N documents no more than 50 MB above peak memory at N/10 (JSONL and .spacy);
- JSONL export --no-tokens at least 0.5x the speed of a bare loop that reads the same rows
  from SQLite and writes them with orjson (benchmarks/bench_export.py's bare_loop): the same
  fields, times are medians of --repeat runs alternated with the bare loop. The default export
  (with spaCy tokens, what `annotator export` writes) is run once per size and its ratio to
  the bare loop shown for context only: bench_export_guards.py compares it with a plain
  tokenizer pass, its real reference.
The projects are built with bench_export.build_project in benchmarks/_work and deleted
at the end (--keep keeps them).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson  # noqa: E402

from benchmarks.common import Result, command_line, peak_rss_mb, remove_db, workdir  # noqa: E402

MEMORY_SLACK_MB = 50.0
SPEED_TARGET = 0.5
MODES = {"bare": "bare orjson loop", "jsonl-lean": "JSONL export --no-tokens",
         "jsonl": "JSONL export (default, with tokens)", "spacy": ".spacy export"}


def child(mode: str, db: Path, out: Path) -> None:
    """Run one export (after the imports, so only the export is timed) and print its figures."""
    from annotator.core.ops.exporting import export
    from annotator.core.store import Store
    from benchmarks.bench_export import bare_loop

    store = Store(db, readonly=True)
    t = time.perf_counter()
    if mode == "bare":
        records = bare_loop(store, out)
    elif mode == "jsonl-lean":
        records = export(store, "jsonl", out, options={"tokens": False}).records
    else:
        records = export(store, mode, out).records
    took = time.perf_counter() - t
    store.close()
    print(orjson.dumps({"records": records, "seconds": took, "peak_mb": peak_rss_mb()}).decode())


def run_child(mode: str, db: Path, out: Path) -> dict[str, float]:
    got = subprocess.run([sys.executable, __file__, "--child", mode, str(db), str(out)],
                         capture_output=True, text=True)
    if got.returncode != 0:
        raise SystemExit(f"{mode} export of {db} failed:\n{got.stderr}")
    figures = orjson.loads(got.stdout.strip().splitlines()[-1])
    if out.is_dir():
        shutil.rmtree(out)
    else:
        out.unlink(missing_ok=True)
    return figures


def project(n: int, work: Path) -> Path:
    from benchmarks.bench_export import build_project

    db = work / f"bench-export-{n}.db"
    if not db.exists():
        t = time.perf_counter()
        part = work / f"bench-export-{n}.part.db"
        remove_db(part)
        build_project(part, n)
        part.rename(db)
        print(f"built an annotated project of {n:,} documents in {time.perf_counter() - t:.1f}s", flush=True)
    return db


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=0, help="the smaller size (default: docs/10)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--keep", action="store_true", help="keep the built projects")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return 0
    n = args.docs
    small = args.small or max(1, n // 10)
    work = workdir(args.workdir)
    result = Result("export", command_line(), sizes={"documents": n, "small": small, "repeat": args.repeat})

    peaks: dict[tuple[str, int], float] = {}
    speed: dict[tuple[str, int], float] = {}
    for size in (small, n):
        db = project(size, work)
        for mode in ("jsonl", "spacy"):
            out = work / (f"export-{size}.jsonl" if mode == "jsonl" else f"export-{size}-spacy")
            fig = run_child(mode, db, out)
            assert fig["records"] == size, fig
            peaks[(mode, size)] = fig["peak_mb"]
            speed[(mode, size)] = fig["seconds"]
            print(f"  {MODES[mode]:<38} {size:>7,} docs: {fig['seconds']:7.1f}s "
                  f"({size / fig['seconds']:,.0f} docs/s), peak RSS {fig['peak_mb']:.0f} MB", flush=True)
        if size == n:
            times: dict[str, list[float]] = {"bare": [], "jsonl-lean": []}
            lean_peaks = []
            for round_ in range(args.repeat):
                order = ["bare", "jsonl-lean"] if round_ % 2 == 0 else ["jsonl-lean", "bare"]
                for mode in order:
                    fig = run_child(mode, db, work / f"speed-{mode}.jsonl")
                    assert fig["records"] == size, fig
                    times[mode].append(fig["seconds"])
                    if mode == "jsonl-lean":
                        lean_peaks.append(fig["peak_mb"])
                    print(f"  round {round_ + 1}: {MODES[mode]:<28} {fig['seconds']:6.2f}s "
                          f"({size / fig['seconds']:,.0f} docs/s)", flush=True)
            bare = statistics.median(times["bare"])
            lean = statistics.median(times["jsonl-lean"])

    for mode in ("jsonl", "spacy"):
        result.add(f"{MODES[mode]}: throughput at {n:,}", n / speed[(mode, n)], "docs/s",
                   note=f"one run, {speed[(mode, n)]:.1f}s")
    for mode in ("jsonl", "spacy"):
        growth = peaks[(mode, n)] - peaks[(mode, small)]
        result.add(f"{MODES[mode]}: peak RSS at {n:,} minus at {small:,}", growth, "MB",
                   target=f"<= {MEMORY_SLACK_MB:.0f} MB", met=growth <= MEMORY_SLACK_MB,
                   ratio=peaks[(mode, n)] / peaks[(mode, small)],
                   note=f"{peaks[(mode, small)]:.0f} MB -> {peaks[(mode, n)]:.0f} MB; ratio = big/small")
    result.add(f"bare orjson loop at {n:,}", n / bare, "docs/s", note=f"median of {args.repeat}: {bare:.2f}s")
    result.add(f"{MODES['jsonl-lean']}: throughput at {n:,}", n / lean, "docs/s",
               note=f"median of {args.repeat}: {lean:.2f}s; peak RSS {max(lean_peaks):.0f} MB")
    result.add("JSONL --no-tokens speed / bare loop speed", bare / lean, "x",
               target=f">= {SPEED_TARGET}", met=bare / lean >= SPEED_TARGET, ratio=bare / lean)
    with_tokens = bare / speed[("jsonl", n)]
    # No target: the bare loop writes no tokens, so it is not the limit for this output. The
    # export with tokens is guarded against a plain tokenizer pass in bench_export_guards.py.
    result.add("JSONL default (tokens) speed / bare loop speed", with_tokens, "x", ratio=with_tokens,
               note="context only: the bare loop writes no tokens; see the export guards for the "
                    "like-for-like reference")

    if not args.keep:
        for size in (small, n):
            remove_db(work / f"bench-export-{size}.db")
    result.emit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
