"""The hub's store: every statement a sync runs on the hub, and the rows it reads as records.

sync.py orchestrates (what to push, in which order, watermarks); pull.py admits and applies
what comes back; this module alone speaks SQL to the hub during a sync. The admin's
statements are the schema's (schema.py, checks.py, roles.py, routing.py).

Rows come back as dataclasses (HubDocument, HubLabel, HubDecision, HubReview, HubTime,
HubNote, HubGuideline, HubPattern), never as tuples. A value bigger than the project's limits (admission.MAX_TEXT_BYTES for a text,
MAX_JSON_BYTES for spans or meta) is not even sent: its column comes back None and its size
says why, so a crafted 200 MB row costs the puller nothing (pull.py skips it). Reads stream
through server-side cursors in batches of at most about FETCH_BYTES (a few rows when they are
big, up to FETCH_ROWS when small), so many large rows never sit in memory at once.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, Iterator, Sequence

from annotator.core.text.admission import MAX_JSON_BYTES, MAX_TEXT_BYTES, MIB
from annotator.core.hub.connection import HubError
from annotator.core.hub.routing import fair_share
from annotator.core.hub.schema import (
    DECISION_TIMES_VERSION, FAIR_SHARE_VERSION, PATTERNS_VERSION, RELEASE_VERSION, TEAMWORK_VERSION,
)
from annotator.core.learning.patterns.records import MAX_PATTERN_BYTES
from annotator.core.text.free_text import MAX_TEXT_BYTES as MAX_NOTE_BYTES

FETCH_BYTES = 64 * MIB
FETCH_ROWS = 1000
FIRST_FETCH = 8  # rows of unknown size: at most 8 texts of 32 MiB at once


@dataclass(frozen=True, slots=True)
class HubDocument:
    hash: str
    body: bytes | None      # None: larger than MAX_TEXT_BYTES (`size`), not fetched
    size: int
    meta: str | None        # None: larger than MAX_JSON_BYTES
    added_by: str
    kind = "document"


@dataclass(frozen=True, slots=True)
class HubLabel:
    name: str
    color: str
    key: str | None
    added_by: str
    kind = "label"


@dataclass(frozen=True, slots=True)
class HubDecision:
    hash: str
    annotator: str
    answer: str
    spans: str | None       # JSON; None: larger than MAX_JSON_BYTES
    created: float
    updated: float
    history: bool = False
    kind = "decision"

    @property
    def who(self) -> str:
        return self.annotator


@dataclass(frozen=True, slots=True)
class HubReview:
    hash: str
    reviewer: str
    spans: str | None
    sources: str | None
    created: float
    method: str = "hand"    # how it was decided (a hub before TEAMWORK_VERSION: all by hand)
    history: bool = False
    kind = "review"

    @property
    def who(self) -> str:
        return self.reviewer


@dataclass(frozen=True, slots=True)
class HubTime:
    """A decision record of the window: active seconds, the spans suggested at opening."""

    hash: str
    annotator: str
    answer: str
    decided: float
    seconds: float
    suggested: str | None   # JSON, or None when nothing was suggested
    too_big: bool = False   # suggested was larger than MAX_JSON_BYTES (not fetched)
    kind = "decision record"

    @property
    def who(self) -> str:
        return self.annotator


@dataclass(frozen=True, slots=True)
class HubNote:
    """A note on a document (a deleted one is a tombstone: deleted, text '')."""

    hash: str
    author: str
    uid: str
    text: str | None        # None: larger than free_text.MAX_TEXT_BYTES, not fetched
    created: float
    updated: float
    deleted: bool
    kind = "note"

    @property
    def who(self) -> str:
        return self.author


@dataclass(frozen=True, slots=True)
class HubGuideline:
    """The guidelines (subject '') or a label's description, current or from history."""

    subject: str
    author: str
    text: str | None        # None: larger than free_text.MAX_TEXT_BYTES
    examples: str | None    # JSON list of phrases; None: too large
    updated: float
    history: bool = False
    kind = "guideline"

    @property
    def who(self) -> str:
        return self.author


@dataclass(frozen=True, slots=True)
class HubPattern:
    key: str
    label: str
    pattern: str | None     # JSON; None: larger than MAX_PATTERN_BYTES
    author: str
    changed: float
    removed: bool
    kind = "pattern"

    @property
    def who(self) -> str:
        return self.author


HubRow = HubDecision | HubReview | HubTime | HubNote


def _capped(column: str, limit: int) -> str:
    return f"CASE WHEN octet_length({column}) <= {limit} THEN {column} END"


_J, _N = MAX_JSON_BYTES, MAX_NOTE_BYTES
_DOCUMENT_COLS = f"d.hash, {_capped('d.body', MAX_TEXT_BYTES)}, octet_length(d.body), {_capped('d.meta', _J)}, d.added_by"
_NOTE_COLS = f"x.author, x.uid, {_capped('x.text', _N)}, x.created, x.updated, x.deleted"
_GUIDELINE_COLS = f"x.subject, x.author, {_capped('x.text', _N)}, {_capped('x.examples', _N)}, x.updated"
_PATTERN_COLS = f"key, label, {_capped('pattern', MAX_PATTERN_BYTES)}, author, changed, removed"


def _tables(version: int) -> list[tuple[str, str, Any]]:
    """(table, columns after d.hash, record maker) pulled from a hub at schema `version`."""
    method = ", x.method" if version >= TEAMWORK_VERSION else ""
    review = f"x.reviewer, {_capped('x.spans', _J)}, {_capped('x.sources', _J)}, x.created{method}"
    out: list[tuple[str, str, Any]] = [
        ("decisions", f"x.annotator, x.answer, {_capped('x.spans', _J)}, x.created, x.updated",
         lambda r: HubDecision(*r)),
        ("decision_history", f"x.annotator, x.answer, {_capped('x.spans', _J)}, x.created, x.updated",
         lambda r: HubDecision(*r, history=True)),
        ("reviews", review, lambda r: HubReview(*r)),
        ("review_history", review, lambda r: HubReview(*r, history=True)),
    ]
    if version >= DECISION_TIMES_VERSION:
        out.append(("decision_times", f"x.annotator, x.answer, x.decided, x.seconds, {_capped('x.suggested', _J)}, "
                    f"coalesce(octet_length(x.suggested) > {_J}, false)", lambda r: HubTime(*r)))
    if version >= TEAMWORK_VERSION:
        out.append(("notes", _NOTE_COLS, lambda r: HubNote(*r)))
    return out


# The same rows as one result (one cursor, not six: a round trip each), in _tables's order:
# (rank, who, answer, spans or suggested, sources, first time, second time, seconds, flag).
# A review's method rides in `answer`; a note's uid in `answer`, its text in `spans`, its
# deleted in `flag` (a decision record's flag: its suggested spans were too big).
_F, _T = "NULL::float8", "NULL::text"


def _union(version: int) -> list[tuple[str, str]]:
    method = "x.method" if version >= TEAMWORK_VERSION else "'hand'::text"
    spans = _capped('x.spans', _J)
    review = f"x.reviewer, {method}, {spans}, {_capped('x.sources', _J)}, x.created, {_F}, {_F}, false"
    out = [
        ("decisions", f"x.annotator, x.answer, {spans}, {_T}, x.created, x.updated, {_F}, false"),
        ("decision_history", f"x.annotator, x.answer, {spans}, {_T}, x.created, x.updated, {_F}, false"),
        ("reviews", review),
        ("review_history", review),
    ]
    if version >= DECISION_TIMES_VERSION:
        out.append(("decision_times", f"x.annotator, x.answer, {_capped('x.suggested', _J)}, {_T}, x.decided, {_F}, "
                                      f"x.seconds, coalesce(octet_length(x.suggested) > {_J}, false)"))
    if version >= TEAMWORK_VERSION:
        out.append(("notes", f"x.author, x.uid, {_capped('x.text', _N)}, {_T}, x.created, x.updated, {_F}, x.deleted"))
    return out


def _unified(r: Sequence[Any]) -> HubRow:
    rank, _doc, digest, who, answer, spans, sources, first, second, seconds, flag = r
    if rank < 2:
        return HubDecision(digest, who, answer, spans, first, second, history=rank == 1)
    if rank < 4:
        return HubReview(digest, who, spans, sources, first, answer, history=rank == 3)
    if rank == 4:
        return HubTime(digest, who, answer, first, seconds, spans, flag)
    return HubNote(digest, who, answer, spans, first, second, flag)


def _document(row: Sequence[Any]) -> HubDocument:
    body = row[1]
    return HubDocument(row[0], bytes(body) if body is not None else None, row[2], row[3], row[4])


def _size(row: Sequence[Any]) -> int:
    return sum(len(v) for v in row if isinstance(v, (str, bytes, memoryview)))


def _stream(cur: Any, make: Any) -> Iterator[list[Any]]:
    """The executed server-side cursor's rows as records, in batches of about FETCH_BYTES:
    FIRST_FETCH rows first, then as many as the largest row seen allows (up to FETCH_ROWS);
    a batch short of what was asked is the last (no round trip to hear it)."""
    size = FIRST_FETCH
    try:
        while rows := cur.fetchmany(size):
            yield [make(r) for r in rows]
            if len(rows) < size:
                return
            size = max(1, min(FETCH_ROWS, FETCH_BYTES // max(1, max(map(_size, rows)))))
    finally:
        cur.close()


class HubStore:
    """A sync's view of one hub (its connection, in autocommit mode: every write is an
    explicit transaction) at schema `version`."""

    def __init__(self, conn: Any, version: int) -> None:
        self.conn, self.version = conn, version

    def tables(self) -> list[tuple[str, str, Any]]:
        """The tables pulled from a hub at this schema version (decision records from 2, notes
        from TEAMWORK_VERSION)."""
        return _tables(self.version)

    # ---- labels ----------------------------------------------------------------------------
    def add_labels(self, labels: Sequence[tuple[str, str, str | None, int]]) -> int:
        """Insert (name, colour, key, position) the hub lacks; returns how many were added."""
        with self.conn.transaction():
            cur = self.conn.cursor()
            cur.execute("INSERT INTO hub.labels (name, color, key, position) SELECT * FROM "
                        "unnest(%s::text[], %s::text[], %s::text[], %s::int[]) "
                        "ON CONFLICT (name) DO NOTHING RETURNING name",
                        ([l[0] for l in labels], [l[1] for l in labels], [l[2] for l in labels],
                         [l[3] for l in labels]))
            return len(cur.fetchall())

    def labels(self) -> list[HubLabel]:
        with self.conn.transaction():
            return [HubLabel(*r) for r in self.conn.execute(
                "SELECT name, color, key, added_by FROM hub.labels ORDER BY position, name")]

    # ---- documents -------------------------------------------------------------------------
    def add_documents(self, rows: Sequence[tuple[str, bytes, str, float]]) -> set[str]:
        """One transaction: insert (hash, UTF-8 body, meta JSON, added) the hub lacks; returns
        the hashes of those it added."""
        with self.conn.transaction():
            cur = self.conn.cursor()
            cur.execute("INSERT INTO hub.documents (hash, body, meta, added) SELECT * FROM "
                        "unnest(%s::text[], %s::bytea[], %s::text[], %s::float8[]) "
                        "ON CONFLICT (hash) DO NOTHING RETURNING hash",
                        ([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows]))
            return {r[0] for r in cur.fetchall()}

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """One REPEATABLE READ, READ ONLY transaction (the reads below stream inside one)."""
        with self.conn.transaction():
            self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield

    def documents(self, hashes: Sequence[str]) -> Iterator[list[HubDocument]]:
        """Inside reading(): these documents, streamed."""
        cur = self.conn.cursor(name="hub_documents")
        cur.execute(f"SELECT {_DOCUMENT_COLS} FROM hub.documents d WHERE d.hash = ANY(%s) ORDER BY d.id",
                    (list(hashes),))
        yield from _stream(cur, _document)

    def rows_on_documents(self, hashes: Sequence[str]) -> Iterator[list[HubRow]]:
        """Inside reading() or snapshot(): every decision, review, their history and decision
        record on these documents, current versions before history, streamed."""
        parts = [f"SELECT {rank}, x.document_id, d.hash, {cols} FROM hub.{table} x JOIN d ON d.id = x.document_id"
                 for rank, (table, cols) in enumerate(_union(self.version))]
        cur = self.conn.cursor(name="on_documents")
        cur.execute("WITH d AS (SELECT id, hash FROM hub.documents WHERE hash = ANY(%s)) "
                    + " UNION ALL ".join(parts) + " ORDER BY 1, 2", (list(hashes),))
        yield from _stream(cur, _unified)

    # ---- pushes ----------------------------------------------------------------------------
    def merge(self, function: str, params: list[tuple[Any, ...]]) -> list[str]:
        """hub.<function>(...) for each row of params, in one transaction; their outcomes."""
        if not params:
            return []
        with self.conn.transaction():
            cur = self.conn.cursor()
            marks = ", ".join(["%s"] * len(params[0]))
            cur.executemany(f"SELECT hub.{function}({marks})", params, returning=True)
            out = []
            while True:
                out.append(cur.fetchone()[0])
                if not cur.nextset():
                    return out

    def claim(self, batch: int) -> list[tuple[int, str, float]]:
        """(hub document id, hash, expires) of this annotator's assignments, topped up to their
        fair share of the queue, at most batch: computed by hub.claim itself from hub schema 7,
        here (routing.fair_share, in the same transaction) for an older hub."""
        with self.conn.transaction():
            share = batch if self.version >= FAIR_SHARE_VERSION else fair_share(self.conn, batch)
            return self.conn.execute("SELECT document_id, hash, expires FROM hub.claim(%s)", (share,)).fetchall()

    def release(self) -> int:
        """Give back this annotator's open assignments (hub.release); how many went back."""
        if self.version < RELEASE_VERSION:
            raise HubError(f"this hub (schema {self.version}) cannot take assignments back before their "
                           "timeout; its admin runs `annotator hub init` again to upgrade it")
        with self.conn.transaction():
            return int(self.conn.execute("SELECT hub.release()").fetchone()[0])

    def owns_hub(self) -> bool:
        """True when this session's role owns the hub (the admin: row-level security does not bind it)."""
        with self.conn.transaction():
            row = self.conn.execute("SELECT nspowner::regrole::text = session_user FROM pg_namespace "
                                    "WHERE nspname = 'hub'").fetchone()
        return bool(row and row[0])

    # ---- pulls -----------------------------------------------------------------------------
    @contextlib.contextmanager
    def snapshot(self, lo: int) -> Iterator[int]:
        """One REPEATABLE READ, READ ONLY transaction; yields its upper watermark: the oldest
        transaction still running (every one below it has finished), at least `lo`."""
        with self.conn.transaction():
            self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield max(lo, int(self.conn.execute(
                "SELECT pg_snapshot_xmin(pg_current_snapshot())::text").fetchone()[0]))

    def changes(self, lo: int, hi: int) -> Iterator[list[HubRow]]:
        """Inside snapshot(): every row written with lo <= xid < hi, table by table (current
        versions before history), streamed."""
        for table, cols, make in self.tables():
            cur = self.conn.cursor(name=f"pull_{table}")
            cur.execute(f"SELECT d.hash, {cols} FROM hub.{table} x JOIN hub.documents d "
                        "ON d.id = x.document_id WHERE x.xid >= %s::text::xid8 "
                        "AND x.xid < %s::text::xid8", (str(lo), str(hi)))
            yield from _stream(cur, make)

    def new_documents(self, lo: int, hi: int) -> Iterator[list[HubDocument]]:
        """Inside snapshot(): documents added with lo <= xid < hi, in id order, streamed."""
        cur = self.conn.cursor(name="pull_documents")
        cur.execute(f"SELECT {_DOCUMENT_COLS} FROM hub.documents d WHERE d.xid >= %s::text::xid8 "
                    "AND d.xid < %s::text::xid8 ORDER BY d.id", (str(lo), str(hi)))
        yield from _stream(cur, _document)

    def guidelines(self, lo: int, hi: int) -> Iterator[list[HubGuideline]]:
        """Inside snapshot(): guidelines and label descriptions written with lo <= xid < hi,
        current versions before history (none on a hub before TEAMWORK_VERSION)."""
        if self.version < TEAMWORK_VERSION:
            return
        for table, history in (("guidelines", False), ("guideline_history", True)):
            cur = self.conn.cursor(name=f"pull_{table}")
            cur.execute(f"SELECT {_GUIDELINE_COLS} FROM hub.{table} x WHERE x.xid >= %s::text::xid8 "
                        "AND x.xid < %s::text::xid8 ORDER BY x.xid", (str(lo), str(hi)))
            yield from _stream(cur, lambda r, h=history: HubGuideline(*r, history=h))

    def patterns(self, lo: int, hi: int) -> Iterator[list[HubPattern]]:
        """Inside snapshot(): pattern rows written with lo <= xid < hi, by key (none on a hub
        before PATTERNS_VERSION)."""
        if self.version < PATTERNS_VERSION:
            return
        cur = self.conn.cursor(name="pull_patterns")
        cur.execute(f"SELECT {_PATTERN_COLS} FROM hub.patterns WHERE xid >= %s::text::xid8 "
                    "AND xid < %s::text::xid8 ORDER BY key", (str(lo), str(hi)))
        yield from _stream(cur, lambda r: HubPattern(*r))
