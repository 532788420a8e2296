"""Which span stands where spans overlap: the one precedence of every composition of
suggestions (core/learning/suggestions.py for the window, `suggest -o` and `evaluate`; the window's
propagation inside the open document goes through it too).

Highest first, by a span's source:

1. the person's own spans (no source): their decision in this document;
2. learned gold ("gold"): phrases the team's reviewed or accepted gold labels, matched here;
3. propagated ("propagated"): other occurrences of a phrase the person labelled in this
   document; below learned gold, which many decisions back;
4. patterns ("pattern"): matches of the project's patterns and term lists
   (core/learning/patterns), above the model, which they correct with what the team knows;
5. the model ("model"), and any other suggester, such as predictions imported with the
   documents, which stand for the model.

A span is kept unless it overlaps a span kept before it: every span of a higher rank, and,
within its own rank, a span starting earlier (at the same start, the longer; then by label).
So no span gives way to one of a lower rank, whatever their widths: a model span wider than
a learned one with the same label loses to it like any other (it used to win, and then lose
to the learned spans beside it, and the entity vanished). The result does not depend on the
order of the input.
"""

from __future__ import annotations

import bisect
import operator
from typing import Iterable

from annotator.core.text.model import SOURCE_GOLD, SOURCE_MODEL, SOURCE_PATTERN, SOURCE_PROPAGATED, Span

PRECEDENCE: tuple[str | None, ...] = (None, SOURCE_GOLD, SOURCE_PROPAGATED, SOURCE_PATTERN, SOURCE_MODEL)
_RANK = {source: i for i, source in enumerate(PRECEDENCE)}
_OTHER = _RANK[SOURCE_MODEL]  # a suggester not named above ranks with the model


def rank(source: str | None) -> int:
    """A source's place in PRECEDENCE (0 is the highest)."""
    return _RANK.get(source, _OTHER)


def _order(span: Span) -> tuple[int, int, str, str]:
    return span.start, -span.end, span.label, span.source or ""


_POSITION = operator.attrgetter("start", "end")  # C-level: a draft can hold 100,000 spans


def compose_spans(spans: Iterable[Span]) -> list[Span]:
    """The spans that stand, sorted and never overlapping (see the module docstring)."""
    by_source: dict[str | None, list[Span]] = {}
    for span in spans:
        layer = by_source.get(span.source)
        if layer is None:
            layer = by_source[span.source] = []
        layer.append(span)
    layers: dict[int, list[Span]] = {}
    for source, layer in by_source.items():
        layers.setdefault(rank(source), []).extend(layer)
    kept: list[Span] = []  # sorted by start and disjoint, so their ends are sorted too
    for r in sorted(layers):
        starts = [k.start for k in kept]
        won: list[Span] = []
        last_end = -1
        for span in sorted(layers[r], key=_order):
            start = span.start
            if start < last_end:
                continue  # overlaps an earlier span of its own rank
            i = bisect.bisect_left(starts, span.end)  # kept[i - 1]: the last kept starting before its end
            if i and kept[i - 1].end > start:
                continue  # overlaps a span of a higher rank
            won.append(span)
            last_end = span.end
        kept = sorted(kept + won, key=_POSITION) if kept else won  # disjoint: start orders them
    return kept
