"""Who is working: the name a decision, review or import is made under when none is given."""

from __future__ import annotations

import getpass


def default_annotator() -> str:
    """The OS user name: who annotates (or reviews) when no name is given, and who made
    imported annotations that name no annotator."""
    try:
        return getpass.getuser() or "annotator"
    except Exception:  # noqa: BLE001 - no USER variable and no passwd entry (containers)
        return "annotator"
