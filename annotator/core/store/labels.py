"""The project's label set and its settings (key/value pairs such as the language)."""

from __future__ import annotations

from typing import Any, Iterable

import sqlite_utils

from annotator.core.settings import LANG
from annotator.core.text.labels import (
    LABEL_KEYS, LabelError, admit_color, admit_key, check_key, check_label_count, check_name, next_free_key,
)
from annotator.core.text.model import Label
from annotator.core.text.palette import accessible_colors, palette_color
from annotator.core.store.codec import dumps, loads
from annotator.core.store.connection import Repository
from annotator.core.store.guard.values import BadValue

def _label(row: tuple[Any, ...]) -> Label:
    """A label row as written here (names made before the label-name rule included)."""
    name, color, key, position = row
    if not isinstance(name, str) or not isinstance(color, str) or not isinstance(key, (str, type(None))):
        raise BadValue("its name, colour or key is not text")
    return Label(name, color, key, position)


class Settings(Repository):
    """The project's key/value settings (the typed view over them: core/settings.py)."""

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM project WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction():
            self.db["project"].upsert({"key": key, "value": value}, pk="key")

    @property
    def lang(self) -> str:
        return self.get_setting(LANG.name) or str(LANG.default)


class Labels(Repository):
    """The project's label set: names, colours, keys and order."""

    def all(self) -> list[Label]:
        return [self._value(f"label row {r[0]}", _label, r[1:]) for r in self.conn.execute(
            "SELECT rowid, name, color, key, position FROM labels ORDER BY position, name")]

    def label_names(self) -> list[str]:
        return [l.name for l in self.all()]

    def add_label(self, name: str, color: str | None = None, key: str | None = None) -> Label:
        """Add a label (its name stripped, then checked by labels.check_name; colour and key
        by the label rule; at most labels.MAX_LABELS)."""
        name = check_name(name)
        existing = self.all()
        if any(l.name == name for l in existing):
            raise LabelError(f"label {name} already exists")
        check_label_count(len(existing) + 1)
        # the accessible palette's next colour unless one is given
        color = admit_color(color) if color else palette_color(len(existing))
        key = next_free_key(existing) if key is None else admit_key(key)
        position = max((l.position for l in existing), default=-1) + 1
        with self.transaction():
            self.db["labels"].insert({"name": name, "color": color, "key": key, "position": position})
        return Label(name, color, key, position)

    def add_labels(self, labels: Iterable[Label]) -> list[Label]:
        """Add labels made elsewhere (a teammate's file, a hub), all or none, in one pass: each
        by the label rule (labels.admit_label: its name as it is), a name the project has is
        skipped, a key another label uses is dropped, and the project stays within
        labels.MAX_LABELS. Returns the labels added, as stored."""
        existing = self.all()
        names = {l.name for l in existing}
        keys = {l.key for l in existing}
        position = max((l.position for l in existing), default=-1) + 1
        added: list[Label] = []
        for label in labels:
            name = check_name(label.name, strip=False)
            if name in names:
                continue
            key = admit_key(label.key)
            if key is None or key in keys:
                key = None
            keys.add(key)
            names.add(name)
            added.append(Label(name, admit_color(label.color), key, position + len(added)))
        check_label_count(len(existing) + len(added))
        with self.transaction() as c:
            c.executemany("INSERT INTO labels (name, color, key, position) VALUES (?, ?, ?, ?)",
                          [(l.name, l.color, l.key, l.position) for l in added])
        return added

    def ensure_labels(self, names: Iterable[str]) -> list[str]:
        """Add any labels not yet in the project, all or none; returns the names added.
        The names are data (spans' labels): each must pass check_name as it is. New labels
        get the palette's colours and the free keys, as add_label gives them."""
        existing = self.all()
        known = {l.name for l in existing}
        added = sorted(set(names) - known)
        if not added:
            return []
        for name in added:
            check_name(name, strip=False)
        used = {l.key for l in existing}
        free = iter([k for k in LABEL_KEYS if k not in used])
        self.add_labels(Label(name, palette_color(len(existing) + i), next(free, None))
                        for i, name in enumerate(added))
        return added

    def remove_label(self, name: str) -> None:
        """Remove a label from the set; its description goes too (kept in team_guideline_history)."""
        with self.transaction() as c:
            try:
                self.db["labels"].delete(name)
            except sqlite_utils.db.NotFoundError:
                raise KeyError(name) from None
            c.execute("DELETE FROM team_guidelines WHERE subject = ?", (name,))

    def set_label_color(self, name: str, color: str) -> None:
        color = admit_color(color)
        with self.transaction():
            try:
                self.db["labels"].update(name, {"color": color})
            except sqlite_utils.db.NotFoundError:
                raise KeyError(name) from None

    def set_label_key(self, name: str, key: str | None) -> None:
        """Give a label its shortcut key (one letter or digit no other label has), or none."""
        labels = self.all()
        if not any(label.name == name for label in labels):
            raise KeyError(name)
        value = None if key is None or not key.strip() else check_key(key, labels, exclude=name)
        with self.transaction():
            self.db["labels"].update(name, {"key": value})

    def use_accessible_palette(self) -> dict[str, str]:
        """Recolour every label with the accessible palette by its place in the label set
        (core/text/palette.py), in one transaction; returns {label: colour}."""
        colors = accessible_colors(self.all())
        with self.transaction() as c:
            c.executemany("UPDATE labels SET color = ? WHERE name = ?", [(v, k) for k, v in colors.items()])
        return colors

    def rename_in_set(self, c: Any, old: str, new: str) -> None:
        """Inside Store.rename_label's transaction: the label set and the label's description."""
        if new in self.label_names():
            raise LabelError(f"label {new} already exists")
        if not c.execute("UPDATE labels SET name = ? WHERE name = ?", (new, old)).rowcount:
            raise KeyError(old)
        c.execute("UPDATE team_guidelines SET subject = ? WHERE subject = ?", (new, old))

    @staticmethod
    def relabel_spans(c: Any, old: str, new: str) -> None:
        """Inside Store.rename_label's transaction, after drafts are folded: every span of
        `old` in the current annotations, drafts and reviews (history keeps the old name)."""
        for table, key_cols in (("annotations", "id"), ("drafts", "document_id, annotator"),
                                ("reviews", "document_id")):
            for row in c.execute(f"SELECT {key_cols}, spans FROM {table}").fetchall():
                spans = loads(row[-1], "spans")
                if any(s["label"] == old for s in spans):
                    for s in spans:
                        if s["label"] == old:
                            s["label"] = new
                    cols = key_cols.split(", ")
                    cond = " AND ".join(f"{col} = ?" for col in cols)
                    c.execute(f"UPDATE {table} SET spans = ? WHERE {cond}", (dumps(spans), *row[:-1]))
