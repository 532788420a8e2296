"""Label Studio JSON exports: a JSON array of tasks, each with `data`, `annotations`,
`predictions` and `drafts` (Project -> Export -> JSON, or the export API).

- One document per task: the text is `data.text` (or the field named with --text-field); the
  task's `meta` and its other `data` fields become the document's meta.
- One decision per annotation: `result` items of type `labels` become spans (`value.start` /
  `value.end` are code points, checked against `value.text`; `value.labels[0]` is the label),
  a cancelled (skipped) annotation is a reject, `updated_at` (else `created_at`) its time.
- The annotator is the `completed_by` email when the export carries one (older exports hold a
  user object), else `label-studio-user-N` for user id N. `--annotator NAME` names the users
  without an email when the file has only one; with several it is not applied (a warning
  says so), so that their versions stay apart.
- Predictions become cached suggestions of the model key `label-studio` (the newest prediction
  of a task; older ones are counted as skipped). Drafts are skipped and counted.
- Overlapping spans of one annotation (Label Studio allows them): the longest is kept and
  every dropped one is listed, as for WebAnno.

A bad task (a span whose text differs from the text it points at, a label with a space, a
field of the wrong type) is reported as `FILE:LINE: ...` and skipped whole, the rest is
imported. LINE is the line of the file on which the task's opening `{` stands.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

from annotator.core.errors import RecordError, SpanError
from annotator.core.formats.importers.base import ImportRecord, ReadNote, ReadOptions, read_text
from annotator.core.text.labels import LabelError, check_name
from annotator.core.text.model import Span
from annotator.core.text.spans import admit_spans, keep_longest

SOURCE = "label-studio"
_WHITESPACE = " \t\r\n"


class _Bad(Exception):
    """One thing wrong with a task; the task is reported and skipped."""


def read_label_studio(path: Path, options: ReadOptions | None = None) -> Iterator[ImportRecord | RecordError | ReadNote]:
    """Yield records (one per annotation, or one per task without any), errors and notes."""
    path = Path(path)
    name = str(path)
    options = options or ReadOptions()
    try:
        text = read_text(path)
    except RecordError as exc:
        yield exc
        return
    ratio = path.stat().st_size / max(len(text), 1)  # characters -> bytes, for progress
    names = _Names(options.annotator)
    if options.annotator:
        names.scan(obj for _, obj, _ in _tasks(text, name) if not isinstance(obj, RecordError))
        if names.note:
            yield ReadNote(f"{name}: {names.note}")
    for line, task, end in _tasks(text, name):
        if isinstance(task, RecordError):
            yield task
            return
        try:
            yield from _task_records(task, name, line, int(end * ratio), options, names)
        except _Bad as exc:
            yield RecordError(name, line, str(exc))


def _tasks(text: str, name: str) -> Iterator[tuple[int, Any, int]]:
    """(line, task, end character) for each element of the top-level JSON array; a RecordError
    in place of the task when the JSON is malformed (the file cannot be read past it)."""
    decoder = json.JSONDecoder()
    i = _skip(text, 0)
    if i >= len(text) or text[i] != "[":
        yield (1, RecordError(name, 1, "expected a JSON array of tasks (a Label Studio JSON export)"), 0)
        return
    line, counted = 1, 0
    i = _skip(text, i + 1)
    if i < len(text) and text[i] == "]":
        return
    while True:
        line += text.count("\n", counted, i)
        counted = i
        try:
            task, end = decoder.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            yield (exc.lineno, RecordError(name, exc.lineno, f"malformed JSON at column {exc.colno}: {exc.msg}"), i)
            return
        yield line, task, end
        i = _skip(text, end)
        if i < len(text) and text[i] == ",":
            i = _skip(text, i + 1)
            continue
        if i < len(text) and text[i] == "]":
            return
        where = line + text.count("\n", counted, i)
        yield (where, RecordError(name, where, "malformed JSON: expected ',' or ']' after a task"), i)
        return


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in _WHITESPACE:
        i += 1
    return i


@dataclass
class _Names:
    """Who made an annotation: see the module docstring."""

    annotator: str | None
    ids: set[Any] = field(default_factory=set)
    note: str = ""

    def scan(self, tasks: Iterator[Any]) -> None:
        for task in tasks:
            if type(task) is dict and type(task.get("annotations")) is list:
                self.ids.update(a.get("completed_by") for a in task["annotations"]
                                if type(a) is dict and type(a.get("completed_by")) in (int, str))
        if len(self.ids) > 1:
            self.note = (f"--annotator {self.annotator} not applied: the export holds "
                         f"{len(self.ids)} users without an email, kept apart as label-studio-user-N")
            self.annotator = None

    def __call__(self, completed_by: Any) -> str | None:
        if type(completed_by) is dict:
            email = completed_by.get("email")
            if type(email) is str and email:
                return email
            completed_by = completed_by.get("id")
        if type(completed_by) in (int, str) and completed_by != "":
            return self.annotator or f"label-studio-user-{completed_by}"
        return None  # nobody named: the import's annotator


def _task_records(task: Any, name: str, line: int, pos: int, options: ReadOptions,
                  names: _Names) -> Iterator[ImportRecord | ReadNote]:
    if type(task) is not dict:
        raise _Bad(f"expected a task object, got {type(task).__name__}")
    data = task.get("data")
    if type(data) is not dict:
        raise _Bad("task has no \"data\" object (not a Label Studio task)")
    text = data.get(options.text_field)
    if type(text) is not str:
        fields = sorted(k for k, v in data.items() if type(v) is str)
        hint = f"; use --text-field with one of: {', '.join(fields)}" if fields else ""
        raise _Bad(f"task has no text in data.{options.text_field}{hint}")
    meta = task.get("meta") or {}
    if type(meta) is not dict:
        raise _Bad(f"\"meta\" must be an object, got {type(meta).__name__}")
    meta = dict(meta)
    for key, value in data.items():
        if key != options.text_field:
            meta.setdefault(key, value)

    where = f"{name}:{line}"
    notes: list[ReadNote] = []
    records: list[ImportRecord] = []
    for n, ann in enumerate(_list(task, "annotations"), 1):
        what = f"annotation {n}"
        if type(ann) is not dict:
            raise _Bad(f"{what}: expected an object")
        spans = _spans(text, ann, what, where, notes)
        answer = "reject" if ann.get("was_cancelled") is True else "accept"
        records.append(ImportRecord(text, meta, spans, names(ann.get("completed_by")), answer,
                                    _time(ann, what), line, pos))
    predictions = [p for p in _list(task, "predictions") if p is not None]
    suggestions = None
    if predictions:
        newest = max(range(len(predictions)), key=lambda i: (_time(predictions[i], "prediction") or 0, i))
        if type(predictions[newest]) is not dict:
            raise _Bad("prediction: expected an object")
        spans = _spans(text, predictions[newest], f"prediction {newest + 1}", where, notes)
        suggestions = [Span(s.start, s.end, s.label, SOURCE) for s in spans]
        for _ in range(len(predictions) - 1):
            notes.append(ReadNote(f"{where}: older prediction skipped (the newest is kept)", "prediction"))
    for _ in _list(task, "drafts"):
        notes.append(ReadNote(f"{where}: draft skipped", "draft"))
    if not records:
        records.append(ImportRecord(text, meta, None, line=line, pos=pos))
    records[0].suggestions = suggestions
    records[0].suggestion_source = SOURCE if suggestions is not None else None
    yield from notes
    yield from records


def _list(task: dict[str, Any], key: str) -> list[Any]:
    value = task.get(key)
    if value is None:
        return []
    if type(value) is not list:
        raise _Bad(f"\"{key}\" must be a list, got {type(value).__name__}")
    return value


def _spans(text: str, ann: dict[str, Any], what: str, where: str, notes: list[ReadNote]) -> list[Span]:
    """The `labels` results of an annotation or prediction as checked, flat spans."""
    result = ann.get("result") or []
    if type(result) is not list:
        raise _Bad(f"{what}: \"result\" must be a list")
    spans: list[Span] = []
    ignored: dict[str, int] = {}
    for item in result:
        value = item.get("value") if type(item) is dict else None
        labels = value.get("labels") if type(value) is dict else None
        if labels is None:
            kind = str(item.get("type", "?")) if type(item) is dict else type(item).__name__
            ignored[kind] = ignored.get(kind, 0) + 1
            continue
        spans.append(_span(text, value, labels, what))
    for kind, count in sorted(ignored.items()):
        notes.append(ReadNote(f"{where}: {what}: {count} result(s) of type {kind} ignored (only labelled spans are imported)"))
    kept, dropped = keep_longest(spans)
    for span, clash in dropped:
        notes.append(ReadNote(f"{where}: {what}: dropped {span.label} {text[span.start:span.end]!r} "
                              f"[{span.start}, {span.end}]: overlaps {clash.label} "
                              f"{text[clash.start:clash.end]!r} [{clash.start}, {clash.end}], the longest is kept",
                              "dropped"))
    try:
        return admit_spans(text, kept)
    except SpanError as exc:
        raise _Bad(f"{what}: {exc}") from None


def _span(text: str, value: dict[str, Any], labels: Any, what: str) -> Span:
    start, end = value.get("start"), value.get("end")
    if type(start) is not int or type(end) is not int:
        raise _Bad(f"{what}: value.start and value.end must be integers, got {start!r} and {end!r}")
    if type(labels) is not list or not labels or type(labels[0]) is not str:
        raise _Bad(f"{what}: value.labels must be a list of label names, got {labels!r}")
    try:
        label = check_name(labels[0], strip=False)  # data: " GPE " is refused, as everywhere
    except LabelError as exc:
        raise _Bad(f"{what}: span [{start}, {end}]: {exc}") from None
    quoted = value.get("text")
    if type(quoted) is str and 0 <= start < end <= len(text) and text[start:end] != quoted:
        raise _Bad(f"{what}: span [{start}, {end}, {label}] covers {text[start:end]!r} but says its "
                   f"text is {quoted!r} (offsets must count characters, not UTF-16 units or bytes)")
    return Span(start, end, label)


def _time(obj: Any, what: str) -> float | None:
    """Unix time of `updated_at` (else `created_at`), ISO 8601 as Label Studio writes it."""
    if type(obj) is not dict:
        return None
    stamp = obj.get("updated_at") or obj.get("created_at")
    if stamp is None:
        return None
    if type(stamp) is not str:
        raise _Bad(f"{what}: updated_at/created_at must be an ISO 8601 string, got {stamp!r}")
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise _Bad(f"{what}: bad time {stamp!r} (expected ISO 8601)") from None
