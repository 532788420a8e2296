"""Synthetic corpora for the benchmarks, made by recombining the seed article. Never committed."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Iterator

import orjson

from annotator.paths import seeds_dir


# The original AP sample: the corpora stay the same as the bundled samples change.
SEED_ARTICLE = "*_e3d8d37a0122517e.txt"


def seed_words() -> list[str]:
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(seeds_dir().glob(SEED_ARTICLE)))
    return text.split()


def _chunks(words: list[str], size: int = 12) -> list[list[str]]:
    return [words[i:i + size] for i in range(0, len(words), size)]


def article(rng: random.Random, chunks: list[list[str]], n_words: int) -> str:
    """Paragraphs of ~80 words made of seed phrases, like a long news article."""
    out: list[str] = []
    paragraph: list[str] = []
    count = 0
    while count < n_words:
        chunk = rng.choice(chunks)
        paragraph.extend(chunk)
        count += len(chunk)
        if len(paragraph) >= 80:
            out.append(" ".join(paragraph))
            paragraph = []
    if paragraph:
        out.append(" ".join(paragraph))
    return "\n\n".join(out)


def articles(n: int, min_words: int = 300, max_words: int = 1000, seed: int = 0) -> Iterator[str]:
    rng = random.Random(seed)
    chunks = _chunks(seed_words())
    for i in range(n):
        # A numbered dateline keeps every article distinct (the store de-duplicates by text).
        yield f"article {i} " + article(rng, chunks, rng.randint(min_words, max_words))


def write_jsonl(path: Path, n: int, **kwargs: object) -> int:
    """Write n articles as {"text", "meta"} JSONL; returns bytes written."""
    with path.open("wb") as f:
        for i, text in enumerate(articles(n, **kwargs)):  # type: ignore[arg-type]
            f.write(orjson.dumps({"text": text, "meta": {"id": i}}) + b"\n")
    return path.stat().st_size
