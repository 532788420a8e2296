"""The project's settings (the project file's key/value table): every key with its type and
its default, in this one module. Code reads and writes a setting through ProjectSettings and
one of these keys, never with a string of its own (tests/core/test_project_settings.py checks).

How a value is stored is part of its key: a flag as "1"/"0" (or "on"/"off" for the hub's
auto-sync, as older projects hold it), JSON objects sorted, numbers as text. A stored value
that cannot be read is the key's default, never an error: a setting only tunes the tool.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any, Callable, Generic, Protocol, TypeVar

T = TypeVar("T")


class SettingsTable(Protocol):
    """What of a Store the settings use (named here so the store can import this module)."""

    def get_setting(self, key: str, default: str | None = None) -> str | None: ...

    def set_setting(self, key: str, value: str) -> None: ...


@dataclass(frozen=True, eq=False)  # a key is itself: compared and hashed by identity
class Key(Generic[T]):
    """One setting: its name in the table, its default, and how its text is read and written."""

    name: str
    default: T
    load: Callable[[str], T]
    dump: Callable[[T], str]
    about: str


def _text(raw: str) -> str | None:
    return raw or None


def _json_object(raw: str) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _dump_json(value: dict[str, Any]) -> str:
    return json.dumps(value, sort_keys=True)


def _whole_number(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else None


def _number(raw: str) -> float | None:
    try:
        return float(raw)
    except ValueError:
        return None


def _flag(on: str, off: str) -> tuple[Callable[[str], bool], Callable[[bool], str]]:
    return (lambda raw: raw == on), (lambda value: on if value else off)


def _optional(dump: Callable[[Any], str]) -> Callable[[Any], str]:
    return lambda value: "" if value is None else dump(value)


_ONE, _ON = _flag("1", "0"), _flag("on", "off")

LANG: Key[str | None] = Key("lang", "en", _text, str, "the language of the project's texts (spaCy's code)")
MODEL: Key[str | None] = Key("suggest.model", None, _text, str, "the spaCy package or folder that suggests")
LABEL_MAP: Key[dict[str, Any]] = Key("suggest.label_map", {}, _json_object, _dump_json,
                                     "the model's labels -> the project's ('': never suggest)")
CONTINUOUS: Key[bool] = Key("continuous.enabled", False, *_ONE, "keep improving the model while people label")
CONTINUOUS_STATE: Key[dict[str, Any]] = Key("continuous.state", {}, _json_object, _dump_json,
                                            "where continuous learning is (rounds, the best score)")
SEEDED: Key[bool] = Key("seeded", False, *_ONE, "the bundled sample articles were imported once")
SAMPLES: Key[str | None] = Key("samples", None, _text, str,
                               "JSON list of the sample articles' text hashes (never pushed to a hub)")
MIN_AGREEMENT: Key[int | None] = Key("min_agreement", None, _whole_number, _optional(str),
                                     "majority adjudication's k (none: a strict majority)")
PATTERNS_FLAG_BELOW: Key[float | None] = Key("patterns_flag_below", None, _number, _optional(repr),
                                             "a pattern is flagged below this precision")
PATTERNS_FLAG_AFTER: Key[int | None] = Key("patterns_flag_after", None, _whole_number, _optional(str),
                                           "... after this many showings")
DOC_ORDER: Key[str | None] = Key("doc_order", None, _text, str, "the window's document order")
HUB_SYNC: Key[bool] = Key("hub_sync", False, *_ON, "the window syncs with the remembered hub when it opens")
HUB_URL: Key[str | None] = Key("hub_url", None, _text, str, "the remembered hub (never a password)")
HUB_ID: Key[str | None] = Key("hub_id", None, _text, str, "the remembered hub's identity")
HUB_ANNOTATOR: Key[str | None] = Key("hub_annotator", None, _text, str, "who syncs with the remembered hub")
HUB_ROLE: Key[str | None] = Key("hub_role", None, _text, str, "'reviewer' or 'annotator' on the remembered hub")
HUB_PLAINTEXT_WARNED: Key[str | None] = Key("hub_plaintext_warned", None, _text, str,
                                            "the hub already warned about as plain TCP (warned once)")
# One key per person on this machine: the name they work under in this project (core/team/identity.py).
IDENTITY_PREFIX = "identity:"

KEYS: tuple[Key[Any], ...] = (LANG, MODEL, LABEL_MAP, CONTINUOUS, CONTINUOUS_STATE, SEEDED, SAMPLES, MIN_AGREEMENT,
                              PATTERNS_FLAG_BELOW, PATTERNS_FLAG_AFTER, DOC_ORDER, HUB_SYNC, HUB_URL, HUB_ID,
                              HUB_ANNOTATOR, HUB_ROLE, HUB_PLAINTEXT_WARNED)


class ProjectSettings:
    """Typed reads and writes of one project's settings: `settings.get(MODEL)` is a str or None,
    `settings.get(CONTINUOUS)` a bool."""

    def __init__(self, store: SettingsTable) -> None:
        self._store = store

    def get(self, key: Key[T]) -> T:
        raw = self._store.settings.get_setting(key.name)
        value = key.load(raw) if raw else None
        return copy.copy(key.default) if value is None else value  # a copy: {} is never shared

    def raw(self, key: Key[Any]) -> str | None:
        """The stored text (None: never set), for a caller that tells unset from unreadable."""
        return self._store.settings.get_setting(key.name)

    def set(self, key: Key[T], value: T) -> None:
        self._store.settings.set_setting(key.name, key.dump(value))

    def person(self, person_key: str) -> str | None:
        return self._store.settings.get_setting(IDENTITY_PREFIX + person_key) or None

    def set_person(self, person_key: str, name: str) -> None:
        self._store.settings.set_setting(IDENTITY_PREFIX + person_key, name)


def settings(store: SettingsTable) -> ProjectSettings:
    return ProjectSettings(store)
