"""Reading rows from the hub and applying them to the local project.

Rules: hub rows go through the store's own merge (Store.merge_annotation / merge_review:
newer current, older to history, twice = once), current versions before history, as
`annotator merge` does. Rows are checked like a teammate's file: a document whose text does
not match its hash, or spans that do not fit the text, are not applied; the report counts
them and names the first few. Only documents this project holds receive decisions.

The window's decision records (hub.decision_times: seconds and the spans suggested at
opening) come the same way, on the same documents, whoever made them: each is checked as a
teammate's file's record (Store.merge_timed_values) and added once (the local natural key:
document, annotator, decided), never changed. A hub older than DECISION_TIMES_VERSION has
none (tables()).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

import orjson

from annotator.core.errors import SpanError
from annotator.core.text.model import Span, text_hash
from annotator.core.hub import teamwork
from annotator.core.hub.schema import DECISION_TIMES_VERSION
from annotator.core.store import Store

DECISION_COLS = "d.hash, x.annotator, x.answer, x.spans, x.created, x.updated"
REVIEW_COLS = "d.hash, x.reviewer, x.spans, x.sources, x.created"
TIME_COLS = "d.hash, x.annotator, x.answer, x.decided, x.seconds, x.suggested"
TABLES = (("decisions", DECISION_COLS), ("decision_history", DECISION_COLS),
          ("reviews", REVIEW_COLS), ("review_history", REVIEW_COLS))
_NOUNS = {"decision_times": "decision record", "notes": "note"}


def tables(version: int) -> tuple[tuple[str, str], ...]:
    """The (table, columns) pulled from a hub at this schema version."""
    reviews = teamwork.review_cols(version)
    out = tuple((t, reviews if t.startswith("review") else cols) for t, cols in TABLES)
    return (out + ((("decision_times", TIME_COLS),) if version >= DECISION_TIMES_VERSION else ())
            + teamwork.note_tables(version))


@dataclass
class PullCounts:
    documents: int = 0
    labels: int = 0
    decisions: Counter = field(default_factory=Counter)
    reviews: Counter = field(default_factory=Counter)
    decision_times: Counter = field(default_factory=Counter)  # added / unchanged
    notes: Counter = field(default_factory=Counter)
    guidelines: Counter = field(default_factory=Counter)
    rejected: int = 0
    problems: list[str] = field(default_factory=list)

    def reject(self, what: str) -> None:
        self.rejected += 1
        if len(self.problems) < 10:
            self.problems.append(what)


def rows_on_documents(cur: Any, hashes: list[str], version: int) -> dict[str, list[tuple[Any, ...]]]:
    """Every decision, review, their history and decision record on these hub documents (by
    hash), from a hub at schema `version`."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table, cols in tables(version):
        cur.execute(f"SELECT {cols} FROM hub.{table} x JOIN hub.documents d ON d.id = x.document_id "
                    "WHERE d.hash = ANY(%s) ORDER BY x.document_id", (hashes,))
        out[table] = cur.fetchall()
    return out


def add_documents(store: Store, rows: Iterable[tuple[str, bytes, str]], counts: PullCounts) -> list[str]:
    """Add hub documents (hash, UTF-8 body, meta JSON) this project lacks; returns the hashes
    of those now held (inside the caller's transaction)."""
    records, hashes = [], []
    for digest, body, meta in rows:
        text = bytes(body).decode("utf-8", "surrogatepass")
        try:
            meta_d = orjson.loads(meta)
        except orjson.JSONDecodeError:
            meta_d = None
        if text_hash(text) != digest or not isinstance(meta_d, dict):
            counts.reject(f"document {digest[:12]}: text and hash differ, or bad meta")
            continue
        records.append((text, meta_d))
        hashes.append(digest)
    if records:
        counts.documents += store.add_documents(records, with_ids=False, hashes=hashes)[1]
    return hashes


def _spans(raw: str) -> list[Span]:
    data = orjson.loads(raw)
    if not isinstance(data, list):
        raise ValueError("spans are not a list")
    return [Span.from_dict(d) for d in data]


def apply_rows(store: Store, table: str, rows: Iterable[tuple[Any, ...]], ids: dict[str, int],
               counts: PullCounts) -> None:
    """Merge hub rows of `table` on documents in `ids` (hash -> local id); others are skipped."""
    for row in rows:
        doc_id = ids.get(row[0])
        if doc_id is None:
            continue
        try:
            if table == "decision_times":
                counts.decision_times[store.merge_timed_values(doc_id, *row[1:])] += 1
                continue
            if table == "notes":
                counts.notes[teamwork.apply_note(store, doc_id, row)] += 1
                continue
            spans = _spans(row[2] if table.startswith("review") else row[3])
            store.ensure_labels({s.label for s in spans})
            if table.startswith("decision"):
                outcome = store.merge_annotation(doc_id, row[1], row[2], spans, row[4], row[5])
                counts.decisions[outcome] += 1
            else:
                sources = orjson.loads(row[3])
                if not isinstance(sources, list):
                    raise ValueError("sources are not a list")
                method = row[5] if len(row) > 5 else "hand"
                outcome = store.merge_review(doc_id, row[1], spans, [str(s) for s in sources], row[4], method=method)
                counts.reviews[outcome] += 1
        except (SpanError, ValueError, KeyError, TypeError, orjson.JSONDecodeError) as exc:  # TeamTextError too
            who = row[1]
            noun = _NOUNS.get(table, table[:-1].replace("_", " "))
            counts.reject(f"{noun} by {str(who)[:40]} on document {row[0][:12]}: {exc}")


def apply_all(store: Store, found: dict[str, list[tuple[Any, ...]]], counts: PullCounts) -> None:
    """Apply rows_on_documents()-shaped rows to the documents this project holds."""
    hashes = sorted({r[0] for rows in found.values() for r in rows})
    ids = store.ids_for_hashes(hashes)
    for table, rows in found.items():
        apply_rows(store, table, rows, ids, counts)
