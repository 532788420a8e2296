"""What every exporter shares: the record it is given and safe (all-or-nothing) file output."""

from __future__ import annotations

import contextlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, ClassVar, Sequence

import orjson

from annotator.core.errors import AnnotatorError
from annotator.core.text.model import Document, Label, Span
from annotator.core.text.tokens import blank_nlp

Warn = Callable[[str], None]


class ExportError(AnnotatorError):
    """The export cannot be written (bad target, unwritable folder...)."""


@dataclass(frozen=True)
class ExportItem:
    """One version of one document to write: an annotator's decision, a review, the team
    gold (`gold` says which kind) or, with answer/annotator/timestamp None, suggestions."""

    document: Document
    spans: tuple[Span, ...]
    answer: str | None
    annotator: str | None
    timestamp: float | None
    reviewed_from: tuple[str, ...] | None = None
    gold: str | None = None
    decided_by: str | None = None  # a review's method: hand, majority, unanimous
    notes: tuple[dict[str, Any], ...] = ()  # the document's notes (core/team/notes.py note_dict)

    @property
    def meta(self) -> dict[str, Any]:
        """The document's meta; a review adds the annotators it was adjudicated from and how
        it was decided, a gold version its kind ("review" or "unanimous"), and a document
        with notes its notes ({author, text, created, updated} each)."""
        if self.reviewed_from is None and self.gold is None and not self.notes:
            return self.document.meta
        extra: dict[str, Any] = {}
        if self.reviewed_from is not None:
            extra["reviewed_from"] = list(self.reviewed_from)
        if self.decided_by is not None:
            extra["decided_by"] = self.decided_by
        if self.gold is not None:
            extra["gold"] = self.gold
        if self.notes:
            extra["notes"] = list(self.notes)
        return {**self.document.meta, **extra}


def dumps_line(record: Any) -> bytes:
    """One JSON line. orjson for speed; stdlib json only for text orjson refuses (lone surrogates)."""
    try:
        return orjson.dumps(record) + b"\n"
    except TypeError:
        return (json.dumps(record, ensure_ascii=True, separators=(",", ":")) + "\n").encode("ascii")


RENEW_EVERY = 5000
_pipelines = threading.local()


def export_pipeline(lang: str, n_docs: int) -> Any:
    """A blank pipeline (tokens.blank_nlp's settings) to make the next `n_docs` documents with.

    spaCy's vocab and tokenizer cache keep every new word for the pipeline's life (~650 bytes
    each: 60 MB over 100,000 articles with names and numbers), so exporters do not use the
    shared blank_nlp: theirs is renewed every RENEW_EVERY documents, which keeps an export's
    memory flat. One per thread (a GUI worker exports while the window tokenizes), reused by
    the next export so small exports do not pay for building a pipeline.
    """
    pool = _pipelines.__dict__.setdefault("by_lang", {})
    nlp, used = pool.get(lang, (None, 0))
    if nlp is None or used >= RENEW_EVERY:
        nlp, used = blank_nlp.__wrapped__(lang), 0  # uncached: a vocabulary of its own
    pool[lang] = (nlp, used + n_docs)
    return nlp


def _quiet(message: str) -> None:
    pass


class Exporter:
    """Writes batches of ExportItems to one target; finish() makes the output appear at once.

    Subclasses set `name`, `suffix` and `description` and implement write(); file-based ones
    write through `self.stream`, a temporary file renamed over the target by finish().
    by_document: items come grouped by document (its versions together), for formats that
    write each document once. project_labels: the project's labels, set by the pipeline.
    """

    name: ClassVar[str] = ""
    suffix: ClassVar[str] = ""
    description: ClassVar[str] = ""
    # Training formats write the team gold (one version per document) unless asked otherwise.
    gold_by_default: ClassVar[bool] = False
    by_document: ClassVar[bool] = False
    project_labels: Sequence[Label] = ()

    def __init__(self, out: Path, *, lang: str = "en", on_warning: Warn | None = None) -> None:
        self.out = Path(out)
        self.lang = lang
        self.warn: Warn = on_warning or _quiet
        self.records = 0
        self._part = self.out.with_name(f".{self.out.name}.part")
        self._stream: IO[bytes] | None = None

    @property
    def stream(self) -> IO[bytes]:
        if self._stream is None:
            try:
                self.out.parent.mkdir(parents=True, exist_ok=True)
                self._stream = open(self._part, "wb")
            except OSError as exc:
                raise ExportError(f"{self.out}: cannot write ({exc.strerror or exc})") from None
        return self._stream

    @classmethod
    def split_paths(cls, out: Path) -> tuple[Path, Path]:
        """Where --split writes: corpus.jsonl -> corpus-train.jsonl and corpus-dev.jsonl."""
        out = Path(out)
        suffix = out.suffix or cls.suffix
        return (out.with_name(f"{out.stem}-train{suffix}"), out.with_name(f"{out.stem}-dev{suffix}"))

    def write(self, items: Sequence[ExportItem]) -> None:
        raise NotImplementedError

    def finish(self) -> list[Path]:
        """Close and move the finished file into place; returns the files written."""
        stream = self.stream  # an export of nothing still writes an (empty) file
        try:
            stream.flush()
            os.fsync(stream.fileno())
            stream.close()
            os.replace(self._part, self.out)
        except OSError as exc:
            self.abort()
            raise ExportError(f"{self.out}: cannot write ({exc.strerror or exc})") from None
        return [self.out]

    def abort(self) -> None:
        """Remove the unfinished output; the previous file at the target, if any, is untouched."""
        if self._stream is not None:
            with contextlib.suppress(OSError):
                self._stream.close()
            with contextlib.suppress(OSError):
                self._part.unlink()


class DocumentExporter(Exporter):
    """An exporter that writes each document once, with all its versions: items come grouped by
    document (by_document) and write_document() gets each document's versions together."""

    by_document = True

    def __init__(self, out: Path, *, lang: str = "en", on_warning: Warn | None = None) -> None:
        super().__init__(out, lang=lang, on_warning=on_warning)
        self._pending: list[ExportItem] = []

    def write(self, items: Sequence[ExportItem]) -> None:
        for item in items:
            if self._pending and self._pending[0].document.id != item.document.id:
                self.flush_document()
            self._pending.append(item)
            self.records += 1

    def flush_document(self) -> None:
        """Write the versions held so far (finish() must call this first)."""
        if self._pending:
            items, self._pending = self._pending, []
            self.write_document(items)

    def write_document(self, items: list[ExportItem]) -> None:
        raise NotImplementedError
