"""Read-only queries for export and statistics."""

from __future__ import annotations

from typing import Any

from annotator.core.errors import RecordError
from annotator.core.store.guard.bounds import MAX_JSON_BYTES, MIB
from annotator.core.store.connection import Repository
from annotator.core.store.guard.values import BadValue


def _text(value: Any) -> str:
    """A name as this file should hold it; NULL or a number is a bad value, not a crash."""
    if not isinstance(value, str):
        raise BadValue(f"a name is {'NULL' if value is None else type(value).__name__}, not text")
    return value


def annotation_filter(annotator: str | None, answer: str | None,
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


class Queries(Repository):
    """Counts and id lists for export and statistics (read only)."""

    def count_annotations(self, annotator: str | None = None, answer: str | None = None) -> int:
        """How many (document, annotator) versions iter_annotations would yield."""
        clause, params = annotation_filter(annotator, answer)
        return self.conn.execute(f"SELECT count(*) FROM annotations{clause}", params).fetchone()[0]

    def annotated_document_ids(self, annotator: str | None = None, answer: str | None = None) -> list[int]:
        """Ids of the documents that have at least one matching annotation, in id order."""
        clause, params = annotation_filter(annotator, answer)
        return [r[0] for r in self.conn.execute(
            f"SELECT DISTINCT document_id FROM annotations{clause} ORDER BY document_id", params)]

    def reviewed_document_ids(self, reviewer: str | None = None) -> list[int]:
        sql, params = "SELECT document_id FROM reviews", []
        if reviewer:
            sql, params = sql + " WHERE reviewer = ?", [reviewer]
        return [r[0] for r in self.conn.execute(sql + " ORDER BY document_id", params)]

    def annotation_counts(self) -> dict[str, dict[str, int]]:
        """{annotator: {answer: number of documents}} over current annotations."""
        out: dict[str, dict[str, int]] = {}
        for annotator, answer, n in self.conn.execute(
                "SELECT annotator, answer, count(*) FROM annotations GROUP BY 1, 2 ORDER BY 1, 2"):
            out.setdefault(self._value("annotations", _text, annotator), {})[answer] = n
        return out

    def label_counts(self, answer: str | None = "accept") -> dict[str, int]:
        """{label: number of spans} over current annotations with this answer (None: all)."""
        clause, params = annotation_filter(None, answer)
        # The 16 MiB rule of every spans cell read (values.json_cell), before SQLite parses them.
        big = self.conn.execute(f"SELECT document_id, annotator FROM annotations{clause}"
                                f"{' AND' if clause else ' WHERE'} length(CAST(spans AS BLOB)) > ? LIMIT 1",
                                [*params, MAX_JSON_BYTES]).fetchone()
        if big:
            raise RecordError(str(self.path), None, f"annotation of document {big[0]} by {big[1]!r}: spans "
                                                    f"are larger than the {MAX_JSON_BYTES // MIB} MiB limit")
        rows = self.conn.execute(
            "SELECT json_extract(s.value, '$.label') AS label, count(*) FROM annotations "
            f"JOIN json_each(annotations.spans) AS s{clause} GROUP BY label ORDER BY label", params)
        return {self._value("annotations: a span's label", _text, label): n for label, n in rows}
