"""JSON lines: plain `{"text", "meta"}`, Prodigy tasks and doccano exports.

Streams: the file is read line by line in binary and each line parsed with orjson, so a
1 GB file never sits in memory. Field meanings:
- Prodigy: `spans` [{start, end, label, ...}], `answer`, `_annotator_id` / `_session_id`,
  `_timestamp` (unix seconds); `tokens` and other `_` keys are dropped.
- doccano: `label` [[start, end, LABEL]] or `entities` [{start_offset, end_offset, label}]
  or [[start, end, LABEL]]; other top-level keys (`id`, `Comments`) go to meta.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import orjson

from annotator.core.errors import RecordError
from annotator.core.formats.importers.base import (
    ImportRecord, is_utf16, iter_lines, iter_raw_lines, looks_like_utf16, nul_error, read_text,
)
from annotator.core.formats.importers.encodings import is_utf8, utf8_error
from annotator.core.text.model import ANSWERS

# Top-level keys that are fields, not metadata.
_FIELDS = frozenset({"text", "meta", "spans", "tokens", "answer", "label", "entities", "annotator"})
_ANNOTATOR_KEYS = ("_annotator_id", "_session_id", "annotator")

_JSON_TYPES = {dict: "an object", list: "a list", str: "a string", int: "a number", float: "a number",
               bool: "true/false", type(None): "null"}


def _kind(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def read_jsonl(path: Path, encoding: str | None = None) -> Iterator[ImportRecord | RecordError]:
    """Yield a record (or an error) per non-blank line of a JSONL file (UTF-8 unless an
    `encoding` is named)."""
    path = Path(path)
    name = str(path)
    if not is_utf8(encoding):
        try:
            for number, line, pos in iter_lines(path, encoding):
                if line.strip():
                    yield _parse_line(line, name, number, 0, pos)
        except RecordError as exc:
            yield exc
        return
    if is_utf16(path):
        try:
            text = read_text(path)
        except RecordError as exc:
            yield exc
            return
        for number, line in enumerate(text.split("\n"), 1):
            if line.strip():
                yield _parse_line(line, name, number, 0, 0)
        return
    loads, JSONDecodeError = orjson.loads, orjson.JSONDecodeError  # noqa: N806 - local alias, hot loop
    for number, raw, start, pos in iter_raw_lines(path):
        try:
            obj = loads(raw)
        except JSONDecodeError:
            if not raw.strip():
                continue
            error = _parse_line(raw, name, number, start, pos)
            if isinstance(error, RecordError) and error.message.startswith("not valid UTF-8"):
                yield error  # an undecodable file: one error, stop reading it
                return
            yield error
            continue
        if type(obj) is dict and type(obj.get("text")) is str and (
                len(obj) == 1 or (len(obj) == 2 and type(obj.get("meta")) is dict)):
            # The common plain {"text", "meta"} record, without the field-by-field checks.
            yield ImportRecord(obj["text"], obj.get("meta") or {}, line=number, pos=pos)
        else:
            yield record_from_json(obj, name, number, pos)


def _parse_line(raw: bytes | str, name: str, number: int, start: int, pos: int) -> ImportRecord | RecordError:
    """Slow path for a line orjson rejected (or a UTF-16 line): say exactly what is wrong."""
    if isinstance(raw, bytes):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            return utf8_error(Path(name), start + exc.start, number)
        if b"\x00" in raw and looks_like_utf16(raw):
            return nul_error(Path(name), start + raw.index(b"\x00"), number)
    # Without its line ending: orjson would count the error past it, at "line 2 column 1".
    body = raw.rstrip(b"\r\n") if isinstance(raw, bytes) else raw.rstrip("\r\n")
    try:
        obj = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        where = f"at column {exc.pos + 1}"  # orjson's pos counts characters, from the line's start
        if "surrogate" in exc.msg:
            return RecordError(name, number, f"lone surrogate in a string {where} (not valid Unicode; "
                                             f"SQLite cannot store it): {exc.msg}")
        text = body.decode("utf-8") if isinstance(body, bytes) else body
        if exc.pos >= len(text.rstrip()):
            return RecordError(name, number, f"malformed JSON {where}: the line ends before the JSON "
                                             "value does (cut off?)")
        return RecordError(name, number, f"malformed JSON {where}: {exc.msg}")
    return record_from_json(obj, name, number, pos)


def record_from_json(obj: Any, name: str, number: int | None, pos: int | None = None) -> ImportRecord | RecordError:
    """Turn one parsed JSON value into a record, checking every field's type."""

    def bad(message: str) -> RecordError:
        return RecordError(name, number, message)

    if type(obj) is not dict:
        return bad(f"expected a JSON object with a \"text\" field, got {_kind(obj)}")
    if "text" not in obj:
        return bad("missing \"text\" field")
    text = obj["text"]
    if type(text) is not str:
        return bad(f"\"text\" must be a string, got {_kind(text)}")
    meta = obj.get("meta")
    if meta is None:
        meta = {}
    elif type(meta) is not dict:
        return bad(f"\"meta\" must be an object, got {_kind(meta)}")
    else:
        meta = dict(meta)
    for key, value in obj.items():
        if key not in _FIELDS and not key.startswith("_"):
            meta.setdefault(key, value)

    spans: list[Any] | None = None
    if obj.get("spans") is not None:
        spans = obj["spans"]
        if type(spans) is not list:
            return bad(f"\"spans\" must be a list, got {_kind(spans)}")
        mismatch = _text_mismatch(text, spans)
        if mismatch:
            return bad(mismatch)
    elif obj.get("entities") is not None:
        entities = obj["entities"]
        if type(entities) is not list:
            return bad(f"\"entities\" must be a list, got {_kind(entities)}")
        spans = [_doccano_entity(e) for e in entities]
    elif obj.get("label") is not None:
        label = obj["label"]
        if type(label) is list:
            spans = label
        else:
            meta.setdefault("label", label)  # a text-classification label, not spans: keep it

    answer = obj.get("answer")
    if answer is not None and (type(answer) is not str or answer not in ANSWERS):
        return bad(f"\"answer\" must be one of {', '.join(ANSWERS)}, got {answer!r}")

    timestamp = obj.get("_timestamp")
    if timestamp is not None and (type(timestamp) not in (int, float)):
        return bad(f"\"_timestamp\" must be a number (unix seconds), got {_kind(timestamp)}")

    annotator = None
    for key in _ANNOTATOR_KEYS:
        value = obj.get(key)
        if value is None or value == "":
            continue
        if type(value) is not str:
            return bad(f"\"{key}\" must be a string, got {_kind(value)}")
        annotator = value
        break
    return ImportRecord(text, meta, spans, annotator, answer,
                        float(timestamp) if timestamp is not None else None, number, pos)


def _text_mismatch(text: str, spans: list[Any]) -> str | None:
    """A span that quotes its text (some tools write "text") must cover exactly that text:
    otherwise its offsets count something else (UTF-16 units, bytes) and would be wrong here."""
    for span in spans:
        if type(span) is not dict or type(span.get("text")) is not str:
            continue
        start, end = span.get("start"), span.get("end")
        if type(start) is int and type(end) is int and 0 <= start < end <= len(text):
            if text[start:end] != span["text"]:
                return (f"span [{start}, {end}, {span.get('label')}] covers {text[start:end]!r} but "
                        f"says its text is {span['text']!r} (offsets must count characters, "
                        f"not UTF-16 units or bytes)")
    return None


def _doccano_entity(entity: Any) -> Any:
    """doccano's {start_offset, end_offset, label} as the {start, end, label} spans use."""
    if type(entity) is dict and ("start_offset" in entity or "end_offset" in entity):
        return {"start": entity.get("start_offset"), "end": entity.get("end_offset"),
                "label": entity.get("label")}
    return entity
