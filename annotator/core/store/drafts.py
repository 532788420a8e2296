"""Drafts (work in progress, saved on every edit) and each document's status for an annotator."""

from __future__ import annotations

import time
from typing import Any, Iterable

from annotator.core.model import ANSWER_TO_STATUS, STATUS_DRAFT, STATUS_NEW, Span
from annotator.core.store.codec import spans_from_json, spans_to_json
from annotator.core.store.connection import StoreBase


class DraftsMixin(StoreBase):
    # ---- drafts ----------------------------------------------------------------------
    def save_draft(self, doc_id: int, annotator: str, spans: Iterable[Any]) -> None:
        """Work in progress, saved on every edit; never touches the accepted annotation."""
        payload = spans_to_json(self.check_spans(doc_id, spans), with_source=True)
        with self.transaction() as c:
            c.execute("INSERT INTO drafts (document_id, annotator, spans, updated) VALUES (?, ?, ?, ?) "
                      "ON CONFLICT(document_id, annotator) DO UPDATE SET spans = excluded.spans, "
                      "updated = excluded.updated", (doc_id, annotator, payload, time.time()))

    def get_draft(self, doc_id: int, annotator: str) -> tuple[Span, ...] | None:
        row = self.conn.execute("SELECT spans FROM drafts WHERE document_id = ? AND annotator = ?",
                                (doc_id, annotator)).fetchone()
        return self._value(f"draft of document {doc_id} by {annotator!r}", spans_from_json, row[0]) if row else None

    def delete_draft(self, doc_id: int, annotator: str) -> None:
        with self.transaction() as c:
            c.execute("DELETE FROM drafts WHERE document_id = ? AND annotator = ?", (doc_id, annotator))

    # ---- status ----------------------------------------------------------------------
    def statuses(self, annotator: str) -> dict[int, str]:
        """Status of every document this annotator has touched; absent ids are 'new'."""
        out = {r[0]: STATUS_DRAFT for r in self.conn.execute(
            "SELECT document_id FROM drafts WHERE annotator = ?", (annotator,))}
        for doc_id, answer in self.conn.execute(
                "SELECT document_id, answer FROM annotations WHERE annotator = ?", (annotator,)):
            out[doc_id] = ANSWER_TO_STATUS[answer]
        return out

    def status(self, doc_id: int, annotator: str) -> str:
        ann = self.get_annotation(doc_id, annotator)
        if ann:
            return ANSWER_TO_STATUS[ann.answer]
        return STATUS_DRAFT if self.get_draft(doc_id, annotator) is not None else STATUS_NEW
