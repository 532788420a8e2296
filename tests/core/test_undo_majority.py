"""Undo a decision (core/team/undo.py) and majority adjudication (core/team/majority.py)."""

from __future__ import annotations

import pytest

from annotator.core.team.gold import gold_for, summarize
from annotator.core.team.majority import auto_accept, majority_version, min_agreement, set_min_agreement
from annotator.core.team.undo import UndoError, document_versions, undo_decision
from annotator.core.text.model import Span

TEXT = "Hun Sen met Donald Trump in Phnom Penh on Monday."
HUN, TRUMP, DONALD_TRUMP, PHNOM_GPE, PHNOM_LOC, MONDAY = (
    Span(0, 7, "PERSON"), Span(19, 24, "PERSON"), Span(12, 24, "PERSON"), Span(28, 38, "GPE"),
    Span(28, 38, "LOC"), Span(42, 48, "DATE"))


def test_undo_brings_the_previous_version_back_and_again_the_undone(store):
    doc, _ = store.documents.add_document(TEXT)
    first = store.annotations.save_annotation(doc, "alice", "accept", [HUN])
    store.annotations.save_annotation(doc, "alice", "reject", [])
    done = undo_decision(store, doc, "alice")
    assert done.undone.answer == "reject" and done.restored.spans == first.spans
    now = store.annotations.get_annotation(doc, "alice")
    assert (now.answer, now.spans) == ("accept", (HUN,)) and now.updated > done.undone.updated
    # The reject is in the history: undoing again brings it back (an undo is itself a version).
    again = undo_decision(store, doc, "alice")
    assert store.annotations.get_annotation(doc, "alice").answer == "reject" and again.restored.answer == "reject"
    versions = document_versions(store, doc)
    assert [(v.what, v.current) for v in versions] == [("accept", False), ("reject", False), ("accept", False),
                                                      ("reject", True)]


def test_undo_of_a_first_decision_goes_back_to_a_draft(store):
    doc, _ = store.documents.add_document(TEXT)
    store.annotations.save_annotation(doc, "alice", "accept", [HUN, MONDAY])
    assert gold_for(store, doc) is not None
    done = undo_decision(store, doc, "alice")
    assert done.restored is None and done.current.answer == "draft"
    assert store.drafts.get_draft(doc, "alice") == (HUN, MONDAY)  # the work goes on from there
    assert store.drafts.status(doc, "alice") == "draft" and gold_for(store, doc) is None
    with pytest.raises(UndoError, match="alice has no decision on document"):
        undo_decision(store, doc, "alice")
    with pytest.raises(UndoError):
        undo_decision(store, doc, "bob")


def test_majority_version():
    alice = [HUN, DONALD_TRUMP, PHNOM_GPE, MONDAY]
    bob = [HUN, TRUMP, PHNOM_LOC]
    carol = [HUN, DONALD_TRUMP, PHNOM_GPE]
    found = majority_version({"alice": alice, "bob": bob, "carol": carol})
    # Two of three agree on every disputed place: Trump and LOC overlap majority spans, and
    # Monday is marked by one while two marked nothing there.
    assert found.spans == [HUN, DONALD_TRUMP, PHNOM_GPE] and found.complete and found.needed == 2
    # Three labels for one place: no majority there, the document needs a person.
    three = majority_version({"a": [PHNOM_GPE], "b": [PHNOM_LOC], "c": [Span(28, 38, "ORG")]})
    assert three.spans == [] and not three.complete and len(three.unsettled) == 3
    # k = 3 of 3: only Hun Sen; the rest is unsettled.
    strict = majority_version({"alice": alice, "bob": bob, "carol": carol}, 3)
    assert strict.spans == [HUN] and not strict.complete
    # Four annotators, k = 2: two against two on a label is a tie, left unsettled.
    tie = majority_version({"a": [PHNOM_GPE], "b": [PHNOM_GPE], "c": [PHNOM_LOC], "d": [PHNOM_LOC]}, 2)
    assert tie.spans == [] and not tie.complete
    # Two annotators never make a majority.
    assert not majority_version({"a": [HUN], "b": [HUN]}).complete


def test_auto_accept_by_majority_is_marked_and_counted(store):
    ids, _ = store.documents.add_documents([(TEXT, {}), ("Apple hired Tim Cook.", {}), ("Paris.", {})])
    d1, d2, d3 = ids
    for name, spans in (("alice", [HUN, DONALD_TRUMP, PHNOM_GPE, MONDAY]), ("bob", [HUN, TRUMP, PHNOM_LOC]),
                        ("carol", [HUN, DONALD_TRUMP, PHNOM_GPE])):
        store.annotations.save_annotation(d1, name, "accept", spans)
    for name, label in (("alice", "ORG"), ("bob", "GPE"), ("carol", "PERSON")):
        store.annotations.save_annotation(d2, name, "accept", [Span(0, 5, label)])  # no majority
    store.annotations.save_annotation(d3, "alice", "accept", [Span(0, 5, "GPE")])
    store.annotations.save_annotation(d3, "bob", "accept", [Span(0, 5, "GPE")])  # unanimous
    unanimous_only = auto_accept(store, "lead", majority=False)
    assert (unanimous_only.unanimous, unanimous_only.majority, unanimous_only.left) == (1, 0, 2)
    done = auto_accept(store, "lead", None)
    assert (done.accepted, done.majority, done.left, done.majority_ids) == (1, 1, 1, [d1])
    review = store.reviews.get_review(d1)
    assert review.method == "majority" and review.spans == (HUN, DONALD_TRUMP, PHNOM_GPE)
    assert review.sources == ("alice", "bob", "carol")
    assert gold_for(store, d1).method == "majority" and gold_for(store, d3).method == "unanimous"
    summary = summarize(store)
    assert (summary.reviewed, summary.majority, summary.disputed) == (2, 1, [d2])
    assert store.reviews.review_methods() == {"hand": 0, "majority": 1, "unanimous": 1}
    assert auto_accept(store, "lead", None).accepted == 0  # idempotent


def test_min_agreement_setting(store):
    assert min_agreement(store) is None
    set_min_agreement(store, 3)
    assert min_agreement(store) == 3
    set_min_agreement(store, None)
    assert min_agreement(store) is None
    with pytest.raises(Exception, match="at least 2 annotators"):
        set_min_agreement(store, 1)
