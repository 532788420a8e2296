"""Long texts in the core: tokenizing in pieces, lazy token snapping, the fast span check."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.errors import SpanError
from annotator.core.text import editing
from annotator.core.text.model import Span
from annotator.core.text.spans import validate_spans
from annotator.core.text.tokens import PIECE_CHARS, blank_nlp, text_pieces, tokenize

WORDS = ["Paris,", "don't", "U.S.", "hello", "(test)", "😀", "a\n\nb", "x" * 30, "New-York", "e-mail:"]


def _text(n: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(n))


def test_pieces_cover_the_text_and_cut_after_whitespace():
    text = _text(20_000)
    pieces = list(text_pieces(text, 5_000))
    assert "".join(p for _, p in pieces) == text
    assert all(len(p) <= 5_000 for _, p in pieces)
    for (offset, piece), (nxt, _) in zip(pieces, pieces[1:]):
        assert offset + len(piece) == nxt and piece[-1].isspace()


def test_tokenize_in_pieces_gives_the_tokens_of_the_whole_text():
    text = _text(3 * PIECE_CHARS // 5)
    assert len(text) > 2 * PIECE_CHARS
    whole = [(t.text, t.idx, bool(t.whitespace_)) for t in blank_nlp().make_doc(text) if not t.is_space]
    assert [(t.text, t.start, t.ws) for t in tokenize(text)] == whole


@pytest.mark.slow
def test_lazy_token_index_snaps_like_the_full_index():
    text = _text(40_000)
    full = editing.TokenIndex(tokenize(text))
    lazy = editing.LazyTokenIndex(text, tokenize)
    rng = random.Random(2)
    for _ in range(400):
        a = rng.randrange(len(text))
        b = min(len(text), a + rng.choice([1, 5, 40, 3_000, 25_000]))
        assert lazy.snap(a, b) == full.snap(a, b), (a, b)
        t1, t2 = lazy.token_at(a), full.token_at(a)
        assert (t1 and (t1.start, t1.end)) == (t2 and (t2.start, t2.end)), a


def test_token_index_is_lazy_only_for_long_texts():
    assert isinstance(editing.token_index("Hun Sen spoke."), editing.TokenIndex)
    long_text = _text(editing.LAZY_TOKENS_ABOVE // 5)
    index = editing.token_index(long_text)
    assert isinstance(index, editing.LazyTokenIndex)
    full = editing.TokenIndex(tokenize(long_text))
    for a, b in ((0, 3), (len(long_text) // 2, len(long_text) // 2 + 9), (len(long_text) - 3, len(long_text))):
        assert index.snap(a, b) == full.snap(a, b)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(-2, 60), st.integers(-2, 60)), max_size=8), st.booleans())
def test_fast_path_agrees_with_the_full_check(pairs, trim):
    """Sorted Span lists take a C-level path; dicts always take the full one."""
    text = "Hun Sen met  Donald Trump in Washington on Tuesday. "
    spans = sorted(Span(a, b, "ORG") for a, b in pairs)
    try:
        expected = validate_spans(text, [s.to_dict() for s in spans], trim=trim)
    except SpanError as exc:
        with pytest.raises(SpanError) as got:
            validate_spans(text, spans, trim=trim)
        assert str(got.value) == str(exc)
        return
    assert validate_spans(text, spans, trim=trim) == expected


def test_a_large_sorted_list_passes_through():
    spans = [Span(i * 10, i * 10 + 5, "ORG") for i in range(50_000)]
    assert validate_spans("x" * 500_000, spans) == spans
    with pytest.raises(SpanError, match="out of range"):
        validate_spans("x" * 499_000, spans)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 200), unique=True, max_size=40), st.integers(0, 200),
       st.sampled_from(["add", "remove", "relabel", "confirm_all"]))
def test_apply_change_replays_an_edit_both_ways(starts, at, op):
    """What undo keeps (core/editing.apply_change): the change, replayed forwards and back."""
    from annotator.core.text.model import SOURCE_MODEL

    before = sorted(Span(s * 3, s * 3 + 2, "ORG", SOURCE_MODEL if s % 2 else None) for s in starts)
    if op == "add" or not before:
        after = editing.add_span(before, Span(at, at + 5, "GPE"))
    elif op == "remove":
        after = editing.remove_span(before, before[at % len(before)])
    elif op == "relabel":
        after = editing.relabel_span(before, before[at % len(before)], "PERSON")
    else:
        after = editing.confirm_all(before)
    removed, added = editing.diff_spans(before, after)
    keys = lambda spans: [editing.full_key(s) for s in spans]  # noqa: E731
    assert keys(editing.apply_change(before, removed, added)) == keys(after)
    assert keys(editing.apply_change(after, added, removed)) == keys(before)
