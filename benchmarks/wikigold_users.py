"""WikiGold rewritten in the users' style, shared by bench_train.py and bench_order.py.

The users' text is lowercased with its punctuation stripped. Here every WikiGold token is
lowercased and tokens made only of punctuation are dropped; the tags are read as IOB1 and
written as IOB2 with the labels mapped onto the project's default label set:

    PER -> PERSON, ORG -> ORG, LOC -> GPE, MISC dropped

LOC -> GPE because WikiGold's LOC is mostly countries and cities (OntoNotes' GPE, what the
base model predicts for them); the base model's own LOC (mountains, rivers) is then not a
label of the gold and is left out of its score rather than counted wrong.

The split is ours and deterministic: the 145 articles shuffled with SPLIT_SEED, the first 29
are the unseen test articles (never in the project, never used for early stopping), the other
116 are the project's gold.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import ROOT

WIKIGOLD = ROOT.parent.parent / "shared" / "peer-data" / "wikigold.conll.txt"
LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE"}
SPLIT_SEED = 16
N_UNSEEN = 29


def wikigold_path() -> Path:
    import os

    env = os.environ.get("ANNOTATOR_PEER_DATA")
    for path in ([Path(env) / WIKIGOLD.name] if env else []) + [WIKIGOLD, Path("/work/shared/peer-data") / WIKIGOLD.name]:
        if path.is_file():
            return path
    raise SystemExit(f"WikiGold not found at {WIKIGOLD} (set ANNOTATOR_PEER_DATA)")


def is_punct(token: str) -> bool:
    return all(unicodedata.category(c).startswith("P") or c == "`" for c in token)


@dataclass
class Article:
    number: int                         # 1-based position in the file
    sentences: list[list[tuple[str, str]]]  # (token, IOB2 tag) per sentence, users' style


def _iob2(tags: list[str]) -> list[str]:
    """IOB1 (WikiGold) -> IOB2 with mapped labels; MISC becomes O."""
    out, prev = [], "O"
    for tag in tags:
        if tag == "O":
            out.append("O")
            prev = "O"
            continue
        kind, _, label = tag.partition("-")
        mapped = LABELS.get(label)
        if mapped is None:
            out.append("O")
            prev = "O"
            continue
        starts = kind == "B" or prev != label
        out.append(("B-" if starts else "I-") + mapped)
        prev = label
    return out


def read_articles(path: Path | None = None) -> list[Article]:
    """Every WikiGold article in the users' style (punctuation tokens dropped after the tags are
    converted, so an entity keeps its words; one of only punctuation disappears)."""
    articles: list[Article] = []
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []

    def end_sentence() -> None:
        nonlocal current
        if current:
            tags = _iob2([t for _, t in current])
            kept = [(tok.lower(), tag) for (tok, _), tag in zip(current, tags) if not is_punct(tok)]
            # Re-start entities whose first token (a punctuation one) was dropped.
            fixed, prev = [], "O"
            for tok, tag in kept:
                if tag.startswith("I-") and prev[2:] != tag[2:]:
                    tag = "B-" + tag[2:]
                fixed.append((tok, tag))
                prev = tag
            if fixed:
                sentences.append(fixed)
        current = []

    for line in (path or wikigold_path()).read_text(encoding="utf-8").splitlines():
        if line.startswith("-DOCSTART-"):
            end_sentence()
            if sentences:
                articles.append(Article(len(articles) + 1, sentences))
            sentences = []
        elif not line.strip():
            end_sentence()
        else:
            token, tag = line.split()[0], line.split()[-1]
            current.append((token, tag))
    end_sentence()
    if sentences:
        articles.append(Article(len(articles) + 1, sentences))
    return articles


def split(articles: list[Article]) -> tuple[list[Article], list[Article]]:
    """(project articles, unseen test articles), deterministic."""
    order = list(articles)
    random.Random(SPLIT_SEED).shuffle(order)
    unseen = sorted(order[:N_UNSEEN], key=lambda a: a.number)
    return sorted(order[N_UNSEEN:], key=lambda a: a.number), unseen


def write_conll(articles: list[Article], path: Path) -> Path:
    lines: list[str] = []
    for article in articles:
        for sentence in article.sentences:
            lines.extend(f"{tok} {tag}" for tok, tag in sentence)
            lines.append("")
        lines.append("-DOCSTART- O")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def gold_docs(articles: list[Article], work: Path) -> list:
    """The articles as GoldDocs (text and spans exactly as the project's CoNLL importer builds
    them), numbered by article, for scoring outside any project."""
    from annotator.core.formats.importers.conll import read_conll
    from annotator.core.text.model import Span
    from annotator.core.learning.train_loop import GoldDoc

    path = write_conll(articles, work / f"wikigold-users-{len(articles)}.conll")
    out = []
    for article, record in zip(articles, read_conll(path)):
        out.append(GoldDoc(article.number, record.text, tuple(Span(s, e, lab) for s, e, lab in record.spans)))
    assert len(out) == len(articles)
    return out


def build_project(articles: list[Article], db: Path, annotator: str = "gold") -> Path:
    """A fresh project holding `articles` as `annotator`'s accepted gold."""
    from annotator.core.ops.importing import import_paths
    from annotator.core.store import Store
    from benchmarks.common import remove_db

    remove_db(db)
    conll = write_conll(articles, db.with_suffix(".conll"))
    with Store(db) as store:
        report = import_paths(store, [conll], fmt="conll", annotator=annotator)
        assert not report.errors and report.documents_added == len(articles), report.summary()
    return db
