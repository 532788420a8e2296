"""The store-free first stage of an import: check records and group them into batches, on a
background thread for big files.

Checking (span validation, the text hash) and reading (decoding, JSON parsing) need no store,
so for a big file they run in a thread a few batches ahead of the SQLite writes: sqlite3
releases the GIL while it runs a statement (the writes are statements of many rows, so the GIL
changes hands once a statement, not once a row), and hashlib while it hashes, so the two overlap.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field
from typing import Generic, Iterator, TypeVar

from annotator.core.text.admission import AdmissionError, admit_meta_json, admit_text, admitted_hash
from annotator.core.errors import RecordError, SpanError
from annotator.core.formats.importers.base import ImportRecord, ReadNote
from annotator.core.text.model import Span
from annotator.core.text.spans import admit_spans
from annotator.core.formats.splitting import large_text_warning

EMPTY_WARNING = "empty document, skipped"

T = TypeVar("T")


@dataclass(slots=True)
class Chunk:
    """Up to a batch of checked records, and what went wrong since the previous chunk.

    items: (record, checked spans or None for a plain document, text hash). A record with an
    answer or spans is an annotation (spans possibly []); an empty span list alone, as doccano
    writes for a document nobody labelled, is a plain document. A record's suggestions are
    checked too (record.suggestions replaced by the checked spans).
    notes: what readers left out on purpose (ReadNote), in file order.
    pos: bytes of the file read so far, when the reader says.
    """

    items: list[tuple[ImportRecord, list[Span] | None, str]] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[ReadNote] = field(default_factory=list)
    pos: int | None = None


def check_records(name: str, records: Iterator[ImportRecord | RecordError | ReadNote],
                  batch_size: int) -> Iterator[Chunk]:
    """Validate a reader's records (empty text, spans) and hash their texts, in chunks of at
    most batch_size records or errors."""
    chunk = Chunk()
    size = 0
    for rec in records:
        if type(rec) is ImportRecord:
            _check(name, rec, chunk)
            if rec.pos is not None:
                chunk.pos = rec.pos
        elif type(rec) is ReadNote:
            chunk.notes.append(rec)  # type: ignore[arg-type]
            continue  # notes are small: they do not fill a batch
        else:
            chunk.errors.append(rec)  # type: ignore[arg-type]
        size += 1
        if size >= batch_size:
            yield chunk
            chunk = Chunk()
            size = 0
    if size or chunk.notes:
        yield chunk


def _check(name: str, rec: ImportRecord, chunk: Chunk) -> None:
    """Add the record to the chunk's items, or say in the chunk why not: the one admission of
    texts (admission.admit_text) and spans (spans.admit_spans), here so the error names the
    record's line."""
    text = rec.text
    if not text or text.isspace():
        where = name if rec.line is None else f"{name}:{rec.line}"
        chunk.warnings.append(f"{where}: {EMPTY_WARNING}")
        return
    spans = None
    try:
        admit_text(text)
        digest = admitted_hash(text)
        rec.meta_json = admit_meta_json(rec.meta)
        if rec.spans is not None:
            spans = admit_spans(text, rec.spans)
        if rec.suggestions is not None:
            rec.suggestions = admit_spans(text, rec.suggestions)
    except (SpanError, AdmissionError) as exc:
        chunk.errors.append(RecordError(name, rec.line, str(exc)))
        return
    annotated = rec.answer is not None or bool(spans)
    big = large_text_warning(name, rec.line, text)
    if big:
        chunk.warnings.append(big)
    chunk.items.append((rec, (spans or []) if annotated else None, digest))


@dataclass
class _Failure:
    error: BaseException


_DONE = object()


class in_background(Generic[T]):  # noqa: N801 - used like a function
    """Iterate `source` on a daemon thread, up to `depth` items ahead of the consumer.

    An exception in the thread is raised in the consumer. close() (or leaving a `with`
    block, or the consumer failing) tells the thread to stop and closes `source` there.
    """

    def __init__(self, source: Iterator[T], depth: int = 3):
        self._source = source
        self._queue: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._finished = False
        self._thread = threading.Thread(target=self._run, name="annotator-import-reader", daemon=True)
        self._thread.start()

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        try:
            for item in self._source:
                if not self._put(item):
                    return
            self._put(_DONE)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            self._put(_Failure(exc))
        finally:
            close = getattr(self._source, "close", None)
            if close is not None:
                close()

    def __iter__(self) -> "in_background[T]":
        return self

    def __next__(self) -> T:
        if self._finished:
            raise StopIteration
        item = self._queue.get()
        if item is _DONE:
            self.close()
            raise StopIteration
        if isinstance(item, _Failure):
            self.close()
            raise item.error
        return item  # type: ignore[return-value]

    def close(self) -> None:
        self._finished = True
        self._stop.set()
        self._thread.join(timeout=10)

    def __enter__(self) -> "in_background[T]":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
