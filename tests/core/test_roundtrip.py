"""Export, then import the file into a new project: the same documents and spans come back.

Uses the real importers (annotator.core.ops.importing.import_paths). CoNLL keeps tokens, not the
original spacing, so there the same tokens and entity chunks come back.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from annotator.core.ops.exporting import export
from annotator.core.ops.importing import import_paths
from annotator.core.store import Store
from annotator.core.text.tokens import Token, tokenize
from tests.core.export_data import TEXTS, fill


def snapshot(store: Store) -> dict[str, tuple[dict, dict[str, tuple[str, tuple]]]]:
    """{text: (meta, {annotator: (answer, spans)})} of a whole project."""
    out = {}
    for doc in store.documents.iter_documents():
        versions = {a.annotator: (a.answer, tuple(s.key() for s in a.spans))
                    for a in store.annotations.annotations_for_document(doc.id)}
        out[doc.text] = (doc.meta, versions)
    return out


def reimport(tmp_path: Path, paths: list[Path], **kwargs) -> Store:
    target = Store(tmp_path / "again.db")
    report = import_paths(target, paths, **kwargs)
    assert report.errors == [], [str(e) for e in report.errors]
    return target


@pytest.mark.parametrize("fmt", ["jsonl", "doccano"])
def test_json_formats_round_trip_everything(store, tmp_path, fmt):
    fill(store)
    out = tmp_path / f"out.{fmt}.jsonl"
    export(store, fmt, out, answer="all")
    again = reimport(tmp_path, [out], fmt=fmt)
    try:
        assert snapshot(again) == snapshot(store)
        if fmt == "jsonl":  # Prodigy records carry the decision time
            first = again.documents.document_ids()[0]
            assert again.annotations.get_annotation(first, "alice").updated == 1_700_000_000
    finally:
        again.close()


def test_prodigy_round_trip_of_reviewed_versions(store, tmp_path):
    fill(store)
    out = tmp_path / "reviewed.jsonl"
    export(store, "jsonl", out, reviewed=True)
    again = reimport(tmp_path, [out])
    try:
        (doc_id,) = again.documents.document_ids()
        review = store.reviews.get_review(store.documents.document_ids()[0])
        ann = again.annotations.get_annotation(doc_id, "carol")
        assert ann.spans == review.spans and ann.answer == "accept"
        assert again.documents.get_document(doc_id).meta["reviewed_from"] == ["alice", "bob"]
    finally:
        again.close()


@pytest.mark.parametrize("target", ["corpus.spacy", "shards"])
def test_spacy_round_trip(store, tmp_path, target):
    fill(store)
    report = export(store, "spacy", tmp_path / target, annotator="alice", options={"shard_size": 3})
    again = reimport(tmp_path, report.files, annotator="alice")
    try:
        mine = {text: (versions["alice"][1],) for text, (_, versions) in snapshot(store).items()}
        theirs = {text: (versions["alice"][1],) for text, (_, versions) in snapshot(again).items()}
        assert theirs == mine
        assert [d.text for d in again.documents.iter_documents()] == [t for t, _ in TEXTS]
    finally:
        again.close()


def test_conll_round_trip_gives_the_same_tokens_and_entity_chunks(store, tmp_path):
    fill(store)
    out = tmp_path / "out.conll"
    export(store, "conll", out, annotator="alice")
    again = reimport(tmp_path, [out])
    try:
        before = [_tokens_and_chunks(d.text, store.annotations.get_annotation(d.id, "alice").spans)
                  for d in store.documents.iter_documents()]
        after = [_tokens_and_chunks(d.text, a.spans, imported=True) for d in again.documents.iter_documents()
                 for a in again.annotations.annotations_for_document(d.id)]
        assert after == before
    finally:
        again.close()


def _tokens_and_chunks(text: str, spans, imported: bool = False
                       ) -> tuple[list[str], list[tuple[list[str], str]]]:
    """The tokens (spaCy's for an original text; for a text read back from CoNLL, the file's
    tokens, which the importer joined with spaces) and each span as its tokens and label."""
    if imported:
        tokens = [Token(m.group(), m.start(), m.end(), True) for m in re.finditer(r"\S+", text)]
    else:
        tokens = tokenize(text)
    chunks = [([t.text for t in tokens if span.start <= t.start and t.end <= span.end], span.label)
              for span in spans]
    return [t.text for t in tokens], chunks


def test_real_prodigy_file_round_trips(store, tmp_path, peer_data):
    source = peer_data / "prodigy_news_headlines_ner.jsonl"
    first = import_paths(store, [source], annotator="nyt")
    assert first.errors == []
    out = tmp_path / "again.jsonl"
    report = export(store, "jsonl", out, answer="all")
    assert report.records == first.records
    again = reimport(tmp_path, [out])
    try:
        assert snapshot(again) == snapshot(store)
    finally:
        again.close()


def test_real_doccano_file_round_trips(store, tmp_path, peer_data):
    source = peer_data / "doccano_bsner_bw_admin.jsonl"
    first = import_paths(store, [source], annotator="admin")
    assert first.errors == []
    out = tmp_path / "again.jsonl"
    export(store, "doccano", out, answer="all")
    again = reimport(tmp_path, [out], fmt="doccano")
    try:
        # Documents nobody labelled (`label: []`) are plain documents: exports hold annotations.
        annotated = {text: v for text, v in snapshot(store).items() if v[1]}
        assert len(annotated) > 200
        assert snapshot(again) == annotated
    finally:
        again.close()


@pytest.mark.slow
def test_real_conll_file_round_trips(store, tmp_path, peer_data):
    first = import_paths(store, [peer_data / "wikigold.conll.txt"], annotator="wiki")
    assert first.errors == [] and first.records > 100
    out = tmp_path / "again.conll"
    export(store, "conll", out)
    again = reimport(tmp_path, [out], annotator="wiki")
    try:
        # spaCy splits some of the file's tokens ("techno-based"): those come back split.
        # Re-tokenizing the joined tokens could differ ("who's-who" vs "who 's"): compare the
        # tokens the file holds.
        before = [_tokens_and_chunks(d.text, store.annotations.get_annotation(d.id, "wiki").spans)
                  for d in store.documents.iter_documents()]
        after = [_tokens_and_chunks(d.text, again.annotations.get_annotation(d.id, "wiki").spans, imported=True)
                 for d in again.documents.iter_documents()]
        assert after == before
    finally:
        again.close()
