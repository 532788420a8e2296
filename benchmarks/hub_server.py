"""A throwaway PostgreSQL server for the hub benchmarks, started the way the hub tests
start theirs (tests/hub/pgserver.py), with fsync on as a real server would run."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Iterator

from benchmarks.common import ROOT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.hub.pgserver import INSTALL_HINT, PgServer, find_bindir  # noqa: E402


@contextlib.contextmanager
def running_server() -> Iterator[PgServer]:
    """Start a server (PGPASSFILE points at its password file), stop and remove it after."""
    bindir = find_bindir()
    if bindir is None:
        raise SystemExit(INSTALL_HINT)
    server = PgServer(bindir, fsync=True)
    os.environ["PGPASSFILE"] = str(server.passfile)
    try:
        server.start()
        yield server
    finally:
        server.destroy()
