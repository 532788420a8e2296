from __future__ import annotations

import pytest

from annotator.core.text.model import Span
from annotator.core.team.review import (
    accept_review, documents_with_disagreement, initial_final, span_agreement,
)

TEXT = "Hun Sen met Donald Trump in Phnom Penh on Monday."
ALICE = [Span(0, 7, "PERSON"), Span(12, 24, "PERSON"), Span(28, 38, "GPE"), Span(42, 48, "DATE")]
BOB = [Span(0, 7, "PERSON"), Span(19, 24, "PERSON"), Span(28, 38, "LOC")]


def test_span_agreement_two_annotators():
    kinds = span_agreement({"alice": ALICE, "bob": BOB})
    assert kinds == {
        Span(0, 7, "PERSON"): "all",
        Span(12, 24, "PERSON"): "some", Span(19, 24, "PERSON"): "some",  # boundaries differ
        Span(28, 38, "GPE"): "some", Span(28, 38, "LOC"): "some",        # labels differ
        Span(42, 48, "DATE"): "one",                                     # bob marked nothing there
    }
    assert initial_final({"alice": ALICE, "bob": BOB}) == [Span(0, 7, "PERSON")]


def test_span_agreement_three_annotators():
    carol = [Span(0, 7, "PERSON"), Span(42, 48, "DATE")]
    kinds = span_agreement({"alice": ALICE, "bob": BOB, "carol": carol})
    assert kinds[Span(0, 7, "PERSON")] == "all"
    assert kinds[Span(42, 48, "DATE")] == "some"  # two of three
    # Three annotators: the final version starts from what a majority (2 of 3) agrees on.
    assert initial_final({"alice": ALICE, "bob": BOB, "carol": carol}) == [Span(0, 7, "PERSON"),
                                                                          Span(42, 48, "DATE")]
    # With k = 3 (the project's setting), only what all three hold.
    assert initial_final({"alice": ALICE, "bob": BOB, "carol": carol}, 3) == [Span(0, 7, "PERSON")]
    # Sources do not make spans different.
    assert span_agreement({"a": [Span(0, 7, "PERSON", "model")], "b": [Span(0, 7, "PERSON")]}) == \
        {Span(0, 7, "PERSON"): "all"}


@pytest.fixture
def disputed(store):
    ids, _ = store.documents.add_documents([(TEXT, {}), ("Apple hired Tim Cook.", {}),
                                  ("Paris is in France.", {}), ("No one here.", {})])
    d1, d2, d3, d4 = ids
    store.annotations.save_annotation(d1, "alice", "accept", ALICE)
    store.annotations.save_annotation(d1, "bob", "accept", BOB)            # score 1 - alpha = 210/354
    store.annotations.save_annotation(d2, "alice", "accept", [Span(0, 5, "ORG")])
    store.annotations.save_annotation(d2, "bob", "accept", [Span(0, 5, "ORG"), Span(12, 20, "PERSON")])  # 36/58
    store.annotations.save_annotation(d3, "alice", "accept", [Span(0, 5, "GPE")])
    store.annotations.save_annotation(d3, "bob", "accept", [Span(0, 5, "GPE")])  # agree: not disputed
    store.annotations.save_annotation(d4, "alice", "accept", [Span(0, 6, "PERSON")])  # one annotator only
    return store, ids


def test_documents_with_disagreement_most_disputed_first(disputed):
    store, (d1, d2, d3, d4) = disputed
    got = documents_with_disagreement(store)
    # 1 - alpha of the tokens. d2 (Apple hired Tim Cook .): Tim and Cook differ, D = 2 + 2; tags
    # B-ORG 2, O 6, B-PER 1, I-PER 1 of n = 10: 1 - alpha = 9 * 4 / (100 - 42) = 36/58.
    # d1 (see test_agreement): 210/354. Exact F1 would rank them the other way (1/3 vs 5/7),
    # though bob only added a name in d2 while d1 disagrees on boundaries and labels too:
    # d2's missed name is half of what it holds.
    assert [d for d, _ in got] == [d2, d1]
    assert got[0][1] == pytest.approx(36 / 58) and got[1][1] == pytest.approx(210 / 354)


def test_accept_review_saves_the_reviewers_version_and_its_sources(disputed):
    store, (d1, d2, d3, d4) = disputed
    review = accept_review(store, d2, "lead", [Span(0, 5, "ORG")], ["bob", "alice", "bob"])
    assert review.sources == ("alice", "bob") and review.reviewer == "lead"
    assert store.reviews.get_review(d2).spans == (Span(0, 5, "ORG"),)
    assert [d for d, _ in documents_with_disagreement(store)] == [d2, d1]  # the disagreement stays listed; the review settles the gold
    with pytest.raises(ValueError):
        accept_review(store, d1, "", [], ["alice"])
