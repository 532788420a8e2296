"""Writes of the project's settings: one key, the model to suggest with, continuous
learning on or off."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from annotator.core.ops.changes import Changes
from annotator.core.settings import Key, settings

T = TypeVar("T")

if TYPE_CHECKING:
    from annotator.core.store import Store


def set_setting(store: Store, key: Key[T], value: T, *, by: str) -> Changes:
    """One setting (core/settings.py has every key, its type and how it is stored)."""
    settings(store).set(key, value)
    return Changes(by=by, settings=frozenset({key.name}))


def use_model(store: Store, model: str, *, by: str) -> Changes:
    """Make `model` (a spaCy package or folder) the project's model to suggest with: the
    window and `annotator suggest` use it from now on."""
    from annotator.core.learning.suggest import SETTING_MODEL

    store.settings.set_setting(SETTING_MODEL, model)
    return Changes(by=by, settings=frozenset({SETTING_MODEL}), model=True)


def set_label_map(store: Store, label_map: dict[str, str], *, by: str) -> Changes:
    """How the model's labels map onto the project's (core/learning/suggest.py)."""
    from annotator.core.learning.suggest import SETTING_LABEL_MAP, save_label_map

    save_label_map(store, label_map)
    return Changes(by=by, settings=frozenset({SETTING_LABEL_MAP}), model=True)


def set_continuous(store: Store, on: bool, *, by: str) -> Changes:
    """Keep improving the model while people label (core/learning/continuous.py), or not."""
    from annotator.core.learning.continuous import SETTING_ENABLED, set_enabled

    set_enabled(store, on)
    return Changes(by=by, settings=frozenset({SETTING_ENABLED}))
