"""Patterns at the size of a real gazetteer (issue 25): a 100,000-term list loads in under 5 s
and matching a 3 KB article stays under 5 ms at that size.

Terms are generated (deterministic): 1-3 pseudo-words each, from a vocabulary of 30,000, so
first words repeat as in real name lists. The article is the sample articles (seeds/) cut to
3,000 characters, with ten of the terms written into it.

- load: `patterns add` (read the file, check every line, store in one transaction) into a fresh
  project, then the matcher built from the project (what the window does in a worker);
  the target is on the sum. Measured for a term list and for the same terms as Prodigy token
  patterns on LOWER (`terms.to-patterns`'s shape).
- match: PatternMatcher.match on the article, median and 95th percentile of --repeat runs.
- precision: each pattern's figures from 1,000 accepted decisions with pattern suggestions.

    python benchmarks/bench_patterns.py [--terms 100000] [--repeat 300]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import string
import sys
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Result, command_line, percentile, remove_db, rss_mb, workdir  # noqa: E402


def make_terms(n: int, seed: int = 25) -> list[str]:
    rng = random.Random(seed)
    words = ["".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 10))) for _ in range(30_000)]
    terms: dict[str, None] = {}
    while len(terms) < n:
        terms[" ".join(rng.choice(words) for _ in range(rng.choice((1, 1, 2, 2, 2, 3))))] = None
    return list(terms)


def article(terms: list[str]) -> str:
    from annotator.paths import seeds_dir

    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(seeds_dir().glob("*.txt")))
    words = text.split()[:600]
    rng = random.Random(3)
    for term in rng.sample(terms, 10):
        words.insert(rng.randrange(len(words)), term)
    out = " ".join(words)
    return out[:out.rfind(" ", 0, 3000)]


def load(db: Path, path: Path, label: str | None) -> tuple[float, float, float, object]:
    from annotator.core.learning.patterns.manage import import_patterns
    from annotator.core.learning.patterns.matcher import PatternMatcher
    from annotator.core.store import Store

    remove_db(db)
    with Store(db) as store:
        cpu, started = time.process_time(), time.perf_counter()
        report, read = import_patterns(store, path, "bench", label=label)
        added = time.perf_counter() - started
        assert not read.errors and report.added == report.read, report.summary()
        started = time.perf_counter()
        matcher = PatternMatcher(store.patterns.all(), store.settings.lang)
        built = time.perf_counter() - started
        cpu = time.process_time() - cpu
    return added, built, cpu, matcher


def match_times(matcher: object, text: str, repeat: int) -> tuple[list[float], int]:
    times = []
    found = 0
    for _ in range(repeat):
        started = time.perf_counter()
        found = len(matcher.match(text))  # type: ignore[attr-defined]
        times.append((time.perf_counter() - started) * 1000)
    return times, found


def precision_time(db: Path, matcher: object, text: str, decisions: int) -> float:
    from annotator.core.learning.patterns.precision import pattern_figures
    from annotator.core.store import Store
    from annotator.core.text.model import Span

    with Store(db) as store:
        ids, _ = store.documents.add_documents([(f"{text} {i}", {}) for i in range(decisions)])
        for n, doc in enumerate(ids):
            suggested = matcher.match(f"{text} {n}")  # type: ignore[attr-defined]
            kept = [Span(s.start, s.end, s.label) for s in suggested[::2]]
            store.activity.save_timed_decision(doc, "bench", "accept", kept, seconds=5.0, suggested=suggested,
                                      timestamp=1000.0 + n)
        started = time.perf_counter()
        figures = pattern_figures(store, matcher)  # type: ignore[arg-type]
        seconds = time.perf_counter() - started
        assert sum(f.shown for f in figures) >= decisions
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--decisions", type=int, default=1000)
    parser.add_argument("--workdir", default=None, help="where the files go (default benchmarks/_work)")
    args = parser.parse_args()
    work = workdir(args.workdir) / "bench_patterns"
    work.mkdir(parents=True, exist_ok=True)
    terms = make_terms(args.terms)
    text = article(terms)
    term_file = work / "terms.txt"
    term_file.write_text("\n".join(terms) + "\n", encoding="utf-8")
    jsonl = work / "terms.jsonl"
    jsonl.write_bytes(b"".join(orjson.dumps({"label": "GPE", "pattern": [{"lower": w} for w in t.split()]}) + b"\n"
                               for t in terms))
    from annotator.core.text.tokens import blank_nlp

    blank_nlp("en").make_doc("warm up")  # importing spaCy is not part of loading a list
    res = Result("patterns", command_line(), sizes={"terms": len(terms), "article_chars": len(text),
                                                    "term_list_mb": round(term_file.stat().st_size / 2**20, 2),
                                                    "load_average": os.getloadavg()[0]})
    rss = rss_mb()
    for kind, path, label in (("term list", term_file, "GPE"), ("token patterns (JSONL)", jsonl, None)):
        added, built, cpu, matcher = load(work / "patterns.db", path, label)
        if label is not None:  # the first load: what one list costs in memory
            grown = rss_mb() - rss
        total = added + built
        res.add(f"load a {len(terms):,}-term {kind}: patterns add + matcher built", total, "s", target="< 5",
                met=total < 5, note=f"add (read, check, store) {added:.2f} s, build {built:.2f} s; "
                f"{cpu:.2f} s of CPU (one thread: the wall time on an idle machine, fsync aside)")
        times, found = match_times(matcher, text, args.repeat)
        median = statistics.median(times)
        res.add(f"match a 3 KB article, {kind}", median, "ms", target="< 5", met=median < 5,
                note=f"p95 {percentile(times, 95):.2f} ms, {found} matches, {args.repeat} runs")
    res.add(f"memory of a {len(terms):,}-term list's matcher and patterns", grown, "MB",
            note="resident memory grown by the first load (term list)")
    seconds = precision_time(work / "patterns.db", matcher, text, args.decisions)
    res.add(f"each pattern's precision from {args.decisions:,} decisions", seconds, "s",
            note=f"{len(terms):,} patterns; the Patterns window and the overview compute it in a worker")
    remove_db(work / "patterns.db")
    for path in (term_file, jsonl):
        path.unlink()
    res.emit()


if __name__ == "__main__":
    main()
