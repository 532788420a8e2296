"""The project's own text as vectors (issue 25 §5): do floret vectors trained on the project's
documents help `annotator train` on unseen lowercased WikiGold articles?

WikiGold in the users' style and the split of RESULTS §6 (benchmarks/wikigold_users.py): 116
articles are the project's gold, 29 are never seen. floret vectors are trained on the 116
project documents' text only (tokenised by spaCy, one line per line of text; the unseen
articles never reach them), loaded with spaCy's floret mode (what `spacy init vectors --mode
floret` does), and four pipelines are trained with the same gold, held-out part, seed and
recipe (train_pipeline's defaults: batches of 4, dropout 0.2, held-out early stopping with
patience 150, 600 s budget) and scored on the 29 unseen articles:

A. fine-tuned en_core_web_sm (`annotator train`'s default: core.learning.train.train_pipeline);
B. A with the vectors: the same NER with `include_static_vectors = true`; every weight of the
   stock NER is copied in and the mixing layer's new columns for the vectors start at zero,
   so training starts from exactly the stock model and learns how much to use them;
C. from scratch, no vectors (`annotator train --from-scratch`: spaCy's default NER);
D. C with the vectors (HashEmbedCNN with `pretrained_vectors = true`).

The rule (issue 25 §5): ship an option only if unseen F1 rises by at least 0.03 over A.

    python benchmarks/bench_vectors.py [--seed 0] [--variants ABCD] [--dim 100] [--epochs 30]
    (needs `pip install floret`)
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Result, command_line, peak_rss_mb, workdir  # noqa: E402
from benchmarks.wikigold_users import build_project, gold_docs, read_articles, split  # noqa: E402

LABELS = ["GPE", "ORG", "PERSON"]
NAMES = {"A": "A. fine-tuned en_core_web_sm (`annotator train`)",
         "B": "B. A + the project's floret vectors",
         "C": "C. from scratch (`--from-scratch`)",
         "D": "D. C + the project's floret vectors"}


# ---- the vectors ----------------------------------------------------------------------------
def write_corpus(store: Any, path: Path) -> tuple[int, int]:
    """The project's documents, tokenised as the pipeline tokenises them, one line per text line.
    Returns (documents, tokens)."""
    import spacy

    tokenizer = spacy.blank(store.settings.lang).tokenizer
    docs = tokens = 0
    with path.open("w", encoding="utf-8") as out:
        for document in store.documents.iter_documents():
            docs += 1
            for line in document.text.splitlines():
                words = [t.text for t in tokenizer(line) if not t.is_space]
                if words:
                    tokens += len(words)
                    out.write(" ".join(words) + "\n")
    return docs, tokens


def train_floret(corpus: Path, out: Path, *, dim: int, epochs: int, bucket: int, model: str = "skipgram",
                 t: float = 1e-2) -> Path:
    """floret vectors (mode floret: every word and its 4-5 character n-grams hashed into `bucket`
    rows, 2 hashes each), written in floret's text format for spaCy. `t` is fastText's
    subsampling threshold: its default (1e-4) is made for corpora of billions of words; on a
    project's 30,000 it throws away most of the text and every vector ends up pointing the same
    way (mean cosine of random word pairs 1.00), so the small-corpus default here is 1e-2."""
    import floret

    trained = floret.train_unsupervised(str(corpus), model=model, mode="floret", hashCount=2, bucket=bucket,
                                        minn=4, maxn=5, dim=dim, epoch=epochs, minCount=1, t=t,
                                        thread=1, verbose=0)
    trained.save_floret_vectors(str(out))
    return out


def mean_pair_cosine(nlp: Any, corpus: Path, pairs: int = 2000) -> float:
    """Mean cosine of random pairs of the corpus's words: near 1.00 means every vector points
    the same way (collapsed, useless); a working table is far below."""
    import random

    import numpy as np

    words = sorted({w for line in corpus.read_text(encoding="utf-8").splitlines() for w in line.split()})
    rng = random.Random(0)
    total = 0.0
    for _ in range(pairs):
        a, b = (nlp.vocab.get_vector(w) for w in rng.sample(words, 2))
        total += float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b) or 1.0))
    return total / pairs


def add_vectors(nlp: Any, floret_file: Path) -> Any:
    """Load the floret table into nlp's vocab (what `spacy init vectors --mode floret` does)."""
    from spacy.training.initialize import convert_vectors

    convert_vectors(nlp, floret_file, truncate=0, prune=-1, mode="floret")
    return nlp


# ---- the pipelines ------------------------------------------------------------------------
def _param_nodes(model: Any) -> list[Any]:
    """Layers holding parameters, in depth-first order, the static vectors' own layer left out."""
    return [n for n in model.walk(order="dfs_pre") if n.param_names and n.name != "static_vectors"]


def copy_into_vectors_tok2vec(src: Any, dst: Any) -> int:
    """Copy the stock tok2vec's weights into the same tok2vec with static vectors added. The
    mixing layer (maxout over the concatenated embeddings) has `width` more input columns in dst,
    for the vectors, appended last: they start at zero, so dst computes exactly what src did."""
    s_nodes, d_nodes = _param_nodes(src), _param_nodes(dst)
    assert [n.name for n in s_nodes] == [n.name for n in d_nodes], "tok2vec layers differ"
    padded = 0
    for s, d in zip(s_nodes, d_nodes):
        if "seed" in s.attrs:
            d.attrs["seed"] = s.attrs["seed"]
        for p in s.param_names:
            value = s.get_param(p)
            target = d.get_param(p)
            if target.shape != value.shape:
                assert d.name == "maxout" and p == "W" and target.shape[:-1] == value.shape[:-1]
                new = target * 0
                new[..., : value.shape[-1]] = value
                value, padded = new, padded + 1
            d.set_param(p, value.copy())
    assert padded == 1, "expected one mixing layer to widen"
    return padded


def prepare_ner_with_vectors(nlp: Any, labels: list[str], examples: list[Any]) -> Any:
    """train_loop.prepare_ner with the NER's tok2vec reading the static vectors."""
    from annotator.core.learning.train_loop import add_ner, carry_weights

    if "ner" not in nlp.pipe_names:  # from scratch
        from spacy.pipeline.ner import DEFAULT_NER_MODEL

        model = copy.deepcopy(DEFAULT_NER_MODEL)
        model["tok2vec"]["pretrained_vectors"] = True
        add_ner(nlp, labels, examples, config={"model": model})
        return nlp
    old = nlp.get_pipe("ner")
    cfg = copy.deepcopy({k: v for k, v in nlp.config["components"]["ner"].items() if k != "factory"})
    cfg["model"]["tok2vec"]["embed"]["include_static_vectors"] = True
    factory = nlp.config["components"]["ner"]["factory"]
    nlp.remove_pipe("ner")
    carry_weights(old, add_ner(nlp, labels, examples, factory=factory, config=cfg), copy_into_vectors_tok2vec)
    return nlp


def train_with_vectors(store: Any, floret_file: Path, *, from_scratch: bool, seed: int) -> tuple[Any, Any]:
    """train_pipeline's recipe step by step (same gold, held-out part, augmentation, loop and
    defaults), with the vectors in the pipeline. Returns (nlp, loop result)."""
    from annotator.core.learning import train as tr
    from annotator.core.learning.train_loop import make_examples, new_pipeline, train_loop

    gold = tr.collect_gold(store)
    train, dev = tr.split_gold(gold, 0.2, seed)
    labels = sorted({s.label for g in gold for s in g.spans})
    nlp = add_vectors(new_pipeline(None if from_scratch else tr.default_base(), store.settings.lang), floret_file)
    train_egs, copies = tr.training_examples(nlp, train, True)
    make_examples(nlp, dev)
    prepare_ner_with_vectors(nlp, labels, train_egs)
    loop = train_loop(nlp, train_egs + copies, dev, labels, max_steps=tr.DEFAULT_MAX_STEPS, seed=seed,
                      batch_size=tr.DEFAULT_BATCH_SIZE, dropout=tr.DEFAULT_DROPOUT, patience=tr.DEFAULT_PATIENCE,
                      budget_s=tr.DEFAULT_BUDGET_S)
    return nlp, loop


def describe(s: dict) -> str:
    per = ", ".join(f"{k} P {v['precision']:.3f} R {v['recall']:.3f} F1 {v['f1']:.3f}"
                    for k, v in s["per_label"].items())
    return f"P {s['precision']:.3f} R {s['recall']:.3f}; {per}"


def dir_mb(path: Path) -> float:
    """Size of the pipeline folder, without the corpus copy train_pipeline keeps beside it."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and "corpus" not in f.parts) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--variants", default="ABCD")
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--bucket", type=int, default=20000)
    parser.add_argument("--model", default="skipgram", choices=["skipgram", "cbow"])
    parser.add_argument("--t", type=float, default=1e-2, help="floret's subsampling threshold")
    parser.add_argument("--reuse-baselines", action="store_true",
                        help="score A and C as trained by an earlier run of the same seed (they use no vectors)")
    args = parser.parse_args()
    import spacy

    from annotator.core.learning.train import train_pipeline
    from annotator.core.learning.train_loop import score
    from annotator.core.store import Store

    settings = "" if (args.dim, args.epochs, args.bucket, args.model, args.t) == (100, 30, 20000, "skipgram", 1e-2) \
        else f"-{args.model}-dim{args.dim}-ep{args.epochs}-b{args.bucket}-t{args.t:g}"
    base_work = workdir() / f"bench_vectors-{args.seed}"
    work = base_work / settings.lstrip("-") if settings else base_work
    work.mkdir(parents=True, exist_ok=True)
    project, unseen_articles = split(read_articles())
    unseen = gold_docs(unseen_articles, work)
    db = build_project(project, work / "wikigold-users.db")
    res = Result("vectors", command_line(), sizes={
        "project_articles": len(project), "unseen_articles": len(unseen),
        "unseen_entities": sum(len(g.spans) for g in unseen), "seed": args.seed,
        "floret": {"mode": "floret", "model": args.model, "dim": args.dim, "minn": 4, "maxn": 5, "hashCount": 2,
                   "bucket": args.bucket, "epoch": args.epochs, "minCount": 1, "t": args.t}})
    scores: dict[str, dict] = {}
    with Store(db) as store:
        started = time.perf_counter()
        docs, tokens = write_corpus(store, work / "project-text.txt")
        floret_file = train_floret(work / "project-text.txt", work / "project.floret", dim=args.dim,
                                   epochs=args.epochs, bucket=args.bucket, model=args.model, t=args.t)
        vec_nlp = add_vectors(spacy.blank(store.settings.lang), floret_file)
        vec_nlp.vocab.to_disk(work / "vocab-with-vectors")
        res.add("floret vectors from the project's text", time.perf_counter() - started, "s",
                note=f"{docs} documents, {tokens:,} tokens; mean cosine of random word pairs "
                     f"{mean_pair_cosine(vec_nlp, work / 'project-text.txt'):.2f}; table {vec_nlp.vocab.vectors.shape[0]:,} x "
                     f"{vec_nlp.vocab.vectors.shape[1]} ({vec_nlp.vocab.vectors.data.nbytes / 1e6:.1f} MB in the "
                     f"pipeline); .floret file {floret_file.stat().st_size / 1e6:.1f} MB")
        for v in args.variants:
            t0 = time.perf_counter()
            if v in "AC":
                out = base_work / f"model-{v}"
                if not (args.reuse_baselines and (out / "scores.json").is_file()):
                    train_pipeline(store, out, from_scratch=v == "C", seed=args.seed, record=False)
                run = json.loads((out / "scores.json").read_text(encoding="utf-8"))
                nlp, steps, best, stopped = spacy.load(out), run["steps"], run["early_stopping"]["best_step"], \
                    run["early_stopping"]["stopped"]
                seconds_trained = run["seconds"]
            else:
                nlp, loop = train_with_vectors(store, floret_file, from_scratch=v == "D", seed=args.seed)
                steps, best, stopped, seconds_trained = loop.steps, loop.best_step, loop.stopped, loop.seconds
                out = work / f"model-{v}"
                nlp.to_disk(out)
            s = scores[v] = score(nlp, unseen, LABELS)
            gain = f"; F1 - A {s['f1'] - scores['A']['f1']:+.3f}" if "A" in scores and v != "A" else ""
            res.add(NAMES[v], s["f1"], "F1", target=">= A + 0.03" if v in "BD" and "A" in scores else "",
                    met=(s["f1"] >= scores["A"]["f1"] + 0.03) if v in "BD" and "A" in scores else None,
                    note=f"{describe(s)}{gain}; {steps} steps ({stopped}, best step {best}), training loop "
                         f"{seconds_trained:.0f} s (run {time.perf_counter() - t0:.0f} s); "
                         f"pipeline {dir_mb(out):.1f} MB")
    res.notes.append(f"peak memory {peak_rss_mb():.0f} MB")
    res.emit()


if __name__ == "__main__":
    main()
