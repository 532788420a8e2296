"""Task routing at scale: the time of one sync that pulls a batch of 50 assignments, on a
hub of 10,000 and of 1,000,000 documents. Indexed queries only, so the two should match.

    python benchmarks/bench_hub_queue.py [--sizes 10000,1000000] [--repeat 5] [--batch 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Result, command_line  # noqa: E402

PICK = ("SELECT d.id FROM hub.documents d WHERE d.taken < d.needs AND NOT EXISTS (SELECT 1 FROM "
        "hub.assignments a WHERE a.document_id = d.id AND a.annotator = 'w0' OFFSET 0) ORDER BY d.id LIMIT 50")


def fill(conn, size: int, done: float) -> float:  # type: ignore[no-untyped-def]
    """Add `size` documents in SQL (the triggers run as for a push), the first `done` share
    of them already labelled; returns seconds."""
    t = time.perf_counter()
    step = 100_000
    for lo in range(0, size, step):
        with conn.transaction():
            conn.execute(
                "INSERT INTO hub.documents (hash, body, meta, added) SELECT encode(sha256(b), 'hex'), b, "
                "'{}', 0 FROM (SELECT convert_to('Queue story ' || i || ': Ana Ruiz flew to Lima.', 'UTF8') "
                "AS b FROM generate_series(%s::int, %s::int) AS i) s", (lo + 1, min(size, lo + step)))
    with conn.transaction():  # the work so far: `done` of the queue decided by 20 annotators
        cut = int(size * done)
        conn.execute("INSERT INTO hub.assignments (document_id, annotator, state, assigned) "
                     "SELECT id, 'w' || (id %% 20), 'done', 0 FROM hub.documents WHERE id <= %s", (cut,))
        conn.execute("UPDATE hub.documents SET taken = needs WHERE id <= %s", (cut,))
    conn.autocommit = True
    conn.execute("VACUUM ANALYZE hub.documents")
    conn.execute("VACUUM ANALYZE hub.assignments")
    return time.perf_counter() - t


def measure(server, db: str, size: int, repeat: int, batch: int,  # type: ignore[no-untyped-def]
            tmp: Path) -> tuple[list[float], list[float], list[float], str]:
    """(sync seconds, claim-only seconds, fair-share seconds, query plan): each sync by a new
    annotator with an empty project, so each pulls a full batch of new assignments and their
    documents (the fair share of a hub this size is far above the batch)."""
    import psycopg

    from annotator.core.hub.routing import fair_share
    from annotator.core.hub.sync import sync
    from annotator.core.store import Store

    syncs, claims, fairs = [], [], []
    for r in range(repeat):
        url = server.add_annotator(db, f"s{size}_{r}")
        with Store(tmp / f"{db}-{r}.db") as store:
            t = time.perf_counter()
            report = sync(store, url, batch=batch)
            syncs.append(time.perf_counter() - t)
            assert report.assigned == batch and len(store.sync.hub_assigned_ids()) == batch
        with psycopg.connect(server.add_annotator(db, f"c{size}_{r}"), autocommit=True) as conn:
            t = time.perf_counter()
            assert len(conn.execute("SELECT * FROM hub.claim(%s)", (batch,)).fetchall()) == batch
            claims.append(time.perf_counter() - t)
            t = time.perf_counter()
            assert fair_share(conn, batch) == batch
            fairs.append(time.perf_counter() - t)
    with psycopg.connect(server.url(db=db), password=server.admin_password) as conn:
        plan = "\n".join(r[0] for r in conn.execute("EXPLAIN (ANALYZE, COSTS OFF) " + PICK))
    return syncs, claims, fairs, plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--done", type=float, default=0.9, help="share of the hub already labelled")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    import psycopg

    from benchmarks.hub_server import running_server

    result = Result("hub_queue", command_line(), {"hub_documents": ",".join(f"{s:,}" for s in sizes),
                                                  "batch": args.batch, "repeat": args.repeat,
                                                  "already_done": args.done})
    medians: dict[int, float] = {}
    with running_server() as server, tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            db = f"queue{size}"
            server.create_hub(db)
            with psycopg.connect(server.url(db=db), password=server.admin_password) as conn:
                took = fill(conn, size, args.done)
            print(f"hub of {size:,} documents ({args.done:.0%} done) filled in {took:.1f} s", flush=True)
            syncs, claims, fairs, plan = measure(server, db, size, args.repeat, args.batch, Path(tmp))
            medians[size] = statistics.median(syncs)
            result.add(f"sync pulling {args.batch} assignments, hub of {size:,} documents",
                       medians[size] * 1000, "ms", note=f"median of {len(syncs)}: "
                       + ", ".join(f"{s * 1000:.0f}" for s in syncs) + " ms; new annotator, empty project")
            result.add(f"hub.claim({args.batch}) alone, hub of {size:,} documents",
                       statistics.median(claims) * 1000, "ms", note=f"median of {len(claims)}")
            result.add(f"fair share (waiting versions / annotators) alone, hub of {size:,} documents",
                       statistics.median(fairs) * 1000, "ms", note=f"median of {len(fairs)}; read by every "
                       "sync before hub.claim")
            result.notes.append(f"Plan of the queue query for w0 (who labelled {size * args.done / 20:,.0f} "
                                f"documents) on the hub of {size:,} documents:\n```\n{plan}\n```")
    if len(sizes) > 1:
        ratio = medians[sizes[-1]] / medians[sizes[0]]
        result.add(f"sync time at {sizes[-1]:,} / at {sizes[0]:,} documents", ratio, "x", "<= 2",
                   ratio <= 2, ratio)
    result.emit()


if __name__ == "__main__":
    main()
