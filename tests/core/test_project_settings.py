"""The project's settings live in one module (core/settings.py): every key, its type, its
default and how it is stored; nothing else names a setting with a string of its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from annotator.core import settings as keys
from annotator.core.settings import ProjectSettings

PACKAGE = Path(__file__).resolve().parents[2] / "annotator"


def test_every_key_reads_back_what_was_written(store):
    s = ProjectSettings(store)
    written = {keys.MODEL: "en_core_web_sm", keys.LABEL_MAP: {"PER": "PERSON", "MISC": ""},
               keys.CONTINUOUS: True, keys.CONTINUOUS_STATE: {"rounds": 3}, keys.SEEDED: True,
               keys.MIN_AGREEMENT: 3, keys.PATTERNS_FLAG_BELOW: 0.25, keys.PATTERNS_FLAG_AFTER: 12,
               keys.DOC_ORDER: "disputed", keys.HUB_SYNC: True, keys.HUB_URL: "postgresql://dana@hub/team",
               keys.HUB_ROLE: "reviewer", keys.LANG: "de"}
    for key, value in written.items():
        s.set(key, value)
    assert {key: s.get(key) for key in written} == written
    assert store.settings.lang == "de"
    s.set(keys.CONTINUOUS, False)
    s.set(keys.MIN_AGREEMENT, None)
    assert s.get(keys.CONTINUOUS) is False and s.get(keys.MIN_AGREEMENT) is None


def test_unset_and_unreadable_values_are_the_keys_default(store):
    s = ProjectSettings(store)
    assert [s.get(key) for key in keys.KEYS] == [key.default for key in keys.KEYS]
    for key, junk in ((keys.LABEL_MAP, "[1, 2"), (keys.MIN_AGREEMENT, "two"),
                      (keys.PATTERNS_FLAG_BELOW, "high"), (keys.CONTINUOUS_STATE, "null")):
        store.settings.set_setting(key.name, junk)
        assert s.get(key) == key.default, key.name


def test_the_stored_text_is_what_older_projects_hold(store):
    s = ProjectSettings(store)
    s.set(keys.HUB_SYNC, True)
    s.set(keys.CONTINUOUS, True)
    s.set(keys.LABEL_MAP, {"b": "X", "a": "Y"})
    assert store.settings.get_setting("hub_sync") == "on" and store.settings.get_setting("continuous.enabled") == "1"
    assert store.settings.get_setting("suggest.label_map") == '{"a": "Y", "b": "X"}'
    s.set_person("k1", "dana")
    assert store.settings.get_setting(keys.IDENTITY_PREFIX + "k1") == "dana" and s.person("k1") == "dana"


def test_keys_are_unique():
    names = [key.name for key in keys.KEYS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("call", ["get_setting", "set_setting"])
def test_no_module_names_a_setting_with_a_string_of_its_own(call):
    raw = re.compile(rf"\b{call}\(\s*[\"']")
    offenders = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                 if p.name != "settings.py" and raw.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
