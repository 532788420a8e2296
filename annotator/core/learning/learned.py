"""Suggestions learned from gold: every accepted span is proposed again in every other document.

A phrase is a sequence of lower-cased tokens (spaCy's rule-based tokenizer), matched on token
boundaries. Each phrase collects votes from accepted documents: one per labelled occurrence
(for its label) and one "no entity" vote per occurrence the person left unlabelled (not
touching any gold span). A phrase is proposed only when one label has a clear majority
(more than half of all its votes), so a word labelled once but usually left alone ("may")
stays quiet. Where a proposal overlaps a model span, the proposal stands (the one precedence,
core/learning/precedence.py). The phrases of a document's own gold are never proposed back
to it (exclude_doc), which is also how evaluation scores this part leave-one-out.

What it learns from is the team gold policy (core/team/gold.py), plus the current annotator's
own accepted work on documents not yet reviewed. core/learning/suggestions.py composes what is shown.

Incremental: add()/remove() a document's contribution; the window updates on every accept.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable

from annotator.core.text.graphemes import cut_at
from annotator.core.text.model import SOURCE_GOLD, Span
from annotator.core.text.tokens import blank_nlp, text_pieces

if TYPE_CHECKING:
    from annotator.core.store import Store

Key = tuple[int, ...]  # lower-case token hashes (spaCy's LOWER attribute)
_ATTRS = ["LOWER", "IDX", "LENGTH", "IS_SPACE"]


@dataclass
class _DocEntry:
    text_lower: str                      # for a fast substring pre-filter of new phrases
    tokens: tuple[int, ...]              # lower-case token hashes, whitespace tokens dropped
    gold: tuple[tuple[int, int], ...]    # token ranges [i, j) of the gold spans
    labelled: tuple[tuple[Key, str], ...]


class GoldMatcher:
    """Phrase votes from accepted documents; proposes gold-learned spans in any text."""

    def __init__(self, lang: str = "en"):
        self.lang = lang
        self._docs: dict[int, _DocEntry] = {}
        self._labels: dict[Key, Counter[str]] = {}      # phrase -> label votes (phrases never forgotten)
        self._none: Counter[Key] = Counter()            # phrase -> unlabelled occurrences
        self._none_by_doc: dict[int, Counter[Key]] = {}
        self._lengths: dict[int, set[int]] = defaultdict(set)  # first token -> phrase lengths
        self._canon: dict[int, int] = {}                # one int object per token hash (memory)
        # Cache rebuilt after a change: phrase -> winning label, first token -> lengths (longest first).
        self._winners: dict[Key, str] | None = None
        self._live: dict[int, list[int]] = {}

    # ---- building ------------------------------------------------------------------------
    @classmethod
    def from_store(cls, store: "Store", annotator: str | None = None) -> "GoldMatcher":
        """From the team gold (core/team/gold.py) plus, when `annotator` is given, that annotator's
        own accepted versions of documents nobody has reviewed: a teammate's unreviewed work
        never changes what another annotator is suggested."""
        from annotator.core.team.gold import iter_gold

        matcher = cls(store.settings.lang)
        matcher.add_many((doc.id, doc.text, gold.spans) for doc, gold in iter_gold(store, own=annotator))
        return matcher

    def __len__(self) -> int:
        """Number of accepted documents learned from."""
        return len(self._docs)

    def phrases(self) -> int:
        """Number of phrases with at least one label vote."""
        return sum(1 for votes in self._labels.values() if votes)

    def _tokens(self, text: str) -> tuple[list[int], list[int], list[int]]:
        """(lower-case hashes, starts, ends) of the non-space tokens, in code points."""
        nlp = blank_nlp(self.lang)
        canon = self._canon.setdefault
        lowers, starts, ends = [], [], []
        for offset, piece in text_pieces(text):  # pieces: a worker never holds the GIL long
            for lower, idx, length, is_space in nlp.make_doc(piece).to_array(_ATTRS).tolist():
                if is_space:
                    continue
                lowers.append(canon(lower, lower))
                starts.append(idx + offset)
                ends.append(idx + offset + length)
        return lowers, starts, ends

    def _entry(self, text: str, spans: Iterable[Span]) -> _DocEntry:
        lowers, starts, ends = self._tokens(text)
        at_start = {s: i for i, s in enumerate(starts)}
        at_end = {e: i for i, e in enumerate(ends)}
        gold, labelled = [], []
        for span in sorted(spans):
            i, j = at_start.get(span.start), at_end.get(span.end)
            if i is None or j is None or j < i:
                continue  # not on token boundaries: cannot be matched elsewhere either
            gold.append((i, j + 1))
            labelled.append((tuple(lowers[i:j + 1]), span.label))
        return _DocEntry(text.lower(), tuple(lowers), tuple(gold), tuple(labelled))

    def add(self, doc_id: int, text: str, spans: Iterable[Span]) -> None:
        """Learn from an accepted document; re-adding a document replaces its contribution."""
        self.add_many([(doc_id, text, spans)])

    def add_many(self, items: Iterable[tuple[int, str, Iterable[Span]]]) -> None:
        """Learn from several accepted documents at once (one pass to count unlabelled ones)."""
        items = list(items)
        if not items:
            return
        for doc_id, _, _ in items:
            self.remove(doc_id)
        self._winners = None
        bulk = len(items) > max(8, len(self._docs) // 4)
        new_keys: set[Key] = set()
        added: list[int] = []
        for doc_id, text, spans in items:
            entry = self._entry(text, spans)
            self._docs[doc_id] = entry
            added.append(doc_id)
            for key, label in entry.labelled:
                if key not in self._labels:
                    self._labels[key] = Counter()
                    self._lengths[key[0]].add(len(key))
                    new_keys.add(key)
                self._labels[key][label] += 1
        if bulk:
            # Cheaper to recount every "no entity" vote in one pass over all documents.
            self._none.clear()
            self._none_by_doc.clear()
            for doc_id in self._docs:
                self._count_unlabelled(doc_id, None)
            return
        for doc_id in added:
            self._count_unlabelled(doc_id, None)
        if new_keys:
            strings = blank_nlp(self.lang).vocab.strings
            # Only documents containing a phrase's longest token can hold it.
            needles = {k: max((strings[h] if h in strings else "" for h in k), key=len) for k in new_keys}
            fresh = set(added)
            for doc_id, entry in self._docs.items():
                if doc_id in fresh:
                    continue
                keys = {k for k, needle in needles.items() if needle in entry.text_lower}
                if keys:
                    self._count_unlabelled(doc_id, keys)

    def _count_unlabelled(self, doc_id: int, only: set[Key] | None) -> None:
        """Count occurrences of known phrases (or of `only` these) that touch no gold span."""
        entry = self._docs[doc_id]
        tokens = entry.tokens
        n = len(tokens)
        covered = bytearray(n)
        for i, j in entry.gold:
            covered[i:j] = b"\x01" * (j - i)
        cov = [0, *itertools.accumulate(covered)]  # cov[j] - cov[i]: gold tokens in [i, j)
        if only is None:
            known: Any = self._labels
            lengths_get = self._lengths.get
        else:
            known = only
            index: dict[int, set[int]] = defaultdict(set)
            for key in only:
                index[key[0]].add(len(key))
            lengths_get = index.get
        counts = self._none_by_doc.setdefault(doc_id, Counter())
        for i, tok in enumerate(tokens):
            lens = lengths_get(tok)
            if not lens:
                continue
            for length in lens:
                end = i + length
                if end > n or cov[end] != cov[i]:
                    continue
                key = tokens[i:end]
                if key in known:
                    counts[key] += 1
                    self._none[key] += 1

    def remove(self, doc_id: int) -> None:
        """Forget a document's contribution (un-accepted, or about to be re-added)."""
        entry = self._docs.pop(doc_id, None)
        if entry is None:
            return
        self._winners = None
        for key, label in entry.labelled:
            votes = self._labels[key]
            votes[label] -= 1
            if votes[label] <= 0:
                del votes[label]
        # Phrases stay known even with no votes left, so unlabelled counts stay exact.
        for key, count in self._none_by_doc.pop(doc_id, Counter()).items():
            self._none[key] -= count
            if self._none[key] <= 0:
                del self._none[key]

    def learned_phrases(self) -> list[tuple[tuple[str, ...], str, int]]:
        """The phrases proposed now (the ★ suggestions): (lower-case tokens, label, votes for
        that label), most votes first; `patterns export --from-gold` writes them."""
        strings = blank_nlp(self.lang).vocab.strings
        out = [(tuple(strings[h] for h in key), label, self._labels[key][label])
               for key, label in self._index().items()]
        out.sort(key=lambda row: (-row[2], row[0], row[1]))
        return out

    # ---- proposing -----------------------------------------------------------------------
    @staticmethod
    def _majority(votes: Counter[str], none: int) -> str | None:
        """The label with more than half of all votes (unlabelled occurrences included)."""
        votes = +votes  # drop zero and negative counts
        if not votes:
            return None
        label, count = max(votes.items(), key=lambda lc: (lc[1], lc[0]))
        return label if count * 2 > sum(votes.values()) + none else None

    def _index(self) -> dict[Key, str]:
        if self._winners is None:
            winners: dict[Key, str] = {}
            live: dict[int, set[int]] = defaultdict(set)
            for key, votes in self._labels.items():
                label = self._majority(votes, self._none.get(key, 0))
                if label is not None:
                    winners[key] = label
                    live[key[0]].add(len(key))
            self._winners = winners
            self._live = {first: sorted(lens, reverse=True) for first, lens in live.items()}
        return self._winners

    def propose(self, text: str, exclude_doc: int | None = None) -> list[Span]:
        """Gold-learned spans for a text, longest phrase first, left to right, no overlaps,
        never cutting a grapheme cluster.

        exclude_doc: leave that document's own votes out (it is the one being shown or scored).
        """
        winners = self._index()
        live = self._live
        entry = self._docs.get(exclude_doc) if exclude_doc is not None else None
        overrides: dict[Key, str | None] = {}
        extra: dict[int, list[int]] = {}
        if entry is not None:
            mine = Counter(entry.labelled)
            mine_none = self._none_by_doc.get(exclude_doc, Counter())
            affected = {k for k, _ in mine} | set(mine_none)
            for key in affected:
                votes = self._labels[key].copy()
                votes.subtract({label: c for (k, label), c in mine.items() if k == key})
                overrides[key] = self._majority(votes, self._none.get(key, 0) - mine_none.get(key, 0))
                if overrides[key] is not None:
                    extra.setdefault(key[0], []).append(len(key))
        if not winners and not extra:
            return []
        lowers, starts, ends = self._tokens(text)
        out: list[Span] = []
        n = len(lowers)
        i = 0
        while i < n:
            tok = lowers[i]
            lens = live.get(tok)
            if tok in extra:
                lens = sorted(set(lens or ()) | set(extra[tok]), reverse=True)
            step = 1
            for length in lens or ():
                if i + length > n:
                    continue
                key = tuple(lowers[i:i + length])
                label = overrides[key] if key in overrides else winners.get(key)
                # A match cutting a grapheme cluster ("jose" in "jose" + U+0301) is another word.
                if label is not None and cut_at(text, starts[i], ends[i + length - 1]) is None:
                    out.append(Span(starts[i], ends[i + length - 1], label, SOURCE_GOLD))
                    step = length
                    break
            i += step
        return out

