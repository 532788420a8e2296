"""Independent readers of the export formats, for checking what the exporters wrote.

Written from the format definitions, not from the app's importers, so a shared bug in an
exporter and its matching importer cannot hide."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.core.text.model import Span


def read_json_lines(path: Path) -> list[dict[str, Any]]:
    """Records of a JSONL file; only b'\\n' ends a record (U+2028 etc. may appear raw)."""
    raw = Path(path).read_bytes()
    assert raw == b"" or raw.endswith(b"\n"), "JSONL must end with a newline"
    return [json.loads(line.decode("utf-8")) for line in raw.split(b"\n") if line.strip()]


def spans_of(record: dict[str, Any]) -> tuple[Span, ...]:
    """Spans of a Prodigy (`spans`) or doccano (`label`) record."""
    if "spans" in record:
        return tuple(sorted(Span(s["start"], s["end"], s["label"]) for s in record["spans"]))
    return tuple(sorted(Span(s, e, label) for s, e, label in record["label"]))


@dataclass(frozen=True)
class Chunk:
    label: str
    tokens: tuple[str, ...]


def read_conll(path: Path) -> list[list[tuple[str, str]]]:
    """Documents of a CoNLL file: each a list of (token, tag); -DOCSTART- starts a document."""
    docs: list[list[tuple[str, str]]] = []
    for line in Path(path).read_bytes().decode("utf-8").split("\n"):
        if not line.strip():
            continue
        token, tag = line.rsplit(" ", 1)
        if token == "-DOCSTART-":
            docs.append([])
            continue
        assert tag == "O" or tag[:2] in ("B-", "I-"), line
        docs[-1].append((token, tag))
    return docs


def chunks(doc: list[tuple[str, str]]) -> list[Chunk]:
    """Entity chunks of IOB2 tags (an I- after O or another label is a bad file)."""
    out: list[tuple[str, list[str]]] = []
    prev = "O"
    for token, tag in doc:
        if tag.startswith("B-"):
            out.append((tag[2:], [token]))
        elif tag.startswith("I-"):
            assert prev != "O" and prev[2:] == tag[2:], f"I- without B-: {token} {tag}"
            out[-1][1].append(token)
        prev = tag
    return [Chunk(label, tuple(tokens)) for label, tokens in out]
