"""The local side of the team hub sync (annotator/core/hub), in the project file: no network.

Watermarks, per hub (its hub_id) and annotator, in hub_state (local migration 4):
- pushed_rev / pushed_review_rev: the sync_log rev up to which this annotator's decisions
  (reviews) were pushed. sync_log gets a new, ever larger rev on every change of an
  annotation or review, by triggers; timestamps cannot serve, since versions merged in from
  a file keep their old `updated`.
- pushed_time_rev: likewise for the window's decision records (decision_times, logged when
  added: local migration 6); a record is only ever added, so it is logged once.
- pushed_note_rev / pushed_guideline_rev: likewise for notes and the guidelines (logged on
  every change); pushed_pattern_rev likewise for patterns.
- pushed_document, pushed_annotation_history, pushed_review_history: row ids (these rows
  are only ever added, so their ids only grow).
- pulled_xid / pulled_all_xid: the hub transaction id below which every hub row was pulled
  (pulled_all_xid: documents, for `sync --all`).
A watermark is written in the same SQLite transaction as the data it covers (pulls), or
after the hub committed (pushes: a push repeated after a crash merges as "unchanged").

Rows written inside hub_pull_transaction() are not logged (sync_quiet), so they are never
pushed back (local migration 9 logs them under kinds of their own, 'annotation_pulled'...,
for the window). The project remembers the hub in its settings: hub_url (never with a
password), hub_id and hub_annotator; hub_pending_decisions() and hub_assigned_ids() default
to them. hub_state, hub_assignments and sync_log are this project's own: a merge never reads
them from a teammate's file (core/team/merge.py reads documents, labels, decisions and reviews).

The same log tells the window what other connections changed (read_change_log, read by
core/ops/watch.py): local migration 9 also logs labels, settings, drafts begun or ended,
hub assignments, trained models, learning curves and the patterns, notes and guidelines a
pull brings ('pattern_pulled', 'note_pulled', 'guideline_pulled'; local changes of them are
logged as 'pattern', 'note', 'guideline' for the push, migrations 7 and 8).
Documents need no log: their ids only grow, so the largest id is their watermark.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field, fields
from typing import Any, Collection, Iterator

from annotator.core.store.connection import Database, Repository
from annotator.core.store.labels import Settings
from annotator.core.settings import HUB_ANNOTATOR, HUB_ID, HUB_URL

HUB_WATERMARKS = ("pushed_rev", "pushed_review_rev", "pushed_document", "pushed_annotation_history",
                  "pushed_review_history", "pulled_xid", "pulled_all_xid", "pushed_time_rev",
                  "pushed_note_rev", "pushed_guideline_rev", "pushed_pattern_rev")
_REMEMBERED = (HUB_URL.name, HUB_ID.name, HUB_ANNOTATOR.name)


@dataclass
class HubState:
    """This project's watermarks for one hub and annotator."""

    hub_id: str
    annotator: str
    url: str
    pushed_rev: int = 0
    pushed_review_rev: int = 0
    pushed_document: int = 0
    pushed_annotation_history: int = 0
    pushed_review_history: int = 0
    pulled_xid: int = 0
    pulled_all_xid: int = 0
    last_sync: float | None = None
    pushed_time_rev: int = 0
    pushed_note_rev: int = 0
    pushed_guideline_rev: int = 0
    pushed_pattern_rev: int = 0  # patterns (core/hub/patterns.py)


@dataclass
class LogRead:
    """What the change log says changed after a watermark (read_change_log): the kinds
    logged, the documents whose decisions, reviews or drafts changed, the settings keys, the
    documents added, and the new watermark. overflow: more rows than the limit, so no ids
    (documents=None, new_ids=None): the reader treats every document as changed."""

    rev: int
    doc: int
    kinds: set[str] = field(default_factory=set)
    documents: dict[str, set[int]] | None = field(default_factory=dict)  # kind -> document ids
    settings: set[str] = field(default_factory=set)
    new_ids: list[int] | None = field(default_factory=list)
    overflow: bool = False


# Kinds whose row_id is the id of a row that names its document (an annotation, a note), or
# a document id.
_BY_ROW = {"annotation": "annotations", "annotation_pulled": "annotations",
           "note": "document_notes", "note_pulled": "document_notes"}
_BY_DOCUMENT = ("review", "review_pulled", "draft")
# Kinds of few rows, read even past the limit (the small tables: labels, settings...).
_SMALL_KINDS = ("label", "setting", "assignment", "trained_model", "learning_curve", "pattern_pulled",
                "guideline", "guideline_pulled")
# Kinds of a row each that are not the documents' work (a 100,000-term list: as many pattern
# rows): past the limit only whether any.
_ANY_KINDS = ("pattern", "note", "note_pulled")

_COLUMNS = [f.name for f in fields(HubState)]
_SELECT_STATE = f"SELECT {', '.join(_COLUMNS)} FROM hub_state WHERE hub_id = ? AND annotator = ?"


class Sync(Repository):
    """The local side of the team hub: watermarks, what to push, assignments, and the change
    log as the window reads it."""

    def __init__(self, database: Database, settings: Settings) -> None:
        super().__init__(database)
        self._settings = settings

    # ---- watermarks ------------------------------------------------------------------
    def hub_state(self, hub_id: str, annotator: str, url: str) -> HubState:
        """This hub's watermarks for this annotator (created at zero), and the project
        remembers the hub (URL without password)."""
        row = self.conn.execute(_SELECT_STATE, (hub_id, annotator)).fetchone()
        remembered = [self._settings.get_setting(k) for k in _REMEMBERED]
        if row is not None and row[2] == url and remembered == [url, hub_id, annotator]:
            return HubState(*row)  # no write: a sync with nothing to do commits once
        with self.transaction() as c:
            self.db["hub_state"].upsert({"hub_id": hub_id, "annotator": annotator, "url": url},
                                        pk=("hub_id", "annotator"))
            self.db["project"].upsert_all(
                [{"key": k, "value": v} for k, v in zip(_REMEMBERED, (url, hub_id, annotator))], pk="key")
            row = c.execute(_SELECT_STATE, (hub_id, annotator)).fetchone()
        return HubState(*row)

    def save_hub_state(self, state: HubState, **values: Any) -> None:
        """Set watermarks (and on `state` once written): one transaction, or a savepoint of
        the caller's (then they commit with the data they cover)."""
        assert values and set(values) <= set(HUB_WATERMARKS) | {"last_sync"}
        with self.transaction():
            self.db["hub_state"].update((state.hub_id, state.annotator), values)
        for key, value in values.items():
            setattr(state, key, value)

    @contextlib.contextmanager
    def hub_pull_transaction(self) -> Iterator[None]:
        """One local transaction for hub data: what it writes is not logged for pushing."""
        with self.transaction() as c:
            c.execute("INSERT INTO sync_quiet (on_pull) VALUES (1)")
            yield
            c.execute("DELETE FROM sync_quiet")

    def max_document_id(self) -> int:
        return self.conn.execute("SELECT coalesce(max(id), 0) FROM documents").fetchone()[0]

    # ---- what to push ------------------------------------------------------------------
    def count_documents_after(self, after: int) -> int:
        return self.conn.execute("SELECT count(*) FROM documents WHERE id > ?", (after,)).fetchone()[0]

    def documents_after(self, after: int, limit: int) -> list[tuple[int, str, str, str, float]]:
        """(id, hash, text, meta JSON, added) of documents with id > after."""
        return self.conn.execute("SELECT id, hash, text, meta, added FROM documents WHERE id > ? "
                                 "ORDER BY id LIMIT ?", (after, limit)).fetchall()

    def changed_annotations(self, after_rev: int, limit: int) -> list[tuple[Any, ...]]:
        """(rev, hash, annotator, answer, spans, created, updated) changed since after_rev."""
        return self.conn.execute(
            "SELECT l.rev, d.hash, a.annotator, a.answer, a.spans, a.created, a.updated FROM sync_log l "
            "JOIN annotations a ON a.id = l.row_id JOIN documents d ON d.id = a.document_id "
            "WHERE l.kind = 'annotation' AND l.rev > ? ORDER BY l.rev LIMIT ?", (after_rev, limit)).fetchall()

    def annotation_history_after(self, after: int, limit: int) -> list[tuple[Any, ...]]:
        """(id, hash, annotator, answer, spans, created, updated) of history rows id > after."""
        return self.conn.execute(
            "SELECT h.id, d.hash, h.annotator, h.answer, h.spans, h.created, h.updated "
            "FROM annotation_history h JOIN documents d ON d.id = h.document_id "
            "WHERE h.id > ? ORDER BY h.id LIMIT ?", (after, limit)).fetchall()

    def changed_reviews(self, after_rev: int, limit: int) -> list[tuple[Any, ...]]:
        """(rev, hash, reviewer, spans, sources, created, method) changed since after_rev."""
        return self.conn.execute(
            "SELECT l.rev, d.hash, r.reviewer, r.spans, r.sources, r.created, r.method FROM sync_log l "
            "JOIN reviews r ON r.document_id = l.row_id JOIN documents d ON d.id = r.document_id "
            "WHERE l.kind = 'review' AND l.rev > ? ORDER BY l.rev LIMIT ?", (after_rev, limit)).fetchall()

    def changed_decision_times(self, after_rev: int, limit: int) -> list[tuple[Any, ...]]:
        """(rev, hash, annotator, answer, decided, seconds, suggested JSON or None) of the
        window's decision records added since after_rev (not those pulled from a hub)."""
        return self.conn.execute(
            "SELECT l.rev, d.hash, t.annotator, t.answer, t.decided, t.seconds, s.spans FROM sync_log l "
            "JOIN decision_times t ON t.id = l.row_id JOIN documents d ON d.id = t.document_id "
            "LEFT JOIN decision_suggestions s ON s.decision_id = t.id "
            "WHERE l.kind = 'decision_time' AND l.rev > ? ORDER BY l.rev LIMIT ?", (after_rev, limit)).fetchall()

    def count_changed_decision_times(self, after_rev: int, annotator: str) -> int:
        """How many of this annotator's decision records were added since after_rev."""
        return self.conn.execute(
            "SELECT count(*) FROM sync_log l JOIN decision_times t ON t.id = l.row_id "
            "WHERE l.kind = 'decision_time' AND l.rev > ? AND t.annotator = ?", (after_rev, annotator)).fetchone()[0]

    def count_changed(self, kind: str, after_rev: int) -> int:
        """How many rows of this sync_log kind ('note', 'guideline'...) changed since after_rev."""
        return self.conn.execute("SELECT count(*) FROM sync_log WHERE kind = ? AND rev > ?",
                                 (kind, after_rev)).fetchone()[0]

    def changed_reviewers(self, after_rev: int, skip_hashes: Collection[str] = ()) -> dict[str, int]:
        """reviewer -> reviews changed since after_rev, except on documents with these hashes."""
        out: dict[str, int] = {}
        for reviewer, digest in self.conn.execute(
                "SELECT r.reviewer, d.hash FROM sync_log l JOIN reviews r ON r.document_id = l.row_id "
                "JOIN documents d ON d.id = r.document_id WHERE l.kind = 'review' AND l.rev > ?", (after_rev,)):
            if digest not in skip_hashes:
                out[str(reviewer)] = out.get(str(reviewer), 0) + 1
        return out

    def review_history_after(self, after: int, limit: int) -> list[tuple[Any, ...]]:
        """(id, hash, reviewer, spans, sources, created, method) of review history rows id > after."""
        return self.conn.execute(
            "SELECT h.id, d.hash, h.reviewer, h.spans, h.sources, h.created, h.method FROM review_history h "
            "JOIN documents d ON d.id = h.document_id WHERE h.id > ? ORDER BY h.id LIMIT ?",
            (after, limit)).fetchall()

    # ---- the change log as the window reads it (core/ops/watch.py) ------------------------
    def change_mark(self) -> tuple[int, int]:
        """(the change log's last rev, the largest document id): where a reader starts."""
        return tuple(self.conn.execute(  # type: ignore[return-value]
            "SELECT (SELECT coalesce(max(rev), 0) FROM sync_log), (SELECT coalesce(max(id), 0) FROM documents)"
        ).fetchone())

    def read_change_log(self, after_rev: int, after_doc: int, limit: int) -> LogRead:
        """What changed after the watermark (after_rev, after_doc), in at most a few
        queries of at most `limit` rows each (see LogRead)."""
        conn = self.conn
        rev, doc = self.change_mark()  # first: what commits after it is read next time
        rev, doc = max(rev, after_rev), max(doc, after_doc)
        rows = conn.execute("SELECT rev, kind, row_id FROM sync_log WHERE rev > ? AND rev <= ? ORDER BY rev "
                            "LIMIT ?", (after_rev, rev, limit + 1)).fetchall()
        new_ids = [r[0] for r in conn.execute("SELECT id FROM documents WHERE id > ? AND id <= ? ORDER BY id "
                                              "LIMIT ?", (after_doc, doc, limit + 1))]
        read = LogRead(rev, doc, new_ids=new_ids if len(new_ids) <= limit else None)
        if len(rows) > limit:  # too many to list: only the small kinds' rows are read
            rows = conn.execute(f"SELECT rev, kind, row_id FROM sync_log WHERE rev > ? AND rev <= ? AND kind "
                                f"IN ({','.join('?' * len(_SMALL_KINDS))})", (after_rev, rev, *_SMALL_KINDS)).fetchall()
            read.overflow, read.documents = True, None
            for kind in _ANY_KINDS:
                if conn.execute("SELECT 1 FROM sync_log WHERE kind = ? AND rev > ? AND rev <= ? LIMIT 1",
                                (kind, after_rev, rev)).fetchone():
                    read.kinds.add(kind)
        by_row: dict[str, list[int]] = {}
        settings: list[int] = []
        for _rev, kind, row_id in rows:
            read.kinds.add(kind)
            if kind == "setting":
                settings.append(row_id)
            elif read.documents is not None and kind in _BY_DOCUMENT:
                read.documents.setdefault(kind, set()).add(row_id)
            elif read.documents is not None and kind in _BY_ROW:
                by_row.setdefault(kind, []).append(row_id)
        for kind, row_ids in by_row.items():
            found = read.documents.setdefault(kind, set())  # type: ignore[union-attr]
            for i in range(0, len(row_ids), 500):
                chunk = row_ids[i:i + 500]
                found.update(r[0] for r in conn.execute(
                    f"SELECT document_id FROM {_BY_ROW[kind]} WHERE id IN ({','.join('?' * len(chunk))})", chunk))
        if settings:
            read.settings = {r[0] for r in conn.execute(
                f"SELECT key FROM project WHERE rowid IN ({','.join('?' * len(settings))})", settings)}
        return read

    # ---- assignments -------------------------------------------------------------------
    def set_hub_assignments(self, hub_id: str, annotator: str, rows: list[tuple[int, float]]) -> None:
        """Replace this annotator's assignments from this hub with (local document id, expires)."""
        table = self.db["hub_assignments"]
        with self.transaction():
            table.delete_where("hub_id = ? AND annotator = ?", [hub_id, annotator])
            table.insert_all({"hub_id": hub_id, "annotator": annotator, "document_id": d, "expires": e}
                             for d, e in rows)

    def hub_assignments(self, hub_id: str, annotator: str) -> set[tuple[str, float]]:
        """(document hash, expires) of the assignments remembered from this hub."""
        return set(self.conn.execute(
            "SELECT d.hash, h.expires FROM hub_assignments h JOIN documents d ON d.id = h.document_id "
            "WHERE h.hub_id = ? AND h.annotator = ?", (hub_id, annotator)).fetchall())

    # ---- for the window's status bar and "next" (cheap, no network) --------------------------
    def _remembered_hub(self, annotator: str | None, hub_id: str | None) -> tuple[str | None, str | None]:
        get = self._settings.get_setting
        return (hub_id or get("hub_id"), annotator or get("hub_annotator"))

    def hub_pending_decisions(self, annotator: str | None = None, hub_id: str | None = None) -> int:
        """How many of this annotator's decisions changed since the last push to the hub (the
        project's remembered hub and annotator unless given). A project that never synced:
        0 with no annotator named; every one of theirs when named (all wait for a first sync)."""
        hub_id, annotator = self._remembered_hub(annotator, hub_id)
        if not annotator:
            return 0
        row = self.conn.execute("SELECT pushed_rev FROM hub_state WHERE hub_id = ? AND annotator = ?",
                                (hub_id, annotator)).fetchone() if hub_id else None
        return self.conn.execute(
            "SELECT count(*) FROM sync_log l JOIN annotations a ON a.id = l.row_id "
            "WHERE l.kind = 'annotation' AND l.rev > ? AND a.annotator = ?",
            (row[0] if row else 0, annotator)).fetchone()[0]

    def hub_assigned_ids(self, annotator: str | None = None, hub_id: str | None = None,
                         *, undecided: bool = True) -> list[int]:
        """Local ids of the documents the hub assigned to this annotator at the last sync, in
        the hub's order (the window's "next" takes these first). undecided: leave out those the
        annotator has decided since (accept, reject or ignore)."""
        hub_id, annotator = self._remembered_hub(annotator, hub_id)
        if not hub_id or not annotator:
            return []
        sql = "SELECT h.document_id FROM hub_assignments h WHERE h.hub_id = ? AND h.annotator = ?"
        if undecided:
            sql += (" AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.document_id = h.document_id "
                    "AND a.annotator = h.annotator AND a.answer <> 'draft')")
        return [r[0] for r in self.conn.execute(sql + " ORDER BY h.document_id", (hub_id, annotator))]
