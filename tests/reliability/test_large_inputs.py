"""A 10 MB single-line document and a document with 100,000 spans: imported, stored and
exported exactly, in bounded time. Timings print with -s; see the report for numbers."""

from __future__ import annotations

import json
import time

import pytest

from annotator.core.ops.exporting import export
from annotator.core.ops.importing import import_paths
from annotator.core.store import Store
from tests.reliability.formats import chunks, read_conll, read_json_lines, spans_of
from tests.reliability.large import many_spans_text, single_line_text


class Timer:
    def __init__(self) -> None:
        self.times: dict[str, float] = {}

    def __call__(self, name: str):
        timer = self

        class _Ctx:
            def __enter__(self):
                self.t = time.perf_counter()

            def __exit__(self, *exc):
                timer.times[name] = round(time.perf_counter() - self.t, 2)
                print(f"{name}: {timer.times[name]}s")

        return _Ctx()


@pytest.fixture(scope="module")
def big_project(tmp_path_factory):
    """A project holding the 10 MB single-line document, imported from JSONL."""
    root = tmp_path_factory.mktemp("big")
    text, spans = single_line_text(10_000_000)
    path = root / "big.jsonl"
    path.write_text(json.dumps({"text": text, "spans": [s.to_dict() for s in spans], "answer": "accept",
                                "_annotator_id": "big"}, ensure_ascii=False) + "\n", encoding="utf-8")
    db = root / "big.db"
    t = time.perf_counter()
    with Store(db) as s:
        report = import_paths(s, [path])
    print(f"import 10 MB JSONL line: {time.perf_counter() - t:.2f}s")
    assert report.errors == [] and report.documents_added == 1
    return db, text, spans


@pytest.mark.large
def test_ten_megabyte_document_round_trips_exactly(big_project, tmp_path):
    db, text, spans = big_project
    timer = Timer()
    with Store(db, readonly=True) as s:
        (doc, ann), = list(s.annotations.iter_annotations(annotator="big"))
        assert doc.text == text and ann.spans == spans
        with timer("export jsonl --no-tokens"):
            export(s, "jsonl", tmp_path / "o.jsonl", options={"tokens": False})
        with timer("export doccano"):
            export(s, "doccano", tmp_path / "d.jsonl")
    for name in ("o.jsonl", "d.jsonl"):
        (record,) = read_json_lines(tmp_path / name)
        assert record["text"] == text and spans_of(record) == spans
    assert sum(timer.times.values()) < 30, timer.times


@pytest.mark.large
def test_ten_megabyte_text_file(tmp_path):
    text, _ = single_line_text(10_000_000)
    path = tmp_path / "big.txt"
    path.write_bytes(text.encode("utf-8"))
    t = time.perf_counter()
    with Store(tmp_path / "p.db") as s:
        report = import_paths(s, [path])
        assert report.errors == [] and report.documents_added == 1
        assert s.documents.get_document(s.documents.document_ids()[0]).text == text
    assert time.perf_counter() - t < 30


@pytest.mark.large
def test_token_formats_take_documents_beyond_spacys_max_length(tmp_path):
    """spaCy refuses texts over nlp.max_length (1,000,000) with E088; the exporters tokenize only,
    so a long article must still export (this raised E088 before the limit was lifted)."""
    text, spans = single_line_text(1_200_000)
    db = tmp_path / "p.db"
    with Store(db) as s:
        doc_id, _ = s.documents.add_document(text)
        s.annotations.save_annotation(doc_id, "a", "accept", spans)
        for fmt, out in (("spacy", "o.spacy"), ("conll", "o.conll"), ("jsonl", "t.jsonl")):
            t = time.perf_counter()
            report = export(s, fmt, tmp_path / out)
            print(f"export {fmt} 1.2 MB: {time.perf_counter() - t:.2f}s")
            assert report.records == 1 and report.warning_count == 0
    (record,) = read_json_lines(tmp_path / "t.jsonl")
    assert spans_of(record) == spans and record["tokens"][-1]["end"] == len(text)
    (doc,) = read_conll(tmp_path / "o.conll")
    assert [c.tokens for c in chunks(doc)] == [("Ada", "Lovelace"), ("Grace", "Hopper")]


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    root = tmp_path_factory.mktemp("many")
    text, spans = many_spans_text(100_000)
    path = root / "many.jsonl"
    path.write_text(json.dumps({"text": text, "spans": [s.to_dict() for s in spans], "answer": "accept",
                                "_annotator_id": "many"}) + "\n", encoding="utf-8")
    db = root / "many.db"
    t = time.perf_counter()
    with Store(db) as s:
        report = import_paths(s, [path])
    print(f"import 100,000 spans: {time.perf_counter() - t:.2f}s")
    assert report.errors == []
    return db, text, spans


@pytest.mark.large
def test_hundred_thousand_spans_store_and_export(many, tmp_path):
    db, text, spans = many
    timer = Timer()
    with Store(db) as s:
        doc_id = s.documents.document_ids()[0]
        assert s.annotations.get_annotation(doc_id, "many").spans == spans
        with timer("save_draft 100k"):
            s.drafts.save_draft(doc_id, "editor", spans)
        with timer("save_annotation 100k"):
            s.annotations.save_annotation(doc_id, "editor", "accept", spans)
        assert s.annotations.get_annotation(doc_id, "editor").spans == spans and s.drafts.get_draft(doc_id, "editor") is None
        for fmt, out in (("jsonl", "o.jsonl"), ("doccano", "d.jsonl"), ("spacy", "o.spacy"),
                         ("conll", "o.conll")):
            with timer(f"export {fmt} 100k spans"):
                report = export(s, fmt, tmp_path / out, annotator="editor")
            assert report.warning_count == 0
    for name in ("o.jsonl", "d.jsonl"):
        (record,) = read_json_lines(tmp_path / name)
        assert spans_of(record) == spans
    (doc,) = read_conll(tmp_path / "o.conll")
    assert [(c.label, c.tokens) for c in chunks(doc)] == [(s.label, (text[s.start:s.end],)) for s in spans]
    from spacy.tokens import DocBin

    from annotator.core.text.tokens import blank_nlp

    (sdoc,) = DocBin().from_disk(tmp_path / "o.spacy").get_docs(blank_nlp("en").vocab)
    assert [(e.start_char, e.end_char, e.label_) for e in sdoc.ents] == [(s.start, s.end, s.label) for s in spans]
    assert sum(timer.times.values()) < 60, timer.times
