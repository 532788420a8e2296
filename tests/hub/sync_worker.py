"""`python -m tests.hub.sync_worker DB URL`: runs sync() in a child process, for the
kill -9 test, printing each progress report as "stage done"."""

from __future__ import annotations

import sys

from annotator.core.hub.sync import sync
from annotator.core.store import Store
from tests.hub.conftest import Stage


def main() -> None:
    db, url = sys.argv[1], sys.argv[2]
    stage = Stage()
    with Store(db) as store:
        report = sync(store, url, on_stage=stage, on_progress=lambda done, total: print(stage.name, done, flush=True))
    print("done", report.moved, flush=True)


if __name__ == "__main__":
    main()
