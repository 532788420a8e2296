"""How spans and other values are written in the project file's JSON columns."""

from __future__ import annotations

import json
from typing import Any, Iterable, Sequence

import orjson

from annotator.core.text.model import SPAN_KEY, Label, Span
from annotator.core.store.guard.values import BadValue, json_cell as loads, text as cell_text
from annotator.paths import resource_path


def dumps(value: Any) -> str:
    return orjson.dumps(value).decode("utf-8")


def spans_to_json(spans: Iterable[Span], with_source: bool = False) -> str:
    return dumps([s.to_dict(with_source) for s in spans])


_SPAN_SPLIT = ',{"start":'  # between two spans in compact JSON; never inside a JSON string
_PARSE_CHARS = 256_000
_CHUNK = 2_000  # spans serialised per orjson call


def spans_from_json(raw: str) -> tuple[Span, ...]:
    """Spans as the store writes them; BadValue for anything else. A long list is parsed a
    piece at a time (cut between spans), so a worker reading a 100,000-span draft never holds
    the GIL for long."""
    raw = cell_text(raw, "spans")  # the size limit first: a crafted 50 MB cell is refused whole
    pieces = [raw]
    if len(raw) > _PARSE_CHARS and raw.startswith("[") and raw.rstrip().endswith("]"):
        pieces, start, end = [], 1, raw.rindex("]")
        while start < end:
            cut = raw.find(_SPAN_SPLIT, start + _PARSE_CHARS, end)
            cut = end if cut < 0 else cut
            pieces.append(f"[{raw[start:cut]}]")
            start = cut + 1
    out: list[Span] = []
    for piece in pieces:
        data = loads(piece, "spans")
        try:
            out.extend(Span.from_dict(d) for d in data)
        except (TypeError, KeyError, ValueError, AttributeError):
            raise BadValue("spans are not a list of {start, end, label} objects") from None
    return tuple(out)


def dumps_spans(spans: Sequence[Span]) -> str:
    """A span list as JSON with its sources (spans_to_json(with_source=True)), serialised a
    chunk at a time: a thread writing 100,000 spans never holds the GIL for long."""
    parts = [orjson.dumps([s.to_dict(True) for s in spans[i:i + _CHUNK]])[1:-1]
             for i in range(0, len(spans), _CHUNK)]
    return (b"[" + b",".join(p for p in parts if p) + b"]").decode("utf-8")


def edit_json(removed: Iterable[Span], added: Sequence[Span]) -> str:
    """One draft edit: the spans it removed (by start, end, label) and the ones it added."""
    # (start, end, label) tuples: orjson writes them as the [start, end, label] arrays a reader expects.
    return orjson.dumps({"remove": list(map(SPAN_KEY, removed)), "add": list(added)}).decode("utf-8")


def apply_edits(base: Sequence[Span], edits: Iterable[str]) -> tuple[Span, ...]:
    """The span list after replaying draft `edits` (JSON, oldest first) on `base`."""
    current: dict[tuple[int, int, str], Span] | None = None
    for raw in edits:
        if current is None:
            current = {s.key(): s for s in base}
        edit = loads(raw, "draft edit")
        try:
            for start, end, label in edit["remove"]:
                current.pop((start, end, label), None)
            for data in edit["add"]:
                span = Span.from_dict(data)
                current[span.key()] = span
        except (TypeError, KeyError, ValueError, AttributeError):
            raise BadValue("draft edit is not {remove: [[start, end, label]...], add: [span...]}") from None
    if current is None:
        return tuple(base)
    return tuple(sorted(current.values(), key=Span.key))


def default_labels() -> list[Label]:
    data = json.loads(resource_path("labels.json").read_text(encoding="utf-8"))
    return [Label(d["name"], d["color"], d.get("key"), i) for i, d in enumerate(data["labels"])]
