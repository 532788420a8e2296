from __future__ import annotations

import json

import orjson
import pytest
from murmurhash.mrmr import hash_bytes

from annotator.core.formats.exporters import EXPORTERS, ExportError, prodigy_record
from annotator.core.formats.exporters.base import dumps_line
from annotator.core.formats.exporters.prodigy import input_hash, task_hash
from annotator.core.ops.exporting import NothingToExport, export, split_documents
from annotator.core.text.model import Span
from annotator.core.text.tokens import blank_nlp, tokenize
from tests.core.export_data import TEXTS, fill, spans_of

RECORD_KEYS = ["text", "meta", "_input_hash", "_task_hash", "tokens", "spans", "answer",
               "_annotator_id", "_timestamp", "_view_id"]


def read_jsonl(path):
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def read_docbin(path):
    from spacy.tokens import DocBin

    return list(DocBin().from_disk(path).get_docs(blank_nlp().vocab))


def test_registry_has_every_format():
    assert set(EXPORTERS) == {"jsonl", "doccano", "spacy", "conll", "label-studio", "webanno"}
    for name, cls in EXPORTERS.items():
        assert cls.name == name and cls.description


def test_prodigy_jsonl_records_match_the_prodigy_shape(store, tmp_path):
    fill(store)
    out = tmp_path / "out.jsonl"
    report = export(store, "jsonl", out)
    records = read_jsonl(out)
    # alice accepts 4, bob accepts 1 (his reject is not exported by default).
    assert report.records == len(records) == 5 and report.files == [out]
    for rec in records:
        assert list(rec) == RECORD_KEYS
        assert rec["_view_id"] == "ner_manual" and rec["answer"] == "accept"
        assert isinstance(rec["_timestamp"], int)
        assert -2**31 <= rec["_input_hash"] < 2**31 and -2**31 <= rec["_task_hash"] < 2**31
        for i, token in enumerate(rec["tokens"]):
            assert list(token) == ["text", "start", "end", "id", "ws"]
            assert token["id"] == i and rec["text"][token["start"]:token["end"]] == token["text"]
        for span in rec["spans"]:
            assert list(span) == ["start", "end", "token_start", "token_end", "label"]
            first, last = rec["tokens"][span["token_start"]], rec["tokens"][span["token_end"]]
            assert (first["start"], last["end"]) == (span["start"], span["end"])  # token_end inclusive
    alice = [r for r in records if r["_annotator_id"] == "alice"]
    assert [r["meta"]["source"] for r in alice] == ["doc0.txt", "doc1.txt", "doc2.txt", "doc3.txt"]
    assert alice[0]["_timestamp"] == 1_700_000_000


def test_prodigy_offsets_are_code_points_with_emoji(store, tmp_path):
    fill(store)
    export(store, "jsonl", tmp_path / "out.jsonl", annotator="alice")
    rec = read_jsonl(tmp_path / "out.jsonl")[1]
    assert rec["text"] == TEXTS[1][0]
    got = {(rec["text"][s["start"]:s["end"]], s["label"]) for s in rec["spans"]}
    assert got == set(TEXTS[1][1])
    emoji = next(t for t in rec["tokens"] if t["text"] == "😀")
    assert emoji["end"] - emoji["start"] == 1


def test_hashes_follow_the_documented_formula(store, tmp_path):
    fill(store)
    export(store, "jsonl", tmp_path / "out.jsonl", answer="all")
    records = read_jsonl(tmp_path / "out.jsonl")
    first = [r for r in records if r["text"] == TEXTS[0][0]]
    assert len({r["_input_hash"] for r in first}) == 1  # same text, same input hash
    assert len({r["_task_hash"] for r in first}) == 2  # alice and bob differ in spans
    rec = first[0]
    spans = [Span(s["start"], s["end"], s["label"]) for s in rec["spans"]]
    assert rec["_input_hash"] == hash_bytes(rec["text"].encode("utf-8")) == input_hash(rec["text"])
    key = "|".join([str(rec["_input_hash"]), *(f"{s.start},{s.end},{s.label}" for s in sorted(spans))])
    assert rec["_task_hash"] == hash_bytes(key.encode("utf-8")) == task_hash(rec["_input_hash"], spans)


def test_prodigy_record_for_suggestions_has_no_answer_and_keeps_sources(store):
    doc_id, _ = store.documents.add_document("Hun Sen met Trump.", {"id": 7})
    doc = store.documents.get_document(doc_id)
    spans = [Span(12, 17, "PERSON", "model"), Span(0, 7, "PERSON", "model")]
    rec = prodigy_record(doc, spans, None, with_source=True)
    assert list(rec) == ["text", "meta", "_input_hash", "_task_hash", "tokens", "spans", "_view_id"]
    assert [(s["start"], s["token_start"], s["token_end"], s["source"]) for s in rec["spans"]] == [
        (0, 0, 1, "model"), (12, 3, 3, "model")]
    plain = prodigy_record(doc, spans, tokenize(doc.text), answer="accept", annotator="a", timestamp=5.9)
    assert "source" not in plain["spans"][0] and plain["_timestamp"] == 5
    assert plain["_task_hash"] == rec["_task_hash"]  # sources are not part of the task


def test_no_tokens_option_writes_lean_records(store, tmp_path):
    fill(store)
    export(store, "jsonl", tmp_path / "lean.jsonl", options={"tokens": False})
    rec = read_jsonl(tmp_path / "lean.jsonl")[0]
    assert "tokens" not in rec and list(rec["spans"][0]) == ["start", "end", "label"]
    with pytest.raises(ExportError, match="no option tokens"):
        export(store, "doccano", tmp_path / "x.jsonl", options={"tokens": False})


def test_doccano_records(store, tmp_path):
    fill(store)
    export(store, "doccano", tmp_path / "d.jsonl", annotator="alice")
    records = read_jsonl(tmp_path / "d.jsonl")
    assert list(records[0]) == ["text", "label", "meta", "answer", "_annotator_id"]
    text = TEXTS[0][0]
    assert records[0]["label"][0] == [text.index("Hun Sen"), text.index("Hun Sen") + 7, "PERSON"]
    assert records[3]["label"] == [] and records[3]["meta"] == {"source": "doc3.txt", "n": 3}


def test_spacy_file_is_readable_with_the_right_ents(store, tmp_path):
    fill(store)
    out = tmp_path / "corpus.spacy"
    report = export(store, "spacy", out, annotator="alice")
    docs = read_docbin(out)
    assert report.files == [out] and len(docs) == 4
    for doc, (text, pieces) in zip(docs, TEXTS):
        assert doc.text == text
        assert [(e.text, e.label_) for e in doc.ents] == list(pieces)
    assert [[t.whitespace_ for t in doc] for doc in docs] == [[t.whitespace_ for t in blank_nlp()(text)]
                                                             for text, _ in TEXTS]


def test_fast_docbin_add_matches_spacy(tmp_path):
    from spacy.tokens import DocBin

    from annotator.core.formats.exporters.docbin import ATTRS, add_doc
    from annotator.core.text.spacy_docs import make_doc

    nlp = blank_nlp()
    ours, theirs = DocBin(attrs=ATTRS), DocBin(attrs=ATTRS)
    for text, pieces in TEXTS:
        doc, _ = make_doc(nlp, text, spans_of(text, *pieces))
        add_doc(ours, doc)
        theirs.add(doc)
    fresh = blank_nlp("xx").vocab  # another vocab: every string must travel in the file
    got = list(DocBin().from_bytes(ours.to_bytes()).get_docs(fresh))
    want = list(DocBin().from_bytes(theirs.to_bytes()).get_docs(blank_nlp("xx").vocab))
    assert [d.to_json() for d in got] == [d.to_json() for d in want]


def test_spacy_widens_spans_off_token_boundaries_with_a_warning(store, tmp_path):
    doc_id, _ = store.documents.add_document("Applesauce is sold in Cupertino.")
    store.annotations.save_annotation(doc_id, "a", "accept", [Span(0, 5, "ORG"), Span(22, 31, "GPE")])
    warnings: list[str] = []
    report = export(store, "spacy", tmp_path / "c.spacy", on_warning=warnings.append)
    (doc,) = read_docbin(tmp_path / "c.spacy")
    assert [(e.text, e.label_) for e in doc.ents] == [("Applesauce", "ORG"), ("Cupertino", "GPE")]
    assert len(warnings) == 1 and "widened" in warnings[0] and f"document {doc_id}" in warnings[0]
    assert report.warnings == warnings and report.warning_count == 1


def test_spacy_folder_output_is_sharded_and_replaces_old_shards(store, tmp_path):
    fill(store)
    folder = tmp_path / "corpus"
    report = export(store, "spacy", folder, answer="all", options={"shard_size": 2})
    assert [p.name for p in report.files] == ["0000.spacy", "0001.spacy", "0002.spacy"]
    assert sum(len(read_docbin(p)) for p in report.files) == report.records == 6
    from spacy.training import Corpus  # what `spacy train --paths.train FOLDER` uses

    examples = list(Corpus(folder)(blank_nlp()))
    assert len(examples) == 6 and sum(len(e.reference.ents) for e in examples) == 5 + 3 + 3 + 2 + 0
    report = export(store, "spacy", folder, annotator="bob", options={"shard_size": 2})
    assert sorted(p.name for p in folder.iterdir()) == ["0000.spacy"]  # stale shards gone
    assert len(read_docbin(folder / "0000.spacy")) == 1
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(ExportError, match="holds other files"):
        export(store, "spacy", folder)


def test_split_is_deterministic_and_keeps_a_document_on_one_side(store, tmp_path):
    ids = fill(store)
    report = export(store, "spacy", tmp_path / "corpus.spacy", answer="all", split=0.5, seed=3)
    train, dev = tmp_path / "corpus-train.spacy", tmp_path / "corpus-dev.spacy"
    assert report.files == [train, dev]
    train_texts = [d.text for d in read_docbin(train)]
    dev_texts = [d.text for d in read_docbin(dev)]
    assert report.train_records == len(train_texts) and report.dev_records == len(dev_texts)
    assert len(train_texts) + len(dev_texts) == report.records == 6
    assert not set(train_texts) & set(dev_texts)
    again = export(store, "spacy", tmp_path / "corpus.spacy", answer="all", split=0.5, seed=3)
    assert [d.text for d in read_docbin(dev)] == dev_texts and again.dev_records == report.dev_records
    assert split_documents(ids, 0.5, 3) == split_documents(list(reversed(ids)), 0.5, 3)
    assert len(split_documents(ids, 0.01, 0)) == 1 and len(split_documents(ids, 0.99, 0)) == 3
    export(store, "jsonl", tmp_path / "all.jsonl", split=0.25)
    assert (tmp_path / "all-train.jsonl").exists() and (tmp_path / "all-dev.jsonl").exists()
    export(store, "spacy", tmp_path / "shards", split=0.25)
    assert (tmp_path / "shards" / "train" / "0000.spacy").exists()
    assert (tmp_path / "shards" / "dev" / "0000.spacy").exists()


def test_conll_iob2_with_sentences_from_line_breaks(store, tmp_path):
    doc_id, _ = store.documents.add_document("Hun Sen met Trump.\nZoë left.")
    store.annotations.save_annotation(doc_id, "a", "accept", [Span(0, 7, "PERSON"), Span(12, 17, "PERSON"),
                                                  Span(19, 22, "PERSON")])
    doc2, _ = store.documents.add_document("Paris is nice.")
    store.annotations.save_annotation(doc2, "a", "accept", [Span(0, 5, "GPE")])
    export(store, "conll", tmp_path / "out.conll")
    assert (tmp_path / "out.conll").read_text(encoding="utf-8") == (
        "-DOCSTART- O\n\nHun B-PERSON\nSen I-PERSON\nmet O\nTrump B-PERSON\n. O\n\n"
        "Zoë B-PERSON\nleft O\n. O\n\n"
        "-DOCSTART- O\n\nParis B-GPE\nis O\nnice O\n. O\n\n")


def test_conll_reports_widened_and_line_crossing_spans(store, tmp_path):
    doc_id, _ = store.documents.add_document("New\nYork has Applesauce.")
    store.annotations.save_annotation(doc_id, "a", "accept", [Span(0, 8, "GPE"), Span(13, 18, "ORG")])
    warnings: list[str] = []
    export(store, "conll", tmp_path / "out.conll", on_warning=warnings.append)
    lines = (tmp_path / "out.conll").read_text(encoding="utf-8").splitlines()
    assert lines[2:8] == ["New B-GPE", "", "York B-GPE", "has O", "Applesauce B-ORG", ". O"]
    assert any("crosses a line break" in w for w in warnings)
    assert any("widened" in w and "'Apple'" in w for w in warnings)


def test_filters_answer_annotator_and_reviewed(store, tmp_path):
    fill(store)
    out = tmp_path / "o.jsonl"
    export(store, "jsonl", out, answer="reject")
    assert [(r["_annotator_id"], r["answer"]) for r in read_jsonl(out)] == [("bob", "reject")]
    assert export(store, "jsonl", out, answer="all").records == 6
    assert export(store, "jsonl", out, annotator="bob", answer="all").records == 2
    report = export(store, "jsonl", out, reviewed=True)
    (rec,) = read_jsonl(out)
    assert report.records == 1 and rec["_annotator_id"] == "carol" and rec["answer"] == "accept"
    assert rec["meta"]["reviewed_from"] == ["alice", "bob"] and rec["meta"]["source"] == "doc0.txt"
    assert [s["label"] for s in rec["spans"]] == ["PERSON", "PERSON", "GPE"]
    with pytest.raises(NothingToExport, match="nothing to export: no reviewed documents by nobody"):
        export(store, "jsonl", out, reviewed=True, annotator="nobody")
    assert [r["_annotator_id"] for r in read_jsonl(out)] == ["carol"]  # the earlier export stays


def test_progress_reaches_the_total(store, tmp_path):
    fill(store)
    calls: list[tuple[int, int]] = []
    export(store, "doccano", tmp_path / "d.jsonl", answer="all", batch_size=2,
           on_progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (2, 6) and calls[-1] == (6, 6)


def test_failed_export_leaves_the_previous_file(store, tmp_path):
    fill(store)
    out = tmp_path / "o.jsonl"
    out.write_text("previous\n")

    def boom(done: int, total: int) -> None:
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        export(store, "jsonl", out, batch_size=1, on_progress=boom)
    assert out.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.jsonl", "project.db", "project.db-shm",
                                                          "project.db-wal"]


def test_bad_arguments_are_clear_errors(store, tmp_path):
    with pytest.raises(ExportError, match="unknown export format 'xml'"):
        export(store, "xml", tmp_path / "o")
    with pytest.raises(ExportError, match="unknown answer"):
        export(store, "jsonl", tmp_path / "o", answer="maybe")
    with pytest.raises(ExportError, match="split must be between 0 and 1"):
        export(store, "jsonl", tmp_path / "o", split=1.5)
    with pytest.raises(ExportError, match="project file itself"):
        export(store, "jsonl", store.path)
    (tmp_path / "file").write_text("x")
    doc, _ = store.documents.add_document("Something to export.")
    store.annotations.save_annotation(doc, "alice", "accept", [])
    with pytest.raises(ExportError, match="cannot write"):
        export(store, "jsonl", tmp_path / "file" / "o.jsonl")


def test_json_lines_survive_lone_surrogates():
    # orjson refuses them; the line is still written, escaped, and Python's json reads it back.
    line = dumps_line({"text": "a\udc80b"})
    assert json.loads(line) == {"text": "a\udc80b"}
    assert line.endswith(b"\n") and dumps_line({"text": "é"}) == '{"text":"é"}\n'.encode()


def test_spans_of_helper_data_is_token_aligned():
    # The round-trip tests rely on these spans being whole spaCy tokens.
    nlp = blank_nlp()
    for text, pieces in TEXTS:
        doc = nlp.make_doc(text)
        for span in spans_of(text, *pieces):
            assert doc.char_span(span.start, span.end) is not None, (text, span)


def test_conll_breaks_sentences_on_any_line_break_and_keeps_tags_one_column(store, tmp_path):
    with store.transaction() as c:  # a label made before the label-name rule refused spaces
        c.execute("INSERT INTO labels (name, color, key, position) VALUES ('MY LABEL', '#cccccc', NULL, 99)")
    doc_id, _ = store.documents.add_document("One.\rTwo\u2028three Acme.")
    store.annotations.save_annotation(doc_id, "a", "accept", [Span(15, 19, "MY LABEL")])
    warnings: list[str] = []
    export(store, "conll", tmp_path / "o.conll", on_warning=warnings.append)
    blocks = (tmp_path / "o.conll").read_text(encoding="utf-8").split("\n\n")
    assert blocks[1:4] == ["One O\n. O", "Two O", "three O\nAcme B-MY_LABEL\n. O"]
    assert any("'MY_LABEL'" in w for w in warnings)


def test_conll_tokens_are_tokenize_tokens():
    from annotator.core.formats.exporters.conll import token_bounds  # arrays now, not Token objects

    for text, _ in [*TEXTS, ("Two  spaces\n\n and\ttabs 😀.", [])]:
        tokens = tokenize(text)
        assert token_bounds(blank_nlp().make_doc(text)) == ([t.start for t in tokens], [t.end for t in tokens])


def test_exporters_renew_their_pipeline_so_memory_stays_flat(monkeypatch):
    from annotator.core.formats.exporters import base

    monkeypatch.setattr(base, "RENEW_EVERY", 3)
    first = base.export_pipeline("en", 3)
    assert first is not blank_nlp("en")
    second = base.export_pipeline("en", 2)
    assert second is not first  # after 3 documents: a fresh vocab
    assert base.export_pipeline("en", 1) is second
    assert second.max_length == blank_nlp("en").max_length  # blank_nlp's settings


@pytest.mark.slow
def test_long_article_exports(store, tmp_path):
    # Longer than spaCy's default max_length (1,000,000 characters), which nlp.make_doc checks.
    text = "Hun Sen spoke. " * 70_000
    doc_id, _ = store.documents.add_document(text)
    store.annotations.save_annotation(doc_id, "a", "accept", [Span(0, 7, "PERSON")])
    assert export(store, "spacy", tmp_path / "o.spacy").records == 1
    (doc,) = read_docbin(tmp_path / "o.spacy")
    assert [(e.text, e.label_) for e in doc.ents] == [("Hun Sen", "PERSON")]
