"""The suggestions cache: a model's spans per document, computed once per model; and the
model's uncertainty per document (core/learning/ordering.py), stored beside it."""

from __future__ import annotations

import time
from typing import Iterable

from annotator.core.text.model import Span
from annotator.core.store.codec import spans_from_json, spans_to_json
from annotator.core.store.connection import Repository


class Suggestions(Repository):
    def get_suggestions(self, doc_id: int, model: str) -> tuple[Span, ...] | None:
        row = self.conn.execute("SELECT spans FROM suggestions WHERE document_id = ? AND model = ?",
                                (doc_id, model)).fetchone()
        return self._value(f"suggestions for document {doc_id}", spans_from_json, row[0]) if row else None

    def save_suggestions(self, model: str, items: Iterable[tuple[int, Iterable[Span]]]) -> None:
        now = time.time()
        rows = [(doc_id, model, spans_to_json(spans, with_source=True), now) for doc_id, spans in items]
        with self.transaction() as c:
            c.executemany("INSERT OR REPLACE INTO suggestions (document_id, model, spans, created) "
                          "VALUES (?, ?, ?, ?)", rows)

    def suggested_ids(self, model: str) -> set[int]:
        return {r[0] for r in self.conn.execute("SELECT document_id FROM suggestions WHERE model = ?",
                                                (model,))}

    def save_uncertainty(self, model: str, labels: str, items: Iterable[tuple[int, float]]) -> None:
        """Store documents' uncertainty for a model and label set (`labels`: its signature)."""
        now = time.time()
        rows = [(doc_id, model, labels, float(score), now) for doc_id, score in items]
        with self.transaction() as c:
            c.executemany("INSERT OR REPLACE INTO uncertainty (document_id, model, labels, score, created) "
                          "VALUES (?, ?, ?, ?, ?)", rows)

    def get_uncertainty(self, model: str, labels: str) -> dict[int, float]:
        """document id -> stored uncertainty for this model and label set."""
        rows = self.conn.execute("SELECT document_id, score FROM uncertainty WHERE model = ? AND labels = ?",
                                 (model, labels))
        return {doc_id: score for doc_id, score in rows}
