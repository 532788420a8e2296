"""Span-list edits used by the editor's undo commands (Qt-free)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.text import editing
from annotator.core.text.graphemes import is_boundary
from annotator.core.text.model import SOURCE_GOLD, SOURCE_MODEL, Span
from annotator.core.text.spans import replace_overlapping
from annotator.core.text.tokens import tokenize

TEXT = "Hun Sen wrote to Donald Trump in Washington."


def full(spans):
    return [editing.full_key(s) for s in spans]


def test_add_replaces_overlapping_and_keeps_input():
    before = [Span(0, 7, "PERSON", SOURCE_MODEL), Span(17, 28, "PERSON"), Span(32, 42, "GPE")]
    after = editing.add_span(before, Span(4, 20, "ORG"))
    assert after == [Span(4, 20, "ORG"), Span(32, 42, "GPE")]
    assert len(before) == 3  # input untouched


def test_remove_relabel_confirm():
    spans = [Span(0, 7, "PERSON", SOURCE_MODEL), Span(17, 28, "PERSON", SOURCE_GOLD)]
    assert editing.remove_span(spans, Span(0, 7, "PERSON")) == [Span(17, 28, "PERSON")]
    with pytest.raises(ValueError):
        editing.remove_span(spans, Span(0, 7, "ORG"))
    assert full(editing.relabel_span(spans, spans[0], "ORG")) == [
        (0, 7, "ORG", None), (17, 28, "PERSON", SOURCE_GOLD)]
    assert full(editing.confirm_span(spans, spans[1])) == [
        (0, 7, "PERSON", SOURCE_MODEL), (17, 28, "PERSON", None)]
    assert full(editing.confirm_all(spans)) == [(0, 7, "PERSON", None), (17, 28, "PERSON", None)]
    assert editing.unconfirmed(spans) == spans


def test_span_at_and_between():
    spans = [Span(0, 7, "PERSON"), Span(17, 28, "PERSON"), Span(32, 42, "GPE")]
    assert editing.span_at(spans, 0) == spans[0]
    assert editing.span_at(spans, 6) == spans[0]
    assert editing.span_at(spans, 7) is None
    assert editing.span_at(spans, 41) == spans[2]
    assert editing.spans_between(spans, 5, 18) == spans[:2]
    assert editing.spans_between(spans, 7, 17) == []
    assert editing.spans_between(spans, 0, 100) == spans


def test_selection_to_range_trims_and_snaps():
    index = editing.TokenIndex(tokenize(TEXT))
    assert editing.selection_to_range(TEXT, 1, 6, index) == (0, 7)  # "un Se" -> "Hun Sen"
    assert editing.selection_to_range(TEXT, 6, 1, index) == (0, 7)  # reversed
    start, end = editing.selection_to_range(TEXT, 7, 8, index)  # one space
    assert start == end
    w = TEXT.index("Washington")
    assert editing.selection_to_range(TEXT, w - 1, w + 10, index) == (w, w + 10)  # no full stop
    assert editing.selection_to_range(TEXT, w + 3, w + 11, index) == (w, w + 11)  # ". " touched
    assert editing.selection_to_range(TEXT, 1, 6, None) == (1, 6)  # char mode
    assert editing.selection_to_range(TEXT, -5, 3, None) == (0, 3)


def test_word_boundaries_fallback():
    words = editing.WordBoundaries("Paris, France's capital.")
    assert words.snap(1, 3) == (0, 5)
    assert words.snap(4, 6) == (5, 6)  # "s," grazes "Paris" (1 of 5): only the comma
    assert words.token_at(5).text == ","
    assert words.token_at(6) is None
    assert words.token_at(9).text == "France"


SPANS = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 8), st.sampled_from("ABC")), max_size=12)


def _non_overlapping(raw):
    out = []
    for start, width, label in sorted(raw):
        span = Span(start, start + width, label)
        if not out or out[-1].end <= span.start:
            out.append(span)
    return out


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(SPANS, st.integers(0, 70), st.integers(0, 10), st.sampled_from("ABC"))
def test_add_span_matches_replace_overlapping(raw, start, width, label):
    spans = _non_overlapping(raw)
    new = Span(start, start + width, label)
    assert full(editing.add_span(spans, new)) == full(replace_overlapping(spans, new))


def test_sloppy_drag_lands_on_what_was_meant():
    """A token is taken when the drag covers half of it, or starts at its start, or ends at
    its end; a token only grazed at an edge is left out; a drag inside one word takes it."""
    index = editing.TokenIndex(tokenize(TEXT))
    d = TEXT.index("Donald")
    snap = lambda a, b: TEXT[slice(*editing.selection_to_range(TEXT, a, b, index))]  # noqa: E731
    w = TEXT.index("Washington")
    assert snap(d, w + 2) == "Donald Trump in"  # "Wa": 2 of 10 characters of "Washington"
    assert snap(d, d + 14) == "Donald Trump in"  # "i": half of "in" counts
    assert snap(d + 2, d + 12) == "Donald Trump"  # "nald Trump": 4 of 6 covered
    assert snap(d + 4, d + 12) == "Trump"  # "ld Trump": 2 of 6, grazed
    assert snap(d, d + 2) == "Donald"  # from its start
    assert snap(d + 3, d + 6) == "Donald"  # to its end
    assert snap(d + 2, d + 4) == "Donald"  # inside one word
    assert snap(d + 5, d + 8) == "Donald Trump"  # "d T": both grazed, nothing left: keep both
    assert editing.selection_to_range(TEXT, d, d + 14, None) == (d, d + 14)  # Alt: exact
    words = editing.WordBoundaries(TEXT)
    for a, b in ((d, w + 2), (d + 2, d + 12), (d + 4, d + 12), (d, d + 2), (d + 5, d + 8)):
        assert words.snap(a, b) == index.snap(a, b), (a, b)


def test_selection_never_cuts_a_grapheme_cluster():
    flag, thumb, e_acute = "\U0001F1EB\U0001F1F7", "\U0001F44D\U0001F3FD", "e\u0301"
    text = f"vive la {flag} {thumb} caf{e_acute} ok"
    f, t, c = text.index(flag), text.index(thumb), text.index("caf")
    assert editing.selection_to_range(text, f + 1, f + 2, None) == (f, f + 2)  # half a flag
    assert editing.selection_to_range(text, t, t + 1, None) == (t, t + 2)  # thumb, no tone
    assert editing.selection_to_range(text, c, c + 4, None) == (c, c + 5)  # e without accent
    for index in (editing.TokenIndex(tokenize(text)), editing.WordBoundaries(text)):
        for a in range(len(text)):
            for b in range(a + 1, len(text) + 1):
                s, e = editing.selection_to_range(text, a, b, index)
                assert is_boundary(text, s) and is_boundary(text, e), (a, b, s, e)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab c.,'\n", max_size=40), st.integers(0, 45), st.integers(0, 45))
def test_forgiving_snap_properties(text, a, b):
    """Whole tokens only; never a token the drag did not touch; every token it covers whole
    is in; an edge token left out was grazed (less than half, neither edge matched)."""
    tokens = tokenize(text)
    start, end = min(a, b, len(text)), min(max(a, b), len(text))
    s, e = editing.TokenIndex(tokens).snap(start, end)
    touched = [t for t in tokens if t.start < end and start < t.end]
    if not touched:
        assert s == e
        return
    assert s in {t.start for t in touched} and e in {t.end for t in touched}
    for t in touched:
        if start <= t.start and t.end <= end:
            assert s <= t.start and t.end <= e
        elif not (s <= t.start and t.end <= e):
            assert len(touched) > 1 and not editing._keeps(t, start, end)
