"""Child process: reads the project over and over (as `annotator stats` or the window's list
would) until STOP_FILE exists. Any error ends it with a traceback and exit code 1.

Usage: python reader_worker.py DB STOP_FILE
Prints the number of read rounds it completed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from annotator.core.store import Store


def main(db: str, stop_file: str) -> int:
    rounds = 0
    stop = Path(stop_file)
    while not stop.exists():
        # A fresh read-only open each round, like a one-shot CLI command.
        with Store(db, readonly=True) as store:
            store.documents.count_documents()
            for name in ("alice", "bob"):
                store.drafts.statuses(name)
            sum(1 for _ in store.annotations.iter_annotations(answer="accept", batch_size=200))
            store.labels.all()
        rounds += 1
        time.sleep(0.005)
    print(rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
