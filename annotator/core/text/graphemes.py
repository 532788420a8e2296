"""Grapheme clusters: what a reader sees as one character (a flag, a ZWJ family, an emoji with
a skin tone, a letter with combining marks). No span edge may fall inside one.

Boundaries are Unicode extended grapheme clusters (UAX #29) from the `regex` module's \\X,
computed only near the offset asked about, never for the whole text: no code point below
U+0300 (ASCII, Latin-1, Latin Extended) joins a cluster with its neighbour (but CR LF, and ©
or ® after a ZWJ), so an edge next to a space or a Latin letter costs a comparison or two. Otherwise the scan backs up to a place where a
boundary is certain from the two code points around it, and runs \\X from there.
"""

from __future__ import annotations

import regex

_CLUSTER = regex.compile(r"\X")
# Code points before which a boundary is certain whatever follows (UAX #29 GB5, GB999): GCB
# Control/CR/LF, or Other unless a rule can join it to what precedes (GB9c conjunct
# consonants, GB11 emoji after a ZWJ). The character before must not be Prepend (GB9b).
_BREAK_BEFORE = regex.compile(
    r"[[\p{GCB=Other}\p{GCB=Control}\p{GCB=CR}\p{GCB=LF}]"
    r"--[\p{Extended_Pictographic}\p{InCB=Consonant}]]", regex.V1)
_CONTROL = regex.compile(r"[\p{GCB=Control}\p{GCB=CR}\p{GCB=LF}]")
# The nearest candidate to the left, found by the regex engine rather than a Python loop (a
# megabyte of flags has none).
_CANDIDATE_BEFORE = regex.compile(
    r"(?r)[[\p{GCB=Other}\p{GCB=Control}\p{GCB=CR}\p{GCB=LF}]"
    r"--[\p{Extended_Pictographic}\p{InCB=Consonant}]]", regex.V1)
_PREPEND = regex.compile(r"\p{GCB=Prepend}")
_JOINS_PREVIOUS = regex.compile(r"[\p{GCB=Extend}\p{GCB=ZWJ}\p{GCB=SpacingMark}]")
_RI = regex.compile(r"\p{GCB=Regional_Indicator}")
_NOT_RI_BEFORE = regex.compile(r"(?r)\P{GCB=Regional_Indicator}")
_FAST = "\u0300"  # below this, no code point joins a cluster (checked in the tests)


def _certain(text: str, i: int) -> bool:
    """Whether offset i is a cluster boundary judging by text[i-1] and text[i] alone."""
    if i <= 0 or i >= len(text):
        return True
    a, b = text[i - 1], text[i]
    if a == "\r" and b == "\n":
        return False
    if b < _FAST:  # nothing below U+0300 joins what precedes it, except after a ZWJ or Prepend
        return a < _FAST or not (_PREPEND.match(a) or (a == "\u200d" and b in "\u00a9\u00ae"))
    if a < _FAST:  # ... nor holds on to what follows: only b can join (GB9, GB9a), or a is Control
        return bool(_CONTROL.match(a)) or not _JOINS_PREVIOUS.match(b)
    if _CONTROL.match(a):  # GB4: always a break after a control character
        return True
    return bool(_BREAK_BEFORE.match(b)) and not _PREPEND.match(a)


def _boundary_before(text: str, i: int) -> int:
    """A cluster boundary at or before i - 1 (for i > 0), as near as can be found cheaply."""
    p = i - 1
    while not _certain(text, p):
        if _RI.match(text, p - 1):
            # In (or just after) a run of regional indicators, a boundary falls before every
            # one at an even distance from the run's start (GB12, GB13): no scan of the run.
            found = _NOT_RI_BEFORE.search(text, 0, p - 1)
            run_start = found.end() if found else 0
            last = p if _RI.match(text, p) else p - 1
            q = last - (last - run_start) % 2
            if q > run_start or _certain(text, q) or not _PREPEND.match(text, q - 1):
                return q
            p = q - 1
            continue
        found = _CANDIDATE_BEFORE.search(text, 0, p)
        p = found.start() if found else 0
    return p


def cluster_at(text: str, i: int) -> tuple[int, int]:
    """(start, end) of the cluster that offset i falls strictly inside, or (i, i) when i is
    a boundary (0 and len(text) always are)."""
    if _certain(text, i):
        return i, i
    for match in _CLUSTER.finditer(text, _boundary_before(text, i)):
        start, end = match.span()
        if end >= i:
            return (i, i) if end == i else (start, end)
    return i, i  # not reached: the last cluster ends at len(text)


def is_boundary(text: str, i: int) -> bool:
    return cluster_at(text, i)[0] == i


def snap_out(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to whole clusters: start moves left, end right, to a boundary."""
    s0, _ = cluster_at(text, start)
    _, e1 = cluster_at(text, end)
    return s0, e1


def snap_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """[start, end) widened to whole clusters, or None when it lay inside a single cluster
    (half a flag or a piece of an emoji names nothing)."""
    s0, s1 = cluster_at(text, start)
    if s0 != s1 and end <= s1:
        return None
    e0, e1 = cluster_at(text, end)
    if e0 != e1 and start >= e0:
        return None
    return s0, (e1 if e0 != e1 else end)


def cut_at(text: str, start: int, end: int) -> int | None:
    """The first of start, end that falls inside a cluster, or None if neither does."""
    for i in (start, end):
        if not is_boundary(text, i):
            return i
    return None


def describe_cut(text: str, i: int) -> str:
    """'the character "🇫🇷" (2 code points at 10-12)': for error messages."""
    start, end = cluster_at(text, i)
    return f"the character {text[start:end]!r} ({end - start} code points at {start}-{end})"
