"""Drafts (work in progress, saved on every edit, as a base plus edits) and each document's
status for an annotator."""

from __future__ import annotations

import time
from typing import Any, Iterable

from annotator.core.text.model import ANSWER_TO_STATUS, STATUS_DRAFT, STATUS_NEW, Span
from annotator.core.store.codec import apply_edits, dumps_spans, spans_from_json
from annotator.core.store.annotations import Annotations
from annotator.core.store.connection import Database, Repository


class Drafts(Repository):
    """Work in progress (a base plus edits) and each document's status for an annotator."""

    def __init__(self, database: Database, annotations: Annotations) -> None:
        super().__init__(database)
        self._annotations = annotations

    # ---- drafts: a base plus edits (core/store/journal.py DraftJournal writes the edits) -------
    def save_draft(self, doc_id: int, annotator: str, spans: Iterable[Any]) -> None:
        """Work in progress as a whole (a new base, no edits); never touches the accepted
        annotation."""
        payload = dumps_spans(self._annotations.check_spans(doc_id, spans))
        with self.transaction() as c:
            self._write_draft_base(c, doc_id, annotator, payload)

    @staticmethod
    def _write_draft_base(c: Any, doc_id: int, annotator: str, payload: str) -> None:
        c.execute("INSERT INTO drafts (document_id, annotator, spans, updated) VALUES (?, ?, ?, ?) "
                  "ON CONFLICT(document_id, annotator) DO UPDATE SET spans = excluded.spans, "
                  "updated = excluded.updated", (doc_id, annotator, payload, time.time()))
        c.execute("DELETE FROM draft_edits WHERE document_id = ? AND annotator = ?", (doc_id, annotator))

    def save_draft_edit(self, doc_id: int, annotator: str, edit: str, base: str | None = None) -> int:
        """Append one edit (codec.edit_json) to the draft, in one transaction; with `base`
        (dumps_spans), the draft starts from it. Returns the edit's id. The caller checked it."""
        with self.transaction() as c:
            if base is not None:
                self._write_draft_base(c, doc_id, annotator, base)
            # Not even `updated` of the drafts row: SQLite would rewrite its whole span list.
            cur = c.execute("INSERT INTO draft_edits (document_id, annotator, edit) VALUES (?, ?, ?)",
                            (doc_id, annotator, edit))
            return int(cur.lastrowid or 0)

    def draft_edit_count(self, doc_id: int, annotator: str) -> int:
        return self.conn.execute("SELECT count(*) FROM draft_edits WHERE document_id = ? AND annotator = ?",
                                 (doc_id, annotator)).fetchone()[0]

    def fold_draft(self, doc_id: int, annotator: str, payload: str, upto: int) -> bool:
        """`payload` (the draft as of edit `upto`) becomes the base and edits up to `upto`
        go, unless edit `upto` is gone: a full save or another fold came first."""
        with self.transaction() as c:
            if not c.execute("SELECT 1 FROM draft_edits WHERE id = ? AND document_id = ? AND annotator = ?",
                             (upto, doc_id, annotator)).fetchone():
                return False
            c.execute("UPDATE drafts SET spans = ? WHERE document_id = ? AND annotator = ?",
                      (payload, doc_id, annotator))
            c.execute("DELETE FROM draft_edits WHERE document_id = ? AND annotator = ? AND id <= ?",
                      (doc_id, annotator, upto))
            return True

    def fold_all_drafts(self, c: Any) -> None:
        """Inside a transaction: every draft with edits becomes a plain base (before a
        rename rewrites the labels in the bases)."""
        for doc_id, annotator in c.execute("SELECT DISTINCT document_id, annotator FROM draft_edits").fetchall():
            spans = self.get_draft(doc_id, annotator)
            if spans is not None:
                self._write_draft_base(c, doc_id, annotator, dumps_spans(spans))

    def get_draft(self, doc_id: int, annotator: str) -> tuple[Span, ...] | None:
        """The draft's base with its edits applied, or None."""
        row = self.conn.execute("SELECT spans FROM drafts WHERE document_id = ? AND annotator = ?",
                                (doc_id, annotator)).fetchone()
        if row is None:
            return None
        where = f"draft of document {doc_id} by {annotator!r}"
        edits = [r[0] for r in self.conn.execute("SELECT edit FROM draft_edits WHERE document_id = ? AND "
                                                 "annotator = ? ORDER BY id", (doc_id, annotator))]
        return self._value(where, lambda raw: apply_edits(spans_from_json(raw), edits), row[0])

    def restore_draft(self, doc_id: int, annotator: str, spans: Iterable[Span]) -> None:
        """A draft of spans read from this file (an undone decision's): not checked again, so a
        label removed since never blocks an undo."""
        with self.transaction() as c:
            self._write_draft_base(c, doc_id, annotator, dumps_spans(list(spans)))

    # ---- status ----------------------------------------------------------------------
    def statuses(self, annotator: str) -> dict[int, str]:
        """Status of every document this annotator has touched; absent ids are 'new'."""
        out = {r[0]: STATUS_DRAFT for r in self.conn.execute(
            "SELECT document_id FROM drafts WHERE annotator = ?", (annotator,))}
        for doc_id, answer in self.conn.execute(
                "SELECT document_id, answer FROM annotations WHERE annotator = ?", (annotator,)):
            out[doc_id] = ANSWER_TO_STATUS[answer]
        return out

    def resume_document(self, annotator: str) -> int | None:
        """Where this annotator resumes: the first document with a draft (and no decision),
        else the first one not yet touched, else the first. A few index lookups, not a status
        for every document."""
        queries = ("SELECT min(document_id) FROM drafts d WHERE annotator = ? AND NOT EXISTS "
                   "(SELECT 1 FROM annotations a WHERE a.document_id = d.document_id AND a.annotator = ?)",
                   "SELECT id FROM documents WHERE id NOT IN (SELECT document_id FROM annotations WHERE "
                   "annotator = ?) AND id NOT IN (SELECT document_id FROM drafts WHERE annotator = ?) "
                   "ORDER BY id LIMIT 1",
                   "SELECT min(id) FROM documents")
        for sql in queries:
            row = self.conn.execute(sql, (annotator, annotator)[:sql.count("?")]).fetchone()
            if row and row[0] is not None:
                return row[0]
        return None

    def status(self, doc_id: int, annotator: str) -> str:
        """One document's status for this annotator (no spans read)."""
        key = (doc_id, annotator)
        row = self.conn.execute("SELECT answer FROM annotations WHERE document_id = ? AND annotator = ?",
                                key).fetchone()
        if row:
            return ANSWER_TO_STATUS[row[0]]
        found = self.conn.execute("SELECT 1 FROM drafts WHERE document_id = ? AND annotator = ?", key).fetchone()
        return STATUS_DRAFT if found else STATUS_NEW
