"""Pattern files: Prodigy's match-pattern JSONL and term lists, in and out.

- JSONL: one `{"label": ..., "pattern": ...}` per line (a phrase or a token pattern; other
  keys, such as spaCy's "id", are ignored). A bad line is reported as FILE:LINE with what is
  wrong; the other lines are read. Blank lines are skipped.
- Term list: one term per line, all of one label (given by the caller). Whitespace around a
  term is dropped; blank lines are skipped; a term is taken as it is otherwise (a `#` starts
  no comment: #MeToo is a term).
- Out: JSONL, one pattern per line, in the shape it came in, written to a temporary file and
  renamed over the target. `as_tokens` writes a phrase as a token pattern on LOWER per token,
  which Prodigy matches ignoring case as annotator does (Prodigy matches a phrase with its case).

Text is UTF-8 (a BOM is allowed) or UTF-16 with a BOM, as the importers read it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Generator, Iterable, Iterator

import orjson

from annotator.core.errors import RecordError
from annotator.core.formats.importers.base import read_text
from annotator.core.learning.patterns.records import Pattern, PatternError, check_pattern

JSONL_SUFFIXES = (".jsonl", ".json", ".ndjson")


def is_pattern_file(path: str | Path) -> bool:
    return Path(path).suffix.lower() in JSONL_SUFFIXES


def _read(path: str | Path) -> Generator[RecordError, None, str | None]:
    """The file's text, or (yielded) the one RecordError that says why it cannot be read."""
    try:
        return read_text(Path(path))
    except RecordError as exc:
        yield exc
    except OSError as exc:
        yield RecordError(str(path), None, f"cannot read the file ({exc.strerror or exc})")
    return None


def read_pattern_file(path: str | Path) -> Iterator[tuple[int, Pattern] | RecordError]:
    """(line number, pattern) per good line of a Prodigy pattern file, a RecordError per bad one."""
    name = str(path)
    text = yield from _read(path)
    if text is None:
        return
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            data = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            yield RecordError(name, number, f"not valid JSON ({exc.msg})")
            continue
        if not isinstance(data, dict):
            yield RecordError(name, number, "not a JSON object with \"label\" and \"pattern\"")
            continue
        missing = [k for k in ("label", "pattern") if k not in data]
        if missing:
            yield RecordError(name, number, f"no {' and no '.join(repr(k) for k in missing)}")
            continue
        try:
            yield number, check_pattern(data["label"], data["pattern"])
        except PatternError as exc:
            yield RecordError(name, number, str(exc))


def read_term_list(path: str | Path, label: str) -> Iterator[tuple[int, Pattern] | RecordError]:
    """(line number, phrase pattern) per term of a term list, a RecordError per bad line."""
    name = str(path)
    text = yield from _read(path)
    if text is None:
        return
    check_pattern(label, "x")  # the label itself (PatternError: the caller says so once)
    for number, line in enumerate(text.splitlines(), 1):
        term = line.strip()
        if not term:
            continue
        try:
            yield number, check_pattern(label, term)
        except PatternError as exc:
            yield RecordError(name, number, str(exc))


def token_form(pattern: Pattern, lang: str = "en") -> Pattern:
    """A phrase as the token pattern that matches the same in Prodigy and spaCy's entity
    ruler: one {"lower": token} per token of the tokenizer (a token pattern stays as it is)."""
    if not pattern.is_phrase:
        return pattern
    from annotator.core.text.tokens import tokenize

    tokens = [{"lower": t.text.lower()} for t in tokenize(pattern.pattern, lang)]
    return Pattern(pattern.label, tokens, pattern.id, pattern.author, pattern.changed)


def write_patterns(patterns: Iterable[Pattern | dict[str, Any]], out: str | Path) -> int:
    """Write Prodigy match-pattern JSONL atomically; returns the number of lines."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    n = 0
    try:
        with os.fdopen(fd, "wb") as f:
            for pattern in patterns:
                line = pattern.to_json() if isinstance(pattern, Pattern) else pattern
                f.write(orjson.dumps(line) + b"\n")
                n += 1
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return n
