"""Guards on the two token-writing exports, each against the plainest way to get its tokens,
measured in the same run (CPU time of this process, medians of alternated rounds: the
machine is shared, and CPU time is what its load changes least).

    python benchmarks/bench_export_guards.py [--docs 2000] [--conll-mb 10] [--rounds 3]

- JSONL with Prodigy tokens (`annotator export -f jsonl`, the default) against a plain pass
  over the same texts: the Docs of spaCy's `nlp.tokenizer.pipe`, each written with one
  `orjson.dumps` of {"text": doc.text, "tokens": [...]}, the token dicts read off spaCy's
  Token objects (what the export writes, less its hashes, meta and spans). Target: the
  export at >= 1.4x that pass's speed.
- CoNLL export of one 10 MB document (the reliability suite's single line of words and
  emoji, tests/reliability/large.py) against the tokenizer alone: annotator.core.text.tokens.tokenize(text), the tokens every token format is
  defined by. Target: the export at >= 2.4x its speed.
Every contestant starts from a cold blank pipeline (a fresh spaCy tokenizer cache).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson  # noqa: E402

from benchmarks.common import Result, command_line, remove_db, workdir  # noqa: E402

JSONL_TARGET = 1.4
CONLL_TARGET = 2.4


def _cpu(prepare: Callable[[], Callable[[], Any]]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of the run prepare() returns; the preparation (a fresh
    pipeline) and a collection happen before the clock starts."""
    run = prepare()
    gc.collect()
    c, t = time.process_time(), time.perf_counter()
    run()
    return time.process_time() - c, time.perf_counter() - t


def _fresh_pipelines(lang: str) -> Any:
    """A cold start for every contestant: exporters keep a blank pipeline per thread between
    exports, and blank_nlp is cached (a warm tokenizer cache is faster)."""
    from annotator.core.formats.exporters import base
    from annotator.core.text.tokens import blank_nlp

    base._pipelines.__dict__.clear()
    blank_nlp.cache_clear()
    base.export_pipeline(lang, 0)
    return blank_nlp(lang)


def _alternate(rounds: int, a: Callable[[], Callable[[], Any]], b: Callable[[], Callable[[], Any]]) -> tuple[list[float], list[float], list[float], list[float]]:
    ca, wa, cb, wb = [], [], [], []
    for i in range(rounds):
        for which in ((a, ca, wa), (b, cb, wb)) if i % 2 == 0 else ((b, cb, wb), (a, ca, wa)):
            cpu, wall = _cpu(which[0])
            which[1].append(cpu)
            which[2].append(wall)
    return ca, wa, cb, wb


def jsonl_guard(result: Result, work: Path, docs: int, rounds: int) -> None:
    import spacy

    from annotator.core.ops.exporting import export
    from annotator.core.store import Store
    from benchmarks.bench_export import build_project

    db = work / f"bench-guard-{docs}.db"
    remove_db(db)
    build_project(db, docs)
    store = Store(db, readonly=True)
    texts = [doc.text for doc, _ in store.annotations.iter_annotations(answer="accept")]
    out_ref, out_exp = work / "guard-ref.jsonl", work / "guard-export.jsonl"

    def reference() -> Callable[[], None]:
        nlp = spacy.blank(store.settings.lang)

        def run() -> None:  # Doc in, JSON out: what a plain pass over the docs writes
            with out_ref.open("wb") as f:
                for doc in nlp.tokenizer.pipe(texts):
                    tokens = [{"text": t.text, "start": t.idx, "end": t.idx + len(t), "id": t.i,
                               "ws": bool(t.whitespace_)} for t in doc]
                    f.write(orjson.dumps({"text": doc.text, "tokens": tokens}) + b"\n")
        return run

    def exported() -> Callable[[], None]:
        _fresh_pipelines(store.settings.lang)
        return lambda: export(store, "jsonl", out_exp)

    c_ref, w_ref, c_exp, w_exp = _alternate(rounds, reference, exported)
    store.close()
    for path in (out_ref, out_exp):
        path.unlink(missing_ok=True)
    remove_db(db)
    ref, exp = statistics.median(c_ref), statistics.median(c_exp)
    result.add(f"plain tokenizer.pipe + orjson pass over {docs:,} texts", ref, "s CPU",
               note=f"median of {rounds}; wall {statistics.median(w_ref):.2f}s")
    result.add(f"JSONL export with tokens, {docs:,} documents", exp, "s CPU",
               note=f"median of {rounds}; wall {statistics.median(w_exp):.2f}s")
    result.add("JSONL export with tokens: speed / plain tokenizer.pipe + orjson pass", ref / exp, "x",
               target=f">= {JSONL_TARGET}", met=ref / exp >= JSONL_TARGET, ratio=ref / exp,
               note=f"CPU time; wall-clock ratio {statistics.median(w_ref) / statistics.median(w_exp):.2f}")


UNIT = "Ada Lovelace met Babbage in London 😀 again and again . "


def big_document(chars: int) -> tuple[str, list[Any]]:
    """The reliability suite's 10 MB document (tests/reliability/large.py single_line_text):
    one line of short words and emoji, a span at its start and one near its end."""
    from annotator.core.text.model import Span

    tail = " Finally Grace Hopper spoke ."
    text = (UNIT * (chars // len(UNIT) + 1))[:chars - len(tail)] + tail
    start = text.rindex("Grace Hopper")
    return text, [Span(0, 12, "PERSON"), Span(start, start + 12, "PERSON")]


def conll_guard(result: Result, work: Path, megabytes: float, rounds: int) -> None:
    from annotator.core.ops.exporting import export
    from annotator.core.store import Store
    from annotator.core.text.tokens import tokenize

    text, spans = big_document(int(megabytes * 1_000_000))
    db = work / "bench-guard-conll.db"
    remove_db(db)
    with Store(db) as store:
        doc_id, _ = store.documents.add_document(text)
        store.annotations.save_annotation(doc_id, "alice", "accept", spans)
    store = Store(db, readonly=True)
    out = work / "guard.conll"

    def tokenizer_alone() -> Callable[[], None]:
        _fresh_pipelines(store.settings.lang)
        return lambda: tokenize(text, store.settings.lang)

    def exported() -> Callable[[], None]:
        _fresh_pipelines(store.settings.lang)
        return lambda: export(store, "conll", out)

    c_tok, w_tok, c_exp, w_exp = _alternate(rounds, tokenizer_alone, exported)
    store.close()
    out.unlink(missing_ok=True)
    remove_db(db)
    tok, exp = statistics.median(c_tok), statistics.median(c_exp)
    size = f"{len(text.encode('utf-8')) / 1e6:.1f} MB"
    result.add(f"tokenizer alone (core tokenize) on a {size} document", tok, "s CPU",
               note=f"median of {rounds}; wall {statistics.median(w_tok):.2f}s")
    result.add(f"CoNLL export of the {size} document", exp, "s CPU",
               note=f"median of {rounds}; wall {statistics.median(w_exp):.2f}s")
    result.add("CoNLL export: speed / tokenizer alone", tok / exp, "x", target=f">= {CONLL_TARGET}",
               met=tok / exp >= CONLL_TARGET, ratio=tok / exp,
               note=f"CPU time; wall-clock ratio {statistics.median(w_tok) / statistics.median(w_exp):.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--conll-mb", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--parts", default="jsonl,conll")
    parser.add_argument("--workdir", default=None)
    args = parser.parse_args(argv)
    work = workdir(args.workdir)
    result = Result("export-guards", command_line(),
                    sizes={"documents": args.docs, "conll_mb": args.conll_mb, "rounds": args.rounds})
    if "jsonl" in args.parts:
        jsonl_guard(result, work, args.docs, args.rounds)
    if "conll" in args.parts:
        conll_guard(result, work, args.conll_mb, args.rounds)
    result.emit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
