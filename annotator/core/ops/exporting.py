"""The export pipeline: stream annotations (or reviews) out of the store into an exporter.

Constant memory: rows come from the store in batches and are written as they come; only the
ids of the dev documents are held when splitting. Output appears all at once when the export
succeeds (temporary files renamed into place); on any error nothing is left half-written.
An export that finds nothing to write fails (NothingToExport) and writes no file: an empty
file in place of a training set would go unnoticed by the script that uses it.
"""

from __future__ import annotations

import inspect
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from annotator.core.formats.exporters import EXPORTERS, Exporter, ExportError, ExportItem
from annotator.core.team.gold import KIND_REVIEW, GoldSummary, disputed_message, iter_gold, summarize
from annotator.core.team.notes import note_dict, notes_by_document
from annotator.core.formats.exporters.options import EXPORT_ANSWERS
from annotator.core.store import Store
from annotator.core.progress import Progress

BATCH_SIZE = 256
MAX_KEPT_WARNINGS = 1000

ANSWER_WORDS = {"accept": "accepted", "reject": "rejected", "ignore": "skipped", "draft": "draft"}


class NothingToExport(ExportError):
    """Nothing matched what was asked for: no file was written (an earlier one stays)."""


def selection_words(*, answer: str = "accept", reviewed: bool = False, gold: bool = False,
                    annotator: str | None = None) -> str:
    """What an export writes, in words: "accepted annotations by dana", "team gold documents"."""
    if gold:
        what = "team gold documents"
    elif reviewed:
        what = "reviewed documents"
    else:
        what = "annotations" if answer == "all" else f"{ANSWER_WORDS.get(answer, answer)} annotations"
    return f"{what} by {annotator}" if annotator else what


@dataclass
class ExportReport:
    """What an export wrote. `warnings` keeps the first MAX_KEPT_WARNINGS; `warning_count` all."""

    format: str
    records: int = 0
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    warning_count: int = 0
    train_records: int | None = None
    dev_records: int | None = None
    gold: bool = False
    disputed_excluded: int = 0


def split_documents(doc_ids: list[int], split: float, seed: int = 0) -> set[int]:
    """The ids that go to dev: round(split * n) of them, at least one of each side when n >= 2,
    chosen by `seed` (the same project, split and seed give the same sets). All versions of a
    document go to the same side, so dev never holds a text that train also has."""
    n = len(doc_ids)
    k = round(n * split)
    if n >= 2:
        k = min(max(k, 1), n - 1)
    return set(random.Random(seed).sample(sorted(doc_ids), k))


def gold_by_default(fmt: str) -> bool:
    """Training formats write one version per document (the team gold) unless versions are
    asked for; the others write every accepted version, as Prodigy's db-out does."""
    return getattr(EXPORTERS.get(fmt), "gold_by_default", False)


def _items(store: Store, *, annotator: str | None, answer: str | None,
           reviewed: bool, gold: bool, by_document: bool = False) -> Iterator[ExportItem]:
    notes = _notes(store)
    if gold:
        for doc, version in iter_gold(store):
            review = version.kind == KIND_REVIEW
            yield ExportItem(doc, version.spans, "accept", version.made_by, version.timestamp,
                             version.annotators if review else None, version.kind,
                             version.method if review else None, notes.get(doc.id, ()))
    elif reviewed:
        for doc, review in store.reviews.iter_reviews():
            if annotator and review.reviewer != annotator:
                continue
            yield ExportItem(doc, review.spans, "accept", review.reviewer, review.created, review.sources,
                             decided_by=review.method, notes=notes.get(doc.id, ()))
    else:
        for doc, ann in store.annotations.iter_annotations(annotator=annotator, answer=answer, by_document=by_document):
            yield ExportItem(doc, ann.spans, ann.answer, ann.annotator, ann.updated, notes=notes.get(doc.id, ()))


def _notes(store: Store) -> dict[int, tuple[dict[str, Any], ...]]:
    """Each document's notes as exported in meta (notes are few: read once)."""
    return {doc_id: tuple({k: v for k, v in note_dict(n).items() if k not in ("id", "document")} for n in notes)
            for doc_id, notes in notes_by_document(store).items()}


def _check_target(store: Store, out: Path) -> None:
    project = store.path.resolve()
    target = out.resolve()
    if target in (project, project.with_name(project.name + "-wal"), project.with_name(project.name + "-shm")):
        raise ExportError(f"{out}: is the project file itself; choose another output")


def export(store: Store, fmt: str, out: str | Path, *, annotator: str | None = None,
           answer: str = "accept", reviewed: bool = False, gold: bool | None = None,
           split: float | None = None, seed: int = 0,
           on_progress: Progress | None = None, on_warning: Callable[[str], None] | None = None,
           options: dict[str, Any] | None = None, batch_size: int = BATCH_SIZE) -> ExportReport:
    """Write the project's annotations as `fmt` (a key of EXPORTERS) to `out`.

    annotator: only this annotator's versions (default: one record per annotator version).
    answer: only this answer (default accept); "all" for every decision. Ignored with reviewed.
    reviewed: the adjudicated versions instead (annotator = reviewer, meta.reviewed_from).
    gold: one record per document, its team-gold version (core/team/gold.py; `_annotator_id`
    "reviewed:NAME" or the agreeing annotator(s), meta.gold its kind); disputed documents
    are left out and counted in the report. None: the format's default (gold_by_default),
    unless an annotator or reviewed is given. gold=True with either is an ExportError.
    split: fraction of documents for a dev set; writes the exporter's train/dev paths.
    options: keyword options of the format's exporter, e.g. {"tokens": False} for jsonl,
    {"shard_size": 500} for spacy; one the format does not have is an ExportError.
    on_progress(done, total) is called after every batch (from the calling thread); an
    exception raised in it cancels the export (a GUI's Cancel), leaving no output behind.
    """
    if fmt not in EXPORTERS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(sorted(EXPORTERS))}")
    if answer not in EXPORT_ANSWERS:
        raise ExportError(f"unknown answer {answer!r}; choose one of {', '.join(EXPORT_ANSWERS)}")
    if split is not None and not 0 < split < 1:
        raise ExportError(f"split must be between 0 and 1 (exclusive), not {split}")
    if gold and (annotator or reviewed or answer != "accept"):
        raise ExportError("the gold is one version per document: it cannot be narrowed to an "
                          "annotator, the reviews or another answer")
    if gold is None:
        gold = gold_by_default(fmt) and not annotator and not reviewed and answer == "accept"
    out = Path(out)
    _check_target(store, out)
    wanted = None if answer == "all" else answer
    report = ExportReport(fmt, gold=gold)

    def warn(message: str) -> None:
        report.warning_count += 1
        if len(report.warnings) < MAX_KEPT_WARNINGS:
            report.warnings.append(message)
        if on_warning is not None:
            on_warning(message)

    if gold:
        summary: GoldSummary = summarize(store)
        report.disputed_excluded = len(summary.disputed or [])
        total = summary.gold
        doc_ids = [doc.id for doc, _ in iter_gold(store)] if split else []
    elif reviewed:
        doc_ids = store.queries.reviewed_document_ids(annotator)
        total = len(doc_ids)
    else:
        doc_ids = store.queries.annotated_document_ids(annotator, wanted) if split else []
        total = store.queries.count_annotations(annotator, wanted)
    cls = EXPORTERS[fmt]
    options = dict(options or {})
    known = set(inspect.signature(cls.__init__).parameters) - {"self", "out", "lang", "on_warning"}
    if set(options) - known:
        raise ExportError(f"format {fmt} has no option {', '.join(sorted(set(options) - known))}")
    if split:
        dev_ids = split_documents(doc_ids, split, seed)
        train_path, dev_path = cls.split_paths(out)
        for path in (train_path, dev_path):
            _check_target(store, path)
        exporters: list[Exporter] = [cls(train_path, lang=store.settings.lang, on_warning=warn, **options),
                                     cls(dev_path, lang=store.settings.lang, on_warning=warn, **options)]
    else:
        dev_ids = set()
        exporters = [cls(out, lang=store.settings.lang, on_warning=warn, **options)]
    labels = store.labels.all()
    for exporter in exporters:
        exporter.project_labels = labels

    done = 0
    try:
        batch: list[ExportItem] = []
        for item in _items(store, annotator=annotator, answer=wanted, reviewed=reviewed, gold=gold,
                           by_document=cls.by_document):
            batch.append(item)
            if len(batch) >= batch_size:
                done += _write(exporters, batch, dev_ids)
                batch = []
                if on_progress is not None:
                    on_progress(done, total)
        if batch:
            done += _write(exporters, batch, dev_ids)
        if not done:  # aborted below: no file, an earlier one left in place
            words = selection_words(answer=answer, reviewed=reviewed, gold=gold, annotator=annotator)
            why = f" ({disputed_message(report.disputed_excluded)})" if report.disputed_excluded else ""
            raise NothingToExport(f"nothing to export: no {words}{why}")
        for exporter in exporters:
            report.files.extend(exporter.finish())
    except BaseException:
        for exporter in exporters:
            exporter.abort()
        raise
    if on_progress is not None:
        on_progress(done, total)
    report.records = done
    if split:
        report.train_records, report.dev_records = exporters[0].records, exporters[1].records
    return report


def _write(exporters: list[Exporter], batch: list[ExportItem], dev_ids: set[int]) -> int:
    if len(exporters) == 1:
        exporters[0].write(batch)
        return len(batch)
    train = [item for item in batch if item.document.id not in dev_ids]
    dev = [item for item in batch if item.document.id in dev_ids]
    if train:
        exporters[0].write(train)
    if dev:
        exporters[1].write(dev)
    return len(batch)
