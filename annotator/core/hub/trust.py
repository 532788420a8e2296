"""The hubs the person on this machine chose (issue 29).

A project file remembers its hub's URL, and a file can come from anyone. Syncing sends the
person's password for that hub (from ~/.pgpass, PGPASSWORD or the OS keyring), so a URL that
came with a file is not synced with until the person chose it here: by typing it (or giving
it as `annotator sync URL`), or by confirming it when the window asks. The choice is kept
per machine and user, in the user data folder (annotator.paths.user_data_dir), as the
project would remember it (connection.safe_url: host, port, dbname, user, sslmode), so a
file naming another host, port, database, role or sslmode is asked about again.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from annotator.core.hub.connection import safe_url
from annotator.paths import user_data_dir

FILE_NAME = "chosen-hubs.json"


def _path() -> Path:
    return user_data_dir() / FILE_NAME


def _load() -> set[str]:
    try:
        data = json.loads(_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    return {u for u in data.get("hubs", []) if isinstance(u, str)} if isinstance(data, dict) else set()


def is_chosen(url: str) -> bool:
    """Whether the person on this machine gave or confirmed this hub (as safe_url keeps it)."""
    return safe_url(url) in _load()


def choose(url: str) -> None:
    """Remember that the person gave or confirmed this hub (written whole, then renamed in)."""
    known = _load()
    if safe_url(url) in known:
        return
    hubs = known | {safe_url(url)}
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".chosen-hubs-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"hubs": sorted(hubs)}, f, indent=1)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
