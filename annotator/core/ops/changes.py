"""What a write changed: the record every operation returns (Anki's OpChanges).

A `Changes` says which kinds of thing changed (documents added, decisions, drafts, reviews,
labels, patterns, notes, guidelines, settings, hub assignments, the model to suggest with,
trained models, decision records), on which documents, and who started it. The window's Project turns it into
signals in one place (gui/project.py), so each view updates only what it shows: one row of
the document list, the disputed state of those documents, the gold matcher's entries for
them. The CLI may print it (`describe`).

An operation that knows exactly what it wrote builds its Changes itself (a decision: one
document). One that writes in bulk (an import, a merge, a sync, a label rename) is wrapped
in `recorded()`, which reads the project's change log (core/store/sync_state.py) after it;
so does the window's watcher (core/ops/watch.py) for writes made by other connections.
Either may name a few more documents than the operation touched (another writer's, in
between): a view then rereads a row for nothing, never misses one.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Iterator

from annotator.core.learning.suggest import SETTING_LABEL_MAP, SETTING_MODEL
from annotator.core.wording import count

if TYPE_CHECKING:
    from annotator.core.store import Store
    from annotator.core.store.sync_state import LogRead

# Who started a change (Changes.by).
BY_WINDOW = "window"        # this window's own write, on its own connection
BY_ELSEWHERE = "elsewhere"  # another connection: the command line, a second window, a worker
BY_CLI = "command line"

# Settings that change what the model suggests.
MODEL_SETTINGS = frozenset({SETTING_MODEL, SETTING_LABEL_MAP})
# Documents listed one by one up to this many; past it Changes.doc_ids is None ("any").
LIST_LIMIT = 2_000

# Change-log kinds (migrations 4, 6, 7, 8, 9 of core/store/schema.py) -> Changes fields.
_KIND_FIELDS = {"annotation": "decisions", "annotation_pulled": "decisions", "review": "reviews",
                "review_pulled": "reviews", "draft": "drafts", "decision_time": "records",
                "decision_time_pulled": "records", "label": "labels", "pattern": "patterns",
                "pattern_pulled": "patterns", "note": "notes", "note_pulled": "notes",
                "guideline": "guidelines", "guideline_pulled": "guidelines", "assignment": "assignments",
                "trained_model": "trained", "learning_curve": "trained"}
_NOTE_KINDS = ("note", "note_pulled")


@dataclass(frozen=True)
class Changes:
    """What one write (or everything another writer did since the last look) changed.

    doc_ids: the documents whose decisions, drafts or reviews changed; None when there were
    too many to list (a big merge): a view then rereads everything, off the GUI thread.
    new_ids: the documents added, in id order (None: too many to list; new_documents counts
    them either way). note_ids: the documents whose notes changed (None: any)."""

    by: str = ""
    documents: bool = False
    decisions: bool = False
    drafts: bool = False
    reviews: bool = False
    labels: bool = False
    patterns: bool = False  # patterns and term lists (core/learning/patterns)
    notes: bool = False  # notes on documents (core/team/notes.py)
    guidelines: bool = False  # the guidelines or a label's description (core/team/guidelines.py)
    settings: frozenset[str] = frozenset()
    assignments: bool = False
    model: bool = False
    trained: bool = False
    records: bool = False
    doc_ids: frozenset[int] | None = frozenset()
    new_ids: tuple[int, ...] | None = ()
    new_documents: int = 0
    note_ids: frozenset[int] | None = frozenset()

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self) if f.name not in ("by", "doc_ids", "new_ids", "note_ids"))

    @property
    def work(self) -> bool:
        """Decisions, drafts or reviews changed."""
        return self.decisions or self.drafts or self.reviews

    @property
    def gold(self) -> bool:
        """What the team gold is made of changed (decisions or reviews)."""
        return self.decisions or self.reviews

    def describe(self) -> str:
        """One line for the command line: what changed ('' when nothing did)."""
        parts = []
        if self.documents:
            parts.append(f"{count(self.new_documents, 'document')} added")
        if self.work:
            what = "/".join(w for w, on in (("decisions", self.decisions), ("drafts", self.drafts),
                                            ("reviews", self.reviews)) if on)
            parts.append(f"{what} of {'many documents' if self.doc_ids is None else count(len(self.doc_ids), 'document')}")
        if self.notes:
            parts.append(f"notes of {'many documents' if self.note_ids is None else count(len(self.note_ids), 'document')}")
        parts += [w for w, on in (("labels", self.labels), ("patterns", self.patterns),
                                  ("guidelines", self.guidelines), ("hub assignments", self.assignments),
                                  ("the model", self.model), ("trained models", self.trained),
                                  ("decision records", self.records)) if on]
        if self.settings:
            parts.append(f"settings {', '.join(sorted(self.settings))}")
        return "; ".join(parts)


def from_log(read: LogRead, by: str) -> Changes:
    """The Changes a read of the change log (Store.sync.read_change_log) stands for."""
    flags = {name: True for kind, name in _KIND_FIELDS.items() if kind in read.kinds}
    if read.overflow:  # the bulk kinds' rows were not read: assume each of them
        flags.update(decisions=True, drafts=True, reviews=True, records=True)
    doc_ids = note_ids = None
    if read.documents is not None:
        doc_ids = frozenset().union(*(ids for kind, ids in read.documents.items() if kind not in _NOTE_KINDS))
        note_ids = frozenset().union(*(ids for kind, ids in read.documents.items() if kind in _NOTE_KINDS))
    if doc_ids is not None and len(doc_ids) > LIST_LIMIT:
        doc_ids = None
    settings = frozenset(read.settings)
    new_ids = None if read.new_ids is None else tuple(read.new_ids)
    new_count = len(new_ids) if new_ids is not None else LIST_LIMIT + 1
    return Changes(by=by, **flags, settings=settings, model=bool(settings & MODEL_SETTINGS), doc_ids=doc_ids,
                   documents=bool(new_count), new_ids=new_ids, new_documents=new_count, note_ids=note_ids)


@dataclass
class Recording:
    """Filled in when the `recorded()` block ends."""

    changes: Changes = field(default_factory=Changes)


@contextlib.contextmanager
def recorded(store: Store, by: str) -> Iterator[Recording]:
    """Around a bulk write: its Changes, read from the change log afterwards (with whatever
    another writer committed meanwhile). Also when the block raises: what was committed
    before the error is real."""
    rev, doc = store.sync.change_mark()
    recording = Recording()
    try:
        yield recording
    except BaseException:
        with contextlib.suppress(Exception):  # the block's own error is the one to see
            recording.changes = changes_after(store, rev, doc, by)[0]
        raise
    recording.changes = changes_after(store, rev, doc, by)[0]


def changes_after(store: Store, rev: int, doc: int, by: str) -> tuple[Changes, tuple[int, int]]:
    """What the change log says changed after the watermark (rev, doc), and the watermark
    that read reached."""
    read = store.sync.read_change_log(rev, doc, LIST_LIMIT)
    changes = from_log(read, by)
    if read.new_ids is None:  # past the limit: count them (an index range, cheap)
        changes = replace(changes, new_documents=store.sync.count_documents_after(doc) - store.sync.count_documents_after(read.doc))
    return changes, (read.rev, read.doc)
