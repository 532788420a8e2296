"""How spans and other values are written in the project file's JSON columns."""

from __future__ import annotations

import json
from typing import Any, Iterable

import orjson

from annotator.core.model import Label, Span
from annotator.core.store.values import BadValue, json_cell as loads
from annotator.paths import resource_path


def dumps(value: Any) -> str:
    return orjson.dumps(value).decode("utf-8")


def spans_to_json(spans: Iterable[Span], with_source: bool = False) -> str:
    return dumps([s.to_dict(with_source) for s in spans])


def spans_from_json(raw: str) -> tuple[Span, ...]:
    """Spans as the store writes them; BadValue for anything else."""
    data = loads(raw, "spans")
    try:
        return tuple(Span.from_dict(d) for d in data)
    except (TypeError, KeyError, ValueError, AttributeError):
        raise BadValue("spans are not a list of {start, end, label} objects") from None


def default_labels() -> list[Label]:
    data = json.loads(resource_path("labels.json").read_text(encoding="utf-8"))
    return [Label(d["name"], d["color"], d.get("key"), i) for i, d in enumerate(data["labels"])]
