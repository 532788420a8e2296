"""Span-list edits behind the annotation widget's undo commands (Qt-free).

Every function takes the current sorted span list and returns a new sorted list, never
mutating its input, so an undo command can keep `before` and `after` and swap them exactly.
Spans a person adds, relabels or confirms carry no source: they are their decision now.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
from collections import OrderedDict
from typing import Any, Callable, Iterable, Sequence, Union

from annotator.core.text.graphemes import snap_out
from annotator.core.text.model import FULL_KEY, SPAN_KEY, Span
from annotator.core.text.spans import trim_span
from annotator.core.text.tokens import Token


# Identity of a span including its source (Span equality ignores the source).
full_key: Callable[[Span], tuple[int, int, str, str | None]] = FULL_KEY


def _index_of(spans: Sequence[Span], span: Span) -> int:
    """Position of `span` (by start, end, label) in a sorted list, or -1. O(log n)."""
    i = bisect.bisect_left(spans, span.key(), key=Span.key)
    if i < len(spans) and spans[i].key() == span.key():
        return i
    return -1


def add_span(spans: Sequence[Span], new: Span) -> list[Span]:
    """Insert `new`, dropping the spans it overlaps.

    Same result as annotator.core.text.spans.replace_overlapping, found by bisection instead of
    a scan and a sort, so an edit in a 10,000-span article stays cheap. The input must be
    sorted and non-overlapping (an editor's span list always is).
    """
    i = bisect.bisect_right(spans, new.start, key=lambda s: s.end)  # first ending after start
    j = bisect.bisect_left(spans, new.end, key=lambda s: s.start)  # first starting at/after end
    j = max(i, j)
    out = list(spans[:i])
    out.append(new)
    out.extend(spans[j:])
    return out


def remove_span(spans: Sequence[Span], span: Span) -> list[Span]:
    """Drop `span` (matched by start, end, label). ValueError if it is not there."""
    i = _index_of(spans, span)
    if i < 0:
        raise ValueError(f"span [{span.start}, {span.end}, {span.label}] is not in the list")
    return list(spans[:i]) + list(spans[i + 1:])


def _replace_at(spans: Sequence[Span], span: Span, new: Span) -> list[Span]:
    i = _index_of(spans, span)
    if i < 0:
        raise ValueError(f"span [{span.start}, {span.end}, {span.label}] is not in the list")
    out = list(spans)
    out[i] = new  # same start and end, so the order holds (labels never share a range)
    if (i and out[i - 1].key() > new.key()) or (i + 1 < len(out) and new.key() > out[i + 1].key()):
        out.sort()
    return out


def relabel_span(spans: Sequence[Span], span: Span, label: str) -> list[Span]:
    """Give `span` a new label; the result is a confirmed span (source None)."""
    return _replace_at(spans, span, Span(span.start, span.end, label, None))


def confirm_span(spans: Sequence[Span], span: Span) -> list[Span]:
    """Mark one suggested span as the person's own (source -> None)."""
    return _replace_at(spans, span, Span(span.start, span.end, span.label, None))


def confirm_all(spans: Iterable[Span]) -> list[Span]:
    """Mark every suggested span as confirmed."""
    return sorted(Span(s.start, s.end, s.label, None) for s in spans)


def unconfirmed(spans: Iterable[Span]) -> list[Span]:
    return [s for s in spans if s.source is not None]


def span_at(spans: Sequence[Span], pos: int) -> Span | None:
    """The span covering code point `pos` in a sorted, non-overlapping list, or None."""
    i = bisect.bisect_right(spans, pos, key=lambda s: s.start) - 1
    if i >= 0 and spans[i].start <= pos < spans[i].end:
        return spans[i]
    return None


def spans_between(spans: Sequence[Span], start: int, end: int) -> list[Span]:
    """The spans of a sorted, non-overlapping list that intersect [start, end)."""
    i = bisect.bisect_right(spans, start, key=lambda s: s.end)  # first span ending after start
    j = bisect.bisect_left(spans, end, key=lambda s: s.start)  # first span starting at/after end
    return list(spans[i:j])


def _keeps(token: Token, start: int, end: int) -> bool:
    """Whether a selection [start, end) that touches `token` takes it in: it covers at least
    half of the token, or begins exactly at its start, or ends exactly at its end."""
    covered = min(end, token.end) - max(start, token.start)
    return 2 * covered >= token.end - token.start or start == token.start or end == token.end


def _forgiving(first: Token, second: Token | None, before_last: Token | None, last: Token,
               start: int, end: int) -> tuple[int, int]:
    """The forgiving snap, given the first and last tokens a selection touches and their
    neighbours inside it (second after first, before_last before last; None when first is
    last). An edge token barely touched is left out; if that leaves nothing, every touched
    token is kept, so a drag inside one word takes the word."""
    if first is last or second is None or before_last is None:
        return first.start, last.end
    lo = first if _keeps(first, start, end) else second
    hi = last if _keeps(last, start, end) else before_last
    if lo.start >= hi.end:
        return first.start, last.end
    return lo.start, hi.end


class TokenIndex:
    """Tokens with start/end arrays precomputed, for O(log n) snapping on long texts."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.tokens = list(tokens)
        self.starts = [t.start for t in self.tokens]
        self.ends = [t.end for t in self.tokens]

    def snap(self, start: int, end: int) -> tuple[int, int]:
        """[start, end) snapped to whole tokens, forgiving at the edges (see _forgiving);
        empty (start == start) if it touches no token."""
        i = bisect.bisect_right(self.ends, start)  # first token ending after start
        j = bisect.bisect_left(self.starts, end) - 1  # last token starting before end
        if i >= len(self.tokens) or j < i:
            return start, start
        tokens = self.tokens
        inner = (tokens[i + 1], tokens[j - 1]) if j > i else (None, None)
        return _forgiving(tokens[i], inner[0], inner[1], tokens[j], start, end)

    def token_at(self, pos: int) -> Token | None:
        """The token covering code point `pos`, or None (whitespace)."""
        i = bisect.bisect_right(self.starts, pos) - 1
        if i >= 0 and self.tokens[i].start <= pos < self.tokens[i].end:
            return self.tokens[i]
        return None

    def token_from(self, pos: int) -> Token | None:
        """The first token ending after `pos` (the one covering it, else the next), or None."""
        i = bisect.bisect_right(self.ends, pos)
        return self.tokens[i] if i < len(self.tokens) else None

    def token_until(self, pos: int) -> Token | None:
        """The last token starting before `pos` (the one covering pos - 1, else the one before), or None."""
        j = bisect.bisect_left(self.starts, pos) - 1
        return self.tokens[j] if j >= 0 else None


def diff_spans(old: Sequence[Span], new: Sequence[Span]) -> tuple[list[Span], list[Span]]:
    """(removed, added) between two sorted span lists. An edit shares all but a few span
    objects with the list before it, so skip the common head and tail by identity first
    (C-level scans that stop at the first difference: a 100,000-span list in microseconds)."""
    n = min(len(old), len(new))
    head = next(itertools.compress(itertools.count(), map(operator.is_not, old, new)), n)
    tail = next(itertools.compress(itertools.count(), map(operator.is_not, reversed(old), reversed(new))), n)
    tail = min(tail, n - head)
    old_mid, new_mid = old[head:len(old) - tail], new[head:len(new) - tail]
    if len(old_mid) + len(new_mid) > 256:
        # Many spans in between (a change all over a long text, e.g. label all occurrences):
        # objects in both lists are unchanged (spans are immutable), found by identity in C;
        # only the rest are compared by value, in a Python loop.
        old_ids, new_ids = set(map(id, old_mid)), set(map(id, new_mid))
        old_mid, new_mid = _not_in(old_mid, map(id, old_mid), new_ids), _not_in(new_mid, map(id, new_mid), old_ids)
    new_keys, old_keys = set(map(FULL_KEY, new_mid)), set(map(FULL_KEY, old_mid))
    return (_not_in(old_mid, map(FULL_KEY, old_mid), new_keys), _not_in(new_mid, map(FULL_KEY, new_mid), old_keys))


def _not_in(spans: Sequence[Span], keys: Iterable[Any], other: set[Any]) -> list[Span]:
    """The spans whose key is not in `other`, in order (C-level iterators throughout)."""
    return list(itertools.compress(spans, map(operator.not_, map(other.__contains__, keys))))


def apply_change(spans: Sequence[Span], removed: Sequence[Span], added: Sequence[Span]) -> list[Span]:
    """`spans` without `removed` (matched by start, end, label) and with `added`, sorted: an
    edit replayed (undo keeps edits, not two copies of a 100,000-span list per step)."""
    if len(removed) + len(added) > 64:  # many (confirm all): one pass and a sort
        gone = set(map(SPAN_KEY, removed))
        return sorted(_not_in(spans, map(SPAN_KEY, spans), gone) + list(added), key=SPAN_KEY)
    out = list(spans)
    for span in removed:
        i = _index_of(out, span)
        if i < 0:
            raise ValueError(f"span [{span.start}, {span.end}, {span.label}] is not in the list")
        del out[i]
    for span in added:
        out.insert(bisect.bisect_left(out, span.key(), key=Span.key), span)
    return out


# Above this many characters a text is tokenized lazily, a chunk at a time, where a person
# selects: tokens of a 5 MB text would take seconds and hundreds of MB, and are never all needed.
LAZY_TOKENS_ABOVE = 200_000
TOKEN_CHUNK = 10_000
_CACHED_CHUNKS = 64
_SPACE = re.compile(r"\s")


class LazyTokenIndex:
    """TokenIndex's snap/token_at over a long text, tokenizing only the chunks asked about.

    Chunk k starts at the first whitespace at or after k * TOKEN_CHUNK, so chunks (and the
    tokens in them) are the same whichever position is asked first, and spaCy sees whole
    words (its tokenizer splits at whitespace first: the tokens are those of the whole text).
    A run of TOKEN_CHUNK characters without whitespace is cut where the chunk starts.
    """

    def __init__(self, text: str, tokenize: Callable[[str], Sequence[Token]]) -> None:
        self.text = text
        self._tokenize = tokenize
        self._chunks: OrderedDict[int, TokenIndex] = OrderedDict()
        self._last = max(0, (len(text) - 1) // TOKEN_CHUNK)

    def _boundary(self, k: int) -> int:
        if k <= 0:
            return 0
        if k > self._last:
            return len(self.text)
        nominal = k * TOKEN_CHUNK
        m = _SPACE.search(self.text, nominal, min(nominal + TOKEN_CHUNK, len(self.text)))
        return m.start() if m else nominal

    def _chunk_of(self, pos: int) -> int:
        k = min(max(pos, 0) // TOKEN_CHUNK, self._last)
        return k - 1 if k > 0 and pos < self._boundary(k) else k

    def _chunk(self, k: int) -> TokenIndex:
        hit = self._chunks.get(k)
        if hit is not None:
            self._chunks.move_to_end(k)
            return hit
        a, b = self._boundary(k), self._boundary(k + 1)
        index = TokenIndex([Token(t.text, t.start + a, t.end + a, t.ws) for t in self._tokenize(self.text[a:b])])
        self._chunks[k] = index
        while len(self._chunks) > _CACHED_CHUNKS:
            self._chunks.popitem(last=False)
        return index

    def _first_ending_after(self, pos: int, limit: int) -> Token | None:
        for k in range(self._chunk_of(pos), self._chunk_of(limit) + 1):
            index = self._chunk(k)
            i = bisect.bisect_right(index.ends, pos)
            if i < len(index.tokens):
                return index.tokens[i]
        return None

    def _last_starting_before(self, pos: int, limit: int) -> Token | None:
        for k in range(self._chunk_of(pos), self._chunk_of(limit) - 1, -1):
            index = self._chunk(k)
            j = bisect.bisect_left(index.starts, pos) - 1
            if j >= 0:
                return index.tokens[j]
        return None

    def snap(self, start: int, end: int) -> tuple[int, int]:
        """As TokenIndex.snap (forgiving at the edges), from the chunks the selection touches."""
        first = self._first_ending_after(start, end)
        last = self._last_starting_before(end, start)
        if first is None or last is None or last.start < first.start:
            return start, start
        if first.start == last.start:
            return first.start, last.end
        second = self._first_ending_after(first.end, end)
        before_last = self._last_starting_before(last.start, start)
        return _forgiving(first, second, before_last, last, start, end)

    def token_at(self, pos: int) -> Token | None:
        return self._chunk(self._chunk_of(pos)).token_at(pos)

    def token_from(self, pos: int) -> Token | None:
        """As TokenIndex.token_from, tokenizing only the chunks it passes."""
        return self._first_ending_after(max(pos, 0), len(self.text))

    def token_until(self, pos: int) -> Token | None:
        """As TokenIndex.token_until, tokenizing only the chunks it passes."""
        return self._last_starting_before(min(pos, len(self.text)), 0) if pos > 0 else None


def token_index(text: str, lang: str = "en") -> "TokenIndex | LazyTokenIndex":
    """spaCy token boundaries of `text` for snapping: all at once for an ordinary text,
    lazily for a long one. Imports spaCy (about a second the first time)."""
    from annotator.core.text.tokens import blank_nlp, tokenize

    if len(text) <= LAZY_TOKENS_ABOVE:
        return TokenIndex(tokenize(text, lang))
    blank_nlp(lang)  # loaded here (a worker), not at the first selection
    return LazyTokenIndex(text, lambda piece: tokenize(piece, lang))


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class WordBoundaries:
    """Snapping fallback before spaCy tokens exist: a token is a run of word characters
    (letters, digits, underscore) or one other non-space character, so "Paris." snaps to
    "Paris". Scans only around the selection, so it needs no index of the whole text."""

    def __init__(self, text: str) -> None:
        self.text = text

    def token_at(self, pos: int) -> Token | None:
        text = self.text
        if not 0 <= pos < len(text) or text[pos].isspace():
            return None
        start, end = pos, pos + 1
        if _is_word(text[pos]):
            while start > 0 and _is_word(text[start - 1]):
                start -= 1
            while end < len(text) and _is_word(text[end]):
                end += 1
        ws = end < len(text) and text[end].isspace()
        return Token(text[start:end], start, end, ws)

    def _next(self, token: Token) -> Token | None:
        pos = token.end
        while pos < len(self.text) and self.text[pos].isspace():
            pos += 1
        return self.token_at(pos)

    def _previous(self, token: Token) -> Token | None:
        pos = token.start - 1
        while pos >= 0 and self.text[pos].isspace():
            pos -= 1
        return self.token_at(pos) if pos >= 0 else None

    def token_from(self, pos: int) -> Token | None:
        """As TokenIndex.token_from: the word covering `pos`, else the next one."""
        text, pos = self.text, max(pos, 0)
        while pos < len(text) and text[pos].isspace():
            pos += 1
        return self.token_at(pos)

    def token_until(self, pos: int) -> Token | None:
        """As TokenIndex.token_until: the word covering `pos` - 1, else the one before."""
        text, pos = self.text, min(pos, len(self.text)) - 1
        while pos >= 0 and text[pos].isspace():
            pos -= 1
        return self.token_at(pos) if pos >= 0 else None

    def snap(self, start: int, end: int) -> tuple[int, int]:
        """[start, end) snapped to whole words as TokenIndex.snap does; empty if it holds
        only whitespace."""
        start, end = trim_span(self.text, start, end)
        if start >= end:
            return start, start
        first, last = self.token_at(start), self.token_at(end - 1)
        assert first is not None and last is not None  # trimmed: both are non-space
        if first == last:
            return first.start, first.end
        return _forgiving(first, self._next(first), self._previous(last), last, start, end)


Snapper = Union[TokenIndex, LazyTokenIndex, WordBoundaries]


def selection_to_range(text: str, start: int, end: int, index: Snapper | None) -> tuple[int, int]:
    """What a selection becomes as a span: ordered, clamped, trimmed of whitespace, snapped
    to tokens unless `index` is None (character mode, Alt+drag: exact), and in both modes
    widened to whole grapheme clusters (never half a flag or an emoji without its skin tone).
    Empty if it held only whitespace.

    Snapping forgives a sloppy drag: a token the selection only grazes at either edge (less
    than half of it, not from its start or to its end) is left out; a drag inside one word
    takes the word."""
    if start > end:
        start, end = end, start
    start, end = max(0, start), min(len(text), end)
    start, end = trim_span(text, start, end)
    if start >= end:
        return start, start
    if index is not None:
        start, end = index.snap(start, end)
    if start < end:
        start, end = snap_out(text, start, end)
    return start, end


def token_near(index: Snapper, pos: int) -> Token | None:
    """The token covering code point `pos`, else the next one, else the last one before it
    (None only for a text without tokens): where a token cursor lands for a position."""
    return index.token_from(pos) or index.token_until(pos)
