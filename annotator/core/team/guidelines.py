"""The team's guidelines: a project text (Markdown) and, per label, a description with
example phrases. Shown beside the text (View -> Guidelines, Ctrl+G), in each label's tooltip
and in the HTML report; `annotator guidelines show|set FILE` and `annotator labels describe`.

Who may change them: reviewers, and the team hub's admin; annotators read them. PostgreSQL's
row-level security enforces it on the hub (core/hub/roles.py). A project that syncs with a hub
remembers whether its annotator is a reviewer there (HUB_ROLE, written by every sync) and
refuses an annotator's change here too, so nobody edits what the hub would refuse; a project
with no hub is its owner's to change.

Texts follow core/text/free_text.py (any Unicode, at most 100 KB each, no NUL); a
description for a label the project does not have is refused. Every change keeps the old
version in the project's history; merge and sync keep the newer version current.
"""

from __future__ import annotations

import time
from typing import Any, Sequence

from annotator.core.text.free_text import MAX_TEXT_BYTES, TeamTextError, check_text
from annotator.core.text.model import Guideline
from annotator.core.settings import HUB_ANNOTATOR, settings
from annotator.core.settings import HUB_ROLE as HUB_ROLE_KEY  # HUB_ROLE here: its name, for older callers

PROJECT = ""  # the subject of the project's guidelines text (any other is a label's name)
HUB_ROLE = HUB_ROLE_KEY.name  # "reviewer" or "annotator" on the remembered hub (core/settings.py)
ROLE_REVIEWER, ROLE_ANNOTATOR = "reviewer", "annotator"


def may_edit(store: Any) -> bool:
    """False when this project syncs with a hub on which its annotator is not a reviewer."""
    return settings(store).get(HUB_ROLE_KEY) != ROLE_ANNOTATOR


def _check_may_edit(store: Any) -> None:
    if not may_edit(store):
        who = settings(store).get(HUB_ANNOTATOR) or "you"
        raise TeamTextError(f"only reviewers change the guidelines: {who} is an annotator on this "
                            "project's team hub")


def project_guidelines(store: Any) -> Guideline | None:
    return store.guidelines.get_guideline(PROJECT)


def label_descriptions(store: Any) -> dict[str, Guideline]:
    """{label: its description} for the labels the project has (in any order)."""
    names = set(store.labels.label_names())
    return {g.subject: g for g in store.guidelines.all() if g.subject in names}


def _stamp(store: Any, subject: str) -> float:
    """Newer than the version it replaces (merge and sync keep the newer)."""
    old = store.guidelines.get_guideline(subject)
    return max(time.time(), old.updated + 0.001) if old else time.time()


def set_guidelines(store: Any, text: str, author: str) -> Guideline:
    """Replace the project's guidelines text (Markdown); the old one is kept in history."""
    check_text(text, "the guidelines text")
    _check_may_edit(store)
    store.guidelines.write_guideline(PROJECT, text, (), author, _stamp(store, PROJECT))
    return store.guidelines.get_guideline(PROJECT)


def describe_label(store: Any, label: str, text: str, author: str, examples: Sequence[str] = ()) -> Guideline:
    """Set a label's description and example phrases; an unknown label is refused."""
    if label not in store.labels.label_names():
        raise TeamTextError(f"no label {label}: describe one of {', '.join(store.labels.label_names()) or 'none yet'}")
    check_text(text, f"the description of {label}")
    phrases = [check_text(x, f"an example of {label}", empty=False).strip() for x in examples]
    size = len(text.encode("utf-8")) + sum(len(x.encode("utf-8")) for x in phrases)
    if size > MAX_TEXT_BYTES:
        raise TeamTextError(f"the description of {label} with its examples is {size:,} bytes of UTF-8; "
                            f"the limit is 100 KB ({MAX_TEXT_BYTES:,} bytes)")
    _check_may_edit(store)
    store.guidelines.write_guideline(label, text, phrases, author, _stamp(store, label))
    return store.guidelines.get_guideline(label)


def tooltip(label: str, description: Guideline | None) -> str:
    """What a label's tooltip says after its name and key: its description and examples."""
    if description is None or not (description.text.strip() or description.examples):
        return ""
    out = description.text.strip()
    if description.examples:
        out += ("\n" if out else "") + "e.g. " + "; ".join(description.examples)
    return out
