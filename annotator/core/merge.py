"""Bringing a teammate's project file into ours: documents (de-duplicated by text hash),
every annotation version with its annotator's name, reviews, and labels we lack.

The other file is opened read-only and never changed. The merge is one transaction, so an
error leaves our project as it was, and it is idempotent: merging twice equals merging once
(Store.merge_annotation / merge_review keep the newer version current and file the older).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from annotator.core.errors import ProjectError, RecordError, SpanError
from annotator.core.labels import LabelError, check_name
from annotator.core.store import Store

OUTCOMES = ("added", "updated", "history", "unchanged")


@dataclass
class MergeReport:
    """What a merge did. `annotations[name]` counts outcomes of that annotator's versions:
    added (new to us), updated (newer than ours, ours filed in history), history (older than
    ours, filed in history) and unchanged (we already had it)."""

    source: str
    documents_seen: int = 0
    documents_added: int = 0
    labels_added: list[str] = field(default_factory=list)
    annotations: dict[str, Counter] = field(default_factory=dict)
    reviews: Counter = field(default_factory=Counter)

    def count(self, annotator: str, outcome: str) -> None:
        self.annotations.setdefault(annotator, Counter())[outcome] += 1

    def total(self, outcome: str) -> int:
        return sum(c[outcome] for c in self.annotations.values())

    @property
    def changed(self) -> bool:
        return bool(self.documents_added or self.labels_added or self.reviews["added"]
                    or self.reviews["updated"] or self.reviews["history"]
                    or any(self.total(o) for o in ("added", "updated", "history")))

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "documents_seen": self.documents_seen,
                "documents_added": self.documents_added, "labels_added": self.labels_added,
                "annotations": {name: {o: c[o] for o in OUTCOMES}
                                for name, c in sorted(self.annotations.items())},
                "reviews": {o: self.reviews[o] for o in OUTCOMES}}

    def lines(self) -> list[str]:
        """The report as short human-readable lines."""
        out = [f"Merged {self.source}",
               f"  documents: {self.documents_added} added, "
               f"{self.documents_seen - self.documents_added} already here"]
        if self.labels_added:
            out.append(f"  labels added: {', '.join(self.labels_added)}")
        for name, c in sorted(self.annotations.items()):
            out.append(f"  {name}: {c['added']} added, {c['updated']} updated, "
                       f"{c['history']} filed to history, {c['unchanged']} unchanged")
        if sum(self.reviews.values()):
            r = self.reviews
            out.append(f"  reviews: {r['added']} added, {r['updated']} updated, "
                       f"{r['history']} filed to history, {r['unchanged']} unchanged")
        return out


def merge_project(store: Store, other_path: str | Path, *,
                  on_progress: Callable[[int, int], None] | None = None) -> MergeReport:
    """Merge the project file at `other_path` into `store`; returns what was brought in.

    on_progress(done, total) is called as documents are processed.
    """
    other_path = Path(other_path)
    if other_path.resolve() == store.path.resolve():
        raise ProjectError(f"{other_path}: cannot merge a project into itself")
    other = Store(other_path, readonly=True)
    try:
        report = MergeReport(str(other_path))
        with store.transaction():
            _merge_labels(store, other, report)
            id_map = _merge_documents(store, other, report)
            _merge_annotations(store, other, id_map, report, on_progress)
            _merge_reviews(store, other, id_map, report)
        return report
    finally:
        other.close()


def _merge_labels(store: Store, other: Store, report: MergeReport) -> None:
    known = set(store.label_names())
    try:
        for label in other.labels():
            if label.name not in known:
                check_name(label.name, strip=False)  # data from the file: no silent stripping
                key = label.key if label.key not in {l.key for l in store.labels()} else None
                store.add_label(label.name, label.color, key)
                report.labels_added.append(label.name)
                known.add(label.name)
        # Labels used in spans but since removed from the other's label set.
        report.labels_added.extend(store.ensure_labels(other.span_labels_used() - known))
    except LabelError as exc:
        raise RecordError(str(other.path), None, str(exc)) from None


def _merge_documents(store: Store, other: Store, report: MergeReport) -> dict[int, int]:
    """Add the other's documents; returns other id -> our id."""
    id_map: dict[int, int] = {}
    batch: list[Any] = []

    def flush() -> None:
        ids, added = store.add_documents([(d.text, d.meta) for d in batch])
        report.documents_added += added
        id_map.update(zip((d.id for d in batch), ids))
        batch.clear()

    for doc in other.iter_documents():
        batch.append(doc)
        report.documents_seen += 1
        if len(batch) >= 1000:
            flush()
    if batch:
        flush()
    return id_map


def _merge_annotations(store: Store, other: Store, id_map: dict[int, int], report: MergeReport,
                       on_progress: Callable[[int, int], None] | None) -> None:
    # Current versions first, then the other's history: older versions are then filed in our
    # history instead of briefly becoming current, and a second merge finds them all known.
    total = other.count_annotations()
    done = 0
    for doc, ann in other.iter_annotations():
        _merge_one(store, other, id_map[doc.id], ann.annotator, ann.answer, ann.spans,
                   ann.created, ann.updated, report, doc.id)
        done += 1
        if on_progress and (done % 200 == 0 or done == total):
            on_progress(done, total)
    for old in other.iter_annotation_history():
        if old.document_id in id_map:  # history of a document since deleted there: nothing to attach to
            _merge_one(store, other, id_map[old.document_id], old.annotator, old.answer, old.spans,
                       old.created, old.updated, report, old.document_id)


def _merge_one(store: Store, other: Store, doc_id: int, annotator: str, answer: str, spans: Any,
               created: float, updated: float, report: MergeReport, other_doc_id: int) -> None:
    try:
        outcome = store.merge_annotation(doc_id, annotator, answer, spans, created, updated)
    except (SpanError, ValueError) as exc:
        raise RecordError(str(other.path), None,
                          f"document {other_doc_id}, annotator {annotator}: {exc}") from None
    report.count(annotator, outcome)


def _merge_reviews(store: Store, other: Store, id_map: dict[int, int], report: MergeReport) -> None:
    for doc, review in other.iter_reviews():
        _merge_review(store, other, id_map[doc.id], review.reviewer, review.spans, review.sources,
                      review.created, report, doc.id)
    for old in other.iter_review_history():
        if old.document_id in id_map:
            _merge_review(store, other, id_map[old.document_id], old.reviewer, old.spans, old.sources,
                          old.created, report, old.document_id)


def _merge_review(store: Store, other: Store, doc_id: int, reviewer: str, spans: Any, sources: Any,
                  created: float, report: MergeReport, other_doc_id: int) -> None:
    try:
        outcome = store.merge_review(doc_id, reviewer, spans, sources, created)
    except (SpanError, ValueError) as exc:
        raise RecordError(str(other.path), None,
                          f"review of document {other_doc_id}: {exc}") from None
    report.reviews[outcome] += 1
