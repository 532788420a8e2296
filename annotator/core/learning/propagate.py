"""Inside one document: the other occurrences of a phrase the person labelled.

Two rules, both on whole tokens (core/text/tokens.py, spaCy's rule-based tokenizer) and both
ignoring letter case (the users' text is lowercased, and "Paris" at a sentence start is the
same name as "paris"): an occurrence is a run of tokens whose lowercased texts equal the
phrase's, so "paris" never matches inside "parisian".

- propagated(): what the window suggests (source "propagated", shown with a star) as soon as
  a phrase is labelled: every other occurrence of each of the person's spans, never
  overlapping the person's own spans; longer phrases first, then left to right.
- label_all(): "label all occurrences" of a selected span: the document's new span list, in
  which the selection and every occurrence of its text have the label. An occurrence that is
  exactly one of the person's spans is relabelled; one that overlaps the person's spans
  otherwise is left alone (an explicit edit never destroys other work); suggestions it
  overlaps give way. The window applies it as one undoable step.

The person's own spans are those without a source (suggestions carry "model", "gold" or
"propagated").
"""

from __future__ import annotations

import bisect
import threading
from array import array
from collections import OrderedDict
from dataclasses import dataclass
from typing import Iterable

from annotator.core.text.model import SOURCE_PROPAGATED, Span
from annotator.core.text.tokens import tokenize


class _Index:
    """What a text's tokens say, independent of any spans: where each token starts and ends,
    its lowercased text, and where each lowercased text occurs. Compact (arrays, shared
    strings): a 5 MB text's index is some tens of MB, where its Token objects are hundreds."""

    def __init__(self, text: str, lang: str) -> None:
        tokens = tokenize(text, lang)
        self.starts = array("q", [t.start for t in tokens])
        self.ends = array("q", [t.end for t in tokens])
        shared: dict[str, str] = {}
        self.lowers = [shared.setdefault(low, low) for low in (t.text.lower() for t in tokens)]
        del tokens
        self.at: dict[str, array] = {}
        for i, low in enumerate(self.lowers):
            where = self.at.get(low)
            if where is None:
                where = self.at[low] = array("q")
            where.append(i)


# The index of the last few texts: the window asks about the same document after every edit,
# and tokenizing a 5 MB text takes seconds. Keyed by the text itself (its hash is computed once
# per str object); shared by the GUI thread and workers.
_CACHED = 2
_cache: OrderedDict[tuple[str, str], _Index] = OrderedDict()
_cache_lock = threading.Lock()


def _index(text: str, lang: str) -> _Index:
    key = (lang, text)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    index = _Index(text, lang)
    with _cache_lock:
        _cache[key] = index
        while len(_cache) > _CACHED:
            _cache.popitem(last=False)
    return index


class _Doc:
    """A document's tokens (its cached _Index) with a token-level coverage map of this call."""

    def __init__(self, text: str, lang: str) -> None:
        index = _index(text, lang)
        self.starts, self.ends, self.lowers, self.at = index.starts, index.ends, index.lowers, index.at
        self.taken = bytearray(len(self.starts))

    def span_tokens(self, start: int, end: int) -> tuple[int, int] | None:
        """Token range [i, j) covering exactly [start, end), or None when not on token boundaries."""
        i = bisect.bisect_left(self.starts, start)
        j = bisect.bisect_left(self.starts, end) - 1
        if i >= len(self.starts) or j < i or self.starts[i] != start or self.ends[j] != end:
            return None
        return i, j + 1

    def key(self, i: int, j: int) -> tuple[str, ...]:
        return tuple(self.lowers[i:j])

    def find(self, key: tuple[str, ...]) -> list[int]:
        """Token positions where `key` occurs, left to right, not overlapping each other."""
        out: list[int] = []
        n = len(key)
        for i in self.at.get(key[0], ()):
            if (not out or i >= out[-1] + n) and tuple(self.lowers[i:i + n]) == key:
                out.append(i)
        return out

    def tokens_of(self, start: int, end: int) -> range:
        """Indices of the tokens that overlap [start, end) (characters)."""
        i = max(0, bisect.bisect_right(self.starts, start) - 1)
        if i < len(self.starts) and self.ends[i] <= start:
            i += 1
        j = bisect.bisect_left(self.starts, end)
        return range(i, j)

    def take(self, start: int, end: int) -> None:
        for k in self.tokens_of(start, end):
            self.taken[k] = 1

    def free(self, i: int, j: int) -> bool:
        return not any(self.taken[i:j])

    def chars(self, i: int, j: int) -> tuple[int, int]:
        return self.starts[i], self.ends[j - 1]


def occurrences(text: str, start: int, end: int, lang: str = "en") -> list[tuple[int, int]]:
    """Character ranges of every occurrence (the given one included) of text[start:end] as a
    case-insensitive run of whole tokens; [] when [start, end) is not on token boundaries."""
    doc = _Doc(text, lang)
    found = doc.span_tokens(start, end)
    if found is None:
        return []
    key = doc.key(*found)
    return [doc.chars(i, i + len(key)) for i in doc.find(key)]


def own_spans(spans: Iterable[Span]) -> list[Span]:
    """The person's own spans: those that are not suggestions (no source)."""
    return [s for s in spans if s.source is None]


def propagated(text: str, own: Iterable[Span], lang: str = "en",
               dismissed: Iterable[tuple[int, int]] = (), limit: int | None = None) -> list[Span]:
    """Suggestions for the other occurrences of the person's own spans in this document.

    Longer phrases claim their occurrences first; no result overlaps the person's spans or
    another result. When one phrase carries two labels in the document, the label of its
    first labelled occurrence wins. `dismissed`: (start, end) of occurrences the person
    removed a propagated suggestion from; they are not suggested again. `limit`: at most
    that many (the first in the order above: longer phrases, then left to right). Linear in
    the document's tokens per distinct phrase start, so a 100,000-word article with
    thousands of spans stays fast."""
    own = sorted(own)
    if not own:
        return []
    gone = set(dismissed)
    doc = _Doc(text, lang)
    phrases: dict[tuple[str, ...], str] = {}
    for span in own:
        doc.take(span.start, span.end)
        found = doc.span_tokens(span.start, span.end)
        if found is not None:
            phrases.setdefault(doc.key(*found), span.label)
    out: list[Span] = []
    for key, label in sorted(phrases.items(), key=lambda kv: -len(kv[0])):
        n = len(key)
        for i in doc.find(key):
            if limit is not None and len(out) >= limit:
                return sorted(out)
            if doc.free(i, i + n) and doc.chars(i, i + n) not in gone:
                doc.taken[i:i + n] = b"\x01" * n
                out.append(Span(*doc.chars(i, i + n), label, SOURCE_PROPAGATED))
    return sorted(out)


@dataclass(frozen=True)
class LabelAll:
    """The result of label_all: the document's new spans and what changed."""

    spans: tuple[Span, ...]
    added: int
    relabelled: int
    skipped: int  # occurrences left alone because they overlap the person's other spans


def label_all(text: str, spans: Iterable[Span], selected: Span, label: str, lang: str = "en") -> LabelAll:
    """Give `label` to the selected span and to every other occurrence of its text in the
    document (see the module docstring for the rules). `spans` are the document's current
    spans, the person's and suggestions alike; the result holds all of them, updated."""
    current = sorted(spans)
    doc = _Doc(text, lang)
    found = doc.span_tokens(selected.start, selected.end)
    if found is None:  # off token boundaries (a character-level span): only the selection
        occs = [(selected.start, selected.end)]
    else:
        key = doc.key(*found)
        occs = [doc.chars(i, i + len(key)) for i in doc.find(key)]
    mine = own_spans(current)
    by_range = {(s.start, s.end): s for s in mine}
    for s in mine:
        doc.take(s.start, s.end)
    added = relabelled = skipped = 0
    targets: set[tuple[int, int]] = set()
    for occ in occs:
        exact = by_range.get(occ)
        if exact is not None:
            relabelled += exact.label != label
            targets.add(occ)
        elif not any(doc.taken[k] for k in doc.tokens_of(*occ)):
            added += 1
            targets.add(occ)
        else:
            skipped += 1
    hit = bytearray(len(doc.starts))
    for start, end in targets:
        for k in doc.tokens_of(start, end):
            hit[k] = 1
    kept = [s for s in current if (s.start, s.end) not in targets
            and not any(hit[k] for k in doc.tokens_of(s.start, s.end))]
    new = kept + [Span(s, e, label) for s, e in targets]
    return LabelAll(tuple(sorted(new)), added, relabelled, skipped)
