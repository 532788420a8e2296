"""Span admission: the single gate every span passes on its way into a project.

admit_spans(text, spans, labels) is the one rule (issue 27): the store, the draft journal,
every importer, `merge`/`check`, a hub pull and the suggestions all call it. Offsets are
integers (0.5, true and "3" are refused, not coerced), in range, not reversed or empty, not
whitespace only, never inside a grapheme cluster, not overlapping; labels are text passing
labels.check_name as they are (" GPE " is refused, not stripped; NUL is refused); a span's
source, if any, is a short text. validate_spans is the part about offsets, for callers whose
labels are the project's own (the editor)."""

from __future__ import annotations

import bisect
import itertools
import operator
from typing import Any, Iterable, Sequence

from annotator.core.errors import SpanError
from annotator.core.text.graphemes import cut_at, describe_cut
from annotator.core.text.labels import MAX_LABEL_CHARS, LabelError, check_names
from annotator.core.text.model import Span


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Move start/end inwards past whitespace; returns (start, end), possibly empty."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def coerce_span(raw: Any) -> Span:
    """Build a Span from a dict, a [start, end, label] list or a Span, checking field types."""
    if isinstance(raw, Span):
        return raw
    if isinstance(raw, dict):
        start, end, label = raw.get("start"), raw.get("end"), raw.get("label")
        source = raw.get("source")
    elif isinstance(raw, (list, tuple)) and len(raw) == 3:
        start, end, label = raw
        source = None
    else:
        raise SpanError(f"span {raw!r} is not {{start, end, label}} or [start, end, label]")
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise SpanError(f"span {raw!r}: {name} must be an integer, got {type(value).__name__}")
    if not isinstance(label, str):
        raise SpanError(f"span {raw!r}: label must be a string, got {type(label).__name__}")
    return Span(start, end, label, source if isinstance(source, str) else None)


_START, _END = operator.attrgetter("start"), operator.attrgetter("end")
_LABEL, _SOURCE = operator.attrgetter("label"), operator.attrgetter("source")


def admit_spans(text: str, spans: Iterable[Any], labels: Iterable[str] | None = None, *,
                trim: bool = True) -> list[Span]:
    """The one span admission (module docstring): the spans checked, trimmed of edge
    whitespace (unless trim=False) and sorted, or SpanError with the reason. `labels`: the
    project's label names, when every label must be one of them (the store's writes); else
    every label must pass the label-name rule."""
    checked = validate_spans(text, spans, trim=trim)
    names = set(map(_LABEL, checked))
    if labels is None:
        try:
            check_names(names)
        except LabelError as exc:
            raise SpanError(str(exc)) from None
    else:  # the project's labels passed the label rule when they were added (or predate it)
        unknown = names.difference(labels)
        if unknown:
            raise SpanError(f"unknown label(s): {', '.join(sorted(unknown))}")
    for source in set(map(_SOURCE, checked)):
        if source is not None and (not source or len(source) > MAX_LABEL_CHARS or "\x00" in source):
            raise SpanError("NUL in a span's source" if "\x00" in source else
                            f"a span's source must be 1 to {MAX_LABEL_CHARS} characters")
    return checked


def _already_valid(text: str, spans: Sequence[Any], trim: bool) -> bool:
    """True for what the store and the editor hold: Span objects, sorted, disjoint, in range
    (and, with trim, with no whitespace at either edge). Checked in C-level passes, so a
    100,000-span document takes milliseconds; anything else takes the full path below."""
    if not spans or set(map(type, spans)) != {Span}:
        return False
    starts, ends = list(map(_START, spans)), list(map(_END, spans))
    if not (set(map(type, starts)) == {int} and set(map(type, ends)) == {int}
            and starts[0] >= 0 and ends[-1] <= len(text)
            and all(map(operator.lt, starts, ends)) and all(map(operator.le, ends[:-1], starts[1:]))):
        return False
    if trim:  # the distinct characters at span edges, gathered in C, then asked once each
        edges = set(map(text.__getitem__, starts)) | set(map(text.__getitem__, map(operator.sub, ends, itertools.repeat(1))))
        if any(ch.isspace() for ch in edges):
            return False
    return _no_cluster_cut(text, starts, ends)


def _no_cluster_cut(text: str, starts: list[int], ends: list[int]) -> bool:
    """No span edge inside a grapheme cluster: certain at once when every character on either
    side of an edge is below U+0300 (nothing there joins a cluster, core/text/graphemes.py) and no
    edge could split a CR LF; else each span is asked (graphemes.cut_at)."""
    padded = text + " "
    edges = starts + ends
    around = set(map(padded.__getitem__, edges)) | set(map(padded.__getitem__, map(operator.sub, edges, itertools.repeat(1))))
    if max(around) < "\u0300" and not ("\r" in around and "\n" in around):
        return True
    return all(cut_at(text, a, b) is None for a, b in zip(starts, ends))


def validate_spans(text: str, spans: Iterable[Any], *, trim: bool = True) -> list[Span]:
    """Return the spans checked, trimmed of edge whitespace and sorted.

    Raises SpanError naming the span for: out of range, reversed or empty, whitespace only,
    starting or ending inside a grapheme cluster (a flag, an emoji with a modifier, a letter
    with a combining mark: see core/text/graphemes.py), or overlapping another span of the same
    annotation. A span that cuts a cluster is refused, not widened: from a file it is most
    often an offset counted in UTF-16 units or bytes, and widening would hide that.
    """
    if not isinstance(spans, (list, tuple)):
        spans = list(spans)
    if _already_valid(text, spans, trim):
        return list(spans)
    out: list[Span] = []
    n = len(text)
    for raw in spans:
        span = coerce_span(raw)
        if not (0 <= span.start < span.end <= n):
            if span.start >= span.end and 0 <= span.end <= span.start <= n:
                raise SpanError(f"span [{span.start}, {span.end}, {span.label}] is reversed or empty")
            raise SpanError(f"span [{span.start}, {span.end}, {span.label}] is out of range "
                            f"for a text of {n} characters")
        start, end = trim_span(text, span.start, span.end) if trim else (span.start, span.end)
        if start >= end:
            raise SpanError(f"span [{span.start}, {span.end}, {span.label}] covers only whitespace")
        cut = cut_at(text, start, end)
        if cut is not None:
            raise SpanError(f"span [{start}, {end}, {span.label}] {'starts' if cut == start else 'ends'} "
                            f"inside {describe_cut(text, cut)}; offsets must be code points "
                            f"on character boundaries")
        out.append(Span(start, end, span.label, span.source))
    out.sort()
    for before, after in zip(out, out[1:]):
        if before.end > after.start:
            raise SpanError(f"span [{after.start}, {after.end}, {after.label}] overlaps "
                            f"[{before.start}, {before.end}, {before.label}]")
    return out


def replace_overlapping(spans: Iterable[Span], new: Span) -> list[Span]:
    """Insert `new`, dropping every span it overlaps (NER spans never overlap)."""
    kept = [s for s in spans if not s.overlaps(new)]
    kept.append(new)
    kept.sort()
    return kept


def keep_longest(spans: Iterable[Span]) -> tuple[list[Span], list[tuple[Span, Span]]]:
    """Flatten stacked or nested spans, as a flat NER annotation needs: of spans that overlap,
    the longest is kept (on a tie, the one given first). Identical spans count once.

    Returns (kept spans sorted, [(dropped span, the kept span it overlapped)] in input order).
    """
    unique = list(dict.fromkeys(spans))
    order = sorted(range(len(unique)), key=lambda i: (unique[i].start - unique[i].end, i))
    kept: list[Span] = []  # sorted by start, never overlapping
    dropped: list[tuple[int, Span, Span]] = []
    for i in order:
        span = unique[i]
        at = bisect.bisect_left(kept, span)
        # Kept spans are disjoint and sorted: only the neighbours on either side can overlap.
        clash = next((k for k in kept[max(at - 1, 0):at + 1] if k.overlaps(span)), None)
        if clash is None:
            kept.insert(at, span)
        else:
            dropped.append((i, span, clash))
    dropped.sort(key=lambda d: d[0])
    return kept, [(span, clash) for _, span, clash in dropped]
