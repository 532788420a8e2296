"""Krippendorff's alpha (core/team/alpha.py) against the `krippendorff` package on crafted
cases, and through a real project: tokens as units, missing annotators, "not defined"."""

from __future__ import annotations

import math

import krippendorff  # the reference (the `test` extra): missing, the tests fail, never skip
import numpy as np
import pytest

from annotator.core.team.agreement import compute_agreement
from annotator.core.team.alpha import NO_UNITS, NO_VARIATION, alpha_of
from annotator.core.text.model import Span

TAGS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-GPE"]


def reference(rows: list[list[str | None]]) -> float:
    """The package's nominal alpha of coder rows (None = missing)."""
    index = {t: i for i, t in enumerate(TAGS)}
    data = np.array([[np.nan if v is None else index[v] for v in row] for row in rows], dtype=float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def ours(rows: list[list[str | None]]) -> float | None:
    return alpha_of(zip(*rows)).value


def test_perfect_agreement_is_one():
    tags = ["B-PER", "I-PER", "O", "B-ORG", "O", "O", "B-GPE", "O"]
    rows = [tags, list(tags), list(tags)]
    assert ours(rows) == pytest.approx(1.0)
    assert ours(rows) == pytest.approx(reference(rows))


def test_systematic_disagreement():
    # Every name one annotator calls PER the other calls ORG, and vice versa.
    a = ["B-PER", "I-PER", "O", "B-ORG", "I-ORG", "O", "B-PER", "O"]
    b = ["B-ORG", "I-ORG", "O", "B-PER", "I-PER", "O", "B-ORG", "O"]
    value = ours([a, b])
    assert value == pytest.approx(reference([a, b]))
    assert value < 0.5


def test_one_annotator_marks_nothing():
    a = ["B-PER", "I-PER", "O", "O", "B-GPE", "O"]
    b = ["O"] * 6
    value = ours([a, b])
    assert value == pytest.approx(reference([a, b]))
    assert value < 0  # worse than chance: every disagreement is a name against nothing


def test_missing_annotators():
    # Three annotators, each missing on part of the tokens (documents they did not accept);
    # a token only one annotator tagged cannot be paired and is left out, as the package does.
    a = ["B-PER", "I-PER", "O", "O", None, None, "B-ORG", "O", "B-GPE", None]
    b = ["B-PER", "O", "O", None, "B-GPE", "O", "B-ORG", None, "B-GPE", "O"]
    c = [None, "I-PER", "O", "B-ORG", "B-GPE", "O", None, "O", None, None]
    value = ours([a, b, c])
    assert value == pytest.approx(reference([a, b, c]))
    # The last token has one value only: it changes nothing.
    assert value == pytest.approx(ours([a[:-1], b[:-1], c[:-1]]))


def test_many_random_cases_match_the_package():
    rng = np.random.default_rng(24)
    for _ in range(40):
        coders, units = int(rng.integers(2, 6)), int(rng.integers(5, 60))
        rows = [[None if rng.random() < 0.3 else TAGS[int(rng.integers(0, 4))] for _ in range(units)]
                for _ in range(coders)]
        got = alpha_of(zip(*rows))
        if got.value is None:
            continue  # the package raises or gives nan there; our reason is tested below
        assert got.value == pytest.approx(reference(rows), abs=1e-9)


def test_not_defined_is_never_zero_or_one():
    # No token has two annotators: nothing can be compared.
    got = alpha_of([("O", None), (None, "B-PER")])
    assert got.value is None and got.why == NO_UNITS
    # Everyone tagged every token O: chance agreement is total, alpha is 0/0.
    got = alpha_of([("O", "O"), ("O", "O", "O")])
    assert got.value is None and got.why == NO_VARIATION
    with pytest.raises(ValueError):
        reference([["O", "O"], ["O", "O"]])  # the package refuses it too (one value only)


def test_a_project_with_one_annotator_per_document_has_no_alpha(store):
    d1, _ = store.documents.add_document("Hun Sen met Donald Trump.")
    d2, _ = store.documents.add_document("Apple hired Tim Cook.")
    store.annotations.save_annotation(d1, "alice", "accept", [Span(0, 7, "PERSON")])
    store.annotations.save_annotation(d2, "bob", "accept", [Span(0, 5, "ORG")])
    data = compute_agreement(store).to_dict()
    assert data["overall"]["alpha"] is None
    assert data["overall"]["alpha_not_defined"] == NO_UNITS
    assert data["pairs"] == []


def test_project_alpha_with_a_missing_annotator_matches_the_package(store):
    text1, text2 = "Hun Sen met Donald Trump.", "Apple hired Tim Cook."
    d1, _ = store.documents.add_document(text1)
    d2, _ = store.documents.add_document(text2)
    store.annotations.save_annotation(d1, "alice", "accept", [Span(0, 7, "PERSON"), Span(12, 24, "PERSON")])
    store.annotations.save_annotation(d1, "bob", "accept", [Span(0, 7, "PERSON")])
    store.annotations.save_annotation(d2, "alice", "accept", [Span(0, 5, "ORG")])
    store.annotations.save_annotation(d2, "bob", "accept", [Span(0, 5, "ORG"), Span(12, 20, "PERSON")])
    store.annotations.save_annotation(d2, "carol", "accept", [Span(12, 20, "PERSON")])
    report = compute_agreement(store)
    # The same tokens as coder rows: carol is missing on document 1's six tokens.
    rows = [["B-PER", "I-PER", "O", "B-PER", "I-PER", "O", "B-ORG", "O", "O", "O", "O"],
            ["B-PER", "I-PER", "O", "O", "O", "O", "B-ORG", "O", "B-PER", "I-PER", "O"],
            [None] * 6 + ["O", "O", "B-PER", "I-PER", "O"]]
    assert report.overall.alpha.value == pytest.approx(reference(rows))
    assert report.overall.alpha.units == 11
    assert not math.isnan(report.overall.alpha.value)
