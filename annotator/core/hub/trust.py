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

from annotator.core.hub.connection import HubError, check_url, safe_url
from annotator.core.hub.roles import check_name
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


class HubNotChosen(HubError):
    """The project's hub URL came with its file and nobody on this machine chose that hub."""


def parse_user(url: str) -> str | None:
    from psycopg.conninfo import conninfo_to_dict

    return conninfo_to_dict(url).get("user")


def check_target(url: str, annotator: str | None, *, from_file: bool = False) -> str:
    """The URL, once it is fit for a sync as `annotator` (no network): no password in it, only
    host, port, dbname, user and sslmode if it came from a project file, a valid hub name,
    and the URL's user (if any) is that name. HubError says what to change."""
    url = check_url(url, from_file=from_file)
    if annotator is not None:
        check_name(annotator)
        url_user = parse_user(url)
        if url_user and url_user != annotator:
            raise HubError(f"the URL logs in as {url_user} but the annotator is {annotator}: your "
                           "hub annotator name is your PostgreSQL role, use one name")
    return url


def check_chosen(url: str, from_file: bool) -> None:
    """HubNotChosen when the URL came with the project file and this machine's person never
    gave or confirmed that hub (trust.py); a URL given by the person is remembered as chosen."""
    if not from_file:
        choose(url)
    elif not is_chosen(url):
        raise HubNotChosen(f"this project's hub ({safe_url(url)}) came with the project file, and "
                           "syncing sends your password for it there: give the URL yourself once "
                           f"(annotator sync {safe_url(url)}) to sync with it")
