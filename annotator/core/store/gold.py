"""The gold policy's queries (core/team/gold.py): accepted versions and reviews, streamed."""

from __future__ import annotations

from typing import Iterator, Sequence

from annotator.core.text.model import Annotation, Document, Review
from annotator.core.store.annotations import Annotations
from annotator.core.store.connection import Database, Repository
from annotator.core.store.documents import Documents
from annotator.core.store.reviews import Reviews


class Gold(Repository):
    """The gold policy's reads (core/team/gold.py): accepted versions and reviews, streamed."""

    def __init__(self, database: Database, documents: Documents, annotations: Annotations,
                 reviews: Reviews) -> None:
        super().__init__(database)
        self._documents, self._annotations, self._reviews = documents, annotations, reviews

    def iter_decided_documents(self, doc_ids: Sequence[int] | None = None, batch_size: int = 500
                               ) -> Iterator[tuple[Document, list[Annotation], Review | None]]:
        """(document, its accepted and rejected versions by annotator name, its review or
        None) for every document with an accepted version or a review (or only `doc_ids`), in
        id order. Rejects come along because the gold policy counts them (core/team/gold.py: accept
        against reject is a dispute); callers wanting accepted versions filter on answer.
        Three queries per batch, so the whole project streams in constant memory."""
        if doc_ids is None:
            doc_ids = [r[0] for r in self.conn.execute(
                "SELECT document_id FROM annotations WHERE answer = 'accept' UNION "
                "SELECT document_id FROM reviews ORDER BY 1")]
        ids = list(doc_ids)
        for i in range(0, len(ids), batch_size):
            chunk = ids[i:i + batch_size]
            marks = ",".join("?" * len(chunk))
            docs = {r[0]: self._documents.decode_row(r) for r in self.conn.execute(
                f"SELECT id, hash, text, meta, added FROM documents WHERE id IN ({marks})", chunk)}
            versions: dict[int, list[Annotation]] = {}
            for row in self.conn.execute(
                    "SELECT document_id, annotator, answer, spans, created, updated FROM annotations "
                    f"WHERE answer IN ('accept', 'reject') AND document_id IN ({marks}) ORDER BY annotator",
                    chunk):
                versions.setdefault(row[0], []).append(self._annotations.decode_row(row))
            reviews = {r[0]: self._reviews.decode_row(r) for r in self.conn.execute(
                           "SELECT document_id, reviewer, spans, sources, created, method FROM reviews "
                           f"WHERE document_id IN ({marks})", chunk)}
            for doc_id in chunk:
                if doc_id in docs:
                    yield docs[doc_id], versions.get(doc_id, []), reviews.get(doc_id)

    def maybe_disputed_ids(self) -> list[int]:
        """Documents without a review that someone accepted and someone else rejected, or
        whose accepted versions are not all the same text of spans: a superset of the
        disputed ones (equal JSON means equal spans; unequal JSON is checked span by span by
        the gold policy)."""
        return [r[0] for r in self.conn.execute(
            "SELECT document_id FROM annotations WHERE answer IN ('accept', 'reject') "
            "AND document_id NOT IN (SELECT document_id FROM reviews) GROUP BY document_id "
            "HAVING sum(answer = 'accept') > 0 AND (sum(answer = 'reject') > 0 "
            "OR count(DISTINCT CASE WHEN answer = 'accept' THEN spans END) > 1) ORDER BY document_id")]

    def shared_document_ids(self, answer: str = "accept") -> list[int]:
        """Documents that two or more annotators gave this answer, in id order."""
        return [r[0] for r in self.conn.execute(
            "SELECT document_id FROM annotations WHERE answer = ? GROUP BY document_id "
            "HAVING count(*) >= 2 ORDER BY document_id", (answer,))]

    def accepted_and_rejected_ids(self) -> list[int]:
        """Documents someone accepted and someone else rejected, in id order."""
        return [r[0] for r in self.conn.execute(
            "SELECT document_id FROM annotations WHERE answer IN ('accept', 'reject') GROUP BY document_id "
            "HAVING sum(answer = 'accept') > 0 AND sum(answer = 'reject') > 0 ORDER BY document_id")]

    def shared_accepted_ids(self) -> list[int]:
        return self.shared_document_ids("accept")

    def count_accepted_unreviewed(self) -> int:
        """Documents with an accepted version and no review."""
        return self.conn.execute(
            "SELECT count(DISTINCT document_id) FROM annotations WHERE answer = 'accept' "
            "AND document_id NOT IN (SELECT document_id FROM reviews)").fetchone()[0]
