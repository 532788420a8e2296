"""Annotations (one current version per document and annotator) and their history."""

from __future__ import annotations

import time
from typing import Any, Iterable, Iterator, Sequence

from annotator.core.text.admission import admit_time
from annotator.core.text.model import ANSWERS, Annotation, Document, Span
from annotator.core.text.spans import admit_spans
from annotator.core.store.codec import spans_from_json, spans_to_json
from annotator.core.store.connection import Database, Repository
from annotator.core.store.documents import Documents
from annotator.core.store.labels import Labels
from annotator.core.store.queries import annotation_filter


class Annotations(Repository):
    """Decisions: one current version per (document, annotator), older ones in history."""

    def __init__(self, database: Database, documents: Documents, labels: Labels) -> None:
        super().__init__(database)
        self._documents, self._labels = documents, labels

    def decode_row(self, row: Sequence[Any]) -> Annotation:
        """An Annotation from (document_id, annotator, answer, spans, created, updated)."""
        spans = self._value(f"annotation of document {row[0]} by {row[1]!r}", spans_from_json, row[3])
        return Annotation(row[0], row[1], row[2], spans, row[4], row[5])

    def check_spans(self, doc_id: int, spans: Iterable[Any]) -> list[Span]:
        """The spans admitted (spans.admit_spans) on the document's text, with the project's labels."""
        return admit_spans(self._documents.get_document(doc_id).text, spans, self._labels.label_names())

    def save_annotation(self, doc_id: int, annotator: str, answer: str, spans: Iterable[Any], *,
                        timestamp: float | None = None, validate: bool = True,
                        clear_draft: bool = True) -> Annotation:
        """Record a decision; the previous version, if any, goes to annotation_history."""
        if answer not in ANSWERS:
            raise ValueError(f"answer must be one of {', '.join(ANSWERS)}, not {answer!r}")
        if not annotator:
            raise ValueError("annotator name must not be empty")
        checked = self.check_spans(doc_id, spans) if validate else [Span.from_dict(s) if isinstance(s, dict) else s for s in spans]
        now = time.time() if timestamp is None else admit_time(timestamp, "the decision's time")
        payload = spans_to_json(checked)
        with self.transaction() as c:
            created, updated = c.execute(
                "INSERT INTO annotations (document_id, annotator, answer, spans, created, updated) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(document_id, annotator) DO UPDATE SET "
                "answer = excluded.answer, spans = excluded.spans, updated = excluded.updated "
                "RETURNING created, updated", (doc_id, annotator, answer, payload, now, now)).fetchone()
            if clear_draft:  # its edits go with it (ON DELETE CASCADE)
                c.execute("DELETE FROM drafts WHERE document_id = ? AND annotator = ?", (doc_id, annotator))
        # What was written, without reading 100,000 spans back: sources are not stored.
        kept = tuple(s if s.source is None else Span(s.start, s.end, s.label) for s in checked)
        return Annotation(doc_id, annotator, answer, kept, created, updated)

    def merge_annotation(self, doc_id: int, annotator: str, answer: str, spans: Iterable[Any],
                         created: float, updated: float, *, validate: bool = True) -> str:
        """Bring in a version made elsewhere (teammate's project, imported export).

        The newer version becomes current and the older goes to history, so merging is
        idempotent and nothing is lost. Returns 'added', 'updated', 'history' (the incoming
        version was older and was filed in history) or 'unchanged'.
        """
        if answer not in ANSWERS:
            raise ValueError(f"answer must be one of {', '.join(ANSWERS)}, not {answer!r}")
        created, updated = admit_time(created, "created"), admit_time(updated, "updated")
        checked = self.check_spans(doc_id, spans) if validate else sorted(spans)
        payload = spans_to_json(checked)
        with self.transaction() as c:
            row = c.execute("SELECT id, answer, spans, updated FROM annotations "
                            "WHERE document_id = ? AND annotator = ?", (doc_id, annotator)).fetchone()
            if row is None:
                c.execute("INSERT INTO annotations (document_id, annotator, answer, spans, created, updated) "
                          "VALUES (?, ?, ?, ?, ?, ?)", (doc_id, annotator, answer, payload, created, updated))
                return "added"
            ann_id, cur_answer, cur_spans, cur_updated = row
            if cur_answer == answer and self._value(f"annotation {ann_id}", spans_from_json, cur_spans) == tuple(checked):
                return "unchanged"
            if updated > cur_updated:
                c.execute("UPDATE annotations SET answer = ?, spans = ?, created = ?, updated = ? WHERE id = ?",
                          (answer, payload, created, updated, ann_id))
                return "updated"
            known = c.execute("SELECT 1 FROM annotation_history WHERE annotation_id = ? AND answer = ? "
                              "AND spans = ? AND updated = ?", (ann_id, answer, payload, updated)).fetchone()
            if known:
                return "unchanged"
            c.execute("INSERT INTO annotation_history (annotation_id, document_id, annotator, answer, spans, "
                      "created, updated, replaced) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      (ann_id, doc_id, annotator, answer, payload, created, updated, time.time()))
            return "history"

    # ---- many merges at once (core/ops/importing.py) --------------------------------------
    def merge_annotations(self, items: Sequence[tuple[int, str, str, Sequence[Span], float, float]]
                          ) -> list[str]:
        """merge_annotation for many (doc_id, annotator, answer, checked spans, created, updated),
        in one transaction and with the same results, but fast for an import: one query finds
        the current versions, new pairs go in with one executemany, identical ones are
        'unchanged' without a query; only real conflicts take the one-by-one path."""
        results = [""] * len(items)
        payloads = [spans_to_json(item[3]) for item in items]
        with self.transaction() as c:
            current: dict[tuple[int, str], tuple[str, str]] = {}
            doc_ids = sorted({item[0] for item in items})
            for i in range(0, len(doc_ids), 500):
                chunk = doc_ids[i:i + 500]
                rows = c.execute(f"SELECT document_id, annotator, answer, spans FROM annotations "
                                 f"WHERE document_id IN ({','.join('?' * len(chunk))})", chunk)
                current.update(((r[0], r[1]), (r[2], r[3])) for r in rows)
            fresh, pending = [], set()
            for n, (doc_id, annotator, answer, _spans, created, updated) in enumerate(items):
                if answer not in ANSWERS:
                    raise ValueError(f"answer must be one of {', '.join(ANSWERS)}, not {answer!r}")
                admit_time(created, "created"), admit_time(updated, "updated")
                key = (doc_id, annotator)
                if key in pending:
                    continue  # after a conflict, the rest of this pair goes one by one, in order
                if key not in current:
                    current[key] = (answer, payloads[n])  # a repeat in this batch merges below
                    fresh.append((doc_id, annotator, answer, payloads[n], created, updated))
                    results[n] = "added"
                elif current[key] == (answer, payloads[n]):
                    results[n] = "unchanged"
                else:
                    pending.add(key)
            c.executemany("INSERT INTO annotations (document_id, annotator, answer, spans, created, "
                          "updated) VALUES (?, ?, ?, ?, ?, ?)", fresh)
            for n, item in enumerate(items):
                if not results[n]:
                    results[n] = self.merge_annotation(*item, validate=False)
        return results

    def get_annotation(self, doc_id: int, annotator: str) -> Annotation | None:
        row = self.conn.execute(
            "SELECT document_id, annotator, answer, spans, created, updated FROM annotations "
            "WHERE document_id = ? AND annotator = ?", (doc_id, annotator)).fetchone()
        return self.decode_row(row) if row else None

    def annotations_for_document(self, doc_id: int) -> list[Annotation]:
        rows = self.conn.execute(
            "SELECT document_id, annotator, answer, spans, created, updated FROM annotations "
            "WHERE document_id = ? ORDER BY annotator", (doc_id,))
        return [self.decode_row(r) for r in rows]

    def iter_annotations(self, annotator: str | None = None, answer: str | None = None,
                         batch_size: int = 1000, *, by_document: bool = False
                         ) -> Iterator[tuple[Document, Annotation]]:
        """Stream (document, annotation) pairs in the order they were made, filtered by
        annotator/answer; by_document: by document, then annotator (a document's versions
        together, for formats that write a document once)."""
        where, params = annotation_filter(annotator, answer, column_prefix="a.")
        clause = where.replace(" WHERE ", " AND ", 1)
        after, order, last = ("a.id > ?", "a.id", [-1]) if not by_document else (
            "(a.document_id, a.annotator) > (?, ?)", "a.document_id, a.annotator", [-1, ""])
        while True:
            rows = self.conn.execute(
                "SELECT d.id, d.hash, d.text, d.meta, d.added, a.document_id, a.annotator, a.answer, "
                "a.spans, a.created, a.updated, a.id FROM annotations a JOIN documents d "
                f"ON d.id = a.document_id WHERE {after}{clause} ORDER BY {order} LIMIT ?",
                [*last, *params, batch_size]).fetchall()
            if not rows:
                return
            for row in rows:
                yield self._documents.decode_row(row[:5]), self.decode_row(row[5:11])
            last = [rows[-1][11]] if not by_document else [rows[-1][5], rows[-1][6]]

    def annotation_history(self, doc_id: int, annotator: str | None = None) -> list[Annotation]:
        """Earlier versions, oldest first."""
        sql = ("SELECT document_id, annotator, answer, spans, created, updated FROM annotation_history "
               "WHERE document_id = ?")
        params: list[Any] = [doc_id]
        if annotator:
            sql += " AND annotator = ?"
            params.append(annotator)
        return [self.decode_row(r) for r in self.conn.execute(sql + " ORDER BY id", params)]

    def previous_version(self, doc_id: int, annotator: str) -> Annotation | None:
        """The version this annotator's current one replaced: the newest in the history (by
        its time, then as filed), or None when the current one is their first."""
        row = self.conn.execute(
            "SELECT document_id, annotator, answer, spans, created, updated FROM annotation_history "
            "WHERE document_id = ? AND annotator = ? ORDER BY updated DESC, id DESC LIMIT 1",
            (doc_id, annotator)).fetchone()
        return self.decode_row(row) if row else None

    def annotators(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT annotator FROM annotations ORDER BY 1")
                if isinstance(r[0], str)]  # a NULL name (a file edited by hand) is no one's
