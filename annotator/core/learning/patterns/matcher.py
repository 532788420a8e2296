"""Matching the project's patterns in a text: spans with the source "pattern" (◆ in the window).

Rules (README, "Patterns and term lists"):
- Matches follow spaCy's tokenizer (the project language's, no statistical model): a match is
  whole tokens, never part of a word, and never cuts a grapheme cluster.
- A phrase matches its tokens in a row ignoring case (LOWER), across single spaces and line
  breaks alike (whitespace tokens are skipped, as for ★ learned phrases). A token pattern made
  only of one LOWER, or only of one ORTH/TEXT, string per token is a phrase too (Prodigy's
  `terms.to-patterns` writes those), matched the same way; any other token pattern goes to
  spaCy's Matcher on the document's tokens.
- Where matches overlap, the longest wins (in characters), then the one starting first, then
  the pattern added first (spaCy's entity ruler keeps the longest too).

Phrases of plain words are hashed without the tokenizer (a word of letters that is no special
case is one token), the others tokenized all at once (joined by line breaks, which the
tokenizer always splits at), so a 100,000-term list builds in about a second; matching a text
is a dictionary lookup per token. A long text is tokenized in pieces (core/text/tokens.text_pieces) so a worker never
holds the GIL for long; token patterns are also tried across the seams between pieces.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable, Sequence

from annotator.core.text.graphemes import cut_at
from annotator.core.text.model import SOURCE_PATTERN, Span
from annotator.core.text.tokens import blank_nlp, text_pieces
from annotator.core.learning.patterns.records import Pattern

_ATTRS = ["LOWER", "ORTH", "IDX", "LENGTH", "IS_SPACE"]
_SEAM = 300  # characters each side of a seam between pieces in which token patterns are tried again
Key = tuple[int, ...]


_PLAIN = {"LOWER": "LOWER", "lower": "LOWER", "ORTH": "ORTH", "orth": "ORTH", "TEXT": "ORTH", "text": "ORTH"}


def _plain(pattern: list[dict[str, Any]]) -> tuple[str | None, list[str]]:
    """("LOWER" or "ORTH", the token strings) when a token pattern is a phrase in disguise
    (one LOWER, or one ORTH/TEXT, string per token), else (None, [])."""
    kind = None
    values = []
    for token in pattern:
        if len(token) != 1:
            return None, []
        ((name, value),) = token.items()
        attr = _PLAIN.get(name) or _PLAIN.get(str(name).upper())
        if attr is None or type(value) is not str or (kind is not None and attr != kind):
            return None, []
        kind = attr
        values.append(value)
    return kind, values


class PatternMatcher:
    """The project's patterns, ready to match. Built once per change of the pattern set (the
    window builds it in a worker); only read afterwards, so threads may share it."""

    def __init__(self, patterns: Iterable[Pattern], lang: str = "en"):
        self.lang = lang
        self.patterns: list[Pattern] = list(patterns)
        nlp = blank_nlp(lang)
        self._strings = nlp.vocab.strings
        # phrase key (LOWER or ORTH hashes of its tokens) -> pattern indexes, in the order added
        self._phrases: dict[str, dict[Key, list[int]]] = {"LOWER": {}, "ORTH": {}}
        self._lengths: dict[str, dict[int, list[int]]] = {"LOWER": {}, "ORTH": {}}
        self._matcher: Any = None
        self._complex = 0
        lengths: dict[str, dict[int, set[int]]] = {"LOWER": defaultdict(set), "ORTH": defaultdict(set)}
        phrases: list[tuple[int, str]] = []
        add = self._strings.add
        for index, pattern in enumerate(self.patterns):
            if isinstance(pattern.pattern, str):
                phrases.append((index, pattern.pattern))
                continue
            attr, values = _plain(pattern.pattern)
            if attr is None:
                self._add_complex(index, pattern)
            else:
                self._add_phrase(attr, tuple([add(v) for v in values]), index, lengths)
        lower, lower_lengths = self._phrases["LOWER"], lengths["LOWER"]
        for (index, _), key in zip(phrases, self._tokenize_phrases([p for _, p in phrases])):
            if key:  # _add_phrase, inlined: 100,000 calls
                hit = lower.get(key)
                if hit is None:
                    lower[key] = [index]
                    lower_lengths[key[0]].add(len(key))
                else:
                    hit.append(index)
        for attr, by_first in lengths.items():
            self._lengths[attr] = {first: sorted(lens, reverse=True) for first, lens in by_first.items()}

    def __len__(self) -> int:
        return len(self.patterns)

    # ---- building -------------------------------------------------------------------------
    def _add_phrase(self, attr: str, key: Key, index: int, lengths: dict[str, dict[int, set[int]]]) -> None:
        self._phrases[attr].setdefault(key, []).append(index)
        lengths[attr][key[0]].add(len(key))

    def _add_complex(self, index: int, pattern: Pattern) -> None:
        if self._matcher is None:
            from spacy.matcher import Matcher

            self._matcher = Matcher(blank_nlp(self.lang).vocab)
        self._matcher.add(str(index), [pattern.pattern])
        self._complex += 1

    def _tokenize_phrases(self, phrases: Sequence[str]) -> list[Key]:
        """Each phrase's non-space LOWER hashes. A word of letters only that is no special case
        of the rule-based tokenizer ("cannot", "gonna") is one token (no affix rule splits
        letters): hashed directly. The other phrases are tokenized in one pass, joined by line
        breaks (the tokenizer splits there, so each is tokenized as if alone)."""
        from spacy.tokenizer import Tokenizer

        nlp = blank_nlp(self.lang)
        rule_based = type(nlp.tokenizer) is Tokenizer  # not jieba, sudachi... (they split letters)
        special = nlp.tokenizer.rules if rule_based else {}
        add = self._strings.add
        keys: list[Key | None] = [None] * len(phrases)
        rest: list[int] = []
        for i, phrase in enumerate(phrases):
            words = phrase.split()
            # every word letters only (they are, if joined they are) and none a special case
            if rule_based and "".join(words).isalpha() and not any(w in special for w in words):
                keys[i] = tuple([add(w.lower()) for w in words])
            else:
                rest.append(i)
        if rest:
            text = "\n".join(" ".join(phrases[i].split()) for i in rest)
            found: list[Key] = []
            current: list[int] = []
            for _offset, piece in text_pieces(text):
                doc = nlp.make_doc(piece)
                for lower, _orth, _idx, _length, is_space in doc.to_array(_ATTRS).tolist():
                    if not is_space:
                        current.append(lower)
                    elif "\n" in self._strings[lower]:
                        found.append(tuple(current))
                        current = []
            found.append(tuple(current))
            assert len(found) == len(rest), (len(found), len(rest))
            for i, key in zip(rest, found):
                keys[i] = key
        return keys  # type: ignore[return-value]

    # ---- matching -------------------------------------------------------------------------
    def _tokens(self, text: str) -> tuple[list[int], list[int], list[int], list[int], list[Any]]:
        """(LOWER, ORTH, start, end) of the non-space tokens, and the piece docs."""
        nlp = blank_nlp(self.lang)
        lowers, orths, starts, ends, docs = [], [], [], [], []
        for offset, piece in text_pieces(text):
            doc = nlp.make_doc(piece)
            docs.append((offset, doc))
            for lower, orth, idx, length, is_space in doc.to_array(_ATTRS).tolist():
                if not is_space:
                    lowers.append(lower)
                    orths.append(orth)
                    starts.append(offset + idx)
                    ends.append(offset + idx + length)
        return lowers, orths, starts, ends, docs

    def _candidates(self, text: str) -> tuple[list[tuple[int, int, int]], list[int], list[int]]:
        """Every match as (start char, end char, pattern index); also the token starts and ends."""
        lowers, orths, starts, ends, docs = self._tokens(text)
        found: list[tuple[int, int, int]] = []
        n = len(lowers)
        for attr, hashes in (("LOWER", lowers), ("ORTH", orths)):
            phrases, lengths = self._phrases[attr], self._lengths[attr]
            if not phrases:
                continue
            for i, first in enumerate(hashes):
                for length in lengths.get(first, ()):
                    if i + length <= n:
                        for index in phrases.get(tuple(hashes[i:i + length]), ()):
                            found.append((starts[i], ends[i + length - 1], index))
        if self._matcher is not None:
            found.extend(self._complex_matches(text, docs))
        return found, starts, ends

    def _complex_matches(self, text: str, docs: list[tuple[int, Any]]) -> list[tuple[int, int, int]]:
        out: set[tuple[int, int, int]] = set()
        strings = self._strings
        for offset, doc in docs:
            for match_id, i, j in self._matcher(doc):
                out.add((offset + doc[i].idx, offset + doc[j - 1].idx + len(doc[j - 1]), int(strings[match_id])))
        if len(docs) > 1:  # a match across a seam between two pieces
            nlp = blank_nlp(self.lang)
            for offset, _doc in docs[1:]:
                lo = text.rfind(" ", 0, max(0, offset - _SEAM)) + 1
                window = nlp.make_doc(text[lo:offset + _SEAM])
                for match_id, i, j in self._matcher(window):
                    start, end = lo + window[i].idx, lo + window[j - 1].idx + len(window[j - 1])
                    if start < offset < end:
                        out.add((start, end, int(strings[match_id])))
        return sorted(out)

    def match(self, text: str, labels: Iterable[str] | None = None) -> list[Span]:
        """The pattern spans of a text (source "pattern"), sorted, never overlapping; with
        `labels`, only patterns of those labels take part."""
        if not self.patterns or not text:
            return []
        known = None if labels is None else set(labels)
        found, _, _ = self._candidates(text)
        if known is not None:
            found = [c for c in found if self.patterns[c[2]].label in known]
        found.sort(key=lambda c: (c[0] - c[1], c[0], c[2]))
        taken: list[tuple[int, int, int]] = []
        busy = bytearray(len(text))  # characters already inside a chosen match
        for start, end, index in found:
            if busy.find(1, start, end) != -1:
                continue
            if cut_at(text, start, end) is not None:  # a match cutting a grapheme cluster is another word
                continue
            taken.append((start, end, index))
            busy[start:end] = b"\x01" * (end - start)
        return sorted(Span(s, e, self.patterns[i].label, SOURCE_PATTERN) for s, e, i in taken)

    def which(self, phrase: str, label: str) -> list[Pattern]:
        """The patterns that, matched alone on `phrase`, give all of it with `label`: whose
        suggestion a span of that text and label was (for each pattern's precision)."""
        text = phrase.strip()
        if not text:
            return []
        found, starts, ends = self._candidates(text)
        if not starts:
            return []
        first, last = starts[0], ends[-1]
        return [self.patterns[i] for i in sorted({i for s, e, i in found if s == first and e == last
                                                   and self.patterns[i].label == label})]
