"""Bounds on what a project file can make annotator do (SQLite's "defense against the dark arts").

Sizes: a file opened as another's (a teammate's, for a merge) has every value checked before it
is used, and no value over its limit is loaded: SQLite's own length limit on that connection
refuses a bigger cell with an error instead of reading it, and reads go in batches of at most
BATCH_BYTES, so memory stays bounded whatever the file holds.

Time and work: every statement on such a file runs under a progress handler that stops it past
STATEMENT_SECONDS or STATEMENT_STEPS virtual-machine steps. Our reads of it are short batches,
so a legitimate statement never comes near the bound. Every open, of any file, runs its schema
check under the same bound, in work and time alike: the check runs inside a read transaction
whose lock is taken first (in work only: the window and a command share a project, and
waiting for the other's lock is not work), so it never waits on anyone. A project opened as
your own is not bounded after that check: the
check proves its tables are real tables with our definition and our triggers only, so every
query we run costs at most a pass over the data, and long legitimate work (a migration that
rewrites a big table, a search through 100,000 long texts) must not be cut short.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

# The sizes are the admission's (one place: core/text/admission.py, core/text/labels.py).
from annotator.core.text.admission import MAX_JSON_BYTES, MAX_NAME_CHARS, MAX_TEXT_BYTES, MIB
from annotator.core.text.labels import MAX_LABELS

__all__ = ["MAX_JSON_BYTES", "MAX_LABELS", "MAX_NAME_CHARS", "MAX_TEXT_BYTES", "MIB", "QueryGuard"]

BATCH_BYTES = 64 * MIB      # values read from another's file before they are handed on
BATCH_ROWS = 1000
STATEMENT_SECONDS = 5.0
STATEMENT_STEPS = 500_000_000
_STEPS_PER_CALL = 10_000    # the handler runs once per this many steps


class QueryGuard:
    """SQLite progress handler bounding one statement's time and work; armed per statement."""

    def __init__(self, seconds: float | None = None, steps: int | None = None) -> None:
        self.seconds = STATEMENT_SECONDS if seconds is None else seconds
        self.calls = max(1, (STATEMENT_STEPS if steps is None else steps) // _STEPS_PER_CALL)
        self.tripped: str | None = None
        self.arm()

    def arm(self) -> None:
        self.deadline = time.monotonic() + self.seconds
        self.left = self.calls

    def __call__(self) -> int:
        self.left -= 1
        if self.left < 0:
            self.tripped = f"more than {self.calls * _STEPS_PER_CALL:,} steps"
        elif time.monotonic() > self.deadline:
            self.tripped = f"more than {self.seconds:g} s"
        else:
            return 0
        return 1  # SQLite stops the statement: OperationalError("interrupted")

    def message(self) -> str:
        return (f"a query took {self.tripped} and was stopped (annotator bounds the check of every "
                "file it opens, and every query on a file it does not trust; this file may be crafted "
                "to hang it)")


class GuardedConnection(sqlite3.Connection):
    """A connection that re-arms its guard at each statement, so the bound is per statement."""

    guard: QueryGuard | None = None

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        if self.guard is not None:
            self.guard.arm()
        return super().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:
        if self.guard is not None:
            self.guard.arm()
        return super().executemany(sql, parameters)

    def set_guard(self, guard: QueryGuard | None) -> None:
        self.guard = guard
        self.set_progress_handler(guard, _STEPS_PER_CALL if guard else 0)


def stopped_by_guard(conn: sqlite3.Connection, exc: BaseException) -> str | None:
    """The guard's message if `exc` is SQLite stopping a statement for it, else None."""
    guard = getattr(conn, "guard", None)
    if guard is None or not guard.tripped or not isinstance(exc, sqlite3.OperationalError):
        return None
    message = guard.message()
    guard.tripped = None
    return message
