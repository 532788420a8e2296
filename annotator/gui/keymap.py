"""The keys in force for every named action (issue 28 §2).

Each action has default keys (the window's menus in gui/menus.py, the span editor's token
cursor in EDITOR_ACTIONS below); the person may give any of them other keys, which are saved in
their own Qt settings (gui/settings.py, group "shortcuts") and come back at the next start.
A key already used by another action, or by a label (its key, or Shift + it for "label all"), is
refused with a message naming that action. Actions bound with bind() follow a change at once;
the span editor asks matches() for its own keys. "Reset" goes back to the defaults.

Rules, written down: one chord per key (no two-step sequences); an action may have several
keys, or none; the label keys themselves are the project's (Edit -> Labels, `annotator labels
key`), not the person's, and so are listed and checked here but saved in the project.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Union

from PySide6.QtCore import QKeyCombination, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from shiboken6 import Shiboken

from annotator.gui.settings import settings

KeySpec = Union[str, QKeySequence, QKeySequence.StandardKey]
_GROUP = "shortcuts"
_PORTABLE = QKeySequence.SequenceFormat.PortableText
_NATIVE = QKeySequence.SequenceFormat.NativeText

EDITOR_GROUP = "Editor: token cursor"
# The span editor's keys (gui/editor/token_cursor.py): they act where the focus is, the text.
EDITOR_ACTIONS: list[tuple[str, str, list[str]]] = [
    ("cursor_next", "Cursor to the next token", ["Ctrl+Right"]),
    ("cursor_previous", "Cursor to the previous token", ["Ctrl+Left"]),
    ("cursor_down", "Cursor one line down", ["Ctrl+Down"]),
    ("cursor_up", "Cursor one line up", ["Ctrl+Up"]),
    ("cursor_first", "Cursor to the first token", ["Home"]),
    ("cursor_last", "Cursor to the last token", ["End"]),
    ("cursor_next_span", "Cursor to the next span", ["Alt+Right"]),
    ("cursor_previous_span", "Cursor to the previous span", ["Alt+Left"]),
    ("extend_next", "Extend the selection by the next token", ["Ctrl+Shift+Right"]),
    ("extend_previous", "Extend the selection by the previous token", ["Ctrl+Shift+Left"]),
    ("add_span", "Add a span over the selection (or the cursor's token) with the active label", ["Return", "Enter"]),
    ("clear_selection", "Clear the selection", ["Escape"]),
]


class ShortcutClash(ValueError):
    """A key refused: another action has it, or it is not a single key."""


@dataclass(frozen=True)
class Binding:
    name: str
    title: str
    group: str
    defaults: tuple[str, ...]  # portable text, one chord each


def _portable(spec: KeySpec) -> list[str]:
    # A standard key is its platform's first binding (as QAction.setShortcut takes it; the
    # others are keys like "Find" that few keyboards have).
    seq = spec if isinstance(spec, QKeySequence) else QKeySequence(spec)
    return [seq.toString(_PORTABLE)] if not seq.isEmpty() else []


def shown(seq: QKeySequence | str) -> str:
    """A key as the person reads it on this platform."""
    return (seq if isinstance(seq, QKeySequence) else QKeySequence(seq)).toString(_NATIVE)


class Keymap(QObject):
    """See the module docstring. One per application: keymap()."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bindings: dict[str, Binding] = {}
        self._actions: dict[str, list[QAction]] = {}
        for name, title, keys in EDITOR_ACTIONS:
            self.define(name, title, EDITOR_GROUP, keys)

    # ---- what there is --------------------------------------------------------------------
    def define(self, name: str, title: str, group: str, defaults: Iterable[KeySpec]) -> Binding:
        """Make an action known with its default keys (again: the first definition stays)."""
        if name not in self._bindings:
            keys: list[str] = []
            for spec in defaults:
                keys += [k for k in _portable(spec) if k not in keys]
            self._bindings[name] = Binding(name, title.replace("&", "").rstrip("…"), group, tuple(keys))
        return self._bindings[name]

    def bindings(self) -> list[Binding]:
        return list(self._bindings.values())

    def binding(self, name: str) -> Binding:
        return self._bindings[name]

    # ---- the keys in force ------------------------------------------------------------------
    def keys(self, name: str) -> list[QKeySequence]:
        """The person's keys for `name` if they set any (possibly none), else the defaults."""
        saved = settings().value(f"{_GROUP}/{name}")
        text = saved if isinstance(saved, str) else None
        chosen = self._bindings[name].defaults if text is None else [k for k in text.split("\t") if k]
        return [QKeySequence(k) for k in chosen]

    def is_custom(self, name: str) -> bool:
        return settings().contains(f"{_GROUP}/{name}")

    def owner_of(self, seq: QKeySequence, *, besides: str | None = None,
                 reserved: dict[str, str] | None = None) -> str | None:
        """Who has the key `seq`: an action's title, or what `reserved` ({portable key: what})
        says; None if it is free. `besides`: the action being changed, which may keep it."""
        key = seq.toString(_PORTABLE)
        for other in (reserved or {}).items():
            if QKeySequence(other[0]).toString(_PORTABLE) == key:
                return other[1]
        for name, binding in self._bindings.items():
            if name != besides and any(k.toString(_PORTABLE) == key for k in self.keys(name)):
                return binding.title
        return None

    def set_keys(self, name: str, keys: Iterable[QKeySequence | str], *,
                 reserved: dict[str, str] | None = None) -> None:
        """Give `name` these keys (replacing its others); ShortcutClash names what has one."""
        chosen: list[str] = []
        for key in keys:
            seq = key if isinstance(key, QKeySequence) else QKeySequence(key)
            if seq.isEmpty():
                continue
            if seq.count() != 1:
                raise ShortcutClash(f"{shown(seq)} is a sequence of keys: give one key (with modifiers)")
            owner = self.owner_of(seq, besides=name, reserved=reserved)
            if owner is not None:
                raise ShortcutClash(f"{shown(seq)} is already the key of “{owner}”")
            text = seq.toString(_PORTABLE)
            if text not in chosen:
                chosen.append(text)
        s = settings()
        if tuple(chosen) == self._bindings[name].defaults:
            s.remove(f"{_GROUP}/{name}")
        else:
            s.setValue(f"{_GROUP}/{name}", "\t".join(chosen))
        s.sync()
        self._apply(name)
        self.changed.emit()

    def reset(self, name: str | None = None) -> None:
        """Back to the default keys: one action, or all of them."""
        s = settings()
        s.remove(_GROUP if name is None else f"{_GROUP}/{name}")
        s.sync()
        for each in ([name] if name is not None else list(self._actions)):
            self._apply(each)
        self.changed.emit()

    # ---- who follows ----------------------------------------------------------------------------
    def bind(self, name: str, action: QAction) -> None:
        """`action` gets `name`'s keys now and after every change."""
        self._actions.setdefault(name, []).append(action)
        action.setShortcuts(self.keys(name))

    def _apply(self, name: str) -> None:
        alive = [a for a in self._actions.get(name, []) if Shiboken.isValid(a)]
        self._actions[name] = alive
        for action in alive:
            action.setShortcuts(self.keys(name))

    def matches(self, name: str, event: QKeyEvent) -> bool:
        """Whether a key press is one of `name`'s keys (the keypad counts as the main keys)."""
        combo = event.keyCombination()
        mods = combo.keyboardModifiers() & ~Qt.KeyboardModifier.KeypadModifier
        pressed = QKeySequence(QKeyCombination(mods, combo.key())).toString(_PORTABLE)
        return any(k.toString(_PORTABLE) == pressed for k in self.keys(name))

    def single_keys(self) -> set[str]:
        """Plain one-character keys some action has (a label key is never given one of them)."""
        out = set()
        for name in self._bindings:
            for seq in self.keys(name):
                text = seq.toString(_PORTABLE)
                if len(text) == 1:
                    out.add(text.lower())
        return out


_KEYMAP: list[Keymap] = []


def keymap() -> Keymap:
    """The application's keymap (made on first use)."""
    if not _KEYMAP or not Shiboken.isValid(_KEYMAP[0]):
        _KEYMAP[:] = [Keymap()]
    return _KEYMAP[0]
