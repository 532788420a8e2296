"""The window's edits that are one operation each (labels, settings, notes, guidelines, taking
back a decision, patterns): each calls core/ops and hands its Changes to Project.apply, the
one place where a change becomes signals (gui/project.py). A mixin of Project, apart only to
keep that file short."""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from annotator.core.errors import ProjectBusy
from annotator.core.ops import labels as label_ops
from annotator.core.ops import patterns as pattern_ops
from annotator.core.ops import settings as setting_ops
from annotator.core.ops import teamwork as team_ops
from annotator.core.ops.changes import BY_WINDOW
from annotator.core.settings import HUB_SYNC, Key



class ProjectEdits:
    """Project's one-operation edits (`self` is the Project: store, annotator, apply...)."""

    store: Any
    annotator: str
    session: Any
    decisionUndone: Any
    apply: Any
    waiting: bool
    flush: Any

    # ---- labels and settings ----------------------------------------------------------------------
    # The store enforces the label rules (core/text/labels.py); a refusal raises ValueError.
    def add_label(self, name: str, color: str | None = None) -> None:
        self.apply(label_ops.add_label(self.store, name, color, by=BY_WINDOW)[1])

    def rename_label(self, old: str, new: str) -> None:
        self.apply(label_ops.rename_label(self.store, old, new, author=self.annotator, by=BY_WINDOW))

    def set_label_color(self, name: str, color: str) -> None:
        self.apply(label_ops.set_label_color(self.store, name, color, by=BY_WINDOW))

    def remove_label(self, name: str) -> None:
        self.apply(label_ops.remove_label(self.store, name, by=BY_WINDOW))

    def set_label_key(self, name: str, key: str | None) -> None:
        self.apply(label_ops.set_label_key(self.store, name, key, by=BY_WINDOW))

    def use_accessible_palette(self) -> None:
        """Every label gets the accessible palette's colour for its place (core/text/palette.py)."""
        self.apply(label_ops.use_accessible_palette(self.store, by=BY_WINDOW)[1])

    def set_setting(self, key: Key[Any], value: Any) -> None:
        self.apply(setting_ops.set_setting(self.store, key, value, by=BY_WINDOW))

    def remember_hub_sync(self, on: bool) -> None:
        """Whether the window syncs this project with its hub when it opens (never the password)."""
        self.set_setting(HUB_SYNC, on)

    def set_continuous(self, on: bool) -> None:
        self.apply(setting_ops.set_continuous(self.store, on, by=BY_WINDOW))

    # ---- notes, guidelines, undo (core/ops/teamwork.py) ------------------------------------------
    # Each raises AnnotatorError with a one-line reason when the core refuses.
    def add_note(self, doc_id: int, text: str) -> None:
        self.apply(team_ops.add_note(self.store, doc_id, self.annotator, text, by=BY_WINDOW)[1])

    def edit_note(self, note_id: int, text: str) -> None:
        self.apply(team_ops.edit_note(self.store, note_id, self.annotator, text, by=BY_WINDOW)[1])

    def delete_note(self, note_id: int) -> None:
        self.apply(team_ops.delete_note(self.store, note_id, self.annotator, by=BY_WINDOW)[1])

    def set_guidelines(self, text: str) -> None:
        self.apply(team_ops.set_guidelines(self.store, text, self.annotator, by=BY_WINDOW)[1])

    def describe_label(self, label: str, text: str, examples: Sequence[str]) -> None:
        self.apply(team_ops.describe_label(self.store, label, text, self.annotator, examples, by=BY_WINDOW)[1])

    def set_min_agreement(self, k: int | None) -> None:
        """How many annotators must agree for the review to offer a span pre-accepted."""
        self.apply(team_ops.set_min_agreement(self.store, k, by=BY_WINDOW))

    def undo_decision(self, doc_id: int) -> Any:
        """Take back this annotator's decision on `doc_id` (core/team/undo.py); returns the
        UndoResult. What it taught is unlearned and its disputed state checked (apply)."""
        if self.waiting and not self.flush():
            raise ProjectBusy("the project file is busy: try again in a moment")
        result, changes = team_ops.undo_decision(self.store, doc_id, self.annotator, by=BY_WINDOW)
        self.session.drafts.forget(doc_id)
        self.apply(changes)
        self.decisionUndone.emit(doc_id)
        return result

    # ---- patterns (core/ops/patterns.py) -----------------------------------------------------------
    def remove_patterns(self, ids: Iterable[int]) -> int:
        removed, changes = pattern_ops.remove_patterns(self.store, ids, author=self.annotator, by=BY_WINDOW)
        self.apply(changes)
        return removed

    def set_flag_rule(self, rule: Any) -> None:
        """When a pattern is flagged (core/learning/patterns/precision.py FlagRule)."""
        self.apply(pattern_ops.set_flag_rule(self.store, rule, by=BY_WINDOW))
