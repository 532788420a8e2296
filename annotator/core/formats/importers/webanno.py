"""WebAnno TSV 3.x, the format INCEpTION (and WebAnno) export a document in: one file, one
document.

- The text is rebuilt as INCEpTION rebuilds it: each sentence's `#Text=` lines joined by line
  breaks, placed at its first token's offset (offsets index the whole document); a gap before
  a sentence is the previous sentence's line break, then spaces. The line break the format adds
  after the last sentence is not part of the text.
- Offsets are UTF-16 units (see annotator.core.formats.webanno_tsv) and are converted to code points;
  every token's text must be what its offsets point at, else the file is reported.
- Spans come from one span layer: the named-entity layer (`...ner.type.NamedEntity`) by
  default, or `--layer NAME` (full or short type name; `NAME:FEATURE` picks the feature).
  The label is the feature's value (`value` by default, else the first plain feature; a layer
  without features labels its spans with its short name). A multi-token entity is joined by
  its `[id]`; escaped characters are unescaped. An entity without a value is skipped.
- Stacked or nested entities on the same tokens cannot all be kept in a flat span list: the
  longest is kept and every dropped one is listed (FILE:LINE, sentence-token, label).
- Other layers (POS, relations such as dependencies, coreference chains) are ignored with a
  note. Each document is gold: an accepted annotation by --annotator (default: you).

A bad row (wrong column count, bad offsets, a token that is not the text at its offsets, a
label with a space) is reported as `FILE:LINE: ...` and the file's document is not imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from annotator.core.errors import RecordError
from annotator.core.formats.importers.base import ImportRecord, ReadNote, ReadOptions, read_text
from annotator.core.text.labels import LabelError, check_name
from annotator.core.text.model import Span
from annotator.core.text.spans import keep_longest
from annotator.core.formats.webanno_tsv import NE_LAYER, STACK_SPLIT, from_utf16, unescape_text, unescape_value, utf16_len

WEBANNO_MAGIC = "#FORMAT=WebAnno TSV"
_FORMAT = re.compile(r"^#FORMAT=WebAnno TSV 3\.(\d+)\s*$")
_LAYER_PREFIXES = {"#T_SP=": "span", "#T_CH=": "chain", "#T_RL=": "relation"}
_UNIT_ID = re.compile(r"^\d+-\d+(?:\.\d+)?$")
_OFFSETS = re.compile(r"^(\d+)-(\d+)$")


@dataclass
class _Layer:
    kind: str
    type: str
    columns: list[str]  # feature per column; "" for the placeholder of a layer without features
    first: int  # index of its first annotation column

    @property
    def short(self) -> str:
        return self.type.rsplit(".", 1)[-1]


@dataclass
class _Unit:
    ident: str  # sentence-token, e.g. "4-1" (or "4-1.2" for a sub-token)
    begin: int  # UTF-16, then code points once converted
    end: int
    line: int
    token: str


@dataclass
class _Entity:
    label: str | None
    units: list[_Unit] = field(default_factory=list)


class _Bad(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def read_webanno(path: Path, options: ReadOptions | None = None) -> Iterator[ImportRecord | RecordError | ReadNote]:
    """Yield the file's document (or its errors) and notes on what was left out."""
    path = Path(path)
    name = str(path)
    try:
        lines = read_text(path).split("\n")  # only LF ends a line, as in Java's reader
        minor, layers, body = _header(lines)
        layer, column, feature = _choose(layers, (options or ReadOptions()).layer, body)
    except RecordError as exc:
        yield exc
        return
    except _Bad as exc:
        yield RecordError(name, exc.line, str(exc))
        return
    ignored = [f"{l.short} ({l.kind})" for l in layers if l is not layer]
    if ignored:
        yield ReadNote(f"{name}: only the {layer.short} layer's {feature or 'spans'} imported; "
                       f"ignored: {', '.join(ignored)}")
    errors: list[RecordError] = []
    width = sum(len(l.columns) for l in layers)
    text, units, entities, start_line = _body(lines, body, minor, (column, width), layer, name, errors)
    if not errors:
        _check_tokens(text, units, name, errors)
    spans, notes = _spans(text, entities, name, errors)
    if errors:
        yield from errors
        return
    yield from notes
    yield ImportRecord(text, {"file": path.name}, spans, answer="accept", line=start_line,
                       pos=path.stat().st_size)


def _header(lines: list[str]) -> tuple[int, list[_Layer], int]:
    """(minor version, layers, index of the first body line)."""
    match = _FORMAT.match(lines[0].rstrip("\r").lstrip("\ufeff")) if lines else None
    if match is None:
        raise _Bad(1, "not WebAnno TSV 3: the first line must be '#FORMAT=WebAnno TSV 3.x'")
    layers: list[_Layer] = []
    count = 0
    i = 1
    while i < len(lines):
        line = lines[i].rstrip("\r")
        kind = _LAYER_PREFIXES.get(line[:6])
        if kind is None:
            break
        fields = line[6:].split("|")
        layers.append(_Layer(kind, fields[0], fields[1:] or [""], count))
        count += len(layers[-1].columns)
        i += 1
    return int(match.group(1)), layers, i


def _choose(layers: list[_Layer], wanted: str | None, body: int) -> tuple[_Layer, int, str]:
    """The span layer to read, the index of its label column and the feature's name."""
    spans = [l for l in layers if l.kind == "span"]
    names = ", ".join(l.short for l in spans) or "none"
    name, _, feature = (wanted or "").partition(":")
    if name:
        found = [l for l in spans if name in (l.type, l.short)]
        if not found:
            raise _Bad(1, f"no span layer {name} in the header (span layers: {names})")
    else:
        found = [l for l in spans if l.type == NE_LAYER or l.short == "NamedEntity"]
        if not found:
            raise _Bad(1, f"no named-entity layer in the header; choose one with --layer (span layers: {names})")
    layer = found[0]
    plain = [c for c in layer.columns if c and not c.startswith("ROLE_") and "." not in c]
    if feature:
        if feature not in plain:
            raise _Bad(1, f"layer {layer.short} has no feature {feature} (features: {', '.join(plain) or 'none'})")
    elif "value" in plain:
        feature = "value"
    elif plain:
        feature = plain[0]
    elif "" not in layer.columns:
        raise _Bad(1, f"layer {layer.short} has no value to use as a label")
    return layer, layer.first + layer.columns.index(feature), feature


def _body(lines: list[str], start: int, minor: int, columns: tuple[int, int], layer: _Layer, name: str,
          errors: list[RecordError]) -> tuple[str, list[_Unit], dict[object, _Entity], int]:
    """Rebuild the text (UTF-16 offsets still) and collect the units and entities.
    columns: (index of the label column, number of annotation columns)."""
    column, width = columns
    pieces: list[str] = []
    length = 0  # UTF-16 units in pieces
    sentence: list[str] = []
    in_sentence = False
    units: list[_Unit] = []
    entities: dict[object, _Entity] = {}
    first_line = start + 1
    for number, raw in enumerate(lines[start:], start + 1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if not line or line.startswith("#"):
            in_sentence = False
            if line.startswith("#Text="):
                if not sentence and not pieces:
                    first_line = number
                sentence.append(unescape_text(line[6:], minor))
            continue
        fields = line.split("\t")
        offsets = _OFFSETS.match(fields[1]) if len(fields) > 1 else None
        if len(fields) < 3 + width or not _UNIT_ID.match(fields[0]) or offsets is None:
            errors.append(RecordError(name, number, f"expected a row 'SENTENCE-TOKEN<TAB>BEGIN-END<TAB>TOKEN' "
                                                    f"and {width} annotation column{'s' * (width != 1)}, got {line[:60]!r}"))
            continue
        begin, end = int(offsets.group(1)), int(offsets.group(2))
        if not in_sentence and "." not in fields[0]:
            if not sentence:
                errors.append(RecordError(name, number, "token row without a #Text= line before its sentence"))
                continue
            if length == begin + 1 and pieces[-1].endswith("\n"):
                pieces[-1] = pieces[-1][:-1]  # no gap: the previous sentence's line break goes
                length -= 1
            elif length > begin:
                errors.append(RecordError(name, number, f"sentence starts at {begin}, inside the text "
                                                        f"before it (which ends at {length - 1})"))
                continue
            pieces.append(" " * (begin - length))
            text = "\n".join(sentence) + "\n"
            pieces.append(text)
            length = begin + utf16_len(text)
            sentence = []
            in_sentence = True
        unit = _Unit(fields[0], begin, end, number, fields[2])
        units.append(unit)
        _add_values(fields[3 + column], unit, layer, entities, name, errors)
    text = "".join(pieces)
    return (text[:-1] if text.endswith("\n") else text), units, entities, first_line


def _add_values(cell: str, unit: _Unit, layer: _Layer, entities: dict[object, _Entity], name: str,
                errors: list[RecordError]) -> None:
    if cell in ("_", ""):
        return
    for index, value in enumerate(STACK_SPLIT.split(cell)):
        key: object = (unit.line, index)
        if value.endswith("]") and not value.endswith("\\]") and "[" in value:
            value, _, ident = value[:-1].rpartition("[")
            if not ident.isdigit():
                errors.append(RecordError(name, unit.line, f"bad disambiguation id [{ident}] in {cell!r}"))
                return
            key = int(ident)
        label: str | None
        if layer.columns == [""]:
            label = layer.short  # a layer without features: its spans carry its name
        else:
            label = None if value in ("*", "") else unescape_value(value)
        entities.setdefault(key, _Entity(label)).units.append(unit)


def _check_tokens(text: str, units: list[_Unit], name: str, errors: list[RecordError]) -> None:
    """Convert offsets to code points; each token must be the text its offsets point at."""
    to_cp = from_utf16(text)
    for unit in units:
        begin, end = to_cp(unit.begin), to_cp(unit.end)
        if begin is None or end is None or begin > end:
            errors.append(RecordError(name, unit.line, f"offsets {unit.begin}-{unit.end} of {unit.ident} lie "
                                                       f"outside the text or inside a character"))
            continue
        if text[begin:end] != unit.token:
            errors.append(RecordError(name, unit.line, f"token {unit.ident} is {unit.token!r} but its offsets "
                                                       f"{unit.begin}-{unit.end} point at {text[begin:end]!r} "
                                                       f"(offsets must count UTF-16 units, as INCEpTION writes)"))
        unit.begin, unit.end = begin, end


def _spans(text: str, entities: dict[object, _Entity], name: str,
           errors: list[RecordError]) -> tuple[list[Span], list[ReadNote]]:
    """Flat spans of the entities (the longest of stacked ones) and notes on what was left out."""
    found: dict[Span, _Entity] = {}
    notes: list[ReadNote] = []
    for entity in entities.values():
        first = min(entity.units, key=lambda u: u.begin)
        where = f"{name}:{first.line}: {_extent(entity)}"
        if entity.label is None:
            notes.append(ReadNote(f"{where}: entity without a value skipped"))
            continue
        try:
            label = check_name(entity.label, strip=False)
        except LabelError as exc:
            errors.append(RecordError(name, first.line, f"{_extent(entity)}: {exc}"))
            continue
        span = Span(first.begin, max(u.end for u in entity.units), label)
        if span.start < span.end:
            found.setdefault(span, entity)
    kept, dropped = keep_longest(found)
    for span, clash in dropped:
        entity = found[span]
        notes.append(ReadNote(
            f"{name}:{entity.units[0].line}: {_extent(entity)}: dropped {span.label} "
            f"{text[span.start:span.end]!r}, stacked with {clash.label} {text[clash.start:clash.end]!r} "
            f"({_extent(found[clash])}): the longest is kept", "dropped"))
    return kept, notes


def _extent(entity: _Entity) -> str:
    """Sentence-token of an entity, e.g. '4-1' or '4-1..4-3'."""
    first, last = entity.units[0].ident, entity.units[-1].ident
    return first if first == last else f"{first}..{last}"
