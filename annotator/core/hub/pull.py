"""Admitting the hub's rows into the local project, one row at a time (issue 29).

Every pulled row passes the project's one admission, as a teammate's file does in `merge`
(core/text/admission.py, spans.admit_spans, labels.admit_label): a text is valid UTF-8 with no NUL
that matches its hash, within 32 MiB; meta a JSON object; spans integer offsets that fit the
text, labels by the label rule, within 16 MiB; every time finite; at most 10,000 labels. A row
that fails is skipped and counted by kind, teammate and reason ("1 decision from mallory
skipped: NUL in a label"), and the rest is applied: one teammate's bad row never stops a sync,
and the watermark moves past it (the hub refuses such rows since `hub init` applied its
checks, hub/checks.py; this is for rows from before, or a hub that does not check).

Rows that pass go through the store's own merge (Store.annotations.merge_annotation / reviews.merge_review:
newer current, older to history, twice = once), current versions before history, as
`annotator merge` does. Only documents this project holds receive rows. Decision records
(hub.decision_times) are added once (document, annotator, decided), never changed. Notes
(issue 24) pass the free-text rule (core/text/free_text.py), a uid, finite times, and go
through Store.notes.merge_note; guidelines and patterns are admitted by core/hub/teamwork.py and
core/hub/patterns.py, and counted here when skipped.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

import orjson

from annotator.core.text.admission import (
    MAX_JSON_BYTES, MAX_TEXT_BYTES, MIB, AdmissionError, admit_meta_text, admit_one_of, admit_person, admit_text, admit_time,
)
from annotator.core.errors import AnnotatorError, SpanError
from annotator.core.hub.hub_store import HubDecision, HubDocument, HubLabel, HubNote, HubReview, HubRow, HubTime
from annotator.core.text.labels import MAX_LABELS, LabelError, admit_label
from annotator.core.text.free_text import MAX_TEXT_BYTES as MAX_NOTE_BYTES
from annotator.core.text.free_text import check_text
from annotator.core.text.model import ANSWERS, DECISIONS, REVIEW_METHODS, Label, Span, text_hash
from annotator.core.text.spans import admit_spans
from annotator.core.store import Store
from annotator.core.wording import count

_SHOWN = 5  # skip lines in a report; the rest are summed up


@dataclass
class PullCounts:
    documents: int = 0
    labels: int = 0
    decisions: Counter = field(default_factory=Counter)
    reviews: Counter = field(default_factory=Counter)
    decision_times: Counter = field(default_factory=Counter)  # added / unchanged
    notes: Counter = field(default_factory=Counter)
    guidelines: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)         # (kind, teammate, reason) -> rows
    _seen: set[tuple[Any, ...]] = field(default_factory=set, repr=False)

    def skip(self, kind: str, who: Any, reason: str, row: tuple[Any, ...] | None = None) -> None:
        """Count a skipped row once per sync (a document pushed again brings its rows along,
        and the pull then meets them once more): `row` names it."""
        if row is not None:
            if row in self._seen:
                return
            self._seen.add(row)
        name = who if isinstance(who, str) and 0 < len(who) <= 63 and "\x00" not in who else "someone"
        self.skipped[(kind, name, reason)] += 1

    @property
    def rejected(self) -> int:
        """Rows skipped."""
        return sum(self.skipped.values())

    def skip_lines(self) -> list[str]:
        """'1 decision from mallory skipped: NUL in a label; the rest synced', most first."""
        top = sorted(self.skipped.items(), key=lambda kv: (-kv[1], kv[0]))
        out = [f"{count(n, kind)} from {who} skipped: {reason}; the rest synced"
               for (kind, who, reason), n in top[:_SHOWN]]
        if len(top) > _SHOWN:
            out.append(f"and {count(sum(n for _k, n in top[_SHOWN:]), 'more row')} skipped for other reasons")
        return out

    def to_list(self) -> list[dict[str, Any]]:
        return [{"kind": kind, "from": who, "reason": reason, "rows": n}
                for (kind, who, reason), n in sorted(self.skipped.items())]


def _json_list(raw: str | None, what: str) -> list[Any]:
    if raw is None:
        raise AdmissionError(f"{what} are larger than the {MAX_JSON_BYTES // MIB} MiB limit")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise AdmissionError(f"{what} are not valid JSON ({exc.msg})") from None
    if type(data) is not list:
        raise AdmissionError(f"{what} are not a JSON list")
    return data


def admit_document(doc: HubDocument) -> tuple[str, dict[str, Any]]:
    """(text, meta) of a hub document, or AdmissionError with the reason."""
    if doc.body is None:
        raise AdmissionError(f"the text is larger than the {MAX_TEXT_BYTES // MIB} MiB limit ({doc.size:,} bytes)")
    try:
        text = doc.body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AdmissionError(f"the text is not valid UTF-8 (byte {exc.start:,})") from None
    admit_text(text)
    if text_hash(text) != doc.hash:
        raise AdmissionError("the text does not match its hash")
    if doc.meta is None:
        raise AdmissionError(f"meta is larger than the {MAX_JSON_BYTES // MIB} MiB limit")
    return text, admit_meta_text(doc.meta)


def _identity(row: HubRow) -> tuple[Any, ...]:
    """What tells one hub row from another (reprs: a NaN time equals itself as text)."""
    if isinstance(row, HubNote):
        return (row.kind, row.hash, row.who, repr(row.uid), repr(row.updated))
    times = (row.created, row.updated) if isinstance(row, HubDecision) else (
        (row.created,) if isinstance(row, HubReview) else (row.decided,))
    return (row.kind, row.hash, row.who, getattr(row, "history", False), *map(repr, times))


_UID = re.compile(r"[A-Za-z0-9_-]{8,64}")


def admit_free_text(text: str | None, what: str) -> str:
    """A note's, the guidelines' or a description's text from the hub (free_text's rule)."""
    if text is None:
        raise AdmissionError(f"{what} is larger than the {MAX_NOTE_BYTES // 1024} KB limit")
    return check_text(text, what)


def admit_note(row: HubNote) -> tuple[str, str, str, float, float, bool]:
    """(uid, author, text, created, updated, deleted) of a hub note, or an error saying why."""
    if type(row.uid) is not str or not _UID.fullmatch(row.uid):
        raise AdmissionError("its uid is not 8 to 64 letters, digits, '-' or '_'")
    if type(row.deleted) is not bool:
        raise AdmissionError("its deleted flag is not true or false")
    text = admit_free_text(row.text, "its text")
    if not row.deleted and not text.strip():
        raise AdmissionError("its text is empty")
    return (row.uid, admit_person(row.author, "author"), text, admit_time(row.created, "created"),
            admit_time(row.updated, "updated"), row.deleted)


class Puller:
    """Applies hub rows to a project inside the caller's local transaction; counts in `counts`.
    Remembers the label names it saw, so a pull of N rows reads the label set once."""

    def __init__(self, store: Store, counts: PullCounts) -> None:
        self.store, self.counts = store, counts
        self._labels: set[str] | None = None
        self._texts: dict[int, str] = {}

    @property
    def label_names(self) -> set[str]:
        if self._labels is None:
            self._labels = set(self.store.labels.label_names())
        return self._labels

    # ---- labels ----------------------------------------------------------------------------
    def add_labels(self, labels: Iterable[HubLabel]) -> None:
        """The hub's labels this project lacks, each admitted, within MAX_LABELS: one pass."""
        known = self.label_names
        room = MAX_LABELS - len(known)
        fresh: list[Label] = []
        for hub_label in labels:
            if hub_label.name in known:
                continue
            try:
                label = admit_label(hub_label.name, hub_label.color, hub_label.key)
            except LabelError as exc:
                self.counts.skip("label", hub_label.added_by, str(exc))
                continue
            if len(fresh) >= room:
                self.counts.skip("label", hub_label.added_by, f"more than {MAX_LABELS:,} labels")
                continue
            fresh.append(label)
            known.add(label.name)
        if fresh:
            self.counts.labels += len(self.store.labels.add_labels(fresh))

    # ---- documents -------------------------------------------------------------------------
    def add_documents(self, docs: Iterable[HubDocument]) -> list[str]:
        """Add the admitted documents this project lacks; returns the hashes of those now held."""
        records, hashes = [], []
        for doc in docs:
            try:
                text, meta = admit_document(doc)
            except AdmissionError as exc:
                self.counts.skip("document", doc.added_by, str(exc), ("document", doc.hash))
                continue
            records.append((text, meta))
            hashes.append(doc.hash)
        if records:
            self.counts.documents += self.store.documents.add_documents(records, with_ids=False, hashes=hashes)[1]
        return hashes

    # ---- decisions, reviews, records -------------------------------------------------------
    def apply(self, rows: Iterable[HubRow]) -> None:
        """Merge each admitted row on a document this project holds (others are left alone)."""
        rows = list(rows)
        ids = self.store.documents.ids_for_hashes(sorted({r.hash for r in rows}))
        self._texts = {}
        for row in rows:
            doc_id = ids.get(row.hash)
            if doc_id is None:
                continue
            try:
                self._apply(row, doc_id)
            except (AnnotatorError, ValueError, KeyError, TypeError) as exc:
                self.counts.skip(row.kind, row.who, str(exc), _identity(row))

    def _text(self, doc_id: int) -> str:
        text = self._texts.get(doc_id)
        if text is None:
            text = self._texts[doc_id] = self.store.documents.get_document(doc_id).text
        return text

    def _spans(self, raw: str | None, doc_id: int, what: str = "spans") -> list[Span]:
        data = _json_list(raw, what)
        try:
            spans = admit_spans(self._text(doc_id), data)
        except SpanError as exc:
            raise AdmissionError(str(exc)) from None
        new = {s.label for s in spans} - self.label_names
        if new:
            if len(self.label_names) + len(new) > MAX_LABELS:
                raise AdmissionError(f"more than {MAX_LABELS:,} labels")
            self.store.labels.ensure_labels(new)
            self.label_names.update(new)
        return spans

    def _apply(self, row: HubRow, doc_id: int) -> None:
        store, counts = self.store, self.counts
        if isinstance(row, HubDecision):
            admit_one_of(row.answer, ANSWERS, "answer")
            spans = self._spans(row.spans, doc_id)
            counts.decisions[store.annotations.merge_annotation(
                doc_id, admit_person(row.annotator), row.answer, spans, admit_time(row.created, "created"),
                admit_time(row.updated, "updated"), validate=False)] += 1
        elif isinstance(row, HubReview):
            spans = self._spans(row.spans, doc_id)
            sources = [admit_person(s, "source") for s in _json_list(row.sources, "sources")]
            admit_one_of(row.method, REVIEW_METHODS, "method")
            counts.reviews[store.reviews.merge_review(doc_id, admit_person(row.reviewer, "reviewer"), spans,
                                              sources, admit_time(row.created, "created"), validate=False,
                                              method=row.method)] += 1
        elif isinstance(row, HubNote):
            uid, author, text, created, updated, deleted = admit_note(row)
            counts.notes[store.notes.merge_note(uid, doc_id, author, text, created, updated, deleted)] += 1
        elif isinstance(row, HubTime):
            admit_one_of(row.answer, DECISIONS, "answer")
            if row.too_big:
                raise AdmissionError(f"suggested spans are larger than the {MAX_JSON_BYTES // MIB} MiB limit")
            suggested = (admit_spans(self._text(doc_id), _json_list(row.suggested, "suggested spans"), trim=False)
                         if row.suggested is not None else [])
            counts.decision_times[store.activity.merge_timed_decision(
                doc_id, admit_person(row.annotator), row.answer, admit_time(row.decided, "decided"),
                row.seconds, suggested)] += 1
