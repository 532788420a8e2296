"""Agreement figures against cases computed by hand (the arithmetic is in the comments)."""

from __future__ import annotations

import pytest

from annotator.core.team.agreement import (
    cohen_kappa, compare_spans, compute_agreement, iob_tags, per_label,
)
from annotator.core.text.model import Span
from annotator.core.text.tokens import tokenize

# 0         1         2         3         4
# 0123456789012345678901234567890123456789012345678
# Hun Sen met Donald Trump in Phnom Penh on Monday.
TEXT1 = "Hun Sen met Donald Trump in Phnom Penh on Monday."
ALICE1 = [Span(0, 7, "PERSON"), Span(12, 24, "PERSON"), Span(28, 38, "GPE"), Span(42, 48, "DATE")]
BOB1 = [Span(0, 7, "PERSON"), Span(19, 24, "PERSON"), Span(28, 38, "LOC")]
# 01234567890123456789
# Apple hired Tim Cook.
TEXT2 = "Apple hired Tim Cook."
BOTH2 = [Span(0, 5, "ORG"), Span(12, 20, "PERSON")]


def test_compare_spans_counts_each_kind_of_disagreement():
    c = compare_spans(ALICE1, BOB1)
    # Hun Sen exact; Trump vs Donald Trump overlaps with the same label (boundary only);
    # Phnom Penh GPE vs LOC has the same boundaries (label only); Monday only alice has.
    assert (c.exact, c.boundary, c.label, c.only_a, c.only_b) == (1, 1, 1, 1, 0)
    assert (c.n_a, c.n_b) == (4, 3)
    # F1 = 2*exact / (n_a + n_b) = 2/7; partial counts the boundary pair too: 2*2/7 = 4/7.
    assert c.f1 == pytest.approx(2 / 7)
    assert c.partial_f1 == pytest.approx(4 / 7)
    # Symmetric.
    r = compare_spans(BOB1, ALICE1)
    assert (r.exact, r.boundary, r.label, r.only_a, r.only_b) == (1, 1, 1, 0, 1)
    assert compare_spans([], []).f1 is None


def test_per_label_f1():
    labels = per_label(ALICE1, BOB1)
    # PERSON: alice {0-7, 12-24}, bob {0-7, 19-24}: 1 exact of 2+2 -> F1 = 2/4; partial 4/4.
    assert labels["PERSON"].f1 == pytest.approx(0.5)
    assert labels["PERSON"].partial_f1 == pytest.approx(1.0)
    # GPE only alice, LOC only bob, DATE only alice: F1 0 each.
    assert {lab: c.f1 for lab, c in labels.items() if lab != "PERSON"} == {"GPE": 0, "LOC": 0, "DATE": 0}


def test_iob_tags_and_kappa_one_document():
    tokens = tokenize(TEXT1)
    assert [t.text for t in tokens] == ["Hun", "Sen", "met", "Donald", "Trump", "in", "Phnom",
                                        "Penh", "on", "Monday", "."]
    a, b = iob_tags(tokens, ALICE1), iob_tags(tokens, BOB1)
    assert a == ["B-PERSON", "I-PERSON", "O", "B-PERSON", "I-PERSON", "O", "B-GPE", "I-GPE", "O",
                 "B-DATE", "O"]
    assert b == ["B-PERSON", "I-PERSON", "O", "O", "B-PERSON", "O", "B-LOC", "I-LOC", "O", "O", "O"]
    # Agree on Hun, Sen, met, in, on, "." -> p_o = 6/11.
    # alice: B-PER 2, I-PER 2, O 4, B-GPE 1, I-GPE 1, B-DATE 1; bob: B-PER 2, I-PER 1, O 6, B-LOC 1, I-LOC 1.
    # p_e = (2*2 + 2*1 + 4*6) / 11^2 = 30/121; kappa = (66/121 - 30/121) / (91/121) = 36/91.
    assert cohen_kappa(a, b) == pytest.approx(36 / 91)
    assert cohen_kappa(["O", "O"], ["O", "O"]) is None  # chance agreement is total: undefined


def test_a_token_overlapping_a_span_is_inside_it():
    tokens = tokenize(TEXT1)
    # 13-22 cuts into Donald and Trump: both tokens are inside.
    assert iob_tags(tokens, [Span(13, 22, "PERSON")])[3:6] == ["B-PERSON", "I-PERSON", "O"]


@pytest.fixture
def team(store):
    d1, _ = store.documents.add_document(TEXT1)
    d2, _ = store.documents.add_document(TEXT2)
    store.documents.add_document("Nobody labelled this one.")
    store.annotations.save_annotation(d1, "alice", "accept", ALICE1)
    store.annotations.save_annotation(d1, "bob", "accept", BOB1)
    store.annotations.save_annotation(d2, "alice", "accept", BOTH2)
    store.annotations.save_annotation(d2, "bob", "accept", BOTH2)
    store.annotations.save_annotation(d2, "carol", "accept", [])
    store.annotations.save_annotation(d1, "dave", "reject", [])  # no version to compare; disputes doc 1
    store.annotations.save_annotation(d2, "erin", "draft", [Span(0, 5, "GPE")])  # nor a draft
    return store, d1, d2


def test_project_agreement_pools_documents(team):
    store, d1, d2 = team
    report = compute_agreement(store)
    pairs = {(p.a, p.b): p for p in report.pairs}
    assert sorted(pairs) == [("alice", "bob"), ("alice", "carol"), ("bob", "carol")]
    ab = pairs[("alice", "bob")]
    assert ab.documents == 2
    # Doc 1 as above plus doc 2 (2 exact): exact 3, boundary 1, n_a 6, n_b 5.
    # F1 = 6/11; partial = 2*(3+1)/11 = 8/11.
    assert ab.f1 == pytest.approx(6 / 11)
    assert ab.partial_f1 == pytest.approx(8 / 11)
    assert (ab.counts.label, ab.counts.only_a, ab.counts.only_b) == (1, 1, 0)
    # PERSON pooled: exact Hun Sen + Tim Cook = 2 of 3+3 -> 4/6; ORG 1 of 1+1 -> 1.
    assert ab.labels["PERSON"].f1 == pytest.approx(4 / 6)
    assert ab.labels["ORG"].f1 == pytest.approx(1.0)
    # Kappa over 11 + 5 = 16 tokens. Doc 2 tags are the same (B-ORG O B-PER I-PER O): agree 6 + 5 = 11.
    # alice: B-PER 3, I-PER 3, O 6, B-ORG 1, GPE 1+1, DATE 1; bob: B-PER 3, I-PER 2, O 8, B-ORG 1, LOC 1+1.
    # p_e = (3*3 + 3*2 + 6*8 + 1*1) / 256 = 64/256 = 0.25; p_o = 11/16; kappa = 0.4375 / 0.75 = 7/12.
    assert ab.kappa == pytest.approx(7 / 12)
    assert ab.tokens == 16
    # carol labelled doc 2 with nothing: alice vs carol, p_o = 2/5 (the two O tokens),
    # p_e = (2 alice O * 5 carol O) / 25 = 0.4, kappa = 0; F1 = 0 / (2 + 0) = 0.
    ac = pairs[("alice", "carol")]
    assert ac.documents == 1 and ac.f1 == 0 and ac.kappa == pytest.approx(0.0)

    # Documents are ranked accept-vs-reject first, then by 1 - alpha of their tokens (core/team/alpha.py).
    # Doc 1 was accepted by two and rejected by dave (core/team/gold.py: accept vs reject): score 1
    # and first whatever the others score; with dave's version counted as empty every one of the 6
    # distinct spans is disputed. Its alpha is alice's and bob's (2 values per token): 5 tokens
    # differ, each (2^2 - 1 - 1) / 1 = 2 -> D = 10; tag totals B-PER 4, I-PER 3, O 10, B-GPE,
    # I-GPE, B-DATE, B-LOC, I-LOC 1 each: n = 22, sum n_c^2 = 130; alpha = 1 - 21 * 10 / (484 - 130)
    # = 1 - 210/354. Doc 2 (3 values): Apple, Tim and Cook are (x, x, O): (9 - 4 - 1) / 2 = 2 each
    # -> D = 6; B-ORG 2, B-PER 2, I-PER 2, O 9: n = 15, sum n_c^2 = 93; alpha = 1 - 14 * 6 / (225 - 93).
    docs = [(d.document_id, round(d.score, 4), d.disputed, d.annotators, d.reason) for d in report.documents]
    assert docs == [(d1, 1.0, 6, ("alice", "bob", "dave"), "accept vs reject, spans differ"),
                    (d2, round(84 / 132, 4), 2, ("alice", "bob", "carol"), "spans differ")]
    assert report.documents[0].alpha.value == pytest.approx(1 - 210 / 354)
    # The spans' figures of a document are the mean over its pairs: doc 2's exact F1 (1 + 0 + 0) / 3.
    assert report.documents[1].exact_f1 == pytest.approx(1 / 3)
    assert report.documents[0].preview.startswith("Hun Sen met")

    data = report.to_dict()
    first = data["pairs"][0]
    assert (first["a"], first["b"], first["documents"]) == ("alice", "bob", 2)
    assert first["f1"] == round(6 / 11, 4) and first["kappa"] == round(7 / 12, 4)
    assert first["per_label"]["PERSON"]["f1"] == round(4 / 6, 4)
    assert first["exact_f1"] == first["f1"] and first["overlap_f1"] == round(8 / 11, 4)
    # alice-bob alpha pooled over both documents: D = 10 (doc 2 agrees); tag totals over 32
    # values B-PER 6, I-PER 5, O 14, B-ORG 2, five others 1: sum n_c^2 = 266; 1 - 31 * 10 / 758.
    assert first["alpha"] == round(1 - 310 / 758, 4) and "alpha_not_defined" not in first

    # Overall: alpha over every token with its missing annotators left out (doc 1 has no carol):
    # D = 10 + 6; n = 37, sum n_c^2 = 36 + 25 + 361 + 4 + 5 = 431; 1 - 36 * 16 / (1369 - 431).
    overall = data["overall"]
    assert overall["alpha"] == round(1 - 576 / 938, 4)
    # kappa overall is the mean of the pairs' (Light's kappa): (7/12 + 0 + 0) / 3.
    assert overall["kappa"] == round(7 / 36, 4)
    # Exact F1 pooled over the pairs: 3 + 2*0 exact of (6 + 5) + (2 + 0) + (2 + 0) spans.
    assert overall["exact_f1"] == round(2 * 3 / 15, 4)
    assert overall["annotators"] == ["alice", "bob", "carol"] and overall["documents"] == 2


def test_other_answer_can_be_compared(team):
    store, d1, _ = team
    store.annotations.save_annotation(d1, "erin", "reject", [])
    report = compute_agreement(store, answer="reject")
    assert [(p.a, p.b, p.documents) for p in report.pairs] == [("dave", "erin", 1)]
    assert report.pairs[0].f1 is None  # neither has spans
