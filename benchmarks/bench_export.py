"""Export benchmarks: JSONL export speed against a bare orjson loop over the same rows, and the
peak memory of a sharded .spacy export at two project sizes (it must stay flat).

    python benchmarks/bench_export.py --docs 2000              # speed
    python benchmarks/bench_export.py --memory 10000 100000    # peak RSS of spacy export
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.core.ops.exporting import export  # noqa: E402
from annotator.core.text.model import Span  # noqa: E402
from annotator.core.store import Store  # noqa: E402
from benchmarks.corpus import articles  # noqa: E402

LABELS = ("PERSON", "ORG", "GPE")


def build_project(path: Path, n: int, chunk: int = 2000) -> None:
    """n articles, each accepted by one annotator with a few word spans."""
    store = Store(path)
    rng = random.Random(0)
    texts = articles(n)
    done = 0
    while done < n:
        batch = [next(texts) for _ in range(min(chunk, n - done))]
        ids, _ = store.documents.add_documents((t, {"i": done + i}) for i, t in enumerate(batch))
        with store.transaction():  # one commit per chunk: the saves become savepoints
            for doc_id, text in zip(ids, batch):
                spans, pos = [], 0
                for word in text.split(" ")[:40:9]:
                    start = text.index(word, pos)
                    if word.isalpha():
                        spans.append(Span(start, start + len(word), rng.choice(LABELS)))
                    pos = start + len(word) + 1
                store.annotations.save_annotation(doc_id, "alice", "accept", spans)
        done += len(batch)
    store.close()


def bare_loop(store: Store, out: Path) -> int:
    """The reference: the same rows, written as JSON with orjson and nothing else."""
    n = 0
    with out.open("wb") as f:
        for doc, ann in store.annotations.iter_annotations(answer="accept"):
            f.write(orjson.dumps({"text": doc.text, "meta": doc.meta,
                                  "spans": [s.to_dict() for s in ann.spans],
                                  "answer": ann.answer, "_annotator_id": ann.annotator}) + b"\n")
            n += 1
    return n


def speed(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        build_project(db, n)
        store = Store(db)
        t = time.perf_counter()
        bare_loop(store, Path(tmp) / "bare.jsonl")
        bare = time.perf_counter() - t
        for fmt, name, options in (("jsonl", "out.jsonl", {}), ("jsonl", "lean.jsonl", {"tokens": False}),
                                   ("doccano", "doccano.jsonl", {})):
            t = time.perf_counter()
            report = export(store, fmt, Path(tmp) / name, options=options)
            took = time.perf_counter() - t
            print(f"{fmt:8s} {str(options):18s} {report.records} records in {took:.2f}s ({report.records / took:,.0f}/s); "
                  f"bare orjson loop {bare:.2f}s; speed ratio {bare / took:.3f}")
        store.close()


def _peak_child(db: Path, out: Path) -> None:
    store = Store(db, readonly=True)
    report = export(store, "spacy", out)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(orjson.dumps({"records": report.records, "files": len(report.files), "peak_mb": peak_kb / 1024}).decode())


def memory(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            db = Path(tmp) / f"mem{n}.db"
            build_project(db, n)
            t = time.perf_counter()
            got = subprocess.run([sys.executable, __file__, "--child", str(db), str(Path(tmp) / f"corpus{n}")],
                                 capture_output=True, text=True, check=True)
            print(f"spacy export of {n} docs: {got.stdout.strip()} in {time.perf_counter() - t:.1f}s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=0)
    parser.add_argument("--memory", type=int, nargs="*", default=[])
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _peak_child(Path(args.child[0]), Path(args.child[1]))
        return
    if args.docs:
        speed(args.docs)
    if args.memory:
        memory(args.memory)


if __name__ == "__main__":
    main()
