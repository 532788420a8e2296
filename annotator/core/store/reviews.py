"""Reviews: one adjudicated version per document, and the history of earlier ones."""

from __future__ import annotations

import time
from typing import Any, Iterable, Iterator, Sequence

from annotator.core.admission import admit_time
from annotator.core.text.model import Document, Review
from annotator.core.store.codec import dumps, loads, spans_from_json, spans_to_json
from annotator.core.store.connection import StoreBase


def _sources(raw: Any) -> Any:
    return loads(raw, "sources")


class ReviewsMixin(StoreBase):
    def save_review(self, doc_id: int, reviewer: str, spans: Iterable[Any],
                    sources: Iterable[str]) -> Review:
        checked = self.check_spans(doc_id, spans)
        now = time.time()
        with self.transaction() as c:
            c.execute("INSERT INTO reviews (document_id, reviewer, spans, sources, created) "
                      "VALUES (?, ?, ?, ?, ?) ON CONFLICT(document_id) DO UPDATE SET "
                      "reviewer = excluded.reviewer, spans = excluded.spans, "
                      "sources = excluded.sources, created = excluded.created",
                      (doc_id, reviewer, spans_to_json(checked), dumps(sorted(sources)), now))
        review = self.get_review(doc_id)
        assert review is not None
        return review

    def get_review(self, doc_id: int) -> Review | None:
        row = self.conn.execute("SELECT document_id, reviewer, spans, sources, created FROM reviews "
                                "WHERE document_id = ?", (doc_id,)).fetchone()
        return self._review(row) if row else None

    def _review(self, row: Sequence[Any]) -> Review:
        where = f"review of document {row[0]}"
        return Review(row[0], row[1], self._value(where, spans_from_json, row[2]),
                      tuple(self._value(where, _sources, row[3])), row[4])

    def iter_reviews(self) -> Iterator[tuple[Document, Review]]:
        for (doc_id,) in self.conn.execute("SELECT document_id FROM reviews ORDER BY document_id").fetchall():
            review = self.get_review(doc_id)
            assert review is not None
            yield self.get_document(doc_id), review

    # ---- merging reviews (core/team/merge.py) ---------------------------------------------
    def merge_review(self, doc_id: int, reviewer: str, spans: Iterable[Any], sources: Iterable[str],
                     created: float, *, validate: bool = True) -> str:
        """Bring in a review made elsewhere, like merge_annotation: the newer one becomes
        current, the older is filed in review_history, twice is the same as once. Returns
        'added', 'updated', 'history' or 'unchanged'."""
        created = admit_time(created, "created")
        checked = self.check_spans(doc_id, spans) if validate else sorted(spans)
        payload, src = spans_to_json(checked), dumps(sorted(sources))
        with self.transaction() as c:
            row = c.execute("SELECT reviewer, spans, sources, created FROM reviews WHERE document_id = ?",
                            (doc_id,)).fetchone()
            if row is None:
                c.execute("INSERT INTO reviews (document_id, reviewer, spans, sources, created) "
                          "VALUES (?, ?, ?, ?, ?)", (doc_id, reviewer, payload, src, created))
                return "added"
            where = f"review of document {doc_id}"
            if (row[0] == reviewer and self._value(where, spans_from_json, row[1]) == tuple(checked)
                    and tuple(self._value(where, _sources, row[2])) == tuple(sorted(sources))):
                return "unchanged"
            if created > row[3]:
                c.execute("UPDATE reviews SET reviewer = ?, spans = ?, sources = ?, created = ? "
                          "WHERE document_id = ?", (reviewer, payload, src, created, doc_id))
                return "updated"
            if c.execute("SELECT 1 FROM review_history WHERE document_id = ? AND reviewer = ? AND spans = ? "
                         "AND sources = ? AND created = ?", (doc_id, reviewer, payload, src, created)).fetchone():
                return "unchanged"
            c.execute("INSERT INTO review_history (document_id, reviewer, spans, sources, created, replaced) "
                      "VALUES (?, ?, ?, ?, ?, ?)", (doc_id, reviewer, payload, src, created, time.time()))
            return "history"
