"""Checks on single values read from a project file, as an import checks a record's fields.

Each raises BadValue with a short message naming the column ("spans are not valid JSON (...)");
the reader adds the file and the row. The rules are the one admission's (core/text/admission.py,
spans.admit_spans, labels.admit_label); sizes are its limits (bounds.py repeats them).
"""

from __future__ import annotations

import math
import re
from typing import Any

import orjson

from annotator.core.text.admission import AdmissionError, admit_one_of, admit_text, json_has_nul
from annotator.core.errors import AnnotatorError, SpanError
from annotator.core.text.free_text import TeamTextError, check_text
from annotator.core.text.labels import LabelError, admit_color, admit_key, check_name
from annotator.core.text.model import ANSWERS, REVIEW_METHODS, Span
from annotator.core.text.spans import admit_spans
from annotator.core.store.guard.bounds import MAX_JSON_BYTES, MAX_NAME_CHARS, MAX_TEXT_BYTES, MIB


class BadValue(AnnotatorError, ValueError):
    """A value in a project file is not what annotator writes there."""


def _be(column: str) -> str:
    return "are" if column in ("spans", "sources") else "is"


def _kind(value: Any) -> str:
    return {type(None): "NULL", bytes: "a blob", int: "a number", float: "a number"}.get(type(value), "text")


def text(value: Any, column: str, limit: int = MAX_JSON_BYTES) -> str:
    """A TEXT cell of at most `limit` bytes of UTF-8."""
    if not isinstance(value, str):
        raise BadValue(f"{column} {_be(column)} {_kind(value)}, not text")
    if len(value) * 4 > limit and len(value.encode("utf-8", "surrogatepass")) > limit:
        raise BadValue(f"{column} {_be(column)} larger than the {limit // MIB} MiB limit")
    return value


def document_text(value: Any) -> str:
    try:
        return admit_text(text(value, "text", MAX_TEXT_BYTES))
    except AdmissionError as exc:
        raise BadValue(str(exc)) from None


def name(value: Any, column: str) -> str:
    """A person's name: text, not empty, at most MAX_NAME_CHARS characters, no NUL."""
    value = text(value, column)
    if not value.strip() or len(value) > MAX_NAME_CHARS:
        raise BadValue(f"{column} must be 1 to {MAX_NAME_CHARS} characters, not {len(value)}")
    if "\x00" in value:
        raise BadValue(f"NUL in the {column}")
    return value


def label_name(value: Any) -> str:
    """A label's name by the one label rule (labels.check_name, as it is)."""
    try:
        return check_name(text(value, "label name"), strip=False)
    except LabelError as exc:
        raise BadValue(str(exc)) from None


def colour(value: Any) -> str:
    try:
        return admit_color(value)
    except LabelError as exc:
        raise BadValue(str(exc)) from None


def key(value: Any) -> str | None:
    try:
        return admit_key(value)
    except LabelError as exc:
        raise BadValue(str(exc)) from None


def number(value: Any, column: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadValue(f"{column} is {_kind(value)}, not a number")
    if not math.isfinite(value):
        raise BadValue(f"{column} is {value}, not a finite number")
    return float(value)


def integer(value: Any, column: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadValue(f"{column} is {_kind(value)}, not an integer")
    return value


def answer(value: Any) -> str:
    return _one_of(value, ANSWERS, "answer")


def method(value: Any) -> str:
    """How a review was decided (by hand, by majority, unanimous)."""
    return _one_of(value, REVIEW_METHODS, "method")


def _one_of(value: Any, allowed: tuple[str, ...], what: str) -> str:
    try:
        return admit_one_of(value, allowed, what)
    except AdmissionError as exc:
        raise BadValue(str(exc)) from None


def json_cell(value: Any, column: str) -> Any:
    """A JSON cell of at most MAX_JSON_BYTES (in any project: a bigger one is refused before
    it is parsed, so a crafted cell cannot cost minutes), parsed."""
    raw = text(value, column)
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:  # truncated, or nested deeper than 1024 levels
        raise BadValue(f"{column} {_be(column)} not valid JSON ({exc.msg})") from None


def meta(value: Any) -> dict[str, Any]:
    data = json_cell(value, "meta")
    if not isinstance(data, dict):
        raise BadValue("meta is not a JSON object")
    if json_has_nul(value):
        raise BadValue("NUL in the meta")
    return data


def sources(value: Any) -> tuple[str, ...]:
    data = json_cell(value, "sources")
    if not isinstance(data, list):
        raise BadValue("sources are not a JSON list")
    return tuple(name(item, "a source") for item in data)


def spans(value: Any, doc_text: str) -> tuple[Span, ...]:
    """A spans cell, admitted on its document's text as an import admits a record's spans
    (spans.admit_spans): objects with integer offsets in range, on the text, not
    overlapping, labels valid."""
    data = json_cell(value, "spans")
    if not isinstance(data, list):
        raise BadValue("spans are not a JSON list")
    for n, item in enumerate(data, 1):
        if not isinstance(item, dict):
            raise BadValue(f"span {n} is not a JSON object")
    try:
        return tuple(admit_spans(doc_text, data))
    except SpanError as exc:
        raise BadValue(str(exc)) from None


def suggested_spans(value: Any, doc_text: str) -> tuple[Span, ...]:
    """Spans suggested at a decision: checked as `spans`, and each source is a short text."""
    checked = spans(value, doc_text)
    for n, span in enumerate(checked, 1):
        if span.source is not None:
            try:
                name(span.source, "source")
            except BadValue as exc:
                raise BadValue(f"suggested span {n}: {exc}") from None
    return checked


def seconds(value: Any) -> float:
    """A decision's active seconds: a number from 0 to core.timing.MAX_SECONDS."""
    from annotator.core.report.timing import check_seconds

    try:
        return check_seconds(number(value, "seconds"))
    except ValueError as exc:
        raise BadValue(str(exc)) from None


_UID = re.compile(r"[A-Za-z0-9_-]{8,64}")


def free_text(value: Any, column: str) -> str:
    """A note's, the guidelines' or a description's text (core/text/free_text.py's rule)."""
    try:
        return check_text(value, column)
    except TeamTextError as exc:
        raise BadValue(str(exc)) from None


def uid(value: Any) -> str:
    if not isinstance(value, str) or not _UID.fullmatch(value):
        raise BadValue("uid is not 8 to 64 letters, digits, '-' or '_'")
    return value


def examples(value: Any) -> tuple[str, ...]:
    """A label description's example phrases: a JSON list of texts."""
    data = json_cell(value, "examples")
    if not isinstance(data, list) or not all(isinstance(x, str) for x in data):
        raise BadValue("examples are not a list of phrases")
    return tuple(free_text(x, "an example") for x in data)
