"""Child process for crash and concurrency tests: labels documents through the real Store.

Usage: python store_worker.py DB ANNOTATOR FIRST COUNT [--drafts] [--loop]
For every write it prints `begin OP` before the Store call and `done OP` after it returned,
each line flushed at once, where OP is `accept DOC START END LABEL` or `draft DOC START END LABEL`.
The parent treats each `done` line as a promise that the write is on disk; at most one
`begin` without its `done` may be in flight when the process is killed.
"""

from __future__ import annotations

import sys

from annotator.core.text.model import Span
from annotator.core.store import Store


def main(argv: list[str]) -> int:
    db, annotator, first, count = argv[0], argv[1], int(argv[2]), int(argv[3])
    drafts, loop = "--drafts" in argv, "--loop" in argv
    store = Store(db)
    all_ids = store.documents.document_ids()
    ids = all_ids[first:first + count]
    # With --drafts, the document after the range is never accepted: its draft is always pending.
    scratch = all_ids[first + count] if drafts and len(all_ids) > first + count else None
    labels = store.labels.label_names()[:4]
    rnd = 0

    def emit(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    while True:
        for pos, doc_id in enumerate(ids):
            rnd += 1
            text = store.documents.get_document(doc_id).text
            if drafts:
                span = Span(0, 3, labels[(rnd + 1) % 4])
                op = f"draft {doc_id} 0 3 {span.label}"
                emit("begin " + op)
                store.drafts.save_draft(doc_id, annotator, [span])
                emit("done " + op)
            end = text.index(" ")
            label = labels[rnd % 4]
            op = f"accept {doc_id} 0 {end} {label}"
            emit("begin " + op)
            store.annotations.save_annotation(doc_id, annotator, "accept", [Span(0, end, label)])
            emit("done " + op)
            if drafts:
                # A draft on the next document stays pending: the "latest draft" of the session.
                nxt = ids[(pos + 1) % len(ids)]
                op = f"draft {nxt} 0 3 {labels[(rnd + 2) % 4]}"
                emit("begin " + op)
                store.drafts.save_draft(nxt, annotator, [Span(0, 3, labels[(rnd + 2) % 4])])
                emit("done " + op)
            if scratch is not None:
                op = f"draft {scratch} 0 3 {labels[(rnd + 3) % 4]}"
                emit("begin " + op)
                store.drafts.save_draft(scratch, annotator, [Span(0, 3, labels[(rnd + 3) % 4])])
                emit("done " + op)
        if not loop:
            break
    store.close()
    emit("finished")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
