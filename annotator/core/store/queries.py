"""Read-only queries for export and statistics."""

from __future__ import annotations

from typing import Any

from annotator.core.store.codec import spans_from_json
from annotator.core.store.connection import StoreBase


class QueriesMixin(StoreBase):
    @staticmethod
    def _annotation_filter(annotator: str | None, answer: str | None,
                           column_prefix: str = "") -> tuple[str, list[Any]]:
        """' WHERE ...' (or '') and its parameters for an annotator/answer filter."""
        where, params = [], []
        if annotator:
            where.append(f"{column_prefix}annotator = ?")
            params.append(annotator)
        if answer:
            where.append(f"{column_prefix}answer = ?")
            params.append(answer)
        return (" WHERE " + " AND ".join(where)) if where else "", params

    def count_annotations(self, annotator: str | None = None, answer: str | None = None) -> int:
        """How many (document, annotator) versions iter_annotations would yield."""
        clause, params = self._annotation_filter(annotator, answer)
        return self.conn.execute(f"SELECT count(*) FROM annotations{clause}", params).fetchone()[0]

    def annotated_document_ids(self, annotator: str | None = None, answer: str | None = None) -> list[int]:
        """Ids of the documents that have at least one matching annotation, in id order."""
        clause, params = self._annotation_filter(annotator, answer)
        return [r[0] for r in self.conn.execute(
            f"SELECT DISTINCT document_id FROM annotations{clause} ORDER BY document_id", params)]

    def reviewed_document_ids(self, reviewer: str | None = None) -> list[int]:
        sql, params = "SELECT document_id FROM reviews", []
        if reviewer:
            sql, params = sql + " WHERE reviewer = ?", [reviewer]
        return [r[0] for r in self.conn.execute(sql + " ORDER BY document_id", params)]

    def span_labels_used(self) -> set[str]:
        """Every label a span carries in an annotation or a review, current or in history."""
        used: set[str] = set()
        for table in ("annotations", "annotation_history", "reviews", "review_history"):
            for (raw,) in self.conn.execute(f"SELECT spans FROM {table}"):
                used.update(s.label for s in spans_from_json(raw))
        return used

    def annotation_counts(self) -> dict[str, dict[str, int]]:
        """{annotator: {answer: number of documents}} over current annotations."""
        out: dict[str, dict[str, int]] = {}
        for annotator, answer, n in self.conn.execute(
                "SELECT annotator, answer, count(*) FROM annotations GROUP BY 1, 2 ORDER BY 1, 2"):
            out.setdefault(annotator, {})[answer] = n
        return out

    def label_counts(self, answer: str | None = "accept") -> dict[str, int]:
        """{label: number of spans} over current annotations with this answer (None: all)."""
        clause, params = self._annotation_filter(None, answer)
        return dict(self.conn.execute(
            "SELECT json_extract(s.value, '$.label') AS label, count(*) FROM annotations "
            f"JOIN json_each(annotations.spans) AS s{clause} GROUP BY label ORDER BY label", params))
