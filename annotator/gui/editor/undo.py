"""Undo commands for span edits.

Each command stores what the edit removed and added (and the selection on either side), so
undo and redo restore exactly what was there, sources included, without two copies of a
100,000-span list per step (memory, and the garbage collector's passes over them). The span
editing itself is plain Python in annotator.core.text.editing; a command replays its change.
"""

from __future__ import annotations

import operator
from typing import Callable, Protocol, Sequence

from PySide6.QtGui import QUndoCommand

from annotator.core.text import editing
from annotator.core.text.editing import full_key
from annotator.core.text.model import SOURCE_PROPAGATED, Span

# What follows a labelling edit in the same undo step: the span list after the edit -> the
# span list to show (the window's propagation inside the document, gui/editor/occurrences.py).
Then = Callable[[list[Span]], list[Span]]
_SOURCE = operator.attrgetter("source")

_SNIPPET_MAX = 40


class SpanTarget(Protocol):
    """What a command edits: the SpanEditor (kept abstract so the commands are testable)."""

    def apply_spans(self, spans: Sequence[Span], selected: Span | None,
                    change: tuple[Sequence[Span], Sequence[Span]] | None = None) -> None: ...

    def spans(self) -> list[Span]: ...

    def text(self) -> str: ...


def snippet(text: str, span: Span) -> str:
    """The span's text for a command's description, shortened and on one line."""
    piece = " ".join(text[span.start:span.end].split())
    if len(piece) > _SNIPPET_MAX:
        piece = piece[:_SNIPPET_MAX - 1] + "…"
    return piece


class SpanListCommand(QUndoCommand):
    """Replace the editor's span list with `after`; undo puts `before` back. `then` (a
    labelling edit's follow-up, e.g. propagation) turns `after` into what is shown, in the
    same step; amend() folds a follow-up that arrives later into the step."""

    def __init__(self, target: SpanTarget, before: Sequence[Span], after: Sequence[Span],
                 description: str, *, selected_before: Span | None = None,
                 selected_after: Span | None = None, then: Then | None = None,
                 change: tuple[Sequence[Span], Sequence[Span]] | None = None) -> None:
        if then is not None:
            given = list(after)
            after = then(given)
            change = change if after is given else None  # the follow-up changed it: work it out
        removed, added = change if change is not None else editing.diff_spans(before, after)
        super().__init__(description)
        self._description = description
        self._target = target
        self.removed: tuple[Span, ...] = tuple(removed)
        self.added: tuple[Span, ...] = tuple(added)
        self._describe()
        self._after: list[Span] | None = list(after)  # the first redo (push) needs no replay
        self._selected_before = selected_before
        self._selected_after = selected_after

    def amend(self, removed: Sequence[Span], added: Sequence[Span]) -> None:
        """Fold a further change of the list this step produced into the step (the step is
        done and on top of the stack), so one undo takes both back."""
        net_removed = dict(zip(map(editing.FULL_KEY, self.removed), self.removed))  # C-level: steps
        net_added = dict(zip(map(editing.FULL_KEY, self.added), self.added))  # of 40,000 spans
        for span in removed:
            if net_added.pop(full_key(span), None) is None:
                net_removed[full_key(span)] = span
        for span in added:
            if net_removed.pop(full_key(span), None) is None:
                net_added[full_key(span)] = span
        self.removed, self.added = tuple(sorted(net_removed.values())), tuple(sorted(net_added.values()))
        self._describe()

    def _describe(self) -> None:
        stars = list(map(_SOURCE, self.added)).count(SOURCE_PROPAGATED)
        self.setText(self._description + (f" (+{stars} ★)" if stars else ""))

    def redo(self) -> None:
        after = self._after
        self._after = None
        if after is None:
            after = editing.apply_change(self._target.spans(), self.removed, self.added)
        self._target.apply_spans(after, self._selected_after, (self.removed, self.added))

    def undo(self) -> None:
        before = editing.apply_change(self._target.spans(), self.added, self.removed)
        self._target.apply_spans(before, self._selected_before, (self.added, self.removed))


class AddSpan(SpanListCommand):
    """A new span (replacing any it overlaps): "Add PERSON 'hun sen'". It is not selected
    afterwards: a label key then sets the next span's label (SpanEditor.choose_label)."""

    def __init__(self, target: SpanTarget, before: Sequence[Span], new: Span,
                 selected_before: Span | None = None, then: Then | None = None) -> None:
        after = editing.add_span(before, new)
        replaced = len(before) + 1 - len(after)
        desc = f"Add {new.label} '{snippet(target.text(), new)}'"
        if replaced:
            desc += f" (replacing {replaced})"
        super().__init__(target, before, after, desc, selected_before=selected_before,
                         selected_after=None, then=then)
        self.span = new


class RemoveSpan(SpanListCommand):
    """Delete one span: "Delete ORG 'fbi'"."""

    def __init__(self, target: SpanTarget, before: Sequence[Span], span: Span, then: Then | None = None) -> None:
        after = editing.remove_span(before, span)
        super().__init__(target, before, after,
                         f"Delete {span.label} '{snippet(target.text(), span)}'",
                         selected_before=span, selected_after=None, then=then)
        self.span = span


class RelabelSpan(SpanListCommand):
    """Change a span's label: "Relabel 'hun sen' PERSON -> ORG"."""

    def __init__(self, target: SpanTarget, before: Sequence[Span], span: Span, label: str,
                 then: Then | None = None) -> None:
        after = editing.relabel_span(before, span, label)
        new = Span(span.start, span.end, label, None)
        super().__init__(target, before, after,
                         f"Relabel '{snippet(target.text(), span)}' {span.label} -> {label}",
                         selected_before=span, selected_after=new, then=then)
        self.span = new


class ConfirmSpan(SpanListCommand):
    """Accept one suggested span as the person's own: "Confirm GPE 'paris'"."""

    def __init__(self, target: SpanTarget, before: Sequence[Span], span: Span, then: Then | None = None) -> None:
        after = editing.confirm_span(before, span)
        new = Span(span.start, span.end, span.label, None)
        super().__init__(target, before, after,
                         f"Confirm {span.label} '{snippet(target.text(), span)}'",
                         selected_before=span, selected_after=new, then=then)


class ConfirmAll(SpanListCommand):
    """Accept every suggested span: "Confirm all 12 suggestions"."""

    def __init__(self, target: SpanTarget, before: Sequence[Span],
                 selected: Span | None = None, then: Then | None = None) -> None:
        count = len(editing.unconfirmed(before))
        after = editing.confirm_all(before)
        sel = Span(selected.start, selected.end, selected.label, None) if selected else None
        word = "suggestion" if count == 1 else "suggestions"
        super().__init__(target, before, after, f"Confirm all {count} {word}",
                         selected_before=selected, selected_after=sel, then=then)


class ReplaceSpans(SpanListCommand):
    """Swap in a whole new span list (e.g. clear all, apply suggestions, label all occurrences)."""

    def __init__(self, target: SpanTarget, before: Sequence[Span], after: Sequence[Span],
                 description: str, selected_before: Span | None = None,
                 selected_after: Span | None = None, then: Then | None = None,
                 change: tuple[Sequence[Span], Sequence[Span]] | None = None) -> None:
        # With `change` the list was checked (sorted, disjoint) off the GUI thread already.
        after = list(after) if change is not None else sorted(after, key=editing.SPAN_KEY)
        super().__init__(target, before, after, description, selected_before=selected_before,
                         selected_after=selected_after, then=then, change=change)
