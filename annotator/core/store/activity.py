"""What the window records with each decision: its active time (core/report/timing.py) and the spans
suggested when the document was opened, plus the learning curves computed on the project.

Tables (schema migration 2): decision_times (one row per decision made in the window, only
ever added: a re-decision adds a row), decision_suggestions (one row per such decision that
had suggestions, the spans with their source; none when nothing was suggested) and
learning_curves. The version a decision saved is not copied: it is the annotation (or the
earlier version in annotation_history) of that document and annotator whose `updated` is the
decision's time, found at read time. Rows are keyed by (document, annotator, decided), so a
merge or a sync adds each once. The team hub carries them too (core/hub/sync.py: each
annotator pushes only their own, as decisions; local migration 6 logs each record added
here, except those a pull writes, for that push).
"""

from __future__ import annotations

import time
from typing import Any, Iterable, Sequence

from annotator.core.text.admission import admit_time
from annotator.core.errors import SpanError
from annotator.core.text.model import DECISIONS, Annotation, Span, TimedDecision
from annotator.core.text.spans import admit_spans
from annotator.core.store.guard import values
from annotator.core.store.codec import dumps, loads, spans_from_json, spans_to_json
from annotator.core.store.annotations import Annotations
from annotator.core.store.connection import Database, Repository
from annotator.core.store.documents import Documents
from annotator.core.report.timing import check_seconds

# The version a decision saved: the earliest row of that document and annotator with the
# decision's time (a later label rename files the version as decided in history, same time).
_DECIDED_SPANS = """
    SELECT spans FROM (
        SELECT 0 AS current, id, spans FROM annotation_history
        WHERE document_id = t.document_id AND annotator = t.annotator AND updated = t.decided
          AND answer = t.answer
        UNION ALL
        SELECT 1, id, spans FROM annotations
        WHERE document_id = t.document_id AND annotator = t.annotator AND updated = t.decided
          AND answer = t.answer
    ) ORDER BY current, id LIMIT 1"""

_TIMED = f"""
    SELECT t.id, t.document_id, t.annotator, t.answer, t.decided, t.seconds, s.spans,
           ({_DECIDED_SPANS}) FROM decision_times t
    LEFT JOIN decision_suggestions s ON s.decision_id = t.id"""


def _valid(text: str, spans: Iterable[Span]) -> list[Span]:
    """The suggested spans that are valid on the text, without overlaps (the earlier kept):
    a record of what was suggested never stops a decision from being saved."""
    kept: list[Span] = []
    for span in sorted(spans):
        try:
            (span,) = admit_spans(text, [span], trim=False)
        except SpanError:
            continue
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    return kept


class Activity(Repository):
    """What the window records with a decision (active seconds, the suggestions shown) and
    the learning curves of trained models."""

    def __init__(self, database: Database, documents: Documents, annotations: Annotations) -> None:
        super().__init__(database)
        self._documents, self._annotations = documents, annotations

    # ---- writing --------------------------------------------------------------------------
    def save_timed_decision(self, doc_id: int, annotator: str, answer: str, spans: Iterable[Any], *,
                            seconds: float, suggested: Iterable[Span] = (),
                            timestamp: float | None = None) -> Annotation:
        """save_annotation plus its record: active seconds and the spans suggested when the
        document was opened (with their sources), in one transaction."""
        if answer not in DECISIONS:
            raise ValueError(f"a timed decision is one of {', '.join(DECISIONS)}, not {answer!r}")
        seconds = check_seconds(seconds)
        suggested = _valid(self._documents.get_document(doc_id).text, suggested) if suggested else []
        now = time.time() if timestamp is None else timestamp
        with self.transaction():
            ann = self._annotations.save_annotation(doc_id, annotator, answer, spans, timestamp=now)
            self._insert_timed(doc_id, annotator, answer, ann.updated, seconds, suggested)
        return ann

    def _insert_timed(self, doc_id: int, annotator: str, answer: str, decided: float, seconds: float,
                      suggested: Sequence[Span]) -> bool:
        """Add one record unless it is already here (same document, annotator and time)."""
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO decision_times (document_id, annotator, answer, decided, seconds) "
            "VALUES (?, ?, ?, ?, ?)", (doc_id, annotator, answer, decided, seconds))
        if not cur.rowcount:
            return False
        if suggested:
            self.conn.execute("INSERT INTO decision_suggestions (decision_id, spans) VALUES (?, ?)",
                              (cur.lastrowid, spans_to_json(suggested, with_source=True)))
        return True

    def merge_timed_decision(self, doc_id: int, annotator: str, answer: str, decided: float, seconds: float,
                             suggested: Sequence[Span]) -> str:
        """Bring in a teammate's record (checked by the caller): 'added' or 'unchanged'."""
        if answer not in DECISIONS:
            raise ValueError(f"a timed decision is one of {', '.join(DECISIONS)}, not {answer!r}")
        decided = admit_time(decided, "decided")
        with self.transaction():
            added = self._insert_timed(doc_id, annotator, answer, decided, check_seconds(seconds), suggested)
        return "added" if added else "unchanged"

    def merge_timed_values(self, doc_id: int, annotator: Any, answer: Any, decided: Any, seconds: Any,
                           suggested: Any) -> str:
        """merge_timed_decision of a record read as raw values (a hub row; suggested: the
        spans' JSON with their sources, or None), each checked as a teammate's file's are
        (foreign.other_decision_times). BadValue (a ValueError) says what is wrong."""
        text = self._documents.get_document(doc_id).text
        spans = values.suggested_spans(suggested, text) if suggested is not None else ()
        return self.merge_timed_decision(doc_id, values.name(annotator, "annotator"), answer,
                                         values.number(decided, "decided"), values.seconds(seconds), spans)

    # ---- reading --------------------------------------------------------------------------
    def timed_decisions(self, annotator: str | None = None) -> list[TimedDecision]:
        """Every recorded decision in the order made (by time, then record id), with the
        spans suggested at opening and the version it saved."""
        sql, params = _TIMED, []
        if annotator is not None:
            sql += " WHERE t.annotator = ?"
            params.append(annotator)
        rows = self.conn.execute(sql + " ORDER BY t.decided, t.id", params).fetchall()
        return [self._timed(row) for row in rows]

    def _timed(self, row: Sequence[Any]) -> TimedDecision:
        rid, doc_id, annotator, answer, decided, seconds, suggested, saved = row
        where = f"decision record {rid}"
        return TimedDecision(
            rid, doc_id, annotator, answer, decided, seconds,
            self._value(where, spans_from_json, suggested) if suggested is not None else (),
            self._value(where, spans_from_json, saved) if saved is not None else None)

    def count_timed_decisions(self) -> int:
        return self.conn.execute("SELECT count(*) FROM decision_times").fetchone()[0]

    def decisions_per_day(self) -> dict[str, dict[str, int]]:
        """{annotator: {day: decisions}} over current decisions (accept, reject, skip), each on
        the local calendar day (YYYY-MM-DD) of its last change; days in order."""
        out: dict[str, dict[str, int]] = {}
        for annotator, day, n in self.conn.execute(
                "SELECT annotator, date(updated, 'unixepoch', 'localtime') AS day, count(*) FROM annotations "
                "WHERE answer IN ('accept', 'reject', 'ignore') AND typeof(annotator) = 'text' "
                "AND typeof(updated) IN ('real', 'integer') GROUP BY 1, 2 ORDER BY 1, 2"):
            if day is not None:
                out.setdefault(annotator, {})[day] = n
        return out

    def count_decided_without_accept(self) -> int:
        """Documents someone decided (rejected or skipped) that nobody accepted or reviewed."""
        return self.conn.execute(
            "SELECT count(DISTINCT document_id) FROM annotations WHERE answer IN ('reject', 'ignore') "
            "AND document_id NOT IN (SELECT document_id FROM annotations WHERE answer = 'accept') "
            "AND document_id NOT IN (SELECT document_id FROM reviews)").fetchone()[0]

    # ---- learning curves --------------------------------------------------------------------
    def record_learning_curve(self, points: list[dict[str, Any]], settings: dict[str, Any]) -> int:
        """Keep a computed learning curve (core/train.learning_curve's rows); returns its id."""
        with self.transaction():
            table = self.db["learning_curves"].insert(
                {"created": time.time(), "settings": dumps(settings), "points": dumps(points)})
            return int(table.last_rowid or 0)

    def latest_learning_curve(self) -> dict[str, Any] | None:
        """The newest recorded curve: {id, created, settings, points}, or None."""
        row = self.conn.execute("SELECT id, created, settings, points FROM learning_curves "
                                "ORDER BY created DESC, id DESC LIMIT 1").fetchone()
        if row is None:
            return None
        where = f"learning curve {row[0]}"
        return {"id": row[0], "created": row[1], "settings": self._value(where, lambda v: loads(v, "settings"), row[2]),
                "points": self._value(where, lambda v: loads(v, "points"), row[3])}
