"""A project with known decisions for the overview, the report and `stats --json`: two
annotators (alice, bob) deciding in the window on two days, with active times and the spans
suggested at opening, one untimed (imported) decision, a review and a learning curve.

The figures every chart should show are worked out by hand in EXPECTED (see the comments).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from annotator.core.text.model import SOURCE_GOLD, SOURCE_MODEL, Span
from annotator.core.store import Store

TEXTS = [
    "Alice Smith met Bob Jones in Paris.",          # d1: reviewed
    "Google opened an office in London.",           # d2: disputed (bob misses London)
    "The United Nations met in Geneva on Monday.",  # d3: unanimous
    "Maria works for Siemens in Berlin.",           # d4: alice only
    "Tokyo hosted the Olympics.",                   # d5: bob skips
    "Nothing to see here today.",                   # d6: alice rejects
    "Apple sued Samsung in California.",            # d7: bob, imported (untimed)
    "Unlabelled document number eight.",            # d8: nobody
]
DAY1, DAY2 = "2024-03-04", "2024-03-05"


def at(day: str, hour: int, minute: int) -> float:
    """A local time (the overview counts local days)."""
    y, m, d = map(int, day.split("-"))
    return datetime(y, m, d, hour, minute).timestamp()


def span(doc: int, phrase: str, label: str, source: str | None = None) -> Span:
    start = TEXTS[doc - 1].index(phrase)
    return Span(start, start + len(phrase), label, source)


def m(doc: int, phrase: str, label: str) -> Span:
    return span(doc, phrase, label, SOURCE_MODEL)


def build(path: Path) -> Path:
    """Write the project; returns its path."""
    with Store(path) as store:
        ids, _ = store.documents.add_documents([(t, {}) for t in TEXTS])
        assert ids == list(range(1, 9))
        d1 = [span(1, "Alice Smith", "PERSON"), span(1, "Bob Jones", "PERSON"), span(1, "Paris", "GPE")]
        d2 = [span(2, "Google", "ORG"), span(2, "London", "GPE")]
        d3 = [span(3, "United Nations", "ORG"), span(3, "Geneva", "GPE")]
        d4 = [span(4, "Maria", "PERSON"), span(4, "Siemens", "ORG"), span(4, "Berlin", "GPE")]
        timed = [  # (doc, annotator, answer, spans, when, seconds, suggested)
            (1, "alice", "accept", d1, at(DAY1, 10, 0), 30, [m(1, "Alice Smith", "PERSON"), m(1, "Paris", "GPE")]),
            (2, "alice", "accept", d2, at(DAY1, 10, 5), 20, [m(2, "Google", "ORG"), m(2, "London", "GPE")]),
            (3, "alice", "accept", d3, at(DAY1, 10, 10), 50, []),
            (1, "bob", "accept", d1[::2], at(DAY1, 11, 0), 60, [m(1, "Alice Smith", "PERSON"), m(1, "Paris", "GPE")]),
            (4, "alice", "accept", d4, at(DAY2, 9, 0), 40,
             [span(4, "Maria", "PERSON", SOURCE_GOLD), m(4, "Siemens", "GPE"), m(4, "Berlin", "GPE")]),
            (6, "alice", "reject", [], at(DAY2, 9, 5), 10, []),
            (2, "bob", "accept", d2[:1], at(DAY2, 10, 0), 25, [m(2, "Google", "ORG"), m(2, "London", "GPE")]),
            (3, "bob", "accept", d3, at(DAY2, 10, 5), 45, [m(3, "Nations", "ORG")]),
            (5, "bob", "ignore", [], at(DAY2, 10, 10), 5, []),
        ]
        for doc, who, answer, spans, when, seconds, suggested in timed:
            store.activity.save_timed_decision(doc, who, answer, spans, seconds=seconds, suggested=suggested,
                                      timestamp=when)
        store.annotations.save_annotation(7, "bob", "accept", [span(7, "Apple", "ORG"), span(7, "Samsung", "ORG"),
                                                   span(7, "California", "GPE")], timestamp=at(DAY2, 10, 15))
        store.reviews.save_review(1, "rev", d1, ["alice", "bob"])
        store.activity.record_learning_curve([
            {"fraction": 0.0, "train_docs": 0, "dev_docs": 2, "f1": 0.4, "precision": 0.4, "recall": 0.4},
            {"fraction": 0.5, "train_docs": 1, "dev_docs": 2, "f1": 0.55, "precision": 0.5, "recall": 0.6},
            {"fraction": 1.0, "train_docs": 2, "dev_docs": 2, "f1": 0.7, "precision": 0.7, "recall": 0.7},
        ], {"base": "en_core_web_sm", "gold": "gold documents (reviewed or unanimous)"})
    return path


EXPECTED = {
    "days": [DAY1, DAY2],
    # alice: d1 d2 d3 | d4 d6; bob: d1 | d2 d3 d5 d7 (the untimed import counts too)
    "per_day": {"alice": [3, 2], "bob": [1, 4]},
    # gold: d1 (review), d3, d4, d7 (unanimous); disputed d2; d5, d6 decided without accept; d8 left
    "progress": {"total": 8, "gold": 4, "disputed": 1, "decided_without_accept": 2, "remaining": 1},
    "gold_labels": {"PERSON": 3, "ORG": 4, "GPE": 4},
    "spans_per_document": [3, 2, 3, 3],
    # shared accepted d1 (exact 2 of 3+2), d2 (1 of 2+1), d3 (2 of 2+2): 2*5/12
    "pair_f1": 10 / 12, "pair_documents": 3,
    # PERSON: 1 of 2+1; GPE: d1 1 of 1+1, d2 0 of 1+0, d3 1 of 1+1; ORG: 2 of 2+2
    "label_f1": {"GPE": 4 / 5, "ORG": 1.0, "PERSON": 2 / 3},
    # accepted timed decisions in the order made: F1 of suggested vs accepted
    "points": [("alice", 1, 0.8), ("alice", 2, 1.0), ("alice", 3, 0.0), ("bob", 1, 1.0),
               ("alice", 4, 2 / 3), ("bob", 2, 2 / 3), ("bob", 3, 0.0)],
    "corrections": [1, 0, 2, 0, 1, 1, 2],
    "seconds": [30, 20, 50, 60, 40, 25, 45],
    # model spans kept / suggested per point; learned only at alice's d4 (1 of 1)
    "model_kept": [1.0, 1.0, None, 1.0, 0.5, 0.5, 0.0],
    "median_seconds": {"alice": 30.0, "bob": 35.0},   # alice 10 20 30 40 50; bob 5 25 45 60
    "timed": {"alice": 5, "bob": 4},
    "curve": {"trained": [(0.5, 0.55), (1.0, 0.7)], "base": 0.4},
}
