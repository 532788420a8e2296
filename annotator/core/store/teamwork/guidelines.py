"""The guidelines (subject "") and label descriptions (subject = the label) of local
migration 8; the rules are core/team/guidelines.py. Every change files the old version in
team_guideline_history (a trigger), so nothing written is lost, merge and sync included."""

from __future__ import annotations

import time
from typing import Any, Sequence

from annotator.core.errors import RecordError
from annotator.core.text.model import Guideline
from annotator.core.store.codec import dumps, loads
from annotator.core.store.connection import Repository
from annotator.core.store.guard.values import BadValue

_COLUMNS = "subject, text, examples, author, updated"


def _examples(raw: Any) -> tuple[str, ...]:
    data = loads(raw, "examples")
    if not isinstance(data, list) or not all(isinstance(x, str) for x in data):
        raise BadValue("examples are not a list of phrases")
    return tuple(data)


class Guidelines(Repository):
    def _guideline(self, row: Sequence[Any]) -> Guideline:
        where = f"guideline {str(row[0])[:40]!r}"
        if not all(isinstance(v, str) for v in (row[0], row[1], row[3])):
            raise RecordError(str(self.path), None, f"{where}: its subject, text or author is not text")
        return Guideline(row[0], row[1], self._value(where, _examples, row[2]), row[3], row[4])

    def get_guideline(self, subject: str) -> Guideline | None:
        row = self.conn.execute(f"SELECT {_COLUMNS} FROM team_guidelines WHERE subject = ?", (subject,)).fetchone()
        return self._guideline(row) if row else None

    def all(self) -> list[Guideline]:
        """The project's guidelines (if written) first, then label descriptions by label name."""
        return [self._guideline(r) for r in self.conn.execute(f"SELECT {_COLUMNS} FROM team_guidelines ORDER BY subject")]

    def write_guideline(self, subject: str, text: str, examples: Sequence[str], author: str, updated: float) -> None:
        with self.transaction() as c:
            c.execute("INSERT INTO team_guidelines (subject, text, examples, author, updated) VALUES (?, ?, ?, ?, ?) "
                      "ON CONFLICT(subject) DO UPDATE SET text = excluded.text, examples = excluded.examples, "
                      "author = excluded.author, updated = excluded.updated",
                      (subject, text, dumps(list(examples)), author, updated))

    def guideline_history(self, subject: str) -> list[Guideline]:
        """Earlier versions of one subject, oldest first."""
        return [self._guideline(r) for r in self.conn.execute(
            f"SELECT {_COLUMNS} FROM team_guideline_history WHERE subject = ? ORDER BY id", (subject,))]

    def merge_guideline(self, subject: str, text: str, examples: Sequence[str], author: str, updated: float) -> str:
        """Bring in a version written elsewhere: the newer one is current, the older filed in
        history; 'added', 'updated', 'history' or 'unchanged' (as merge_review)."""
        payload = dumps(list(examples))
        with self.transaction() as c:
            row = c.execute("SELECT text, examples, author, updated FROM team_guidelines WHERE subject = ?",
                            (subject,)).fetchone()
            if row is None:
                c.execute("INSERT INTO team_guidelines (subject, text, examples, author, updated) VALUES (?, ?, ?, ?, ?)",
                          (subject, text, payload, author, updated))
                return "added"
            if (row[0], row[1], row[2], row[3]) == (text, payload, author, updated):
                return "unchanged"
            if updated > row[3]:
                c.execute("UPDATE team_guidelines SET text = ?, examples = ?, author = ?, updated = ? WHERE subject = ?",
                          (text, payload, author, updated, subject))
                return "updated"
            if c.execute("SELECT 1 FROM team_guideline_history WHERE subject = ? AND text = ? AND examples = ? "
                         "AND author = ? AND updated = ?", (subject, text, payload, author, updated)).fetchone():
                return "unchanged"
            c.execute("INSERT INTO team_guideline_history (subject, text, examples, author, updated, replaced) "
                      "VALUES (?, ?, ?, ?, ?, ?)", (subject, text, payload, author, updated, time.time()))
            return "history"

    # ---- the team hub (core/hub/teamwork.py) -------------------------------------------------
    def changed_guidelines(self, after_rev: int, limit: int) -> list[tuple[Any, ...]]:
        """(rev, subject, author, text, examples JSON, updated) changed since after_rev."""
        return self.conn.execute(
            "SELECT l.rev, g.subject, g.author, g.text, g.examples, g.updated FROM sync_log l "
            "JOIN team_guidelines g ON g.id = l.row_id WHERE l.kind = 'guideline' AND l.rev > ? "
            "ORDER BY l.rev LIMIT ?", (after_rev, limit)).fetchall()
