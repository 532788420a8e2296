"""Writes of the project's patterns and term lists (core/learning/patterns): add a file's
(with the labels it lacks, when asked), remove some. Each says what it changed: the
patterns, and labels when some were added; the window's matcher and label bar follow."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from annotator.core.ops.changes import Changes

if TYPE_CHECKING:
    from annotator.core.learning.patterns.manage import PatternImport, PatternRead
    from annotator.core.learning.patterns.precision import FlagRule
    from annotator.core.store import Store


def save_patterns(store: Store, read: PatternRead, author: str, *, by: str,
                  add_labels: bool = False) -> tuple[PatternImport, Changes]:
    """Add what was read from a file (manage.read_patterns) in one transaction."""
    from annotator.core.learning.patterns.manage import save_patterns as save

    report = save(store, read, author, add_labels=add_labels)
    return report, Changes(by=by, patterns=bool(report.added), labels=bool(report.labels_added))


def import_patterns(store: Store, path: str | Path, author: str, *, by: str, label: str | None = None,
                    add_labels: bool = False, check_gold: bool = False
                    ) -> tuple[PatternImport, PatternRead, Changes]:
    """Read a pattern file or term list (checked against the gold when asked) and add it
    (the CLI's `patterns add`)."""
    from annotator.core.learning.patterns.manage import check_against_gold, read_patterns

    read = read_patterns(path, store.labels.label_names(), label)
    if check_gold:
        check_against_gold(store, read, author)
    report, changes = save_patterns(store, read, author, by=by, add_labels=add_labels)
    return report, read, changes


def remove_patterns(store: Store, ids: Iterable[int] = (), *, label: str | None = None, author: str,
                    by: str) -> tuple[int, Changes]:
    """Remove patterns by id, or every pattern of `label`; returns how many were removed."""
    removed = store.patterns.remove_patterns(ids, label=label, author=author)
    return removed, Changes(by=by, patterns=bool(removed))


def set_flag_rule(store: Store, rule: FlagRule, *, by: str) -> Changes:
    """When a pattern is flagged (core/learning/patterns/precision.py)."""
    from annotator.core.learning.patterns.precision import SETTING_AFTER, SETTING_BELOW, save_flag_rule

    save_flag_rule(store, rule)
    return Changes(by=by, settings=frozenset({SETTING_BELOW, SETTING_AFTER}))
