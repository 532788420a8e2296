"""The import pipeline against real project files: counts, duplicates, idempotence, errors,
labels, one transaction per file, streaming."""

from __future__ import annotations

import os
import sqlite3
import tracemalloc
from collections import Counter
from dataclasses import replace
from pathlib import Path

import orjson
import pytest

from annotator.core.formats.importers import IMPORT_FORMATS, ImportRecord
from annotator.core.ops.importing import ImportReport, expand_paths, import_paths
from annotator.core.text.model import Span, text_hash


def label_counts(store) -> Counter:
    return Counter(s.label for _, ann in store.annotations.iter_annotations() for s in ann.spans)


def write_jsonl(path: Path, records: list) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


# ---- the real peer files, into a real project ------------------------------------------------

def test_prodigy_import_and_reimport(store, peer_data):
    path = peer_data / "prodigy_news_headlines_ner.jsonl"
    report = import_paths(store, [path], annotator="alice")
    assert report.errors == [] and report.files == 1
    assert (report.records, report.documents_added, report.duplicates) == (373, 373, 0)
    assert report.annotations == {"added": 373} and report.annotators == ["alice"]
    assert report.labels_added == ["LOCATION", "PRODUCT"]  # ORG and PERSON are default labels
    assert label_counts(store) == {"ORG": 136, "LOCATION": 121, "PERSON": 38, "PRODUCT": 8}
    answers = Counter(a.answer for _, a in store.annotations.iter_annotations())
    assert answers == {"accept": 372, "ignore": 1}
    doc = store.documents.document_by_hash(text_hash("Pearl Automation, Founded by Apple Veterans, Shuts Down"))
    assert store.annotations.get_annotation(doc.id, "alice").spans == (Span(0, 16, "ORG"), Span(29, 34, "ORG"))
    assert doc.meta == {"source": "The New York Times"}
    assert report.summary() == ("Imported 373 records from 1 file: 373 new documents, 0 duplicates, "
                                "373 annotations added (alice); labels added: LOCATION, PRODUCT")

    again = import_paths(store, [path], annotator="alice")
    assert (again.documents_added, again.duplicates, again.annotations) == (0, 373, {"unchanged": 373})
    assert again.labels_added == []
    assert store.conn.execute("SELECT count(*) FROM annotation_history").fetchone()[0] == 0


def test_doccano_import_trims_and_is_idempotent(store, peer_data):
    path = peer_data / "doccano_bsner_bw_admin.jsonl"
    report = import_paths(store, [path], annotator="admin")
    assert report.errors == [] and report.records == 454
    # 19 rows repeat an earlier text: stored once, counted as duplicates.
    assert (report.documents_added, report.duplicates) == (435, 19)
    assert sorted(report.labels_added) == ["MISC", "TIME"]
    for _, ann in store.annotations.iter_annotations():
        text = store.documents.get_document(ann.document_id).text
        assert all(text[s.start:s.end] == text[s.start:s.end].strip() for s in ann.spans)
    before = store.conn.execute("SELECT count(*) FROM annotation_history").fetchone()[0]
    again = import_paths(store, [path], annotator="admin")
    assert set(again.annotations) == {"unchanged"} and again.documents_added == 0
    assert store.conn.execute("SELECT count(*) FROM annotation_history").fetchone()[0] == before


def test_all_peer_formats_in_one_import(store, peer_data):
    paths = [peer_data / n for n in ("esp.train-doc-46.txt", "esp.train-doc-46.ann",
                                      "wikigold.conll.txt", "ner_tweets_demo.spacy")]
    report = import_paths(store, paths, annotator="bob")
    assert report.errors == [] and report.files == 3  # the brat pair is read once
    assert report.documents_added == 1 + 145 + 1
    assert report.annotations == {"added": 147}
    counts = label_counts(store)
    assert counts["PER"] == 30 + 934 and counts["PERSON"] == 1


# ---- duplicates, idempotence, timestamps -----------------------------------------------------

def test_duplicates_and_reimport_add_nothing(store, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [
        {"text": "Hun Sen met Trump."},
        {"text": "Hun Sen met Trump.", "meta": {"copy": 2}},
        {"text": "Ed Sheeran sang.", "spans": [[0, 10, "PERSON"]]},
    ])
    report = import_paths(store, [path], annotator="a")
    assert (report.records, report.documents_added, report.duplicates) == (3, 2, 1)
    assert store.documents.count_documents() == 2
    rows = store.conn.execute("SELECT * FROM documents ORDER BY id").fetchall()
    ann = store.conn.execute("SELECT * FROM annotations").fetchall()
    again = import_paths(store, [path, path], annotator="a")
    assert again.documents_added == 0 and again.annotations == {"unchanged": 1}
    assert store.conn.execute("SELECT * FROM documents ORDER BY id").fetchall() == rows
    assert store.conn.execute("SELECT * FROM annotations").fetchall() == ann


def test_timestamps_newer_wins_older_to_history(store, tmp_path):
    old = write_jsonl(tmp_path / "old.jsonl", [
        {"text": "Hun Sen met Trump.", "spans": [[0, 7, "PERSON"]], "answer": "accept",
         "_annotator_id": "alice", "_timestamp": 1000}])
    new = write_jsonl(tmp_path / "new.jsonl", [
        {"text": "Hun Sen met Trump.", "spans": [[0, 7, "PERSON"], [12, 17, "PERSON"]],
         "answer": "accept", "_annotator_id": "alice", "_timestamp": 2000}])
    assert import_paths(store, [new]).annotations == {"added": 1}
    assert import_paths(store, [old]).annotations == {"history": 1}
    assert import_paths(store, [old, new]).annotations == {"unchanged": 2}
    doc_id = store.documents.document_ids()[0]
    current = store.annotations.get_annotation(doc_id, "alice")
    assert len(current.spans) == 2 and current.updated == 2000
    assert [len(h.spans) for h in store.annotations.annotation_history(doc_id, "alice")] == [1]


def test_reimport_without_timestamps_never_overrides_later_edits(store, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [{"text": "Hun Sen met Trump.", "spans": [[0, 7, "PERSON"]]}])
    import_paths(store, [path], annotator="alice")
    doc_id = store.documents.document_ids()[0]
    store.annotations.save_annotation(doc_id, "alice", "accept", [Span(12, 17, "PERSON")])  # edited in the app
    # The imported version is already in history (the edit replaced it): nothing to do, twice.
    assert import_paths(store, [path], annotator="alice").annotations == {"unchanged": 1}
    assert import_paths(store, [path], annotator="alice").annotations == {"unchanged": 1}
    assert len(store.annotations.annotation_history(doc_id, "alice")) == 1
    assert store.annotations.get_annotation(doc_id, "alice").spans == (Span(12, 17, "PERSON"),)


def test_annotator_from_record_option_or_os_user(store, tmp_path, monkeypatch):
    monkeypatch.setenv("LOGNAME", "osuser")
    monkeypatch.setenv("USER", "osuser")
    path = write_jsonl(tmp_path / "a.jsonl", [
        {"text": "One.", "answer": "accept", "_annotator_id": "ann-1"},
        {"text": "Two.", "answer": "reject", "_session_id": "sess-2"},
        {"text": "Three.", "answer": "ignore"},
        {"text": "Four."},  # plain document: no annotation
    ])
    report = import_paths(store, [path])
    assert report.annotators == ["ann-1", "osuser", "sess-2"]
    assert sorted(store.annotations.annotators()) == ["ann-1", "osuser", "sess-2"]
    assert store.conn.execute("SELECT count(*) FROM annotations").fetchone()[0] == 3
    path2 = write_jsonl(tmp_path / "b.jsonl", [{"text": "Five.", "answer": "accept"}])
    assert import_paths(store, [path2], annotator="carol").annotators == ["carol"]


# ---- bad records -----------------------------------------------------------------------------

def test_bad_spans_are_rejected_with_file_and_line(store, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [
        {"text": "Hun Sen met Trump.", "spans": [[0, 99, "PERSON"]]},
        {"text": "Ed Sheeran sang.", "spans": [[10, 0, "PERSON"]]},
        {"text": "Adele met Drake.", "spans": [[0, 5, "PERSON"], [3, 9, "ORG"]]},
        {"text": "Good one.", "spans": [[0, 4, "NEWLABEL"]]},
        {"text": "   \n\t "},
    ])
    seen = []
    report = import_paths(store, [path], annotator="a", on_error=seen.append)
    assert seen == report.errors
    assert [(e.line, e.message.split(" is ")[-1].split(" ")[0]) for e in report.errors[:2]] == [
        (1, "out"), (2, "reversed")]
    assert report.errors[2].line == 3 and "overlaps" in report.errors[2].message
    assert all(str(e).startswith(f"{path}:{e.line}: span [") for e in report.errors)
    assert report.warnings == [f"{path}:5: empty document, skipped"]
    assert store.documents.count_documents() == 1 and report.labels_added == ["NEWLABEL"]
    assert "NEWLABEL" in store.labels.label_names()
    assert not report.ok


def test_lone_surrogate_from_a_reader_is_one_record_error(store, tmp_path, monkeypatch):
    """A reader (here a plugin one registered for txt) that yields text SQLite cannot store:
    that record is reported, the rest of its batch is stored."""
    def reader(path: Path):
        yield ImportRecord("fine", line=1)
        yield ImportRecord("bad \ud83d half an emoji", line=2)
        yield ImportRecord("meta bad", {"k": "\udc00"}, line=3)
        yield ImportRecord("also fine", spans=[[0, 4, "PERSON"]], line=4)

    monkeypatch.setitem(IMPORT_FORMATS, "txt", replace(IMPORT_FORMATS["txt"], reader=reader))
    (tmp_path / "a.txt").write_text("x")
    report = import_paths(store, [tmp_path / "a.txt"], annotator="a")
    assert [(e.line, "U+D83D" in e.message or "U+DC00" in e.message) for e in report.errors] == [
        (2, True), (3, True)]
    assert report.documents_added == 2 and report.annotations == {"added": 1}
    assert store.integrity_check() == "ok"


def test_a_file_is_one_transaction(store, tmp_path):
    good = write_jsonl(tmp_path / "good.jsonl", [{"text": "kept"}])
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "written then rolled back"}\nnot json\n', encoding="utf-8")

    def stop(error):
        raise KeyboardInterrupt  # the user cancels while the second file is being read

    with pytest.raises(KeyboardInterrupt):
        import_paths(store, [good, bad], on_error=stop)
    texts = [d.text for d in store.documents.iter_documents()]
    assert texts == ["kept"]


def test_missing_path_and_unknown_type(store, tmp_path):
    (tmp_path / "notes.pages").write_bytes(b"Ferry notes")
    report = import_paths(store, [tmp_path / "nope.txt", tmp_path / "notes.pages"])
    assert [str(e) for e in report.errors] == [
        f"{tmp_path / 'nope.txt'}: no such file or folder",
        f"{tmp_path / 'notes.pages'}: unknown file type '.pages'; use --format with one of "
        "txt, jsonl, doccano, csv, brat, conll, spacy, label-studio, webanno, docx, odt, pdf, html"]


# ---- folders, formats, progress, streaming ---------------------------------------------------

def test_folder_is_every_txt_recursively(store, tmp_path):
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "a.txt").write_bytes(b"First\r\narticle.")
    (tmp_path / "sub" / "deeper" / "b.txt").write_text("Second article.", encoding="utf-8")
    (tmp_path / "sub" / "c.txt").write_text("Ed Sheeran sang.", encoding="utf-8")
    (tmp_path / "sub" / "c.ann").write_text("T1\tPERSON 0 10\tEd Sheeran\n", encoding="utf-8")
    (tmp_path / "sub" / "ignored.jsonl").write_text('{"text": "no"}\n', encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("no", encoding="utf-8")
    files, errors = expand_paths([tmp_path])
    assert errors == []
    assert [(p.relative_to(tmp_path).as_posix(), f) for p, f in files] == [
        ("a.txt", "txt"), ("sub/c.txt", "brat"), ("sub/deeper/b.txt", "txt")]
    report = import_paths(store, [tmp_path], annotator="a")
    assert report.documents_added == 3 and report.annotations == {"added": 1}
    assert sorted(d.text for d in store.documents.iter_documents()) == [
        "Ed Sheeran sang.", "First\r\narticle.", "Second article."]


def test_format_override(store, tmp_path):
    path = tmp_path / "data.dat"
    path.write_text("Ed B-PER\nSheeran I-PER\n", encoding="utf-8")
    assert import_paths(store, [path]).errors  # unknown extension
    report = import_paths(store, [path], fmt="conll", annotator="a")
    assert report.errors == [] and report.annotations == {"added": 1}


def test_progress_reaches_total(store, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [{"text": f"doc {i}"} for i in range(2500)])
    calls = []
    import_paths(store, [path], on_progress=lambda done, total: calls.append((done, total)),
                 batch_size=1000)
    size = path.stat().st_size
    assert calls[-1] == (size, size)
    assert len(calls) >= 3 and [d for d, _ in calls] == sorted(d for d, _ in calls)


@pytest.mark.large
def test_large_jsonl_streams_in_bounded_memory(store, tmp_path):
    path = tmp_path / "big.jsonl"
    body = "word " * 400  # 2 KB a document, 20 MB in all
    with open(path, "wb") as f:
        for i in range(10_000):
            f.write(orjson.dumps({"text": f"{i} {body}", "meta": {"i": i}}) + b"\n")
    tracemalloc.start()
    try:
        report = import_paths(store, [path], batch_size=200)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.documents_added == 10_000
    # A few batches in flight (read ahead on the reader thread), never the file.
    assert peak < os.path.getsize(path) / 4, peak


def test_report_summary_lists_everything():
    report = ImportReport(files=2, records=10, documents_added=9, duplicates=1,
                          annotations={"added": 3, "unchanged": 1}, labels_added=["GPE"],
                          annotators=["alice", "bob"], warnings=["f:3: empty document, skipped"])
    assert report.summary() == (
        "Imported 10 records from 2 files: 9 new documents, 1 duplicate, 3 annotations added, "
        "1 annotation unchanged (alice, bob); labels added: GPE; 1 empty document skipped")


def test_seeding_uses_the_pipeline(tmp_path):
    from annotator.core.project import open_project
    from annotator.paths import seeds_dir

    store = open_project(tmp_path / "p.db", seed=True)
    try:
        assert store.documents.count_documents() == len(list(seeds_dir().glob("*.txt"))) > 0
        assert store.settings.get_setting("seeded") == "1"
    finally:
        store.close()
    # The file is a plain SQLite database anyone can read.
    assert sqlite3.connect(tmp_path / "p.db").execute("SELECT count(*) FROM documents").fetchone()[0]


def test_batched_merge_matches_one_by_one(tmp_path):
    """store.annotations.merge_annotations (the import's batched path) gives merge_annotation's results."""
    from annotator.core.store import Store

    a, b = Store(tmp_path / "a.db"), Store(tmp_path / "b.db")
    try:
        for s in (a, b):
            s.documents.add_documents([("Hun Sen met Trump.", {}), ("Ed Sheeran sang.", {})])
            s.annotations.merge_annotation(1, "alice", "accept", [Span(0, 7, "PERSON")], 100, 100)
        one, two = [Span(0, 7, "PERSON")], [Span(0, 7, "PERSON"), Span(12, 17, "PERSON")]
        items = [(1, "alice", "accept", one, 100, 100),     # same as current
                 (1, "alice", "accept", two, 50, 50),       # older: history
                 (1, "alice", "accept", two, 300, 300),     # newer: update
                 (1, "alice", "accept", one, 100, 100),     # the replaced one, known
                 (2, "bob", "reject", [], 10, 10),          # new
                 (2, "bob", "reject", [], 10, 10),          # repeat
                 (2, "bob", "accept", [Span(0, 10, "PERSON")], 20, 20)]
        batched = a.annotations.merge_annotations(items)
        single = [b.annotations.merge_annotation(*item, validate=False) for item in items]
        assert batched == single == ["unchanged", "history", "updated", "unchanged", "added",
                                     "unchanged", "updated"]
        dump = "SELECT document_id, annotator, answer, spans, created, updated FROM {} ORDER BY 1, 2, 6"
        for table in ("annotations", "annotation_history"):
            assert a.conn.execute(dump.format(table)).fetchall() == b.conn.execute(dump.format(table)).fetchall()
    finally:
        a.close()
        b.close()


# ---- the reader thread used for big files -----------------------------------------------------

def _mixed_file(path: Path, n: int = 3000) -> Path:
    lines = []
    for i in range(n):
        if i % 700 == 5:
            lines.append(b'{"text": "broken')
        elif i % 900 == 7:
            lines.append(orjson.dumps({"text": f"doc {i}", "spans": [[0, 99, "PERSON"]]}))
        else:
            lines.append(orjson.dumps({"text": f"doc {i % 2500} " + "x" * 400,
                                       "spans": [[0, 3, "PERSON"]] if i % 3 == 0 else []}))
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_background_and_inline_reading_agree(tmp_path, monkeypatch):
    from annotator.core.ops import importing
    from annotator.core.store import Store

    source = _mixed_file(tmp_path / "mixed.jsonl")
    bad = [i for i in range(3000) if i % 700 == 5 or i % 900 == 7]
    good = [i for i in range(3000) if i not in bad]
    results = []
    for threshold in (0, 1 << 60):  # every file on the reader thread, then none
        monkeypatch.setattr(importing, "BACKGROUND_MIN_BYTES", threshold)
        with Store(tmp_path / f"{threshold}.db") as store:
            seen = []
            report = import_paths(store, [source], annotator="a", on_error=seen.append, batch_size=256)
            rows = store.conn.execute("SELECT hash, text, meta FROM documents ORDER BY id").fetchall()
            anns = store.conn.execute("SELECT document_id, annotator, answer, spans FROM annotations "
                                      "ORDER BY id").fetchall()
        assert [e.line for e in report.errors] == [i + 1 for i in bad] and seen == report.errors
        assert report.records == len(good)
        assert report.documents_added == len(rows) == len({i % 2500 for i in good})
        assert report.annotations["added"] == len(anns) > 0
        results.append((rows, anns, report.summary(), [str(e) for e in report.errors]))
    assert results[0] == results[1]


def test_cancel_during_background_read_rolls_back_and_stops_the_thread(store, tmp_path, monkeypatch):
    import threading

    from annotator.core.ops import importing

    monkeypatch.setattr(importing, "BACKGROUND_MIN_BYTES", 0)
    source = _mixed_file(tmp_path / "mixed.jsonl")

    def cancel(done, total):
        if done > total / 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_paths(store, [source], on_progress=cancel, batch_size=100)
    assert store.documents.count_documents() == 0
    assert not [t for t in threading.enumerate() if t.name == "annotator-import-reader"]


def test_reader_failure_on_the_thread_is_reported(store, tmp_path, monkeypatch):
    from annotator.core.ops import importing

    monkeypatch.setattr(importing, "BACKGROUND_MIN_BYTES", 0)

    def failing_reader(path: Path):
        for i in range(2500):
            yield ImportRecord(f"doc {i}", line=i + 1)
        raise OSError(5, "Input/output error")

    monkeypatch.setitem(IMPORT_FORMATS, "txt", replace(IMPORT_FORMATS["txt"], reader=failing_reader))
    (tmp_path / "disk.txt").write_text("x")
    report = import_paths(store, [tmp_path / "disk.txt"])
    assert [str(e) for e in report.errors] == [f"{tmp_path / 'disk.txt'}: cannot read: Input/output error"]
    assert store.documents.count_documents() == 0  # the whole file rolled back, not half of it
