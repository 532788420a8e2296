"""Drafts as a base plus edits, so saving the draft of a 100,000-span document writes only
what the last edit changed.

A draft is a row of `drafts` (the base span list) and the rows of `draft_edits` after it,
each one edit: {"remove": [[start, end, label], ...], "add": [span, ...]}. Reading a draft
applies the edits to the base in order. Every save is one transaction, so the durability
promise holds as before: an edit is on disk when the save returns, before the next decision.

DraftJournal is what the window saves through: it remembers, per document, the span list
the store holds, writes the difference as one edit (validated like a full save: the added
spans against the text, their neighbours and the project's labels), and folds the edits into
a new base in a background thread: when the person moves on to another document (if
FOLD_ON_LEAVING edits piled up), or after COMPACT_AFTER edits of one document. Not while they
edit: writing a 5 MB base holds the file's write lock for a moment, which the next edit's save
would wait for. Folding writes the span list the journal already holds (no parsing), and only
if no full save overtook it. Reading a draft replays its edits (2,000 take milliseconds).
"""

from __future__ import annotations

import bisect
import operator
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Sequence

from annotator.core.text.editing import diff_spans, full_key
from annotator.core.errors import SpanError
from annotator.core.text.model import Span
from annotator.core.text.spans import admit_spans
from annotator.core.store import Store
from annotator.core.store.codec import dumps_spans, edit_json

COMPACT_AFTER = 2_000  # edits of one document after which the base is rewritten (in a thread)
FOLD_ON_LEAVING = 50  # edits left on a document the person moved away from, to fold
_REMEMBERED = 8  # documents whose saved span list the journal keeps
_START, _END = operator.attrgetter("start"), operator.attrgetter("end")


# An edit as the editor applied it: (the spans before, removed, added), each sorted.
DraftChange = tuple[Sequence[Span], Sequence[Span], Sequence[Span]]


def _continues(last_saved: Sequence[Span], spans: Sequence[Span], change: DraftChange) -> bool:
    """Whether `change` takes the last saved list to `spans`: it starts from the same span
    objects (an identity scan in C) and the counts add up."""
    before, removed, added = change
    return (len(before) == len(last_saved) and len(before) - len(removed) + len(added) == len(spans)
            and all(map(operator.is_, before, last_saved)))


class _Saved:
    """What the store holds for one document's draft, as far as this journal knows."""

    __slots__ = ("text", "spans", "stored", "base", "edits", "last_edit")

    def __init__(self, text: str, spans: Sequence[Span], stored: bool, base: str | None, edits: int) -> None:
        self.text, self.spans, self.stored, self.base = text, tuple(spans), stored, base
        self.edits, self.last_edit = edits, 0


class DraftJournal:
    """Saves one annotator's drafts through a Store as edits (see the module docstring).
    Belongs to the store's thread; the compaction thread opens its own connection."""

    def __init__(self, store: Store, annotator: str) -> None:
        self.store, self.annotator = store, annotator
        self._docs: OrderedDict[int, _Saved] = OrderedDict()
        self._compacting: threading.Thread | None = None
        self.compactions = 0  # finished (tests and benchmarks read it)

    def shown(self, doc_id: int, text: str, spans: Sequence[Span], stored: bool, base: str | None = None) -> None:
        """A document is on screen with `spans`; stored: the store's draft is exactly these
        (else there is no draft yet). `base`: dumps_spans(spans), if a worker made it already."""
        for other, left in list(self._docs.items()):
            if other != doc_id and left.stored and left.edits >= FOLD_ON_LEAVING:
                self._compact(other, left)  # the person moved on: fold what they left
        edits = self.store.drafts.draft_edit_count(doc_id, self.annotator) if stored else 0
        self._docs[doc_id] = _Saved(text, spans, stored, base, edits)
        self._docs.move_to_end(doc_id)
        while len(self._docs) > _REMEMBERED:
            self._docs.popitem(last=False)

    def forget(self, doc_id: int) -> None:
        """The draft is gone (a decision replaced it)."""
        self._docs.pop(doc_id, None)

    def save(self, doc_id: int, spans: Sequence[Span], change: DraftChange | None = None) -> None:
        """Keep `spans` as the draft: one edit if the journal knows what the store holds,
        else a full save. Raises like Store.drafts.save_draft (SpanError, ProjectBusy); on an error
        nothing is written and the next save writes the difference from the last success.

        `change`: (spans before, removed, added) of the edit that made `spans`, as the editor
        applied it. Used instead of working the difference out again (tens of milliseconds
        for an edit of tens of thousands of spans) only when the spans before are the very
        objects last saved and the counts add up; the added spans are checked either way."""
        saved = self._docs.get(doc_id)
        spans = tuple(spans)
        if saved is None:
            self.store.drafts.save_draft(doc_id, self.annotator, spans)
            return
        if change is not None and _continues(saved.spans, spans, change):
            removed, added = list(change[1]), list(change[2])
        else:
            removed, added = diff_spans(saved.spans, spans)
        if not self._edit_is_valid(saved.text, spans, added):
            self.store.drafts.save_draft(doc_id, self.annotator, spans)  # the full check names the problem
            saved.spans, saved.stored, saved.base, saved.edits = spans, True, None, 0
            return
        base = None
        if not saved.stored:  # the first edit: the draft starts from what was shown
            base = saved.base if saved.base is not None else dumps_spans(saved.spans)
        edit_id = self.store.drafts.save_draft_edit(doc_id, self.annotator, edit_json(removed, added), base)
        saved.spans, saved.stored, saved.base = spans, True, None
        saved.edits += 1
        saved.last_edit = edit_id
        if saved.edits >= COMPACT_AFTER:
            self._compact(doc_id, saved)

    def _edit_is_valid(self, text: str, spans: Sequence[Span], added: Sequence[Span]) -> bool:
        """The checks of a full save, for the added spans only: in range, trimmed, known
        labels, no overlap with their neighbours in the new list. False: take the full path."""
        if not added:
            return True
        try:  # the one admission, with the project's labels
            if not all(map(operator.is_, admit_spans(text, added, self.store.labels.label_names()), added)):
                return False  # would be trimmed: the full save stores what the check makes of it
        except SpanError:
            return False
        if len(added) > 256:  # many (label all, propagation): one C-level pass over the whole list
            return all(map(operator.le, map(_END, spans[:-1]), map(_START, spans[1:])))
        for span in added:
            i = bisect.bisect_left(spans, span.key(), key=Span.key)
            if i >= len(spans) or full_key(spans[i]) != full_key(span):
                return False
            if (i and spans[i - 1].end > span.start) or (i + 1 < len(spans) and span.end > spans[i + 1].start):
                return False
        return True

    # ---- compaction -----------------------------------------------------------------------
    def _compact(self, doc_id: int, saved: _Saved) -> None:
        if self._compacting is not None and self._compacting.is_alive():
            return  # one at a time; a later save tries again
        snapshot, upto = saved.spans, saved.last_edit
        saved.edits = 0
        path = Path(self.store.path)
        thread = threading.Thread(target=self._fold, args=(path, doc_id, snapshot, upto),
                                  name="draft-compaction", daemon=True)
        self._compacting = thread
        thread.start()

    def _fold(self, path: Path, doc_id: int, snapshot: tuple[Span, ...], upto: int) -> None:
        payload = dumps_spans(snapshot)
        try:
            store = Store(path)
        except Exception:  # noqa: BLE001 - the edits stay, and are read as before
            return
        try:
            if store.drafts.fold_draft(doc_id, self.annotator, payload, upto):
                self.compactions += 1
        except Exception:  # noqa: BLE001 - busy or closing: the edits stay valid as they are
            pass
        finally:
            store.close()

    def wait(self, timeout: float | None = None) -> None:
        """Until a running compaction has finished (before the project is closed)."""
        thread = self._compacting
        if thread is not None:
            thread.join(timeout)
