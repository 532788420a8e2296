"""Issue 23 §5: a document one annotator accepted and another rejected is disputed (reason
"accept vs reject"): the team disagrees on whether it belongs in the data. Every consumer of
the gold policy counts it so: gold, summaries, the review list, the disputed order, stats,
the report's progress."""

from __future__ import annotations

from annotator.core.team.gold import (
    REASON_ACCEPT_REJECT, REASON_SPANS, dispute_reasons, disputed_ids, gold_for, iter_gold, summarize,
    unanimous_shared,
)
from annotator.core.team.majority import auto_accept
from annotator.core.text.model import Span
from annotator.core.learning.ordering import ORDER_DISPUTED, document_order
from annotator.core.report.overview import compute_overview
from annotator.core.team.review import disagreement_table
from annotator.core.report.stats import project_stats
from annotator.core.store import Store

PERSON = Span(0, 5, "PERSON")
ORG = Span(0, 5, "ORG")


def _project(store: Store) -> list[int]:
    ids, _ = store.documents.add_documents([(f"Alice text {i}", {}) for i in range(5)])
    a, b, c, d, e = ids
    store.annotations.save_annotation(a, "alice", "accept", [PERSON])   # accept vs reject
    store.annotations.save_annotation(a, "bob", "reject", [])
    store.annotations.save_annotation(b, "alice", "accept", [PERSON])   # spans differ a little
    store.annotations.save_annotation(b, "bob", "accept", [PERSON, Span(6, 10, "ORG")])
    store.annotations.save_annotation(c, "alice", "accept", [PERSON])   # unanimous
    store.annotations.save_annotation(c, "bob", "accept", [PERSON])
    store.annotations.save_annotation(d, "alice", "reject", [])         # both reject: no gold, no dispute
    store.annotations.save_annotation(d, "bob", "reject", [])
    store.annotations.save_annotation(e, "alice", "accept", [PERSON])   # a skip is no judgement
    store.annotations.save_annotation(e, "bob", "ignore", [])
    return ids


def test_accept_against_reject_is_disputed_with_its_reason(store: Store):
    a, b, c, d, e = _project(store)
    assert gold_for(store, a) is None
    assert dispute_reasons(store.annotations.annotations_for_document(a), None) == (REASON_ACCEPT_REJECT,)
    assert dispute_reasons(store.annotations.annotations_for_document(b), None) == (REASON_SPANS,)
    assert dispute_reasons(store.annotations.annotations_for_document(c), None) == ()
    assert disputed_ids(store) == [a, b]
    summary = summarize(store)
    assert (summary.reviewed, summary.unanimous, summary.disputed) == (0, 2, [a, b])
    assert [doc.id for doc, _ in iter_gold(store)] == [c, e]
    assert gold_for(store, e).made_by == "alice"
    # Not unanimous: `review --auto-accept` leaves it to a person.
    assert [doc_id for doc_id, _ in unanimous_shared(store)] == [c]
    assert auto_accept(store, "rita").accepted == 1 and store.reviews.get_review(a) is None
    # A review settles it.
    store.reviews.save_review(a, "rita", [PERSON], ["alice", "bob"])
    assert a not in disputed_ids(store) and gold_for(store, a).spans == (PERSON,)


def test_a_majority_of_the_spans_does_not_settle_a_rejection(store: Store):
    """Three accept the same spans, a fourth rejects: the spans' majority is complete, but
    whether the document belongs at all is a person's call (core/team/majority.py)."""
    (doc,), _ = store.documents.add_documents([("Alice text", {})])
    for name in ("alice", "bob", "carol"):
        store.annotations.save_annotation(doc, name, "accept", [PERSON])
    store.annotations.save_annotation(doc, "dave", "reject", [])
    done = auto_accept(store, "rita", None)
    assert (done.accepted, done.left) == (0, 1) and store.reviews.get_review(doc) is None
    store.annotations.save_annotation(doc, "dave", "accept", [PERSON])  # he changes his mind: unanimous now
    done = auto_accept(store, "rita", None)
    assert (done.unanimous, done.left) == (1, 0)
    assert list(store.reviews.get_review(doc).sources) == ["alice", "bob", "carol", "dave"]


def test_the_review_list_and_the_disputed_order_show_it_first(store: Store):
    a, b, c, d, e = _project(store)
    rows = {row.document_id: row for row in disagreement_table(store)}
    assert set(rows) == {a, b}
    assert rows[a].reason == REASON_ACCEPT_REJECT and rows[a].annotators == ("alice", "bob")
    assert rows[a].score == 1.0 and rows[b].reason == REASON_SPANS
    assert document_order(store, ORDER_DISPUTED)[:2] == [a, b]


def test_stats_and_the_report_count_it_as_disputed(store: Store):
    a, b, *_ = _project(store)
    stats = project_stats(store)
    assert stats["gold"] == {"reviewed": 0, "unanimous": 2, "disputed": 2}
    overview = compute_overview(store, detail=False)
    assert overview.progress.disputed == 2 and overview.progress.gold == 2


def test_it_comes_first_even_before_a_document_worse_than_chance(store: Store):
    """The per-document score is 1 - alpha, which passes 1 when the annotators agree less than
    chance; accept against reject (score 1) still comes first in the review and the order."""
    (rejected, worse), _ = store.documents.add_documents([("Alice text", {}), ("Alice met Bob", {})])
    store.annotations.save_annotation(rejected, "alice", "accept", [PERSON])
    store.annotations.save_annotation(rejected, "bob", "reject", [])
    # Tags (B-PER, O, O) against (O, O, B-PER): D = 4, n = 6 (B 2, O 4): alpha = 1 - 5 * 4 / 16.
    store.annotations.save_annotation(worse, "alice", "accept", [Span(0, 5, "PERSON")])
    store.annotations.save_annotation(worse, "bob", "accept", [Span(10, 13, "PERSON")])
    rows = disagreement_table(store)
    assert [row.document_id for row in rows] == [rejected, worse]
    assert rows[0].score == 1.0 and rows[1].score == 1.25
    assert document_order(store, ORDER_DISPUTED) == [rejected, worse]
