"""Hostile text straight through the store: exact storage, search and list previews."""

from __future__ import annotations

import pytest

from annotator.core.text.admission import AdmissionError
from annotator.core.text.model import Span, text_hash
from tests.reliability.cases import CASES, NUL_CASES, Case


def legacy_document(store, text: str) -> int:
    """A document stored before issue 29 made the store refuse NUL (as an older annotator
    wrote it): still opened, searched and shown."""
    with store.transaction() as c:
        return c.execute("INSERT INTO documents (hash, text, meta, added) VALUES (?, ?, '{}', 1) "
                         "RETURNING id", (text_hash(text), text)).fetchone()[0]


@pytest.mark.parametrize("case", NUL_CASES, ids=lambda c: c.name)
def test_the_store_refuses_a_nul_text_and_keeps_nothing(store, case: Case):
    before = store.documents.count_documents()
    with pytest.raises(AdmissionError, match="NUL in the text"):
        store.documents.add_documents([("fine", {}), (case.text, {})])
    with pytest.raises(AdmissionError, match="NUL in the meta"):
        store.documents.add_document("fine", {"k": "a\x00b"})
    assert store.documents.count_documents() == before


@pytest.mark.parametrize("case", NUL_CASES, ids=lambda c: c.name)
def test_a_legacy_nul_text_keeps_its_decisions_exact(store, case: Case):
    doc = legacy_document(store, case.text)
    store.annotations.save_annotation(doc, "alice", "accept", case.spans)
    assert store.annotations.get_annotation(doc, "alice").spans == case.spans


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_text_spans_draft_and_history_are_exact(store, case: Case):
    doc, added = store.documents.add_document(case.text, {"case": case.name, "echo": case.text})
    assert added
    got = store.documents.get_document(doc)
    assert got.text == case.text and got.meta == {"case": case.name, "echo": case.text}
    store.drafts.save_draft(doc, "alice", case.spans)
    assert store.drafts.get_draft(doc, "alice") == case.spans
    store.annotations.save_annotation(doc, "alice", "accept", case.spans)
    store.annotations.save_annotation(doc, "alice", "accept", case.spans[:1])
    assert store.annotations.get_annotation(doc, "alice").spans == case.spans[:1]
    assert store.annotations.annotation_history(doc, "alice")[0].spans == case.spans
    assert [store.documents.get_document(doc).text[s.start:s.end] for s in case.spans] == \
        [case.text[s.start:s.end] for s in case.spans]


def test_search_finds_text_after_nul_and_folds_non_ascii_case(store):
    nul = legacy_document(store, "\x00\x00Ada Lovelace\x00 met Bob .")
    accents, _ = store.documents.add_document("École de Zoë, Café MÜNCHEN 😀")
    plain, _ = store.documents.add_document("nothing to see")
    assert store.documents.document_ids("lovelace") == [nul]
    assert store.documents.document_ids("BOB") == [nul]
    assert store.documents.document_ids("école") == [accents]
    assert store.documents.document_ids("ZOË") == [accents]
    assert store.documents.document_ids("münchen") == [accents]
    assert store.documents.document_ids("😀") == [accents]
    assert store.documents.document_ids() == [nul, accents, plain]


def test_previews_keep_characters_after_nul_and_count_code_points(store):
    nul = legacy_document(store, "\x00\x00Ada Lovelace\x00 met Bob .")
    astral, _ = store.documents.add_document("😀👩\u200d👩\u200d👧 Ada Lovelace")
    cjk, _ = store.documents.add_document("习近平在北京会见了特朗普。")
    previews = store.documents.document_previews([nul, astral, cjk], 6)
    assert previews[nul][0] == "\x00\x00Ada "
    assert previews[astral][0] == "😀👩\u200d👩\u200d👧"
    assert previews[cjk][0] == "习近平在北京"


def test_spans_on_empty_and_whitespace_text_are_refused(store):
    from annotator.core.errors import SpanError

    doc, _ = store.documents.add_document("   \n\t ")
    with pytest.raises(SpanError, match="whitespace"):
        store.annotations.save_annotation(doc, "alice", "accept", [Span(0, 3, "PERSON")])
    store.annotations.save_annotation(doc, "alice", "reject", [])
    assert store.annotations.get_annotation(doc, "alice").answer == "reject"
