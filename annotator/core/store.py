"""The project store: one SQLite file is one project.

Every public write is one transaction (BEGIN IMMEDIATE, so two processes never deadlock on
a lock upgrade). WAL with synchronous=FULL: a decision is on disk when the call returns.
A Store object belongs to one thread; workers open their own on the same path.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import orjson
import sqlite_utils

from annotator.core.errors import ProjectBusy, ProjectError, SpanError
from annotator.core.model import (
    ANSWER_TO_STATUS, ANSWERS, STATUS_DRAFT, STATUS_NEW, Annotation, Document, Label, Review, Span,
    text_hash,
)
from annotator.core.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from annotator.core.spans import validate_spans
from annotator.paths import resource_path

BUSY_TIMEOUT_S = 30.0
_BUSY_RETRIES = 20


def dumps(value: Any) -> str:
    return orjson.dumps(value).decode("utf-8")


def spans_to_json(spans: Iterable[Span], with_source: bool = False) -> str:
    return dumps([s.to_dict(with_source) for s in spans])


def spans_from_json(raw: str) -> tuple[Span, ...]:
    return tuple(Span.from_dict(d) for d in orjson.loads(raw))


def default_labels() -> list[Label]:
    data = json.loads(resource_path("labels.json").read_text(encoding="utf-8"))
    return [Label(d["name"], d["color"], d.get("key"), i) for i, d in enumerate(data["labels"])]


_PALETTE = ["#f4a6a6", "#9fc5f8", "#b6e3a8", "#fde29a", "#d5b8f0", "#f9c99b", "#a8e6e1",
            "#e6d3b3", "#c9e89a", "#f7b6d9", "#b3c7e6", "#d9d9a3"]
_KEYS = [str(i) for i in range(1, 10)] + ["0"]


def _contains_folded(text: str | None, needle: str) -> bool:
    """SQL function for search: SQLite's lower() folds ASCII only ('École' vs 'école')."""
    return text is not None and needle in text.casefold()


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


class Store:
    """A project file. Open with Store(path); close() when done (or use as a context manager)."""

    def __init__(self, path: str | os.PathLike[str], *, readonly: bool = False,
                 create: bool = True, with_default_labels: bool = True):
        self.path = Path(path)
        self.readonly = readonly
        exists = self.path.exists() and self.path.stat().st_size > 0
        if not exists and (readonly or not create):
            raise ProjectError(f"{self.path}: no such project file")
        # Root passes os.access on a chmod 444 file: no write bit at all also means read-only.
        if exists and not readonly and (not os.access(self.path, os.W_OK)
                                        or not self.path.stat().st_mode & 0o222):
            raise ProjectError(f"{self.path}: the file is read-only; open it read-only or copy it")
        if not exists:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = self._connect()
            self._check_and_migrate(exists, with_default_labels)
        except sqlite3.DatabaseError as exc:
            with contextlib.suppress(Exception):
                self.conn.close()
            raise ProjectError(f"{self.path}: not an annotator project ({exc})") from None
        except BaseException:
            # A refused file (newer schema...) keeps no connection open, nor its -wal/-shm files.
            with contextlib.suppress(Exception):
                self.conn.close()
            raise
        self.db = sqlite_utils.Database(self.conn)
        self._depth = 0

    # ---- connection and transactions -------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        if self.readonly:
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_S,
                                   check_same_thread=False)
        else:
            conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=BUSY_TIMEOUT_S,
                                   check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.create_function("contains_folded", 2, _contains_folded, deterministic=True)
        if not self.readonly:
            conn.execute("PRAGMA synchronous = FULL")
        return conn

    def _check_and_migrate(self, existed: bool, with_default_labels: bool) -> None:
        conn = self.conn
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app_id != APPLICATION_ID and (tables or version):
            raise ProjectError(f"{self.path}: not an annotator project (it is another SQLite database)")
        if version > SCHEMA_VERSION:
            raise ProjectError(f"{self.path}: made by a newer annotator (schema {version}, this "
                               f"version reads up to {SCHEMA_VERSION}); upgrade annotator to open it")
        if version == SCHEMA_VERSION:
            return
        if self.readonly:
            raise ProjectError(f"{self.path}: needs a schema upgrade, which a read-only open cannot do")
        if version > 0:
            self._backup_before_migration(version)
        self._retry_busy(lambda: conn.execute("PRAGMA journal_mode = WAL"))
        self._begin()
        # Another process may have created or upgraded the project while we waited for the lock.
        if conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
            conn.execute("COMMIT")
            return
        try:
            for statements in MIGRATIONS[version:]:
                for sql in statements:
                    conn.execute(sql)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            if version == 0:
                conn.execute("INSERT INTO project (key, value) VALUES ('created', ?)", (str(time.time()),))
                conn.execute("INSERT INTO project (key, value) VALUES ('lang', 'en')")
                if with_default_labels:
                    conn.executemany(
                        "INSERT INTO labels (name, color, key, position) VALUES (?, ?, ?, ?)",
                        [(l.name, l.color, l.key, l.position) for l in default_labels()])
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            conn.execute("ROLLBACK")
            raise ProjectError(f"{self.path}: upgrading the project from schema {version} to "
                               f"{SCHEMA_VERSION} failed ({exc}); the file was left as it was") from None
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _backup_before_migration(self, version: int) -> Path:
        target = self.path.with_name(f"{self.path.name}.schema{version}.bak")
        backup = sqlite3.connect(str(target))
        with backup:
            self.conn.backup(backup)
        backup.close()
        return target

    def set_busy_wait(self, timeout_s: float, retries: int) -> None:
        """How long a write waits for another process's write to finish before it raises
        ProjectBusy. The window waits briefly and keeps the write to retry, rather than freeze."""
        self._busy_retries = max(1, retries)
        self.conn.execute(f"PRAGMA busy_timeout = {int(timeout_s * 1000)}")

    def _begin(self) -> None:
        retries = getattr(self, "_busy_retries", _BUSY_RETRIES)
        for attempt in range(retries):
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc):
                    raise
                if attempt == retries - 1:
                    raise ProjectBusy(f"{self.path}: the project file is busy: another program "
                                      "is writing to it") from None
                time.sleep(0.05 * (attempt + 1))

    def _retry_busy(self, call: Any) -> Any:
        """Run `call()`, retrying while another process holds the lock (e.g. switching to WAL)."""
        for attempt in range(_BUSY_RETRIES):
            try:
                return call()
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or attempt == _BUSY_RETRIES - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write. Nested calls become savepoints of the outer transaction."""
        if self.readonly:
            raise ProjectError(f"{self.path}: opened read-only")
        if self._depth:
            name = f"sp{self._depth}"
            self.conn.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield self.conn
            except BaseException:
                self.conn.execute(f"ROLLBACK TO {name}")
                self.conn.execute(f"RELEASE {name}")
                raise
            else:
                self.conn.execute(f"RELEASE {name}")
            finally:
                self._depth -= 1
            return
        self._begin()
        self._depth = 1
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._depth = 0

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def integrity_check(self) -> str:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0]

    # ---- project settings --------------------------------------------------------------
    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM project WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction():
            self.db["project"].upsert({"key": key, "value": value}, pk="key")

    @property
    def lang(self) -> str:
        return self.get_setting("lang", "en") or "en"

    # ---- documents -------------------------------------------------------------------
    @staticmethod
    def _document(row: Sequence[Any]) -> Document:
        return Document(row[0], row[1], row[2], orjson.loads(row[3]), row[4])

    def add_document(self, text: str, meta: dict[str, Any] | None = None) -> tuple[int, bool]:
        """Add one document; returns (id, added). The same text twice is stored once."""
        ids, added = self.add_documents([(text, meta or {})])
        return ids[0], bool(added)

    def add_documents(self, records: Iterable[tuple[str, dict[str, Any]]], *,
                      with_ids: bool = True, hashes: Sequence[str] | None = None
                      ) -> tuple[list[int], int]:
        """Add documents in one transaction; returns (id of each record, number newly added).

        For the import (H1): with_ids=False skips looking the ids up, returning ([], added);
        hashes are the texts' text_hash when already computed (in the import's reader thread).
        """
        now = time.time()
        rows = []
        for i, (text, meta) in enumerate(records):
            if not isinstance(text, str):
                raise TypeError("document text must be a string")
            rows.append((text_hash(text) if hashes is None else hashes[i], text, dumps(meta or {}), now))
        with self.transaction() as c:
            before = c.total_changes
            c.executemany("INSERT OR IGNORE INTO documents (hash, text, meta, added) VALUES (?, ?, ?, ?)",
                          rows)
            added = c.total_changes - before
            if not with_ids:
                return [], added
            ids = self.ids_for_hashes([r[0] for r in rows])
        return [ids[r[0]] for r in rows], added

    def ids_for_hashes(self, hashes: Sequence[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for i in range(0, len(hashes), 500):
            chunk = list(hashes[i:i + 500])
            marks = ",".join("?" * len(chunk))
            out.update(self.conn.execute(
                f"SELECT hash, id FROM documents WHERE hash IN ({marks})", chunk).fetchall())
        return out

    def get_document(self, doc_id: int) -> Document:
        row = self.conn.execute("SELECT id, hash, text, meta, added FROM documents WHERE id = ?",
                                (doc_id,)).fetchone()
        if row is None:
            raise KeyError(doc_id)
        return self._document(row)

    def document_by_hash(self, digest: str) -> Document | None:
        row = self.conn.execute("SELECT id, hash, text, meta, added FROM documents WHERE hash = ?",
                                (digest,)).fetchone()
        return self._document(row) if row else None

    def count_documents(self) -> int:
        return self.conn.execute("SELECT count(*) FROM documents").fetchone()[0]

    # (H5, GUI document list) previews without loading whole texts.
    def document_previews(self, doc_ids: Sequence[int], length: int = 200
                          ) -> dict[int, tuple[str, dict[str, Any]]]:
        """{id: (first `length` characters, meta)} for the given ids, in one query per 500."""
        out: dict[int, tuple[str, dict[str, Any]]] = {}
        ids = list(doc_ids)
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            # Bytes, not substr(text): SQLite's text functions stop at a NUL character.
            for doc_id, head, meta in self.conn.execute(
                    f"SELECT id, substr(CAST(text AS BLOB), 1, ?), meta FROM documents WHERE id IN ({marks})",
                    [length * 4, *chunk]):
                out[doc_id] = (bytes(head).decode("utf-8", "ignore")[:length], orjson.loads(meta))
        return out

    def document_ids(self, search: str | None = None) -> list[int]:
        """All document ids in project order, optionally only those whose text contains `search`
        (case-insensitive)."""
        if search and not search.isascii():
            rows = self.conn.execute("SELECT id FROM documents WHERE contains_folded(text, ?) ORDER BY id",
                                     (search.casefold(),))
        elif search:
            rows = self.conn.execute("SELECT id FROM documents WHERE instr(lower(text), lower(?)) > 0 "
                                     "ORDER BY id", (search,))
        else:
            rows = self.conn.execute("SELECT id FROM documents ORDER BY id")
        return [r[0] for r in rows]

    def iter_documents(self, batch_size: int = 1000) -> Iterator[Document]:
        """Stream every document in id order without holding them all in memory."""
        last = -1
        while True:
            rows = self.conn.execute(
                "SELECT id, hash, text, meta, added FROM documents WHERE id > ? ORDER BY id LIMIT ?",
                (last, batch_size)).fetchall()
            if not rows:
                return
            for row in rows:
                yield self._document(row)
            last = rows[-1][0]

    # ---- annotations -----------------------------------------------------------------
    @staticmethod
    def _annotation(row: Sequence[Any]) -> Annotation:
        return Annotation(row[0], row[1], row[2], spans_from_json(row[3]), row[4], row[5])

    def check_spans(self, doc_id: int, spans: Iterable[Any]) -> list[Span]:
        """Validate spans against the document's text and the project's labels."""
        text = self.get_document(doc_id).text
        checked = validate_spans(text, spans)
        known = set(self.label_names())
        unknown = sorted({s.label for s in checked} - known)
        if unknown:
            raise SpanError(f"unknown label(s): {', '.join(unknown)}")
        return checked

    def save_annotation(self, doc_id: int, annotator: str, answer: str, spans: Iterable[Any], *,
                        timestamp: float | None = None, validate: bool = True,
                        clear_draft: bool = True) -> Annotation:
        """Record a decision; the previous version, if any, goes to annotation_history."""
        if answer not in ANSWERS:
            raise ValueError(f"answer must be one of {', '.join(ANSWERS)}, not {answer!r}")
        if not annotator:
            raise ValueError("annotator name must not be empty")
        checked = self.check_spans(doc_id, spans) if validate else [Span.from_dict(s) if isinstance(s, dict) else s for s in spans]
        now = time.time() if timestamp is None else timestamp
        payload = spans_to_json(checked)
        with self.transaction() as c:
            c.execute(
                "INSERT INTO annotations (document_id, annotator, answer, spans, created, updated) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(document_id, annotator) DO UPDATE SET "
                "answer = excluded.answer, spans = excluded.spans, updated = excluded.updated",
                (doc_id, annotator, answer, payload, now, now))
            if clear_draft:
                c.execute("DELETE FROM drafts WHERE document_id = ? AND annotator = ?", (doc_id, annotator))
        got = self.get_annotation(doc_id, annotator)
        assert got is not None
        return got

    def merge_annotation(self, doc_id: int, annotator: str, answer: str, spans: Iterable[Any],
                         created: float, updated: float, *, validate: bool = True) -> str:
        """Bring in a version made elsewhere (teammate's project, imported export).

        The newer version becomes current and the older goes to history, so merging is
        idempotent and nothing is lost. Returns 'added', 'updated', 'history' (the incoming
        version was older and was filed in history) or 'unchanged'.
        """
        if answer not in ANSWERS:
            raise ValueError(f"answer must be one of {', '.join(ANSWERS)}, not {answer!r}")
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
            if cur_answer == answer and spans_from_json(cur_spans) == tuple(checked):
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

    # ---- many merges at once (helper H1: core/importing.py) ---------------------------
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
        return self._annotation(row) if row else None

    def annotations_for_document(self, doc_id: int) -> list[Annotation]:
        rows = self.conn.execute(
            "SELECT document_id, annotator, answer, spans, created, updated FROM annotations "
            "WHERE document_id = ? ORDER BY annotator", (doc_id,))
        return [self._annotation(r) for r in rows]

    def iter_annotations(self, annotator: str | None = None, answer: str | None = None,
                         batch_size: int = 1000, *, by_document: bool = False
                         ) -> Iterator[tuple[Document, Annotation]]:
        """Stream (document, annotation) pairs in the order they were made, filtered by
        annotator/answer; by_document: by document, then annotator (a document's versions
        together, for formats that write a document once)."""
        where, params = self._annotation_filter(annotator, answer, column_prefix="a.")
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
                yield self._document(row[:5]), self._annotation(row[5:11])
            last = [rows[-1][11]] if not by_document else [rows[-1][5], rows[-1][6]]

    def annotation_history(self, doc_id: int, annotator: str | None = None) -> list[Annotation]:
        """Earlier versions, oldest first."""
        sql = ("SELECT document_id, annotator, answer, spans, created, updated FROM annotation_history "
               "WHERE document_id = ?")
        params: list[Any] = [doc_id]
        if annotator:
            sql += " AND annotator = ?"
            params.append(annotator)
        return [self._annotation(r) for r in self.conn.execute(sql + " ORDER BY id", params)]

    def annotators(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT annotator FROM annotations ORDER BY 1")]

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
        return spans_from_json(row[0]) if row else None

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

    # ---- suggestions cache -------------------------------------------------------------
    def get_suggestions(self, doc_id: int, model: str) -> tuple[Span, ...] | None:
        row = self.conn.execute("SELECT spans FROM suggestions WHERE document_id = ? AND model = ?",
                                (doc_id, model)).fetchone()
        return spans_from_json(row[0]) if row else None

    def save_suggestions(self, model: str, items: Iterable[tuple[int, Iterable[Span]]]) -> None:
        now = time.time()
        rows = [(doc_id, model, spans_to_json(spans, with_source=True), now) for doc_id, spans in items]
        with self.transaction() as c:
            c.executemany("INSERT OR REPLACE INTO suggestions (document_id, model, spans, created) "
                          "VALUES (?, ?, ?, ?)", rows)

    def suggested_ids(self, model: str) -> set[int]:
        return {r[0] for r in self.conn.execute("SELECT document_id FROM suggestions WHERE model = ?",
                                                (model,))}

    # ---- labels ----------------------------------------------------------------------
    def labels(self) -> list[Label]:
        return [Label(*r) for r in self.conn.execute(
            "SELECT name, color, key, position FROM labels ORDER BY position, name")]

    def label_names(self) -> list[str]:
        return [l.name for l in self.labels()]

    def add_label(self, name: str, color: str | None = None, key: str | None = None) -> Label:
        name = name.strip()
        if not name:
            raise ValueError("label name must not be empty")
        existing = self.labels()
        if any(l.name == name for l in existing):
            raise ValueError(f"label {name} already exists")
        used_keys = {l.key for l in existing}
        if key is None:
            key = next((k for k in _KEYS if k not in used_keys), None)
        color = color or _PALETTE[len(existing) % len(_PALETTE)]
        position = max((l.position for l in existing), default=-1) + 1
        with self.transaction():
            self.db["labels"].insert({"name": name, "color": color, "key": key, "position": position})
        return Label(name, color, key, position)

    def ensure_labels(self, names: Iterable[str]) -> list[str]:
        """Add any labels not yet in the project; returns the names added."""
        known = set(self.label_names())
        added = []
        for name in sorted(set(names) - known):
            self.add_label(name)
            added.append(name)
        return added

    def remove_label(self, name: str) -> None:
        with self.transaction():
            try:
                self.db["labels"].delete(name)
            except sqlite_utils.db.NotFoundError:
                raise KeyError(name) from None

    def set_label_color(self, name: str, color: str) -> None:
        with self.transaction():
            try:
                self.db["labels"].update(name, {"color": color})
            except sqlite_utils.db.NotFoundError:
                raise KeyError(name) from None

    def rename_label(self, old: str, new: str) -> None:
        """Rename a label everywhere: label set, annotations (history keeps the old), drafts."""
        new = new.strip()
        if not new:
            raise ValueError("label name must not be empty")
        if new in self.label_names():
            raise ValueError(f"label {new} already exists")
        with self.transaction() as c:
            if not c.execute("UPDATE labels SET name = ? WHERE name = ?", (new, old)).rowcount:
                raise KeyError(old)
            for table, key_cols in (("annotations", "id"), ("drafts", "document_id, annotator"),
                                    ("reviews", "document_id")):
                for row in c.execute(f"SELECT {key_cols}, spans FROM {table}").fetchall():
                    spans = orjson.loads(row[-1])
                    if any(s["label"] == old for s in spans):
                        for s in spans:
                            if s["label"] == old:
                                s["label"] = new
                        cols = key_cols.split(", ")
                        cond = " AND ".join(f"{col} = ?" for col in cols)
                        c.execute(f"UPDATE {table} SET spans = ? WHERE {cond}", (dumps(spans), *row[:-1]))

    # ---- reviews ---------------------------------------------------------------------
    def save_review(self, doc_id: int, reviewer: str, spans: Iterable[Any],
                    sources: Iterable[str]) -> Review:
        checked = self.check_spans(doc_id, spans)
        now = time.time()
        with self.transaction() as c:
            c.execute("INSERT INTO reviews (document_id, reviewer, spans, sources, created) "
                      "VALUES (?, ?, ?, ?, ?) ON CONFLICT(document_id) DO UPDATE SET "
                      "reviewer = excluded.reviewer, spans = excluded.spans, "
                      "sources = excluded.sources, created = excluded.created",
                      (doc_id, reviewer, spans_to_json(checked), dumps(sorted(sources)), now))
        review = self.get_review(doc_id)
        assert review is not None
        return review

    def get_review(self, doc_id: int) -> Review | None:
        row = self.conn.execute("SELECT document_id, reviewer, spans, sources, created FROM reviews "
                                "WHERE document_id = ?", (doc_id,)).fetchone()
        if not row:
            return None
        return Review(row[0], row[1], spans_from_json(row[2]), tuple(orjson.loads(row[3])), row[4])

    def iter_reviews(self) -> Iterator[tuple[Document, Review]]:
        for (doc_id,) in self.conn.execute("SELECT document_id FROM reviews ORDER BY document_id").fetchall():
            review = self.get_review(doc_id)
            assert review is not None
            yield self.get_document(doc_id), review

    # ---- merging reviews (helper H6: core/merge.py) -----------------------------------
    def merge_review(self, doc_id: int, reviewer: str, spans: Iterable[Any], sources: Iterable[str],
                     created: float, *, validate: bool = True) -> str:
        """Bring in a review made elsewhere, like merge_annotation: the newer one becomes
        current, the older is filed in review_history, twice is the same as once. Returns
        'added', 'updated', 'history' or 'unchanged'."""
        checked = self.check_spans(doc_id, spans) if validate else sorted(spans)
        payload, src = spans_to_json(checked), dumps(sorted(sources))
        with self.transaction() as c:
            row = c.execute("SELECT reviewer, spans, sources, created FROM reviews WHERE document_id = ?",
                            (doc_id,)).fetchone()
            if row is None:
                c.execute("INSERT INTO reviews (document_id, reviewer, spans, sources, created) "
                          "VALUES (?, ?, ?, ?, ?)", (doc_id, reviewer, payload, src, created))
                return "added"
            if (row[0] == reviewer and spans_from_json(row[1]) == tuple(checked)
                    and tuple(orjson.loads(row[2])) == tuple(sorted(sources))):
                return "unchanged"
            if created > row[3]:
                c.execute("UPDATE reviews SET reviewer = ?, spans = ?, sources = ?, created = ? "
                          "WHERE document_id = ?", (reviewer, payload, src, created, doc_id))
                return "updated"
            if c.execute("SELECT 1 FROM review_history WHERE document_id = ? AND reviewer = ? AND spans = ? "
                         "AND sources = ? AND created = ?", (doc_id, reviewer, payload, src, created)).fetchone():
                return "unchanged"
            c.execute("INSERT INTO review_history (document_id, reviewer, spans, sources, created, replaced) "
                      "VALUES (?, ?, ?, ?, ?, ?)", (doc_id, reviewer, payload, src, created, time.time()))
            return "history"

    # ---- trained pipelines (helper H8: core/train.py) ---------------------------------
    def record_trained_model(self, path: str, base: str | None, scores: dict[str, Any]) -> int:
        """Note a pipeline trained from this project's gold; returns its row id."""
        with self.transaction():
            table = self.db["trained_models"].insert(
                {"path": str(path), "base": base, "created": time.time(), "scores": dumps(scores)})
            return int(table.last_rowid)

    def trained_models(self) -> list[dict[str, Any]]:
        """Every recorded trained pipeline, oldest first: {id, path, base, created, scores}."""
        rows = self.conn.execute("SELECT id, path, base, created, scores FROM trained_models ORDER BY id")
        return [{"id": r[0], "path": r[1], "base": r[2], "created": r[3], "scores": orjson.loads(r[4])}
                for r in rows]

    # ---- export and statistics queries (helper H2: core/exporting.py, core/stats.py) -------
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

    # ---- the gold policy's queries (core/gold.py) ------------------------------------------
    def iter_decided_documents(self, doc_ids: Sequence[int] | None = None, batch_size: int = 500
                               ) -> Iterator[tuple[Document, list[Annotation], Review | None]]:
        """(document, its accepted versions by annotator name, its review or None) for every
        document with an accepted version or a review (or only `doc_ids`), in id order.
        Three queries per batch, so the whole project streams in constant memory."""
        if doc_ids is None:
            doc_ids = [r[0] for r in self.conn.execute(
                "SELECT document_id FROM annotations WHERE answer = 'accept' UNION "
                "SELECT document_id FROM reviews ORDER BY 1")]
        ids = list(doc_ids)
        for i in range(0, len(ids), batch_size):
            chunk = ids[i:i + batch_size]
            marks = ",".join("?" * len(chunk))
            docs = {r[0]: self._document(r) for r in self.conn.execute(
                f"SELECT id, hash, text, meta, added FROM documents WHERE id IN ({marks})", chunk)}
            versions: dict[int, list[Annotation]] = {}
            for row in self.conn.execute(
                    "SELECT document_id, annotator, answer, spans, created, updated FROM annotations "
                    f"WHERE answer = 'accept' AND document_id IN ({marks}) ORDER BY annotator", chunk):
                versions.setdefault(row[0], []).append(self._annotation(row))
            reviews = {r[0]: Review(r[0], r[1], spans_from_json(r[2]), tuple(orjson.loads(r[3])), r[4])
                       for r in self.conn.execute(
                           "SELECT document_id, reviewer, spans, sources, created FROM reviews "
                           f"WHERE document_id IN ({marks})", chunk)}
            for doc_id in chunk:
                if doc_id in docs:
                    yield docs[doc_id], versions.get(doc_id, []), reviews.get(doc_id)

    def maybe_disputed_ids(self) -> list[int]:
        """Documents without a review whose accepted versions are not all the same text of
        spans: a superset of the disputed ones (equal JSON means equal spans; unequal JSON
        is checked span by span by the gold policy)."""
        return [r[0] for r in self.conn.execute(
            "SELECT document_id FROM annotations WHERE answer = 'accept' "
            "AND document_id NOT IN (SELECT document_id FROM reviews) "
            "GROUP BY document_id HAVING count(DISTINCT spans) > 1 ORDER BY document_id")]

    def shared_document_ids(self, answer: str = "accept") -> list[int]:
        """Documents that two or more annotators gave this answer, in id order."""
        return [r[0] for r in self.conn.execute(
            "SELECT document_id FROM annotations WHERE answer = ? GROUP BY document_id "
            "HAVING count(*) >= 2 ORDER BY document_id", (answer,))]

    def shared_accepted_ids(self) -> list[int]:
        return self.shared_document_ids("accept")

    def count_accepted_unreviewed(self) -> int:
        """Documents with an accepted version and no review."""
        return self.conn.execute(
            "SELECT count(DISTINCT document_id) FROM annotations WHERE answer = 'accept' "
            "AND document_id NOT IN (SELECT document_id FROM reviews)").fetchone()[0]
