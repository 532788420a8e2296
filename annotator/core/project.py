"""Opening the default project, seeded with the bundled sample articles the first time."""

from __future__ import annotations

from pathlib import Path

from annotator.core.store import Store
from annotator.paths import default_db_path, seeds_dir


def open_project(path: str | Path | None = None, *, seed: bool | None = None, create: bool = True) -> Store:
    """Open (creating if needed, unless create=False) a project. The default project imports
    the seeds once."""
    target = Path(path) if path else default_db_path()
    is_default = path is None or Path(path) == default_db_path()
    store = Store(target, create=create)
    if seed if seed is not None else is_default:
        ensure_seeded(store)
    return store


def ensure_seeded(store: Store) -> int:
    """Import the bundled seeds unless this project already did; returns documents added."""
    if store.get_setting("seeded"):
        return 0
    from annotator.core.ops.importing import import_paths

    report = import_paths(store, [seeds_dir()])
    store.set_setting("seeded", "1")
    return report.documents_added
