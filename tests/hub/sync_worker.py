"""`python -m tests.hub.sync_worker DB URL`: runs sync() in a child process, for the
kill -9 test, printing each progress step."""

from __future__ import annotations

import sys

from annotator.core.hub.sync import sync
from annotator.core.store import Store


def main() -> None:
    db, url = sys.argv[1], sys.argv[2]
    with Store(db) as store:
        report = sync(store, url, on_progress=lambda stage, done, total: print(stage, done, flush=True))
    print("done", report.moved, flush=True)


if __name__ == "__main__":
    main()
