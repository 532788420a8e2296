"""Does labelling the most uncertain documents first help? A simulation on the users' text.

WikiGold in the users' style (benchmarks/wikigold_users.py): the 116 project articles are
the pool, the 29 unseen articles the test set. The gold plays the annotator: it "labels" the
next STEP articles of the pool in the order a strategy chooses, then the model is retrained
from the base model on everything labelled so far (train_pipeline's recipe: core/learning/train.py
defaults, early stopping on a held-out fifth of the labelled articles) and scored on the
unseen articles. Each retrain is capped in updates, not seconds (--max-steps, --patience), so
the comparison does not depend on how busy the shared machine is.

- random: a seeded shuffle of the pool.
- uncertainty: core/learning/ordering.py's score (the model's beam entity probabilities); the first
  STEP by the base model, then by the latest retrained model over what is left.

    python benchmarks/bench_order.py [--step 20] [--max-steps 150] [--patience 75] [--seed 0]

Writes benchmarks/_work/bench_order/order_simulation.svg (no plotting dependency) and prints
held-out F1 against documents labelled for both strategies.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Result, command_line, workdir  # noqa: E402
from benchmarks.wikigold_users import gold_docs, read_articles, split  # noqa: E402

LABELS = ["GPE", "ORG", "PERSON"]


def retrain(labelled: list, seed: int, max_steps: int, patience: int):
    """train_pipeline's recipe on GoldDocs (no project): base model, held-out fifth for early
    stopping, default batch size, dropout, patience and augmentation."""
    from annotator.core.learning.train import (
        DEFAULT_BATCH_SIZE, DEFAULT_DROPOUT, default_base, split_gold, training_examples,
    )
    from annotator.core.learning.train_loop import new_pipeline, prepare_ner, train_loop

    train, dev = split_gold(labelled, 0.2, seed)
    nlp = new_pipeline(default_base())
    examples, copies = training_examples(nlp, train)
    prepare_ner(nlp, LABELS, examples)
    loop = train_loop(nlp, examples + copies, dev, LABELS, max_steps=max_steps, seed=seed,
                      batch_size=DEFAULT_BATCH_SIZE, dropout=DEFAULT_DROPOUT, patience=patience)
    return nlp, loop


def simulate(strategy: str, pool: list, test: list, step: int, max_steps: int, patience: int, seed: int) -> list[tuple[int, float]]:
    from annotator.core.learning.ordering import uncertainty_scores
    from annotator.core.learning.train import default_base
    from annotator.core.learning.train_loop import new_pipeline, score

    left = list(pool)
    random.Random(seed).shuffle(left)
    nlp = new_pipeline(default_base())
    points = [(0, score(nlp, test, LABELS)["f1"])]
    labelled: list = []
    while left:
        if strategy == "uncertainty":
            scores = list(uncertainty_scores(nlp, [g.text for g in left], LABELS))
            ranked = sorted(range(len(left)), key=lambda i: -scores[i])
            left = [left[i] for i in ranked]
        labelled += left[:step]
        left = left[step:]
        started = time.perf_counter()
        nlp, loop = retrain(labelled, seed, max_steps, patience)
        f1 = score(nlp, test, LABELS)["f1"]
        points.append((len(labelled), f1))
        print(f"  {strategy:<11} {len(labelled):>4} docs  F1 {f1:.3f}  ({loop.steps} steps, "
              f"{loop.stopped}, {time.perf_counter() - started:.0f} s)", flush=True)
    return points


def svg(curves: dict[str, list[tuple[int, float]]], path: Path) -> Path:
    """A small line chart: F1 on the unseen articles against documents labelled."""
    w, h, m = 560, 340, 50
    xmax = max(x for pts in curves.values() for x, _ in pts) or 1
    ymax = max(0.1, max(y for pts in curves.values() for _, y in pts)) * 1.1

    def xy(x: float, y: float) -> str:
        return f"{m + x / xmax * (w - 2 * m):.1f},{h - m - y / ymax * (h - 2 * m):.1f}"

    colors = {"random": "#888888", "uncertainty": "#d9480f"}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" '
             f'font-size="12"><rect width="{w}" height="{h}" fill="white"/>',
             f'<line x1="{m}" y1="{h - m}" x2="{w - m}" y2="{h - m}" stroke="black"/>',
             f'<line x1="{m}" y1="{m}" x2="{m}" y2="{h - m}" stroke="black"/>',
             f'<text x="{w / 2}" y="{h - 12}" text-anchor="middle">documents labelled</text>',
             f'<text x="14" y="{h / 2}" transform="rotate(-90 14 {h / 2})" text-anchor="middle">'
             f'F1 on the 29 unseen articles</text>']
    for k in range(6):
        y = ymax * k / 5
        parts.append(f'<text x="{m - 6}" y="{xy(0, y).split(",")[1]}" text-anchor="end">{y:.2f}</text>')
    for n, (name, pts) in enumerate(curves.items()):
        color = colors.get(name, "#1c7ed6")
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="'
                     + " ".join(xy(x, y) for x, y in pts) + '"/>')
        parts.append(f'<text x="{w - m - 110}" y="{m + 16 * n}" fill="{color}">{name}</text>')
        parts += [f'<text x="{xy(x, 0).split(",")[0]}" y="{h - m + 16}" text-anchor="middle">{x}</text>'
                  for x, _ in pts] if n == 0 else []
    parts.append("</svg>")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--step", type=int, default=20, help="documents labelled between retrains")
    parser.add_argument("--max-steps", type=int, default=150, help="updates per retrain at most")
    parser.add_argument("--patience", type=int, default=75, help="early-stopping patience per retrain (updates)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    work = workdir() / "bench_order"
    work.mkdir(parents=True, exist_ok=True)
    project, unseen = split(read_articles())
    pool, test = gold_docs(project, work), gold_docs(unseen, work)
    res = Result("order", command_line(), sizes={"pool": len(pool), "unseen": len(test), "step": args.step,
                                                 "max_steps": args.max_steps, "patience": args.patience})
    curves = {name: simulate(name, pool, test, args.step, args.max_steps, args.patience, args.seed)
              for name in ("random", "uncertainty")}
    print(f"{'docs':>6} {'random':>8} {'uncertainty':>12}")
    for (n, r), (_, u) in zip(curves["random"], curves["uncertainty"]):
        print(f"{n:>6} {r:>8.3f} {u:>12.3f}")
        if n:
            res.add(f"F1 after {n} documents: uncertainty - random", u - r, "F1", note=f"random {r:.3f}, uncertainty {u:.3f}")
    area = {k: sum(y for _, y in pts[1:]) / max(1, len(pts) - 1) for k, pts in curves.items()}
    res.add("mean F1 over the curve: uncertainty - random", area["uncertainty"] - area["random"], "F1",
            note=f"random {area['random']:.3f}, uncertainty {area['uncertainty']:.3f}")
    res.notes.append(f"plot: {svg(curves, work / 'order_simulation.svg')}")
    res.emit()


if __name__ == "__main__":
    main()
