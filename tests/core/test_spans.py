"""The span rules readers share: flattening stacked or nested spans."""

from __future__ import annotations

from annotator.core.text.model import Span
from annotator.core.text.spans import keep_longest


def test_keep_longest_keeps_the_longest_of_stacked_and_nested_spans():
    org = Span(0, 20, "ORG")
    per = Span(0, 4, "PER")  # stacked on the first token of ORG
    inner = Span(5, 15, "X")  # nested inside ORG
    a, b = Span(25, 30, "A"), Span(25, 30, "B")  # the same extent: the first given wins
    free = Span(40, 45, "C")
    kept, dropped = keep_longest([per, org, inner, a, b, free, per])
    assert kept == [org, a, free]
    assert dropped == [(per, org), (inner, org), (b, a)]  # input order; the repeated PER once


def test_keep_longest_of_crossing_spans_and_of_none():
    left, right = Span(0, 6, "L"), Span(4, 12, "R")
    assert keep_longest([left, right]) == ([right], [(left, right)])
    assert keep_longest([]) == ([], [])

