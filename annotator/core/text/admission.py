"""What may enter a project, from anywhere: the rules for texts, metadata and times.

One rule per kind of value, applied where values come in: an import's records
(importers/batches.py), a teammate's file (store/values.py, for `merge` and `check`), a hub
pull (hub/pull.py) and the store's own merges. Spans and labels have their own one rule
(spans.admit_spans, labels.admit_label); the hub's CHECK constraints (hub/checks.py) are
written from these same limits, so a row the hub holds is a row a project admits.

- A document's text: at most MAX_TEXT_BYTES of UTF-8, valid Unicode (no lone surrogate:
  SQLite and PostgreSQL cannot store one), and no NUL (PostgreSQL cannot store one, and
  tools downstream cut the text there).
- Metadata: a JSON object of at most MAX_JSON_BYTES, no NUL in any of its strings.
- A time (created, updated, decided, added): a finite number. SQLite stores NaN as NULL,
  and export cannot write an infinite date.
Each admit_* returns the value or raises AdmissionError with a short reason ("NUL in the
text"); callers add where (file and line, document, teammate).
"""

from __future__ import annotations

import hashlib
import math
import re
from typing import Any

import orjson

from annotator.core.errors import AnnotatorError
from annotator.core.text.labels import MAX_LABEL_CHARS

MIB = 1024 * 1024
MAX_TEXT_BYTES = 32 * MIB   # a document's text (UTF-8): 6x the 5 MB documents we test with
MAX_JSON_BYTES = 16 * MIB   # a spans, meta or sources value: about 250,000 spans
MAX_NAME_CHARS = MAX_LABEL_CHARS  # an annotator's or reviewer's name, a source


class AdmissionError(AnnotatorError, ValueError):
    """A value may not enter a project; the message is the reason."""


# A JSON escape of NUL: \u0000 after an even number of backslashes (\\u0000 is a backslash
# and the letters u0000, which is fine).
_JSON_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


def json_has_nul(raw: str) -> bool:
    """Whether JSON text holds a NUL character in a string (escaped, or raw)."""
    return "\x00" in raw or ("\\u0000" in raw and _JSON_NUL.search(raw) is not None)


def utf8_size_over(value: str, limit: int) -> bool:
    """Whether `value` takes more than `limit` bytes of UTF-8 (encoded only when it might)."""
    return len(value) * 4 > limit and len(value.encode("utf-8", "surrogatepass")) > limit


def admit_text(text: Any) -> str:
    """A document's text by the rule above (one C-level scan per check)."""
    if type(text) is not str:
        raise AdmissionError(f"the text is {type(text).__name__}, not a string")
    if "\x00" in text:
        return _refuse_nul(text)
    if utf8_size_over(text, MAX_TEXT_BYTES):
        raise AdmissionError(f"the text is larger than the {MAX_TEXT_BYTES // MIB} MiB limit")
    return text


def admitted_hash(text: str) -> str:
    """model.text_hash of a text, refusing a lone surrogate: found by the UTF-8 encoding the
    hash needs anyway, so valid Unicode costs nothing more to check."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise AdmissionError(f"cannot be stored: text contains a lone surrogate U+{ord(text[exc.start]):04X} "
                             "(not valid Unicode; SQLite cannot store it)") from None
    return hashlib.sha256(data).hexdigest()


def _refuse_nul(text: str) -> str:
    raise AdmissionError(f"NUL in the text (character {text.index(chr(0)):,})")


def admit_meta_json(meta: dict[str, Any]) -> str:
    """Metadata as the JSON a project stores (orjson writes NUL as \\u0000: one scan finds it)."""
    if type(meta) is not dict:
        raise AdmissionError(f"meta is {type(meta).__name__}, not an object")
    if not meta:
        return "{}"  # what orjson writes for it, without the call (most imported records)
    try:
        raw = orjson.dumps(meta).decode("utf-8")
    except (TypeError, orjson.JSONEncodeError) as exc:  # a lone surrogate, a non-string key
        raise AdmissionError(f"cannot be stored: {_unstorable(meta, exc)}") from None
    if json_has_nul(raw):
        raise AdmissionError("NUL in the meta")
    if utf8_size_over(raw, MAX_JSON_BYTES):
        raise AdmissionError(f"meta is larger than the {MAX_JSON_BYTES // MIB} MiB limit")
    return raw


def _unstorable(meta: Any, exc: Exception) -> str:
    """Why meta cannot be written as JSON: its first lone surrogate, else the encoder's word."""
    stack = [meta]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            bad = next((c for c in value if "\ud800" <= c <= "\udfff"), None)
            if bad is not None:
                return f"meta contains a lone surrogate U+{ord(bad):04X} (not valid Unicode; SQLite cannot store it)"
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, (list, tuple)):
            stack.extend(value)
    return f"meta is not JSON ({exc})"


def admit_meta_text(raw: Any) -> dict[str, Any]:
    """Metadata read as JSON text (a file's cell, a hub row): parsed and admitted."""
    if type(raw) is not str:
        raise AdmissionError(f"meta is {type(raw).__name__}, not text")
    if utf8_size_over(raw, MAX_JSON_BYTES):
        raise AdmissionError(f"meta is larger than the {MAX_JSON_BYTES // MIB} MiB limit")
    if json_has_nul(raw):
        raise AdmissionError("NUL in the meta")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise AdmissionError(f"meta is not valid JSON ({exc.msg})") from None
    if type(data) is not dict:
        raise AdmissionError("meta is not a JSON object")
    return data


def admit_time(value: Any, what: str = "time") -> float:
    """A finite number of seconds (a bool is not a number)."""
    if type(value) not in (int, float):
        raise AdmissionError(f"{what} is {type(value).__name__}, not a number")
    if not math.isfinite(value):
        raise AdmissionError(f"{what} is {value}, not a finite number")
    return float(value)


def admit_one_of(value: Any, allowed: tuple[str, ...], what: str) -> str:
    """One of a fixed set of words (an answer, a review's method), said with the set."""
    if value not in allowed:
        raise AdmissionError(f"{what} {str(value)[:40]!r} is not one of {', '.join(allowed)}")
    return value


def admit_person(value: Any, what: str = "annotator") -> str:
    """A person's (or a source's) name: text of 1 to MAX_NAME_CHARS characters, not blank,
    no NUL."""
    if type(value) is not str:
        raise AdmissionError(f"{what} is {type(value).__name__}, not text")
    if not value.strip() or len(value) > MAX_NAME_CHARS:
        raise AdmissionError(f"{what} must be 1 to {MAX_NAME_CHARS} characters, not {len(value)}")
    if "\x00" in value:
        raise AdmissionError(f"NUL in the {what}'s name")
    return value
