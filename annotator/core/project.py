"""Opening the default project, seeded with the bundled sample articles the first time; making
an empty project; knowing which documents are those samples.

The samples are examples to try the app on, not the team's data: they are marked when seeded
(the project's "samples" setting: the text hashes of the documents the seeding added), and a
team hub sync never pushes them nor any decision, review or record on them (core/hub/sync.py).
A project seeded before the mark existed is marked the first time it is asked (the hashes of
the bundled samples as an import reads them, that the project holds).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from annotator.core.errors import ProjectError
from annotator.core.store import Store
from annotator.paths import default_db_path, seeds_dir
from annotator.core.settings import SAMPLES, SEEDED, settings

SETTING_SEEDED = SEEDED.name
SETTING_SAMPLES = SAMPLES.name


def open_project(path: str | Path | None = None, *, seed: bool | None = None, create: bool = True) -> Store:
    """Open (creating if needed, unless create=False) a project. The default project imports
    the seeds once."""
    target = Path(path) if path else default_db_path()
    is_default = path is None or Path(path) == default_db_path()
    store = Store(target, create=create)
    if seed if seed is not None else is_default:
        ensure_seeded(store)
    return store


def create_empty_project(path: str | Path) -> Store:
    """A new project file at `path`: no documents, no sample articles, the default labels.
    ProjectError when something is already there."""
    target = Path(path)
    if target.exists():
        raise ProjectError(f"{target} already exists: open it, or choose another name")
    if not target.parent.is_dir():
        raise ProjectError(f"{target.parent}: no such folder")
    return Store(target, create=True)


def ensure_seeded(store: Store) -> int:
    """Import the bundled seeds unless this project already did; marks them as samples;
    returns documents added."""
    if settings(store).get(SEEDED):
        return 0
    from annotator.core.ops.importing import import_paths

    before = store.sync.max_document_id()
    report = import_paths(store, [seeds_dir()])
    added = [h for _id, h in store.documents.document_hashes_after(before)]
    with store.transaction():
        settings(store).set(SAMPLES, json.dumps(sorted(added)))
        settings(store).set(SEEDED, True)
    return report.documents_added


def sample_hashes(store: Store) -> frozenset[str]:
    """The text hashes of the bundled sample articles this project was seeded with (empty
    for a project never seeded). Marks an older seeded project on the way when it can write."""
    raw = settings(store).raw(SAMPLES)
    if raw is not None:
        try:
            marked = json.loads(raw)
        except ValueError:
            marked = None
        if isinstance(marked, list) and all(isinstance(h, str) for h in marked):
            return frozenset(marked)
    if not settings(store).get(SEEDED):
        return frozenset()
    held = frozenset(store.documents.ids_for_hashes(sorted(bundled_sample_hashes())))
    if not store.readonly:
        settings(store).set(SAMPLES, json.dumps(sorted(held)))
    return held


def bundled_sample_hashes() -> frozenset[str]:
    """The hashes of the bundled samples as an import reads them (into a throwaway project,
    so they are the same texts the seeding stored)."""
    from annotator.core.ops.importing import import_paths

    with tempfile.TemporaryDirectory(prefix="annotator-samples-") as folder:
        with Store(Path(folder) / "samples.db") as scratch:
            import_paths(scratch, [seeds_dir()])
            return frozenset(h for _id, h in scratch.documents.document_hashes_after(0))
