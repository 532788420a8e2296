"""A small project for the export tests: accents, emoji (astral characters), line breaks,
several annotators, every answer and a review. Spans lie on spaCy token boundaries unless a
test adds its own."""

from __future__ import annotations

from annotator.core.text.model import Span
from annotator.core.store import Store


def spans_of(text: str, *pieces: tuple[str, str]) -> list[Span]:
    """Spans for (substring, label) pairs, each at its first occurrence."""
    out = []
    for piece, label in pieces:
        start = text.index(piece)
        out.append(Span(start, start + len(piece), label))
    return out


TEXTS = [
    ("Hun Sen met Trump in Washington.\nCafé owner Zoë Ørsted spoke to Reuters.",
     [("Hun Sen", "PERSON"), ("Trump", "PERSON"), ("Washington", "GPE"), ("Zoë Ørsted", "PERSON"),
      ("Reuters", "ORG")]),
    ("🎉 Party 🇰🇭 in Phnom Penh 😀 with Ана Иванова of the Ministère de la Culture.",
     [("Phnom Penh", "GPE"), ("Ана Иванова", "PERSON"), ("Ministère de la Culture", "ORG")]),
    ("Apple opened a store in Cupertino on Monday.",
     [("Apple", "ORG"), ("Cupertino", "GPE"), ("Monday", "DATE")]),
    ("No entities here at all.", []),
]


def fill(store: Store) -> list[int]:
    """Documents with: alice accepts all; bob accepts the first, rejects the third; a review
    of the first. Returns the document ids."""
    ids = []
    for i, (text, pieces) in enumerate(TEXTS):
        doc_id, _ = store.documents.add_document(text, {"source": f"doc{i}.txt", "n": i})
        store.annotations.save_annotation(doc_id, "alice", "accept", spans_of(text, *pieces), timestamp=1_700_000_000 + i)
        ids.append(doc_id)
    first = TEXTS[0][0]
    store.annotations.save_annotation(ids[0], "bob", "accept", spans_of(first, ("Hun Sen", "PERSON"), ("Trump", "PERSON")),
                          timestamp=1_700_000_100)
    store.annotations.save_annotation(ids[2], "bob", "reject", [], timestamp=1_700_000_101)
    store.reviews.save_review(ids[0], "carol", spans_of(first, ("Hun Sen", "PERSON"), ("Trump", "PERSON"),
                                                ("Washington", "GPE")), ["alice", "bob"])
    return ids
