"""Reading a project file opened as another's (Store(path, untrusted=True)), for a merge and
`annotator check`: every value is checked as an import record is, before anything uses it.

Checked: types (NULL, a blob or a number where text belongs...), sizes (bounds.py), the JSON of
spans, meta and sources, each text against its hash, spans against their text (integer offsets
in range, not overlapping, labels valid by labels.check_name), label colours and keys, answers,
and that a current annotation's or review's document exists. A bad value is a RecordError
naming the file and the row, e.g. `FILE: annotation 7: spans are not valid JSON (...)`; a
damaged page or a statement stopped by the bound is a ProjectError naming the file.
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Sequence

from annotator.core.errors import ProjectError, RecordError
from annotator.core.text.model import (
    DECISIONS, Annotation, Document, Guideline, Label, Note, Review, TimedDecision, text_hash,
)
from annotator.core.store.guard import values
from annotator.core.store.guard.bounds import BATCH_BYTES, BATCH_ROWS, MAX_LABELS, MAX_TEXT_BYTES, MIB, stopped_by_guard
from annotator.core.store.connection import Repository
from annotator.core.store.guard.values import BadValue

_DOCUMENTS = "SELECT id, hash, text, meta, added FROM documents WHERE id > ? ORDER BY id"
_ANNOTATIONS = ("SELECT a.id, a.document_id, a.annotator, a.answer, a.spans, a.created, a.updated, d.text "
                "FROM {table} a LEFT JOIN documents d ON d.id = a.document_id WHERE a.id > ? ORDER BY a.id")
_REVIEWS = ("SELECT r.{key}, r.document_id, r.reviewer, r.spans, r.sources, r.created, d.text, r.method "
            "FROM {table} r LEFT JOIN documents d ON d.id = r.document_id WHERE r.{key} > ? ORDER BY r.{key}")
_TIMED = ("SELECT t.id, t.document_id, t.annotator, t.answer, t.decided, t.seconds, s.spans, d.text "
          "FROM decision_times t LEFT JOIN decision_suggestions s ON s.decision_id = t.id "
          "LEFT JOIN documents d ON d.id = t.document_id WHERE t.id > ? ORDER BY t.id")
_LABELS = "SELECT rowid, name, color, key, position FROM labels WHERE rowid > ? ORDER BY rowid"
_NOTES = ("SELECT n.id, n.uid, n.document_id, n.author, n.text, n.created, n.updated, n.deleted, d.id "
          "FROM document_notes n LEFT JOIN documents d ON d.id = n.document_id WHERE n.id > ? ORDER BY n.id")
_GUIDELINES = "SELECT id, subject, text, examples, author, updated FROM team_guidelines WHERE id > ? ORDER BY id"
_PATTERNS = "SELECT id, key, label, pattern, author, changed, removed FROM patterns WHERE id > ? ORDER BY id"


@dataclass
class OtherSurvey:
    """What check_other found in the other file (all of it sound)."""

    documents: int = 0
    annotations: int = 0
    history: int = 0
    reviews: int = 0
    review_history: int = 0
    decision_times: int = 0
    notes: int = 0
    guidelines: int = 0
    patterns: int = 0
    labels: list[Label] = field(default_factory=list)
    span_labels: set[str] = field(default_factory=set)


def _whose(doc_id: Any, annotator: Any) -> str:
    """' (document 2, annotator 'carol')' for a message, when both are plain values."""
    if isinstance(doc_id, int) and isinstance(annotator, str) and len(annotator) <= 80:
        return f" (document {doc_id}, annotator {annotator!r})"
    return ""


class Foreign(Repository):
    # ---- reading, bounded --------------------------------------------------------------
    @contextlib.contextmanager
    def read_snapshot(self) -> Iterator[None]:
        """One read transaction: every read inside sees the file as it was at the first."""
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """SQLite errors while reading the file become one line naming it."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            stopped = stopped_by_guard(self.conn, exc)
            raise ProjectError(f"{self.path}: {stopped or f'the file is damaged or unreadable ({exc})'}") from None

    def _bad(self, row: str, problem: str) -> RecordError:
        return RecordError(str(self.path), None, f"{row}: {problem}")

    def _batches(self, sql: str, table: str, key: str, what: str) -> Iterator[list[tuple[Any, ...]]]:
        """Rows of `sql` (keyed by its first column, `... WHERE key > ? ORDER BY key`) in batches
        of at most BATCH_ROWS rows and about BATCH_BYTES of values; each statement ends before
        the batch is handed on, so the query bound never counts our own work."""
        last = -(2 ** 63)
        while True:
            batch: list[tuple[Any, ...]] = []
            size = 0
            cursor = None
            try:
                cursor = self.conn.execute(sql, (last,))  # steps to the first row already
                for row in cursor:
                    batch.append(row)
                    size += sum(len(v) for v in row if isinstance(v, (str, bytes)))
                    if len(batch) >= BATCH_ROWS or size >= BATCH_BYTES:
                        break
            except sqlite3.DataError:  # a cell over SQLite's length limit: it was not loaded
                raise self._too_big(table, key, batch[-1][0] if batch else last, what) from None
            finally:
                if cursor is not None:
                    cursor.close()
            if not batch:
                return
            yield batch
            last = batch[-1][0]

    def _too_big(self, table: str, key: str, after: int, what: str) -> RecordError:
        row = self.conn.execute(f"SELECT {key} FROM {table} WHERE {key} > ? ORDER BY {key} LIMIT 1",
                                (after,)).fetchone()
        columns = [r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")]
        big = "a value"
        for column in columns:
            try:
                self.conn.execute(f'SELECT length("{column}") FROM {table} WHERE {key} = ?', (row[0],)).fetchone()
            except sqlite3.DataError:
                big = column
                break
        return self._bad(f"{what} {row[0]}", f"{big} is larger than {MAX_TEXT_BYTES // MIB} MiB: "
                                             "refused, not loaded")

    # ---- the other file's rows, checked --------------------------------------------------
    def other_labels(self) -> list[Label]:
        """The label set, in its order."""
        out = []
        with self._reading():
            for batch in self._batches(_LABELS, "labels", "rowid", "label row"):
                for rowid, name, color, key, position in batch:
                    where = f"label {name!r}" if isinstance(name, str) and len(name) < 80 else f"label row {rowid}"
                    try:
                        out.append(Label(values.label_name(name), values.colour(color), values.key(key),
                                         values.integer(position, "position")))
                    except BadValue as exc:
                        raise self._bad(where, str(exc)) from None
                    if len(out) > MAX_LABELS:
                        raise self._bad("labels", f"more than {MAX_LABELS:,} labels")
        return sorted(out, key=lambda l: (l.position, l.name))

    def other_documents(self) -> Iterator[list[Document]]:
        """Every document, in batches bounded in rows and bytes; each text matches its hash."""
        with self._reading():
            for batch in self._batches(_DOCUMENTS, "documents", "id", "document"):
                yield [self._other_document(row) for row in batch]

    def _other_document(self, row: Sequence[Any]) -> Document:
        doc_id, digest, text, meta, added = row
        try:
            text = values.document_text(text)
            if digest != text_hash(text):
                raise BadValue("its text does not match its hash (the text was changed outside annotator)")
            return Document(doc_id, digest, text, values.meta(meta), values.number(added, "added"))
        except BadValue as exc:
            raise self._bad(f"document {doc_id}", str(exc)) from None

    def other_annotations(self, *, history: bool = False) -> Iterator[Annotation]:
        """Current annotations (or, with history, earlier versions, oldest first; those of a
        document no longer in the file are skipped, having nothing to attach to)."""
        table = "annotation_history" if history else "annotations"
        what = "earlier annotation" if history else "annotation"
        with self._reading():
            for batch in self._batches(_ANNOTATIONS.format(table=table), table, "id", what):
                for row_id, doc_id, annotator, answer, spans, created, updated, text in batch:
                    if text is None and history:
                        continue
                    try:
                        if text is None:
                            raise BadValue(f"its document {doc_id} is not in the file")
                        yield Annotation(doc_id, values.name(annotator, "annotator"), values.answer(answer),
                                         values.spans(spans, text), values.number(created, "created"),
                                         values.number(updated, "updated"))
                    except BadValue as exc:
                        raise self._bad(f"{what} {row_id}{_whose(doc_id, annotator)}", str(exc)) from None

    def other_reviews(self, *, history: bool = False) -> Iterator[Review]:
        """Current reviews (or earlier ones, oldest first, as other_annotations)."""
        table, key = ("review_history", "id") if history else ("reviews", "document_id")
        what = "earlier review" if history else "review of document"
        with self._reading():
            for batch in self._batches(_REVIEWS.format(table=table, key=key), table, key, what):
                for row_id, doc_id, reviewer, spans, sources, created, text, method in batch:
                    if text is None and history:
                        continue
                    try:
                        if text is None:
                            raise BadValue(f"its document {doc_id} is not in the file")
                        values.method(method)
                        yield Review(doc_id, values.name(reviewer, "reviewer"), values.spans(spans, text),
                                     values.sources(sources), values.number(created, "created"), method)
                    except BadValue as exc:
                        raise self._bad(f"{what} {row_id}", str(exc)) from None

    def other_decision_times(self) -> Iterator[TimedDecision]:
        """Decisions recorded by the other's window (time, suggestions at opening), checked
        (store/activity.py); decided_spans is not read (the versions come as annotations)."""
        with self._reading():
            for batch in self._batches(_TIMED, "decision_times", "id", "decision record"):
                for row_id, doc_id, annotator, answer, decided, seconds, suggested, text in batch:
                    try:
                        if text is None:
                            raise BadValue(f"its document {doc_id} is not in the file")
                        if answer not in DECISIONS:
                            raise BadValue(f"answer {str(answer)[:40]!r} is not one of {', '.join(DECISIONS)}")
                        yield TimedDecision(
                            row_id, doc_id, values.name(annotator, "annotator"), answer,
                            values.number(decided, "decided"), values.seconds(seconds),
                            values.suggested_spans(suggested, text) if suggested is not None else ())
                    except BadValue as exc:
                        raise self._bad(f"decision record {row_id}{_whose(doc_id, annotator)}", str(exc)) from None

    def other_notes(self) -> Iterator[Note]:
        """Notes (tombstones too: a deletion travels), each on a document of the file."""
        with self._reading():
            for batch in self._batches(_NOTES, "document_notes", "id", "note"):
                for row_id, uid, doc_id, author, text, created, updated, deleted, held in batch:
                    try:
                        if held is None:
                            raise BadValue(f"its document {doc_id} is not in the file")
                        if deleted not in (0, 1):
                            raise BadValue("deleted is not 0 or 1")
                        yield Note(row_id, values.uid(uid), doc_id, values.name(author, "author"),
                                   values.free_text(text, "its text"), values.number(created, "created"),
                                   values.number(updated, "updated"), bool(deleted))
                    except BadValue as exc:
                        raise self._bad(f"note {row_id}", str(exc)) from None

    def other_guidelines(self, labels: set[str]) -> Iterator[Guideline]:
        """The guidelines and label descriptions; a description of a label not in `labels`
        (the file's label set) is a bad row."""
        with self._reading():
            for batch in self._batches(_GUIDELINES, "team_guidelines", "id", "guideline"):
                for row_id, subject, text, examples, author, updated in batch:
                    try:
                        if not isinstance(subject, str) or (subject and subject not in labels):
                            raise BadValue(f"it describes {str(subject)[:40]!r}, which is not a label of the file")
                        yield Guideline(subject, values.free_text(text, "its text"), values.examples(examples),
                                        values.name(author, "author"), values.number(updated, "updated"))
                    except BadValue as exc:
                        raise self._bad(f"guideline {row_id}", str(exc)) from None

    def other_patterns(self) -> Iterator[tuple[str, str, str, str, float, bool]]:
        """Patterns, removed ones too: (key, label, pattern JSON, author, changed, removed),
        each checked as `patterns add` checks a line, and its key against its content."""
        from annotator.core.learning.patterns.records import PatternError, check_pattern, dumps_pattern

        with self._reading():
            for batch in self._batches(_PATTERNS, "patterns", "id", "pattern"):
                for row_id, key, label, raw, author, changed, removed in batch:
                    try:
                        pattern = check_pattern(values.label_name(label), values.json_cell(raw, "pattern"))
                        if key != pattern.key:
                            raise BadValue("its key does not match its label and pattern")
                        if removed not in (0, 1):
                            raise BadValue(f"removed is {str(removed)[:20]!r}, not 0 or 1")
                        yield (key, pattern.label, dumps_pattern(pattern.pattern), values.name(author, "author"),
                               values.number(changed, "changed"), bool(removed))
                    except (BadValue, PatternError) as exc:
                        raise self._bad(f"pattern {row_id}", str(exc)) from None

    def check_other(self, on_row: Callable[[], None] | None = None) -> OtherSurvey:
        """Read and check every value a merge reads, writing nothing anywhere: a merge runs it
        first, so a bad file is refused before our project is touched. on_row() is called
        every 200 rows (a cancel can raise there)."""
        survey = OtherSurvey(labels=self.other_labels())
        tick = 0

        def seen() -> None:
            nonlocal tick
            tick += 1
            if on_row and tick % 200 == 0:
                on_row()

        for batch in self.other_documents():
            survey.documents += len(batch)
            seen()
        for name, rows in (("annotations", self.other_annotations()),
                           ("history", self.other_annotations(history=True)),
                           ("reviews", self.other_reviews()),
                           ("review_history", self.other_reviews(history=True))):
            for item in rows:
                setattr(survey, name, getattr(survey, name) + 1)
                survey.span_labels.update(s.label for s in item.spans)
                seen()
        for _ in self.other_decision_times():  # suggested labels are not added to ours
            survey.decision_times += 1
            seen()
        for _ in self.other_notes():
            survey.notes += 1
            seen()
        for _ in self.other_guidelines({label.name for label in survey.labels}):
            survey.guidelines += 1
            seen()
        for _ in self.other_patterns():  # a pattern of a label we lack stays inert until it is added
            survey.patterns += 1
            seen()
        if len(survey.span_labels) > MAX_LABELS:
            raise self._bad("spans", f"more than {MAX_LABELS:,} different labels")
        return survey
