"""The project file's one connection (`Database`: opening, schema check, migrations, busy
retries, the one transaction) and the base of the repositories built over it.

Every public write is one transaction (BEGIN IMMEDIATE, so two processes never deadlock on
a lock upgrade). WAL with synchronous=FULL: a decision is on disk when the call returns.
A Store object belongs to one thread; workers open their own on the same path.
"""

from __future__ import annotations

import contextlib
import math
import os
import sqlite3
import time
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence, TypeVar

import sqlite_utils

from annotator.core.errors import ProjectBusy, ProjectError, RecordError
from annotator.core.store.schema import APPLICATION_ID
from annotator.core.store.guard.bounds import MAX_TEXT_BYTES, GuardedConnection, QueryGuard, stopped_by_guard
from annotator.core.store.codec import default_labels
from annotator.core.store.guard.schema_check import schema_problem
from annotator.core.store.guard.values import BadValue

T = TypeVar("T")

BUSY_TIMEOUT_S = 30.0
_BUSY_RETRIES = 20


def _contains_folded(text: str | None, needle: str) -> bool:
    """SQL function for search: SQLite's lower() folds ASCII only ('École' vs 'école')."""
    return text is not None and needle in text.casefold()


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


class Database:
    """One open project file: its connection, shared by every repository of a Store."""

    def __init__(self, path: str | os.PathLike[str], migrations: Sequence[Sequence[str]], *,
                 readonly: bool, create: bool, with_default_labels: bool, untrusted: bool = False) -> None:
        """The one way a project file is opened (--db, File -> Open, the recent list, a merge's
        other file): trusted_schema=OFF and the schema check (schema_check.py) before any
        other query, under the query bound (bounds.py). `untrusted` (a teammate's file): read-only,
        every statement bounded, and no value over the size limits is loaded."""
        self.path = Path(path)
        self.readonly = readonly = readonly or untrusted
        self.untrusted = untrusted
        size = self.path.stat().st_size if self.path.is_file() else None
        # An empty file is a new project only where we may create one: two processes creating
        # the same project both see it empty for a moment. A command that reads refuses it.
        if size == 0 and (readonly or not create):
            raise ProjectError(f"{self.path}: the file is empty (0 bytes), not an annotator project")
        exists = bool(size)
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
            self._check_and_migrate(migrations, with_default_labels)
        except sqlite3.DatabaseError as exc:
            stopped = stopped_by_guard(self.conn, exc) if hasattr(self, "conn") else None
            with contextlib.suppress(Exception):
                self.conn.close()
            raise ProjectError(f"{self.path}: {stopped or f'not an annotator project ({exc})'}") from None
        except BaseException:
            # A refused file (newer schema...) keeps no connection open, nor its -wal/-shm files.
            with contextlib.suppress(Exception):
                self.conn.close()
            raise
        self._db: sqlite_utils.Database | None = None
        self._depth = 0

    @property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils over our connection, made when first needed: making it scans the
        installed packages for plugins (0.2 s), which the window's start-up should not wait for."""
        if self._db is None:
            self._db = sqlite_utils.Database(self.conn)
        return self._db

    # ---- connection and transactions -------------------------------------------------
    def _connect(self) -> GuardedConnection:
        # mode=ro, not immutable=1: a teammate's last commits still in their -wal are read,
        # and nothing is ever written to their file.
        if self.readonly:
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_S,
                                   check_same_thread=False, factory=GuardedConnection)
        else:
            conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=BUSY_TIMEOUT_S,
                                   check_same_thread=False, factory=GuardedConnection)
        # Before anything reads the schema: functions with side effects and virtual tables are
        # not run from views and triggers, and a damaged cell is an error, not a crash.
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("PRAGMA cell_size_check = ON")
        # Until the file's read lock is held (_check_and_migrate), your own project's open is
        # bounded in work only: it may wait for another process's lock (the window and a
        # command share a project), which is not work.
        conn.set_guard(QueryGuard() if self.untrusted else QueryGuard(seconds=math.inf))
        if self.untrusted:
            conn.execute("PRAGMA query_only = ON")
            conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_TEXT_BYTES)  # bigger cells: an error, not a load
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.create_function("contains_folded", 2, _contains_folded, deterministic=True)
        return conn  # PRAGMA synchronous loads the schema: it comes after the bounded check

    def _check_and_migrate(self, migrations: Sequence[Sequence[str]], with_default_labels: bool) -> None:
        conn = self.conn
        latest = len(migrations)
        # One read transaction: its lock is taken by the header's first read (which needs no
        # schema), then loading and checking the schema cannot wait on anyone, so it runs
        # under the time bound of `check` and `merge` too (issue 29: 250,000 views in a file
        # took SQLite 3 minutes to load in `stats --db`, against 5 s for `check`).
        conn.execute("BEGIN")
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if not self.untrusted:
                conn.set_guard(QueryGuard())
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if app_id != APPLICATION_ID and (tables or version):
                raise ProjectError(f"{self.path}: not an annotator project (it is another SQLite database)")
            if version > latest:
                raise ProjectError(f"{self.path}: made by a newer annotator (schema {version}, this "
                                   f"version reads up to {latest}); upgrade annotator to open it")
            problem = schema_problem(conn, migrations[:version])
            if problem:
                raise ProjectError(f"{self.path}: not a sound annotator project: {problem}")
        finally:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("COMMIT")
        if not self.untrusted:
            conn.set_guard(None)  # our own project, checked: long legitimate work is not cut
        if not self.readonly:
            conn.execute("PRAGMA synchronous = FULL")
        if version == latest:
            return
        if self.readonly:
            raise ProjectError(f"{self.path}: needs a schema upgrade, which a read-only open cannot do")
        if version > 0:
            self._backup_before_migration(version)
        self._retry_busy(lambda: conn.execute("PRAGMA journal_mode = WAL"))
        self._begin()
        # Another process may have created or upgraded the project while we waited for the lock.
        if conn.execute("PRAGMA user_version").fetchone()[0] == latest:
            conn.execute("COMMIT")
            return
        try:
            for statements in migrations[version:]:
                for sql in statements:
                    conn.execute(sql)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {latest}")
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
                               f"{latest} failed ({exc}); the file was left as it was") from None
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

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def data_version(self) -> int:
        """SQLite's counter of commits by other connections (PRAGMA data_version): unchanged
        means nobody else wrote since the last look. A cheap call."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def close(self) -> None:
        self.conn.close()

    def value(self, where: str, decode: Callable[[Any], T], raw: Any) -> T:
        """decode(raw) for a value of this file; a bad one is one line naming file and row."""
        try:
            return decode(raw)
        except BadValue as exc:
            raise RecordError(str(self.path), None, f"{where}: {exc}") from None

    def integrity_check(self) -> str:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0]


class Repository:
    """One concern's reads and writes (documents, labels, drafts...) over the project's one
    Database. A repository that needs another's rows is given that repository when the Store
    is built, so what depends on what is written in one place (Store.__init__)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    @property
    def conn(self) -> GuardedConnection:
        return self.database.conn

    @property
    def db(self) -> sqlite_utils.Database:
        return self.database.db

    @property
    def path(self) -> Path:
        return self.database.path

    def transaction(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        """The Database's one transaction: nested inside another repository's, a savepoint."""
        return self.database.transaction()

    def _value(self, where: str, decode: Callable[[Any], T], raw: Any) -> T:
        return self.database.value(where, decode, raw)
