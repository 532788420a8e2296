"""The trained model on the users' text: default `annotator train` vs the base model.

WikiGold in the users' style (benchmarks/wikigold_users.py: lowercased, punctuation tokens
dropped, PER/ORG/LOC -> PERSON/ORG/GPE, MISC dropped), our deterministic split: 116 articles
become a project's gold, 29 are never seen (not in the project, not used for early stopping).
train_pipeline runs with its default options (what `annotator train -o DIR` does), then the
base model, the trained model and (with --old) the previous defaults (200 fixed steps, batches
of 8, dropout 0.1, no augmentation) are scored on the 29 unseen articles.

    python benchmarks/bench_train.py [--old] [--seed 0]

Target (issue 16): trained F1 at least 0.30 above the base model's, and never below it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Result, command_line, workdir  # noqa: E402
from benchmarks.wikigold_users import build_project, gold_docs, read_articles, split  # noqa: E402

LABELS = ["GPE", "ORG", "PERSON"]
OLD_DEFAULTS = {"max_steps": 200, "patience": None, "batch_size": 8, "dropout": 0.1, "augment": False}


def train_and_score(db: Path, out: Path, unseen: list, **options) -> tuple[dict, dict]:
    """Train with train_pipeline's defaults (+ options); (scores.json, F1 on the unseen articles)."""
    import spacy

    from annotator.core.store import Store
    from annotator.core.learning.train import train_pipeline
    from annotator.core.learning.train_loop import score

    with Store(db) as store:
        result = train_pipeline(store, out, record=False, **options)
    return result.scores, score(spacy.load(out), unseen, LABELS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", action="store_true", help="also train with the previous defaults")
    parser.add_argument("--seed", type=int, default=0, help="train_pipeline's seed (split and updates)")
    args = parser.parse_args()
    from annotator.core.learning.train import default_base
    from annotator.core.learning.train_loop import new_pipeline, score

    work = workdir() / "bench_train"
    work.mkdir(parents=True, exist_ok=True)
    articles = read_articles()
    project, unseen_articles = split(articles)
    unseen = gold_docs(unseen_articles, work)
    db = build_project(project, work / "wikigold-users.db")
    res = Result("train", command_line(), sizes={"project_articles": len(project), "unseen_articles": len(unseen),
                                                 "unseen_entities": sum(len(g.spans) for g in unseen)})
    base = score(new_pipeline(default_base()), unseen, LABELS)
    res.add("base model F1 on unseen articles", base["f1"], "F1", note=f"{default_base()}; P {base['precision']:.3f} "
            f"R {base['recall']:.3f}")
    if args.old:
        started = time.perf_counter()
        _, old = train_and_score(db, work / "model-old", unseen, seed=args.seed, **OLD_DEFAULTS)
        res.add("trained F1, previous defaults (200 steps)", old["f1"], "F1",
                note=f"P {old['precision']:.3f} R {old['recall']:.3f}; {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    scores, new = train_and_score(db, work / "model", unseen, seed=args.seed)
    seconds = time.perf_counter() - started
    stop = scores["early_stopping"]
    res.add("trained F1, default `annotator train`", new["f1"], "F1",
            note=f"P {new['precision']:.3f} R {new['recall']:.3f}; " + ", ".join(
                f"{k} {v['f1']:.3f}" for k, v in new["per_label"].items()))
    gain = new["f1"] - base["f1"]
    res.add("trained F1 - base F1", gain, "F1", target=">= 0.30", met=gain >= 0.30)
    res.add("trained F1 >= base F1", float(new["f1"] >= base["f1"]), "bool", target="1", met=new["f1"] >= base["f1"])
    res.add("held-out F1 in scores.json (trained / base)", scores["trained"]["f1"], "F1",
            note=f"base {scores['base']['f1']:.3f} on the {scores['dev_docs']} held-out project documents")
    res.add("training time", seconds, "s", note=f"{scores['steps']} steps, stopped by {stop['stopped']} "
            f"(best step {stop['best_step']}); {scores['train_docs']} training documents, "
            f"{scores['augmented_copies']} augmented copies")
    res.emit()


if __name__ == "__main__":
    main()
