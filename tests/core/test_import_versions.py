"""Which version wins when one document is annotated twice: the later record in a file, and
the newer timestamp across imports."""

from __future__ import annotations

import json
import os

from annotator.core.ops.importing import import_paths
from annotator.core.store import Store, spans_from_json

TEXT = "hun sen met donald trump in phnom penh"


def doccano(path, *labels, mtime: float | None = None):
    """A doccano file (no timestamps, no annotator) with one record per label list."""
    path.write_text("".join(json.dumps({"text": TEXT, "label": lab}) + "\n" for lab in labels),
                    encoding="utf-8")
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def current_and_history(store: Store) -> tuple[list, list]:
    (doc_id,) = store.documents.document_ids()
    (ann,) = store.annotations.annotations_for_document(doc_id)
    rows = store.conn.execute("SELECT spans FROM annotation_history ORDER BY id").fetchall()
    return ([list(s.key()) for s in ann.spans],
            [[list(s.key()) for s in spans_from_json(r[0])] for r in rows])


FIRST = [[0, 7, "PERSON"]]
SECOND = [[0, 7, "PERSON"], [12, 24, "PERSON"]]
THIRD = [[0, 7, "PERSON"], [12, 24, "PERSON"], [28, 38, "GPE"]]


def test_later_record_in_the_same_file_wins_and_reimport_changes_nothing(store: Store, tmp_path):
    path = doccano(tmp_path / "d.jsonl", FIRST, SECOND)
    report = import_paths(store, [path], annotator="me")
    assert report.annotations == {"added": 1, "updated": 1}
    current, history = current_and_history(store)
    assert current == SECOND and len(history) == 1 and history == [FIRST]
    again = import_paths(store, [path], annotator="me")
    assert again.annotations == {"unchanged": 2} and current_and_history(store) == (current, history)


def test_later_record_wins_across_batches(store: Store, tmp_path):
    path = doccano(tmp_path / "d.jsonl", FIRST, THIRD, SECOND)
    import_paths(store, [path], annotator="me", batch_size=1)
    assert current_and_history(store) == (SECOND, [FIRST, THIRD])


def test_across_imports_the_newer_file_wins_whatever_the_order(store: Store, tmp_path):
    old = doccano(tmp_path / "old.jsonl", FIRST, THIRD, mtime=1_600_000_000)
    new = doccano(tmp_path / "new.jsonl", SECOND, mtime=1_700_000_000)
    import_paths(store, [new], annotator="me")
    report = import_paths(store, [old], annotator="me")
    assert report.annotations == {"history": 2}
    assert current_and_history(store) == (SECOND, [FIRST, THIRD])


def test_summary_counts_in_the_singular_and_plural(store: Store, tmp_path):
    path = doccano(tmp_path / "d.jsonl", FIRST)
    (tmp_path / "e.txt").write_text("", encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": 1}\n', encoding="utf-8")
    report = import_paths(store, [path, tmp_path / "e.txt", bad], annotator="me")
    assert report.summary() == ("Imported 1 record from 3 files: 1 new document, 0 duplicates, "
                                "1 annotation added (me); 1 empty document skipped; 1 error")
