"""The gold policy itself: review, else unanimous accepts, else disputed."""

from __future__ import annotations

import pytest

from annotator.core.team.majority import auto_accept
from annotator.core.team.gold import (
    KIND_REVIEW, KIND_UNANIMOUS, GoldSummary, disputed_ids, gold_for, iter_gold,
    learned_version, summarize, unanimous_shared,
)
from annotator.core.text.model import Span
from annotator.core.store import Store

PERSON = Span(0, 5, "PERSON")
ORG = Span(0, 5, "ORG")


@pytest.fixture
def docs(store: Store) -> list[int]:
    ids, _ = store.documents.add_documents([(f"Alice text {i}", {}) for i in range(6)])
    return ids


def test_the_policy_on_each_kind_of_document(store: Store, docs: list[int]):
    a, b, c, d, e, f = docs
    store.annotations.save_annotation(a, "alice", "accept", [PERSON])                # single annotator
    store.annotations.save_annotation(b, "alice", "accept", [PERSON])                # two agree
    store.annotations.save_annotation(b, "bob", "accept", [PERSON])
    store.annotations.save_annotation(c, "alice", "accept", [PERSON])                # two differ
    store.annotations.save_annotation(c, "bob", "accept", [ORG])
    store.annotations.save_annotation(d, "alice", "accept", [PERSON])                # accept vs reject: disputed
    store.annotations.save_annotation(d, "bob", "reject", [ORG])
    store.annotations.save_annotation(e, "alice", "ignore", [PERSON])                # only skipped: no gold
    store.annotations.save_annotation(f, "alice", "accept", [PERSON])                # differ, then reviewed
    store.annotations.save_annotation(f, "bob", "accept", [ORG])
    store.reviews.save_review(f, "rita", [ORG], ["alice", "bob"])

    assert gold_for(store, a).kind == KIND_UNANIMOUS and gold_for(store, a).made_by == "alice"
    assert gold_for(store, b).made_by == "alice+bob" and gold_for(store, b).spans == (PERSON,)
    assert gold_for(store, c) is None
    assert gold_for(store, d) is None
    assert gold_for(store, e) is None
    review = gold_for(store, f)
    assert (review.kind, review.made_by, review.spans, review.annotators) == (
        KIND_REVIEW, "reviewed:rita", (ORG,), ("alice", "bob"))

    summary = GoldSummary()
    assert [doc.id for doc, _ in iter_gold(store, summary=summary)] == [a, b, f]
    assert (summary.reviewed, summary.unanimous, summary.disputed) == (1, 2, [c, d])
    fast = summarize(store)
    assert (fast.reviewed, fast.unanimous, fast.disputed, fast.gold) == (1, 2, [c, d], 3)
    assert disputed_ids(store) == [c, d]


def test_same_spans_in_another_order_or_json_form_are_unanimous(store: Store, docs: list[int]):
    a = docs[0]
    store.annotations.save_annotation(a, "alice", "accept", [Span(0, 5, "PERSON"), Span(6, 10, "ORG")])
    store.annotations.save_annotation(a, "bob", "accept", [Span(6, 10, "ORG"), Span(0, 5, "PERSON")])
    # A version written by another tool: same spans, other key order in its JSON.
    store.conn.execute("UPDATE annotations SET spans = ? WHERE annotator = 'bob'",
                       ('[{"label":"PERSON","end":5,"start":0},{"end":10,"start":6,"label":"ORG"}]',))
    assert store.gold.maybe_disputed_ids() == [a]  # the text differs...
    assert disputed_ids(store) == [] and gold_for(store, a) is not None  # ...the spans do not


def test_own_work_is_added_only_for_that_annotator(store: Store, docs: list[int]):
    a, b = docs[:2]
    store.annotations.save_annotation(a, "alice", "accept", [PERSON])
    store.annotations.save_annotation(a, "bob", "accept", [ORG])
    assert [g.spans for _, g in iter_gold(store, own="alice")] == [(PERSON,)]
    assert [g.spans for _, g in iter_gold(store, own="bob")] == [(ORG,)]
    assert list(iter_gold(store, own="carol")) == []
    assert learned_version(store, a, "alice") == (PERSON,)
    assert learned_version(store, a, "carol") is None
    store.reviews.save_review(a, "rita", [Span(0, 5, "GPE")], ["alice", "bob"])
    assert learned_version(store, a, "alice") == (Span(0, 5, "GPE"),)  # the review wins
    store.annotations.save_annotation(b, "bob", "accept", [ORG])
    assert learned_version(store, b, "alice") == (ORG,)  # a teammate's unanimous version is gold


def test_auto_accept_reviews_unanimous_shared_documents_once(store: Store, docs: list[int]):
    a, b, c = docs[:3]
    store.annotations.save_annotation(a, "alice", "accept", [PERSON])   # one annotator: not auto-accepted
    for who in ("alice", "bob"):
        store.annotations.save_annotation(b, who, "accept", [PERSON])
    store.annotations.save_annotation(c, "alice", "accept", [PERSON])
    store.annotations.save_annotation(c, "bob", "accept", [ORG])
    assert [doc_id for doc_id, _ in unanimous_shared(store)] == [b]
    assert auto_accept(store, "rita", majority=False).accepted == 1
    review = store.reviews.get_review(b)
    assert (review.reviewer, review.spans, review.sources) == ("rita", (PERSON,), ("alice", "bob"))
    assert auto_accept(store, "rita", majority=False).accepted == 0
    with pytest.raises(ValueError):
        auto_accept(store, "")
