"""Writes of who works in a project (core/team/identity.py has the rule): the name kept in
the project for this person. Resolving an identity may remember a name (one the person gave,
or the first-run name used in this project the first time): a project setting then changes,
and the Changes say which."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.core.ops.changes import Changes
from annotator.core.team import identity
from annotator.core.team.identity import GIVEN, Identity

if TYPE_CHECKING:
    from annotator.core.store import Store


def _changes(store: Store, before: str | None, by: str) -> Changes:
    if identity.project_name(store) == before:
        return Changes(by=by)
    return Changes(by=by, settings=frozenset({identity.SETTING_PREFIX + identity.person_key()}))


def resolve(store: Store, given: str | None = None, *, by: str, write: bool = True) -> tuple[Identity, Changes]:
    """Who works in this project (identity.resolve; `given` remembered, write=False never
    writes)."""
    if not write:
        return identity.resolve(store, given, write=False), Changes(by=by)
    before = identity.project_name(store)
    who = identity.resolve(store, given)
    return who, _changes(store, before, by)


def signer(store: Store, given: str | None, *, by: str) -> tuple[Identity, Changes]:
    """Who signs one command's work that names nobody (identity.signer): `given` for this
    run only, else the project's identity (which may remember the first-run name)."""
    if given is not None and given.strip():
        return identity.signer(store, given), Changes(by=by)
    return resolve(store, by=by)


def remember(store: Store, name: str, *, by: str) -> tuple[Identity, Changes]:
    """Work as `name` in this project from now on (this project only)."""
    before = identity.project_name(store)
    name = identity.remember(store, name)
    return Identity(name, GIVEN), _changes(store, before, by)
