"""Writes that bring a team's work in: merge a teammate's project file, sync with the team
hub. Each returns its report and what it changed (read from the change log: see
core/ops/changes.py recorded())."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.ops.changes import Changes, recorded
from annotator.core.progress import Progress

if TYPE_CHECKING:
    from annotator.core.hub.report import SyncReport
    from annotator.core.store import Store
    from annotator.core.team.merge import MergeReport


def merge(store: Store, other: str | Path, *, by: str,
          on_progress: Progress | None = None) -> tuple[MergeReport, Changes]:
    """Merge the project file `other` into `store` (core/team/merge.py: one transaction)."""
    from annotator.core.team.merge import merge_project

    with recorded(store, by) as done:
        report = merge_project(store, other, on_progress=on_progress)
    return report, done.changes


def sync(store: Store, url: str, annotator: str | None = None, *, by: str, **options: Any
         ) -> tuple[SyncReport, Changes]:
    """Sync with the team hub at `url` (core/hub/sync.py; options as there)."""
    from annotator.core.hub.sync import sync as hub_sync

    with recorded(store, by) as done:
        report = hub_sync(store, url, annotator, **options)
    return report, done.changes
