"""Writes of the label set: add, rename, recolour, remove, a key, the accessible palette. The
store enforces the label rules (core/text/labels.py); a refusal raises LabelError (a
ValueError) or KeyError."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.core.ops.changes import Changes, recorded

if TYPE_CHECKING:
    from annotator.core.store import Store
    from annotator.core.text.model import Label


def add_label(store: Store, name: str, color: str | None = None, key: str | None = None, *,
              by: str) -> tuple[Label, Changes]:
    """Add a label (its name stripped, then checked); returns it as stored."""
    label = store.labels.add_label(name, color, key)
    return label, Changes(by=by, labels=True)


def rename_label(store: Store, old: str, new: str, *, author: str, by: str) -> Changes:
    """Rename a label everywhere: the label set, decisions, drafts, reviews and patterns that
    use it (each pattern removed under the old name and added under the new, by `author`)."""
    with recorded(store, by) as done:
        store.rename_label(old, new, author)
    return done.changes


def set_label_color(store: Store, name: str, color: str, *, by: str) -> Changes:
    store.labels.set_label_color(name, color)
    return Changes(by=by, labels=True)


def remove_label(store: Store, name: str, *, by: str) -> Changes:
    """Remove a label from the set (spans that carry it keep it)."""
    store.labels.remove_label(name)
    return Changes(by=by, labels=True)


def set_label_key(store: Store, name: str, key: str | None, *, by: str) -> Changes:
    """Give a label its shortcut key (one no other label has), or none."""
    store.labels.set_label_key(name, key)
    return Changes(by=by, labels=True)


def use_accessible_palette(store: Store, *, by: str) -> tuple[dict[str, str], Changes]:
    """Recolour every label from the accessible palette by its place (core/text/palette.py);
    returns {label: colour}."""
    colors = store.labels.use_accessible_palette()
    return colors, Changes(by=by, labels=True)
