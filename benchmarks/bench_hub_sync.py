"""Team hub under load: N annotator processes against one hub, each making M decisions on
the documents routed to it and syncing after each B. Checks that every decision arrived
exactly once, and prints sync latency (median, p95) and decisions per second.

    python benchmarks/bench_hub_sync.py [--annotators 20] [--decisions 500] [--every 25]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Result, command_line, percentile  # noqa: E402


def worker(db: str, url: str, name: str, decisions: int, every: int) -> None:
    """One annotator: sync (taking `every` assignments), decide them, sync again..."""
    from annotator.core.hub.sync import sync
    from annotator.core.text.model import Span
    from annotator.core.store import Store

    latencies, made = [], 0
    started = time.time()
    with Store(db) as store:
        while True:
            t = time.perf_counter()
            # Never hold more than this annotator will decide: with fair shares (core/hub/routing.py)
            # a document held and left undecided waits for the assignment timeout, and a teammate
            # who still needs one would stop short (seen: 19 of 20, nothing lost).
            sync(store, url, batch=min(every, decisions - made))
            latencies.append(time.perf_counter() - t)
            if made >= decisions:
                break
            todo = store.sync.hub_assigned_ids()[:decisions - made]
            if not todo:
                break
            for doc_id in todo:
                store.annotations.save_annotation(doc_id, name, "accept", [Span(0, 4, "PERSON")])
            made += len(todo)
        mine = store.queries.count_annotations(name)
    print(orjson.dumps({"name": name, "made": made, "held": mine, "latencies": latencies,
                        "start": started, "end": time.time()}).decode())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--annotators", type=int, default=20)
    parser.add_argument("--decisions", type=int, default=500)
    parser.add_argument("--every", type=int, default=25)
    parser.add_argument("--worker", nargs=3, metavar=("DB", "URL", "NAME"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker, args.decisions, args.every)
        return

    from annotator.core.hub.connection import connect
    from annotator.core.hub.routing import set_settings
    from annotator.core.hub.sync import sync
    from annotator.core.store import Store
    from benchmarks.hub_server import running_server

    n, m = args.annotators, args.decisions
    total = n * m
    result = Result("hub_sync", command_line(), {"annotators": n, "decisions_each": m,
                                                 "sync_every": args.every})
    with running_server() as server, tempfile.TemporaryDirectory() as tmp:
        admin = server.create_hub("team")
        with connect(admin, password=server.admin_password) as conn:
            set_settings(conn, overlap_share=0.0)  # every document needs exactly one version
        lead = Path(tmp) / "lead.db"
        with Store(lead) as store:
            store.documents.add_documents([(f"Anna story {i}: the team met in Oslo.", {}) for i in range(total)])
            sync(store, server.add_annotator("team", "lead"), batch=0)
        urls = [server.add_annotator("team", f"a{i:02d}") for i in range(n)]
        procs = [subprocess.Popen([sys.executable, __file__, "--worker", str(Path(tmp) / f"a{i:02d}.db"),
                                   urls[i], f"a{i:02d}", "--decisions", str(m), "--every", str(args.every)],
                                  stdout=subprocess.PIPE, text=True) for i in range(n)]
        outs = [orjson.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
        # From the first worker's first sync to the last one's end (interpreter starts excluded).
        wall = max(o["end"] for o in outs) - min(o["start"] for o in outs)
        assert all(p.returncode == 0 for p in procs)
        with connect(admin, password=server.admin_password) as conn:
            rows, distinct, docs, history = conn.execute(
                "SELECT count(*), count(DISTINCT (document_id, annotator)), count(DISTINCT document_id), "
                "(SELECT count(*) FROM hub.decision_history) FROM hub.decisions").fetchone()
    latencies = [x for o in outs for x in o["latencies"]]
    exact = rows == distinct == docs == total and history == 0 and all(
        o["made"] == o["held"] == m for o in outs)
    print(f"hub decisions {rows:,} (distinct {distinct:,}, documents {docs:,}, history {history}); "
          f"expected {total:,}")
    result.add("decisions on the hub", rows, "rows", f"== {total:,} exactly once", exact,
               note=f"distinct (document, annotator) {distinct:,}; documents {docs:,}; history rows {history}")
    result.add("sync latency, median", statistics.median(latencies) * 1000, "ms",
               note=f"{len(latencies)} syncs, each pushing {args.every} decisions and taking {args.every} "
                    "new assignments")
    result.add("sync latency, p95", percentile(latencies, 95) * 1000, "ms")
    result.add("decisions per second (all processes)", total / wall, "decisions/s",
               note=f"{total:,} decisions in {wall:.1f} s wall (first sync to last), {n} processes")
    result.emit()
    if not exact:
        raise SystemExit("decisions lost or duplicated")


if __name__ == "__main__":
    main()
