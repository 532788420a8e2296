"""The identity rule itself (core/team/identity.py): given, else the project's, else the first-run
name, else the operating-system user (never remembered); one name per person and machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.team import identity
from annotator.core.errors import AnnotatorError
from annotator.core.store import Store


def test_the_rule_in_order(tmp_path: Path):
    with Store(tmp_path / "a.db") as a, Store(tmp_path / "b.db") as b:
        assert identity.resolve(a) == identity.Identity(identity.os_user(), identity.OS_USER)
        assert identity.project_name(a) is None  # the stand-in is not remembered
        identity.set_first_run_name(" dana ")
        assert identity.resolve(a) == identity.Identity("dana", identity.FIRST_RUN)
        assert identity.resolve(a) == identity.Identity("dana", identity.PROJECT)  # kept once used
        assert identity.resolve(b, "lee") == identity.Identity("lee", identity.GIVEN)
        assert identity.resolve(b) == identity.Identity("lee", identity.PROJECT)
        assert identity.resolve(a).name == "dana" and identity.first_run_name() == "dana"
        # Signing one run (import --annotator, review --reviewer) remembers nothing.
        assert identity.signer(b, "bob") == identity.Identity("bob", identity.GIVEN)
        assert identity.resolve(b).name == "lee"


def test_another_person_or_machine_does_not_sign_as_the_first(tmp_path: Path, monkeypatch):
    path = tmp_path / "shared.db"
    with Store(path) as store:
        identity.remember(store, "dana")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "teammate-config"))  # the file, copied over
    with Store(path) as store:
        assert identity.resolve(store, write=False).source == identity.OS_USER


def test_bad_names_and_an_unwritable_config_folder(tmp_path: Path, monkeypatch):
    for bad in ("", "   ", "a\nb", "x" * 101):
        with pytest.raises(AnnotatorError):
            identity.check_name(bad)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(blocked))
    with pytest.raises(AnnotatorError, match="cannot write"):
        identity.set_first_run_name("dana")
    with Store(tmp_path / "p.db") as store:  # names still work, per project
        identity.remember(store, "dana")
        assert identity.resolve(store) == identity.Identity("dana", identity.PROJECT)
