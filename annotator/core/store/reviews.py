"""Reviews: one adjudicated version per document, and the history of earlier ones. Each says
how it was decided (Review.method: by hand, by majority, or for a unanimous document)."""

from __future__ import annotations

import time
from typing import Any, Iterable, Iterator, Sequence

from annotator.core.text.admission import admit_time
from annotator.core.text.model import REVIEW_HAND, REVIEW_METHODS, Document, Review
from annotator.core.store.codec import dumps, loads, spans_from_json, spans_to_json
from annotator.core.store.annotations import Annotations
from annotator.core.store.connection import Database, Repository
from annotator.core.store.documents import Documents
from annotator.core.store.guard import values

REVIEW_COLUMNS = "document_id, reviewer, spans, sources, created, method"


def _sources(raw: Any) -> Any:
    return loads(raw, "sources")


def check_method(method: str) -> str:
    if method not in REVIEW_METHODS:
        raise ValueError(f"a review is decided {', '.join(REVIEW_METHODS)}, not {method!r}")
    return method


class Reviews(Repository):
    """Adjudicated versions: one per document, earlier ones in history."""

    def __init__(self, database: Database, documents: Documents, annotations: Annotations) -> None:
        super().__init__(database)
        self._documents, self._annotations = documents, annotations

    def save_review(self, doc_id: int, reviewer: str, spans: Iterable[Any],
                    sources: Iterable[str], *, method: str = REVIEW_HAND) -> Review:
        checked = self._annotations.check_spans(doc_id, spans)
        check_method(method)
        now = time.time()
        with self.transaction() as c:
            c.execute("INSERT INTO reviews (document_id, reviewer, spans, sources, created, method) "
                      "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(document_id) DO UPDATE SET "
                      "reviewer = excluded.reviewer, spans = excluded.spans, "
                      "sources = excluded.sources, created = excluded.created, method = excluded.method",
                      (doc_id, reviewer, spans_to_json(checked), dumps(sorted(sources)), now, method))
        review = self.get_review(doc_id)
        assert review is not None
        return review

    def get_review(self, doc_id: int) -> Review | None:
        row = self.conn.execute(f"SELECT {REVIEW_COLUMNS} FROM reviews WHERE document_id = ?",
                                (doc_id,)).fetchone()
        return self.decode_row(row) if row else None

    def decode_row(self, row: Sequence[Any]) -> Review:
        """A Review from its REVIEW_COLUMNS."""
        where = f"review of document {row[0]}"
        return Review(row[0], row[1], self._value(where, spans_from_json, row[2]),
                      tuple(self._value(where, _sources, row[3])), row[4],
                      self._value(where, values.method, row[5]) if len(row) > 5 else REVIEW_HAND)

    def iter_reviews(self) -> Iterator[tuple[Document, Review]]:
        for (doc_id,) in self.conn.execute("SELECT document_id FROM reviews ORDER BY document_id").fetchall():
            review = self.get_review(doc_id)
            assert review is not None
            yield self._documents.get_document(doc_id), review

    def review_methods(self) -> dict[str, int]:
        """{method: number of reviewed documents} (every method listed)."""
        counts = dict.fromkeys(REVIEW_METHODS, 0)
        for method, n in self.conn.execute("SELECT method, count(*) FROM reviews GROUP BY method"):
            counts[self._value("reviews", values.method, method)] = n
        return counts

    def review_history(self, doc_id: int) -> list[Review]:
        """Earlier reviews of a document, oldest first."""
        return [self.decode_row(r) for r in self.conn.execute(
            f"SELECT {REVIEW_COLUMNS} FROM review_history WHERE document_id = ? ORDER BY id", (doc_id,))]

    # ---- merging reviews (core/team/merge.py) ---------------------------------------------
    def merge_review(self, doc_id: int, reviewer: str, spans: Iterable[Any], sources: Iterable[str],
                     created: float, *, validate: bool = True, method: str = REVIEW_HAND) -> str:
        """Bring in a review made elsewhere, like merge_annotation: the newer one becomes
        current, the older is filed in review_history, twice is the same as once. Returns
        'added', 'updated', 'history' or 'unchanged'."""
        created = admit_time(created, "created")
        checked = self._annotations.check_spans(doc_id, spans) if validate else sorted(spans)
        check_method(method)
        payload, src = spans_to_json(checked), dumps(sorted(sources))
        with self.transaction() as c:
            row = c.execute("SELECT reviewer, spans, sources, created, method FROM reviews WHERE document_id = ?",
                            (doc_id,)).fetchone()
            if row is None:
                c.execute("INSERT INTO reviews (document_id, reviewer, spans, sources, created, method) "
                          "VALUES (?, ?, ?, ?, ?, ?)", (doc_id, reviewer, payload, src, created, method))
                return "added"
            where = f"review of document {doc_id}"
            if (row[0] == reviewer and self._value(where, spans_from_json, row[1]) == tuple(checked)
                    and tuple(self._value(where, _sources, row[2])) == tuple(sorted(sources))
                    and row[4] == method):
                return "unchanged"
            if created > row[3]:
                c.execute("UPDATE reviews SET reviewer = ?, spans = ?, sources = ?, created = ?, method = ? "
                          "WHERE document_id = ?", (reviewer, payload, src, created, method, doc_id))
                return "updated"
            if c.execute("SELECT 1 FROM review_history WHERE document_id = ? AND reviewer = ? AND spans = ? "
                         "AND sources = ? AND created = ? AND method = ?",
                         (doc_id, reviewer, payload, src, created, method)).fetchone():
                return "unchanged"
            c.execute("INSERT INTO review_history (document_id, reviewer, spans, sources, created, replaced, "
                      "method) VALUES (?, ?, ?, ?, ?, ?, ?)",
                      (doc_id, reviewer, payload, src, created, time.time(), method))
            return "history"
