"""Bringing a teammate's project file into ours: documents (de-duplicated by text hash),
every annotation version with its annotator's name, reviews, labels we lack, and what their
window recorded with each decision (active time, suggestions at opening; store/activity.py),
each record added once, notes on documents (by uid: the newer version wins, a deletion
travels, nobody takes over another's note), the guidelines and label descriptions (the
newer version is current, the older filed in history) and patterns (for one pattern the
newer addition or removal wins). Learning curves are not brought: they describe the other's
gold.

The other file is untrusted input (Store(path, untrusted=True)): opened read-only and never
changed, its schema checked, every query on it bounded, and every value it holds checked
(store/foreign.py) before anything is written. The merge is then one transaction, so an error
leaves our project as it was, and it is idempotent: merging twice equals merging once
(Store.annotations.merge_annotation / reviews.merge_review keep the newer version current and file the older).
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.errors import ProjectError, RecordError, SpanError
from annotator.core.text.labels import LabelError
from annotator.core.text.model import Annotation
from annotator.core.store import Store
from annotator.core.store.guard.foreign import OtherSurvey
from annotator.core.progress import Progress

OUTCOMES = ("added", "updated", "history", "unchanged")


# How each count of a merge is said (merge_* results, and two kinds that read better here).
_SAID = {"added": "added", "updated": "updated", "history": "filed to history", "unchanged": "unchanged",
         "already": "already here", "newer": "updated (a newer addition or removal)"}


def _tally(counts: dict[str, int], *kinds: str) -> str:
    """ "3 added, 1 updated, ..." in the order given; "already" and "newer" read the counts
    "unchanged" and "updated" (a timed decision is added or already here; a pattern is updated
    by a newer addition or removal)."""
    source = {"already": "unchanged", "newer": "updated"}
    return ", ".join(f"{counts[source.get(k, k)]} {_SAID[k]}" for k in kinds)


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
    decision_times: Counter = field(default_factory=Counter)
    notes: Counter = field(default_factory=Counter)
    guidelines: Counter = field(default_factory=Counter)
    patterns: Counter = field(default_factory=Counter)  # added / updated / unchanged

    def count(self, annotator: str, outcome: str) -> None:
        self.annotations.setdefault(annotator, Counter())[outcome] += 1

    def total(self, outcome: str) -> int:
        return sum(c[outcome] for c in self.annotations.values())

    @property
    def changed(self) -> bool:
        return bool(self.documents_added or self.labels_added or self.reviews["added"] or self.decision_times["added"]
                    or self.notes["added"] or self.notes["updated"] or self.guidelines["added"]
                    or self.guidelines["updated"] or self.guidelines["history"]
                    or self.patterns["added"] or self.patterns["updated"]
                    or self.reviews["updated"] or self.reviews["history"]
                    or any(self.total(o) for o in ("added", "updated", "history")))

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "documents_seen": self.documents_seen,
                "documents_added": self.documents_added, "labels_added": self.labels_added,
                "annotations": {name: {o: c[o] for o in OUTCOMES}
                                for name, c in sorted(self.annotations.items())},
                "reviews": {o: self.reviews[o] for o in OUTCOMES},
                "decision_times": {o: self.decision_times[o] for o in ("added", "unchanged")},
                "notes": {o: self.notes[o] for o in ("added", "updated", "unchanged")},
                "guidelines": {o: self.guidelines[o] for o in OUTCOMES},
                "patterns": {o: self.patterns[o] for o in ("added", "updated", "unchanged")}}

    def lines(self) -> list[str]:
        """The report as short human-readable lines."""
        out = [f"Merged {self.source}",
               f"  documents: {self.documents_added} added, "
               f"{self.documents_seen - self.documents_added} already here"]
        if self.labels_added:
            out.append(f"  labels added: {', '.join(self.labels_added)}")
        for name, c in sorted(self.annotations.items()):
            out.append(f"  {name}: {_tally(c, 'added', 'updated', 'history', 'unchanged')}")
        for what, c, kinds in (
                ("reviews", self.reviews, ("added", "updated", "history", "unchanged")),
                ("timed decisions", self.decision_times, ("added", "already")),
                ("notes", self.notes, ("added", "updated", "unchanged")),
                ("guidelines and label descriptions", self.guidelines, ("added", "updated", "history", "unchanged")),
                ("patterns", self.patterns, ("added", "newer", "unchanged"))):
            if sum(c.values()):
                out.append(f"  {what}: {_tally(c, *kinds)}")
        return out


def merge_project(store: Store, other_path: str | Path, *,
                  on_progress: Progress | None = None) -> MergeReport:
    """Merge the project file at `other_path` into `store`; returns what was brought in.

    on_progress(done, total) is called as documents are processed.
    """
    other_path = Path(other_path)
    if other_path.resolve() == store.path.resolve():
        raise ProjectError(f"{other_path}: cannot merge a project into itself")
    other = Store(other_path, untrusted=True)  # read-only, bounded, every value checked
    try:
        with other.foreign.read_snapshot():  # both passes read the file as it was at the first read
            # Every value first, writing nothing: a bad file leaves our project byte for byte
            # as it was (no write even to its -wal).
            survey = other.foreign.check_other(on_row=(lambda: on_progress(0, 0)) if on_progress else None)
            report = MergeReport(str(other_path))
            with store.transaction():
                _merge_labels(store, other, survey, report)
                id_map = _merge_documents(store, other, report)
                _merge_annotations(store, other, id_map, report, on_progress, survey.annotations)
                _merge_reviews(store, other, id_map, report)
                _merge_decision_times(store, other, id_map, report)
                _merge_notes(store, other, id_map, report)
                _merge_guidelines(store, other, survey, report)
                for row in other.foreign.other_patterns():
                    report.patterns[store.patterns.merge_pattern(*row)] += 1
        return report
    finally:
        other.close()


def check_project_file(path: str | Path) -> OtherSurvey:
    """Check a project file as a merge checks a teammate's (`annotator check`), reading only."""
    with Store(path, untrusted=True) as other, other.foreign.read_snapshot():
        return other.foreign.check_other()


def _merge_labels(store: Store, other: Store, survey: OtherSurvey, report: MergeReport) -> None:
    try:
        report.labels_added.extend(l.name for l in store.labels.add_labels(survey.labels))
        # Labels used in spans but since removed from the other's label set.
        report.labels_added.extend(store.labels.ensure_labels(survey.span_labels))
    except LabelError as exc:
        raise RecordError(str(other.path), None, str(exc)) from None


def _merge_documents(store: Store, other: Store, report: MergeReport) -> dict[int, int]:
    """Add the other's documents; returns other id -> our id."""
    id_map: dict[int, int] = {}
    for batch in other.foreign.other_documents():
        ids, added = store.documents.add_documents([(d.text, d.meta) for d in batch])
        report.documents_seen += len(batch)
        report.documents_added += added
        id_map.update(zip((d.id for d in batch), ids))
    return id_map


def _merge_annotations(store: Store, other: Store, id_map: dict[int, int], report: MergeReport,
                       on_progress: Progress | None, total: int) -> None:
    # Current versions first, then the other's history: older versions are then filed in our
    # history instead of briefly becoming current, and a second merge finds them all known.
    done = 0
    for ann in other.foreign.other_annotations():
        _merge_one(store, other, id_map[ann.document_id], ann, report)
        done += 1
        if on_progress and (done % 200 == 0 or done == total):
            on_progress(done, total)
    for old in other.foreign.other_annotations(history=True):
        _merge_one(store, other, id_map[old.document_id], old, report)


def _merge_one(store: Store, other: Store, doc_id: int, ann: Annotation, report: MergeReport) -> None:
    try:
        outcome = store.annotations.merge_annotation(doc_id, ann.annotator, ann.answer, ann.spans, ann.created, ann.updated)
    except (SpanError, ValueError) as exc:
        raise RecordError(str(other.path), None,
                          f"document {ann.document_id}, annotator {ann.annotator}: {exc}") from None
    report.count(ann.annotator, outcome)


def _merge_reviews(store: Store, other: Store, id_map: dict[int, int], report: MergeReport) -> None:
    for review in itertools.chain(other.foreign.other_reviews(), other.foreign.other_reviews(history=True)):
        try:
            outcome = store.reviews.merge_review(id_map[review.document_id], review.reviewer, review.spans,
                                         review.sources, review.created, method=review.method)
        except (SpanError, ValueError) as exc:
            raise RecordError(str(other.path), None, f"review of document {review.document_id}: {exc}") from None
        report.reviews[outcome] += 1


def _merge_decision_times(store: Store, other: Store, id_map: dict[int, int], report: MergeReport) -> None:
    for rec in other.foreign.other_decision_times():
        try:
            outcome = store.activity.merge_timed_decision(id_map[rec.document_id], rec.annotator, rec.answer,
                                                 rec.decided, rec.seconds, rec.suggested)
        except ValueError as exc:
            raise RecordError(str(other.path), None, f"decision record {rec.id}: {exc}") from None
        report.decision_times[outcome] += 1


def _merge_notes(store: Store, other: Store, id_map: dict[int, int], report: MergeReport) -> None:
    for note in other.foreign.other_notes():
        try:
            outcome = store.notes.merge_note(note.uid, id_map[note.document_id], note.author, note.text, note.created,
                                       note.updated, note.deleted)
        except ValueError as exc:
            raise RecordError(str(other.path), None, f"note {note.id}: {exc}") from None
        report.notes[outcome] += 1


def _merge_guidelines(store: Store, other: Store, survey: OtherSurvey, report: MergeReport) -> None:
    for guideline in other.foreign.other_guidelines({label.name for label in survey.labels}):
        outcome = store.guidelines.merge_guideline(guideline.subject, guideline.text, guideline.examples, guideline.author,
                                        guideline.updated)
        report.guidelines[outcome] += 1
