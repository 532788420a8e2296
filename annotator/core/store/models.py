"""What suggests besides the model's cache: pipelines trained from this project's gold, with
their held-out scores, and the team's patterns and term lists (Patterns)."""

from __future__ import annotations

import time
from typing import Any, Iterable, Iterator

import orjson

from annotator.core.learning.patterns.records import Pattern, dumps_pattern
from annotator.core.text.model import SOURCE_PATTERN, Span
from annotator.core.store.activity import _DECIDED_SPANS
from annotator.core.store.codec import dumps, loads, spans_from_json
from annotator.core.store.connection import Repository
from annotator.core.store.guard import values


def _scores(raw: Any) -> Any:
    return loads(raw, "scores")


class Models(Repository):
    def record_trained_model(self, path: str, base: str | None, scores: dict[str, Any]) -> int:
        """Note a pipeline trained from this project's gold; returns its row id."""
        with self.transaction():
            table = self.db["trained_models"].insert(
                {"path": str(path), "base": base, "created": time.time(), "scores": dumps(scores)})
            return int(table.last_rowid)

    def trained_models(self) -> list[dict[str, Any]]:
        """Every recorded trained pipeline, oldest first: {id, path, base, created, scores}."""
        rows = self.conn.execute("SELECT id, path, base, created, scores FROM trained_models ORDER BY id")
        return [{"id": r[0], "path": r[1], "base": r[2], "created": r[3], "scores": self._value(f"trained model {r[0]}", _scores, r[4])}
                for r in rows]


# ---- patterns and term lists (core/learning/patterns; local migration 7) ------------------------
# A removed pattern stays as a row with removed = 1 and the time of its removal, so a merge or a
# hub sync carries the removal: for one key the newer `changed` wins, whichever it is.
_PATTERN_ROW = "id, label, pattern, author, changed"
# The spans a decision saved (as store/activity.py finds them), for decisions whose suggestions
# at opening held a pattern's: what each pattern's precision is counted from.
_PATTERN_DECISIONS = f"""
    SELECT t.id, d.text, s.spans, ({_DECIDED_SPANS}) FROM decision_times t
    JOIN decision_suggestions s ON s.decision_id = t.id JOIN documents d ON d.id = t.document_id
    WHERE t.answer = 'accept' AND s.spans LIKE '%"{SOURCE_PATTERN}"%' ORDER BY t.id"""


def _who(author: str) -> str:
    """Who changed a pattern: a name is always recorded (a merge refuses an empty one)."""
    return author.strip() or "annotator"


def _pattern_value(raw: Any) -> Any:
    value = values.json_cell(raw, "pattern")
    if not isinstance(value, (str, list)):
        raise values.BadValue("pattern is neither a phrase nor a list of token objects")
    return value


class Patterns(Repository):
    def _pattern(self, row: tuple[Any, ...]) -> Pattern:
        pid, label, raw, author, changed = row
        return Pattern(label, self._value(f"pattern {pid}", _pattern_value, raw), pid, author, changed)

    def all(self, label: str | None = None) -> list[Pattern]:
        """The project's patterns (not removed), in the order added; of one label if given."""
        sql, params = f"SELECT {_PATTERN_ROW} FROM patterns WHERE removed = 0", []
        if label is not None:
            sql += " AND label = ?"
            params.append(label)
        rows = self.conn.execute(sql + " ORDER BY id", params).fetchall()
        try:  # the usual case, fast (100,000 rows in a fraction of a second)
            loads = orjson.loads
            out = [Pattern(lab, loads(raw), pid, author, changed) for pid, lab, raw, author, changed in rows]
            if all(isinstance(p.pattern, (str, list)) for p in out):
                return out
        except (orjson.JSONDecodeError, TypeError):
            pass
        return [self._pattern(r) for r in rows]  # names the bad row

    def count_patterns(self) -> int:
        return self.conn.execute("SELECT count(*) FROM patterns WHERE removed = 0").fetchone()[0]

    def patterns_version(self) -> tuple[int, float, int]:
        """Changes whenever the pattern set does (every change adds a row or moves `changed` on)."""
        row = self.conn.execute("SELECT count(*), total(changed), total(removed) FROM patterns").fetchone()
        return int(row[0]), float(row[1]), int(row[2])

    def add_patterns(self, patterns: Iterable[Pattern], author: str, *,
                     timestamp: float | None = None) -> tuple[int, int]:
        """Add patterns (one transaction); returns (added, already there). One removed before
        comes back (added); the same pattern twice is added once."""
        now = time.time() if timestamp is None else timestamp
        author = _who(author)
        rows = {}
        for p in patterns:
            key = p.key
            if key not in rows:
                rows[key] = (key, p.label, dumps_pattern(p.pattern), author, now)
        with self.transaction() as c:
            before = c.execute("SELECT count(*) FROM patterns WHERE removed = 0").fetchone()[0]
            # Logged for the hub push in one statement, not by the trigger row by row (100,000
            # terms: a second less); a caller's quiet transaction (a pull) logs nothing.
            quiet = c.execute("SELECT 1 FROM sync_quiet").fetchone() is not None
            if not quiet:
                c.execute("INSERT INTO sync_quiet (on_pull) VALUES (0)")
            c.executemany("INSERT INTO patterns (key, label, pattern, author, changed) VALUES (?, ?, ?, ?, ?) "
                          "ON CONFLICT (key) DO UPDATE SET removed = 0, author = excluded.author, "
                          "changed = excluded.changed WHERE removed = 1", rows.values())
            if not quiet:
                c.execute("DELETE FROM sync_quiet")
                c.execute("DELETE FROM sync_log WHERE kind = 'pattern' AND row_id IN "
                          "(SELECT id FROM patterns WHERE changed = ? AND author = ?)", (now, author))
                c.execute("INSERT INTO sync_log (kind, row_id) SELECT 'pattern', id FROM patterns "
                          "WHERE changed = ? AND author = ? ORDER BY id", (now, author))
            after = c.execute("SELECT count(*) FROM patterns WHERE removed = 0").fetchone()[0]
        return after - before, len(rows) - (after - before)

    def remove_patterns(self, ids: Iterable[int] = (), *, label: str | None = None, author: str,
                        timestamp: float | None = None) -> int:
        """Remove patterns by id, or every pattern of `label`; returns how many were removed."""
        now = time.time() if timestamp is None else timestamp
        author = _who(author)
        ids = list(ids)
        with self.transaction() as c:
            if label is not None:
                return c.execute("UPDATE patterns SET removed = 1, author = ?, changed = ? "
                                 "WHERE label = ? AND removed = 0", (author, now, label)).rowcount
            return c.executemany("UPDATE patterns SET removed = 1, author = ?, changed = ? WHERE id = ? AND removed = 0",
                                 [(author, now, i) for i in ids]).rowcount

    def merge_pattern(self, key: str, label: str, pattern: str, author: str, changed: float,
                      removed: bool) -> str:
        """Bring in another project's (or the hub's) version of a pattern, checked by the
        caller: 'added', 'updated' (it is newer than ours), or 'unchanged'."""
        with self.transaction() as c:
            row = c.execute("SELECT changed, removed FROM patterns WHERE key = ?", (key,)).fetchone()
            if row is None:
                c.execute("INSERT INTO patterns (key, label, pattern, author, changed, removed) "
                          "VALUES (?, ?, ?, ?, ?, ?)", (key, label, pattern, author, changed, int(removed)))
                return "added"
            if changed > row[0]:
                c.execute("UPDATE patterns SET author = ?, changed = ?, removed = ? WHERE key = ?",
                          (author, changed, int(removed), key))
                return "updated"
        return "unchanged"

    def changed_patterns(self, after_rev: int, limit: int) -> list[tuple[Any, ...]]:
        """(rev, key, label, pattern JSON, author, changed, removed) changed since after_rev
        (not those a pull from the hub wrote)."""
        return self.conn.execute(
            "SELECT l.rev, p.key, p.label, p.pattern, p.author, p.changed, p.removed FROM sync_log l "
            "JOIN patterns p ON p.id = l.row_id WHERE l.kind = 'pattern' AND l.rev > ? ORDER BY l.rev LIMIT ?",
            (after_rev, limit)).fetchall()

    def count_changed_patterns(self, after_rev: int) -> int:
        return self.conn.execute("SELECT count(*) FROM sync_log WHERE kind = 'pattern' AND rev > ?",
                                 (after_rev,)).fetchone()[0]

    def relabel(self, c: Any, old: str, new: str, author: str) -> None:
        """Inside Store.rename_label's transaction: each pattern of `old` is removed and comes back
        under `new` (a new key: the label is part of what a pattern is)."""
        now, author = time.time(), _who(author)
        live = [self._pattern(r) for r in c.execute(
            f"SELECT {_PATTERN_ROW} FROM patterns WHERE label = ? AND removed = 0 ORDER BY id", (old,))]
        if live:
            c.execute("UPDATE patterns SET removed = 1, author = ?, changed = ? WHERE label = ? AND removed = 0",
                      (author, now, old))
            self.add_patterns([Pattern(new, p.pattern) for p in live], author, timestamp=now)

    def pattern_decisions(self) -> Iterator[tuple[int, str, tuple[Span, ...], tuple[Span, ...]]]:
        """(record id, document text, suggested spans, decided spans) of the accepted decisions
        whose suggestions at opening held a pattern's (store/activity.py records them)."""
        for rid, text, suggested, decided in self.conn.execute(_PATTERN_DECISIONS):
            if decided is None or not isinstance(text, str):
                continue  # that version is gone (a hand-edited file): nothing to count
            where = f"decision record {rid}"
            yield (rid, text, self._value(where, spans_from_json, suggested),
                   self._value(where, spans_from_json, decided))
