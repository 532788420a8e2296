"""The import pipeline: files and folders in, documents and annotations in the store.

Readers (annotator.core.formats.importers) turn files into records; importers.batches checks them
(spans trimmed and checked by validate_spans, texts hashed) in batches of 1,000, on a thread
for big files; this module writes each batch with a few many-row INSERT statements
(store.documents.add_admitted_documents: SQLite writes a whole statement while the reader thread parses the
next batch) and merges its annotations together (store.annotations.merge_annotations: newer wins, older goes to history,
so a re-import changes nothing). Only the calling thread touches the store.
Records without a timestamp are dated by their file's last change, which is stable across
re-imports.

Which version wins, for one document and one annotator:
- within one file, the later record wins (a doccano or JSONL file listing a text twice): it
  is dated just after the earlier one when its own date is not later, and the earlier one
  goes to history;
- against versions already in the project (an earlier import, the app, a merge), the newer
  timestamp wins and the older goes to history, whatever the order of the imports. Each file is one transaction: a crash mid-file leaves the project as it was before
that file. Bad records are reported (`FILE:LINE: what is wrong`) and skipped; the good ones
are imported.
"""

from __future__ import annotations

import contextlib
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from annotator.core.errors import AnnotatorError, RecordError
from annotator.core.formats.importers import (
    ARTICLE_SUFFIXES, FORMATS, READERS, SELF_DECODING, TEXT_FORMATS, ImportRecord, ReadOptions, detect_format,
    open_reader, read_as,
)
from annotator.core.formats.importers.encodings import normalize as normalize_encoding
from annotator.core.formats.importers.batches import EMPTY_WARNING, Chunk, check_records, in_background
from annotator.core.formats.importers.brat import brat_pair
from annotator.core.formats.splitting import SPLITS, SPLITTABLE, split_records
from annotator.core.ops.changes import Changes, recorded
from annotator.core.team.identity import GIVEN, Identity, signer
from annotator.core.text.model import Span, text_hash
from annotator.core.store import Store
from annotator.core.wording import count
from annotator.core.progress import Progress

BATCH_SIZE = 1000
# Files this big are read and checked on a thread while the previous batch is written.
BACKGROUND_MIN_BYTES = 1 << 20

# merge_annotation results, in the order the summary lists them.
_MERGE_RESULTS = {"added": "added", "updated": "updated", "history": "kept as history",
                  "unchanged": "unchanged"}
# ReadNote kinds counted in the summary: (what, what happened to it).
NOTE_KINDS = {"draft": ("draft", "skipped"),
              "prediction": ("older prediction", "skipped"),
              "dropped": ("stacked or overlapping span", "dropped (the longest kept; listed in the warnings)")}
# Options only some formats read: --text-field, --layer.
_OPTION_FORMATS = {"text_field": ("--text-field", "label-studio"), "layer": ("--layer", "webanno")}


@dataclass
class ImportReport:
    """What an import did. `records` counts records stored (new documents + duplicates);
    `annotations` counts merge results ('added', 'updated', 'history', 'unchanged');
    `suggestions` the documents given suggestions, by source; `notes` ReadNotes by kind."""

    files: int = 0
    records: int = 0
    documents_added: int = 0
    duplicates: int = 0
    annotations: dict[str, int] = field(default_factory=dict)
    labels_added: list[str] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    annotators: list[str] = field(default_factory=list)
    suggestions: dict[str, int] = field(default_factory=dict)
    notes: dict[str, int] = field(default_factory=dict)
    signer: Identity | None = None  # who signed the annotations whose records name nobody
    unnamed: int = 0                # how many annotations that was

    @property
    def ok(self) -> bool:
        """True when nothing was rejected."""
        return not self.errors

    def summary(self) -> str:
        """One line for people, e.g. 'Imported 373 records from 1 file: 373 new documents, ...'."""
        head = f"Imported {count(self.records, 'record')} from {count(self.files, 'file')}"
        parts = [count(self.documents_added, "new document"), count(self.duplicates, "duplicate")]
        notes = [f"{count(self.annotations[k], 'annotation')} {words}"
                 for k, words in _MERGE_RESULTS.items() if self.annotations.get(k)]
        if notes:
            notes[-1] += f" ({', '.join(self.annotators)})"
            parts.extend(notes)
        parts.extend(f"{count(n, 'document')} with suggestions ({source})"
                     for source, n in sorted(self.suggestions.items()))
        parts.extend(f"{count(self.notes[kind], what)} {verb}"
                     for kind, (what, verb) in NOTE_KINDS.items() if self.notes.get(kind))
        text = f"{head}: {', '.join(parts)}"
        if self.unnamed and self.signer is not None and self.signer.source != GIVEN:
            # The name given with --annotator is already in the list above.
            text += f"; {count(self.unnamed, 'annotation')} named nobody: signed {self.signer.signed()}"
        if self.labels_added:
            text += f"; labels added: {', '.join(self.labels_added)}"
        empty = sum(1 for w in self.warnings if w.endswith(EMPTY_WARNING))
        if empty:
            text += f"; {count(empty, 'empty document')} skipped"
        if self.errors:
            text += f"; {count(len(self.errors), 'error')}"
        return text


def expand_paths(paths: Iterable[str | Path], fmt: str | None = None, encoding: str | None = None
                 ) -> tuple[list[tuple[Path, str]], list[RecordError]]:
    """Files to read, each with its format, and errors for paths that cannot be read.

    A file's content decides first (importers.read_as): a Word file named .txt is read as
    Word, a binary file is an error ('FILE: a PNG image, not text; ...'), `encoding` or not.
    A folder gives every .txt under it (recursively, hidden files skipped, brat pairs read as
    brat), every WebAnno .tsv (a webanno export, or INCEpTION's annotation folders) and every
    article (.docx, .odt, .pdf, .html, .htm, any case), except inside the `NAME_files` folder a
    browser saves beside NAME.html (the page's images, scripts and adverts). A brat pair named
    twice (by its .txt and its .ann) is read once.
    """
    if fmt is not None and fmt not in READERS:
        raise AnnotatorError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    files: list[tuple[Path, str]] = []
    errors: list[RecordError] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        try:
            kind = read_as(path, fmt, encoding)
        except RecordError as exc:
            errors.append(exc)
            return
        key = (brat_pair(path)[0] if kind == "brat" else path).resolve()
        if key not in seen:
            seen.add(key)
            files.append((path, kind))

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if hidden or not child.is_file() or _in_saved_page_folder(child, path):
                    continue
                if (child.suffix == ".txt" or child.suffix.lower() in _ARTICLE_SUFFIXES
                        or (child.suffix == ".tsv" and fmt in (None, "webanno") and detect_format(child) == "webanno")):
                    add(child)
        elif path.is_file():
            add(path)
        else:
            errors.append(RecordError(str(path), None, "no such file or folder"))
    return files, errors


_ARTICLE_SUFFIXES = frozenset(s for suffixes in ARTICLE_SUFFIXES.values() for s in suffixes)


def _in_saved_page_folder(child: Path, root: Path) -> bool:
    """Whether `child` lies in a NAME_files folder saved with NAME.html/.htm (under root)."""
    for folder in child.relative_to(root).parents:
        name = (root / folder).name
        if folder.parts and name.endswith("_files"):
            stem = (root / folder).with_name(name[: -len("_files")])
            if any(stem.with_name(stem.name + suffix).is_file() for suffix in (".html", ".htm")):
                return True
    return False


def import_paths(store: Store, paths: Iterable[str | Path], *, fmt: str | None = None,
                 encoding: str | None = None, annotator: str | None = None,
                 text_field: str | None = None, layer: str | None = None,
                 on_error: Callable[[RecordError], None] | None = None,
                 on_progress: Progress | None = None,
                 batch_size: int = BATCH_SIZE, split: str | None = None) -> ImportReport:
    """Import files and folders into the store; see the module docstring.

    fmt overrides format detection (one of FORMATS). encoding names the text files' encoding
    (default UTF-8, or UTF-16 with a BOM); a binary format (.spacy) with an encoding named is
    an error for that file. annotator names who made annotations whose records name nobody
    (default: the project's identity, core/team/identity.py; report.signer says who it was). text_field: the Label Studio task field holding the text (default
    "text"); layer: the WebAnno span layer to read (`NAME` or `NAME:FEATURE`; default the
    named-entity layer). on_error is called with each rejected
    record as it is found; on_progress(bytes done, bytes total) after each batch and file.
    split: "paragraphs" or "sentences" makes one document per paragraph or sentence of each
    plain text of txt, csv and jsonl files (core/formats/splitting.py); without it a text over 1 MB
    is imported whole, with a warning.
    An exception raised by a callback (a GUI's cancel) stops the import: files done so far
    stay imported, the current one is rolled back.
    """
    if split is not None and split not in SPLITS:
        raise AnnotatorError(f"unknown split {split!r}; use one of {', '.join(SPLITS)}")
    report = ImportReport()
    if encoding is not None:
        encoding = normalize_encoding(encoding)
    files, path_errors = expand_paths(paths, fmt, encoding)
    for error in path_errors:
        _report_error(report, on_error, error)
    options = ReadOptions(text_field or "text", layer, annotator)
    for name, (flag, wanted) in _OPTION_FORMATS.items():
        if getattr(options, name) != getattr(ReadOptions(), name) and all(k != wanted for _, k in files):
            report.warnings.append(f"{flag} applies to {wanted} files only; none was imported")
    sizes = [_size(path) for path, _ in files]
    total = sum(sizes)
    report.signer = signer(store, annotator)
    run = _Run(store, report, report.signer.name, on_error, batch_size)
    if encoding is not None:
        own = sum(1 for _, kind in files if kind in SELF_DECODING)
        if own:
            report.warnings.append(f"--encoding does not apply to Word, OpenDocument and PDF files (they "
                                   f"name their own); {count(own, 'file')} read without it")
    done = 0
    for (path, kind), size in zip(files, sizes):
        report.files += 1

        def progress(pos: int, _done: int = done, _size: int = size) -> None:
            if on_progress is not None:
                on_progress(_done + min(pos, _size), total)

        if encoding is not None and kind not in TEXT_FORMATS and kind not in SELF_DECODING:
            _report_error(report, on_error, RecordError(
                str(path), None, f"a {kind} file has no text encoding; import it without --encoding"))
            continue
        records = open_reader(kind, path, options, encoding)
        if split and kind in SPLITTABLE:
            records = split_records(records, split, path.name, store.settings.lang, where=str(path))
        elif split:
            report.warnings.append(f"{path}: --split applies to the texts of {', '.join(SPLITTABLE)} files; "
                                   f"read as it is")
        try:
            with store.transaction():
                run.import_file(path, records, progress, background=size >= BACKGROUND_MIN_BYTES)
        except OSError as exc:  # unreadable file, vanished folder: this file only
            _report_error(report, on_error, RecordError(str(path), None,
                                                        f"cannot read: {exc.strerror or exc}"))
        done += size
        if on_progress is not None:
            on_progress(done, total)
    report.annotators = sorted(run.annotators)
    return report


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _file_time(path: Path) -> float:
    """When the annotations of a file without timestamps were made, at the latest: its last
    change (for a brat pair, of either file). Unlike the import time, this is the same on every
    import of an unchanged file, so re-importing it never lets its versions override edits made
    in the app since, and two differing versions of one document in it never swap places."""
    candidates = [path]
    if path.suffix.lower() in (".txt", ".ann"):
        candidates.extend(brat_pair(path))
    times = []
    for candidate in candidates:
        try:
            times.append(candidate.stat().st_mtime)
        except OSError:
            pass
    return max(times, default=time.time())


def _report_error(report: ImportReport, on_error: Callable[[RecordError], None] | None,
                  error: RecordError) -> None:
    report.errors.append(error)
    if on_error is not None:
        on_error(error)


class _Run:
    """State shared across the files of one import: known labels, annotators, counts."""

    def __init__(self, store: Store, report: ImportReport, annotator: str,
                 on_error: Callable[[RecordError], None] | None, batch_size: int):
        self.store = store
        self.report = report
        self.annotator = annotator
        self.on_error = on_error
        self.batch_size = max(1, batch_size)
        self.labels = set(store.labels.label_names())
        self.annotators: set[str] = set()
        self.when = time.time()  # the timestamp of records that carry none (set per file)
        self.dated: dict[tuple[int, str], float] = {}  # (document, annotator) -> date, per file

    def error(self, error: RecordError) -> None:
        _report_error(self.report, self.on_error, error)

    def import_file(self, path: Path, records: Iterator[ImportRecord | RecordError],
                    progress: Callable[[int], None], *, background: bool = False) -> None:
        """Read one file's records, check them (on a thread if `background`), write batches."""
        name = str(path)
        self.when = _file_time(path)
        self.dated = {}
        chunks: Iterator[Chunk] = check_records(name, records, self.batch_size)
        if background:
            chunks = in_background(chunks)
        with contextlib.closing(chunks):  # type: ignore[type-var]
            for chunk in chunks:
                for error in chunk.errors:
                    self.error(error)
                self.report.warnings.extend(chunk.warnings)
                for note in chunk.notes:
                    self.report.warnings.append(note.message)
                    if note.kind:
                        self.report.notes[note.kind] = self.report.notes.get(note.kind, 0) + 1
                if chunk.items:
                    self.flush(name, chunk.items)
                if chunk.pos is not None:
                    progress(chunk.pos)

    def flush(self, name: str, batch: list[tuple[ImportRecord, list[Span] | None, str]]) -> None:
        """Store a batch: documents in one executemany, then its annotations merged together."""
        store, report = self.store, self.report
        # Plain documents need no ids: skip the lookup (the hot path of a big import).
        need_ids = any(spans is not None or rec.suggestions is not None for rec, spans, _ in batch)
        hashes = _with_former_hashes(store, batch)
        # Every record was admitted in check_records (text, hash, meta): none can fail to store.
        ids, added = store.documents.add_admitted_documents(hashes, [rec.text for rec, _, _ in batch],
                                                  [rec.meta_json for rec, _, _ in batch], with_ids=need_ids)
        stored = len(batch)
        report.records += stored
        report.documents_added += added
        report.duplicates += stored - added
        if not need_ids:
            return
        self._save_suggestions(batch, ids)
        annotated = [(rec, spans, doc_id) for (rec, spans, _), doc_id in zip(batch, ids)
                     if doc_id is not None and (spans is not None)]
        if not annotated:
            return
        new_labels = {s.label for _, spans, _ in annotated for s in spans} - self.labels
        if new_labels:
            report.labels_added.extend(store.labels.ensure_labels(new_labels))
            self.labels |= new_labels
        items = []
        for rec, spans, doc_id in annotated:
            who = rec.annotator or self.annotator
            self.report.unnamed += not rec.annotator
            when = rec.timestamp if rec.timestamp is not None else self.when
            earlier = self.dated.get((doc_id, who))
            if earlier is not None and when <= earlier:
                when = math.nextafter(earlier, math.inf)  # the later record in the file wins
            self.dated[(doc_id, who)] = when
            items.append((doc_id, who, rec.answer or "accept", spans, when, when))
            self.annotators.add(who)
        counts = report.annotations
        for result in store.annotations.merge_annotations(items):  # = merge_annotation for each, batched
            counts[result] = counts.get(result, 0) + 1

    def _save_suggestions(self, batch: list[tuple[ImportRecord, Any, str]], ids: list[int | None]) -> None:
        """Cache the suggestions records carry (Label Studio predictions) under their source,
        as the model key, so they are the suggestions of that source like a model's."""
        by_source: dict[str, list[tuple[int, list[Span]]]] = {}
        for (rec, _, _), doc_id in zip(batch, ids):
            if rec.suggestions is not None and doc_id is not None:
                by_source.setdefault(rec.suggestion_source or "import", []).append((doc_id, rec.suggestions))
        for source, items in by_source.items():
            new_labels = {s.label for _, spans in items for s in spans} - self.labels
            if new_labels:
                self.report.labels_added.extend(self.store.labels.ensure_labels(new_labels))
                self.labels |= new_labels
            self.store.suggestions.save_suggestions(source, items)
            self.report.suggestions[source] = self.report.suggestions.get(source, 0) + len(items)


def _with_former_hashes(store: Store, batch: list[tuple[ImportRecord, Any, str]]) -> list[str]:
    """The batch's text hashes, where a record's former text (see ImportRecord) is stored and
    its current text is not, the former one's: the record then is that stored document."""
    hashes = [h for _, _, h in batch]
    former = [(n, text_hash(rec.former_text)) for n, (rec, _, _) in enumerate(batch)
              if rec.former_text is not None]
    if former:
        known = store.documents.ids_for_hashes([h for _, h in former] + [hashes[n] for n, _ in former])
        for n, old in former:
            if old in known and hashes[n] not in known:
                hashes[n] = old
    return hashes


def import_files(store: Store, paths: Iterable[str | Path], *, by: str, **options: Any
                 ) -> tuple[ImportReport, Changes]:
    """import_paths (options as there), and what it changed. A file that failed halfway was
    rolled back; what the files before it brought is in the Changes all the same."""
    with recorded(store, by) as done:
        report = import_paths(store, paths, **options)
    return report, done.changes
