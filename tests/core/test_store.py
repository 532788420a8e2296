from __future__ import annotations

import sqlite3

import pytest

from annotator.core.errors import ProjectError, SpanError
from annotator.core.text.model import Span
from annotator.core.store.schema import SCHEMA_VERSION
from annotator.core.store import Store


def test_new_project_has_schema_version_and_default_labels(store):
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = store.labels.label_names()
    assert names[:4] == ["PERSON", "ORG", "GPE", "LOC"]
    assert [l.key for l in store.labels.all()][:3] == ["1", "2", "3"]


def test_same_text_is_stored_once(store):
    a, added_a = store.documents.add_document("Hun Sen met Trump.", {"source": "a.txt"})
    b, added_b = store.documents.add_document("Hun Sen met Trump.", {"source": "b.txt"})
    assert (a, added_a) == (b, False) or added_a
    assert a == b and added_a and not added_b
    assert store.documents.count_documents() == 1
    assert store.documents.get_document(a).meta == {"source": "a.txt"}



def _inserts(store) -> list[str]:
    seen: list[str] = []
    store.conn.set_trace_callback(lambda sql: seen.append(sql) if sql.startswith("INSERT") else None)
    return seen


@pytest.mark.parametrize("variables, statements", [(27, 4), (250_000, 1)])  # 6 rows a statement; 1,000
def test_admitted_documents_store_what_one_insert_per_row_stores(store, variables, statements):
    """add_admitted_documents writes many rows per statement: the same rows as one INSERT OR
    IGNORE per row, in order (the first of a repeated text wins, with its meta), the same count."""
    from annotator.core.text.model import text_hash

    store.documents.add_document("t3", {"first": True})
    texts = [f"t{i % 7}" for i in range(23)]
    hashes = [text_hash(t) for t in texts]
    metas = [f'{{"n": {i}}}' for i in range(23)]
    store.conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, variables)
    with pytest.raises(ProjectError, match="transaction"):
        store.documents.add_admitted_documents(hashes, texts, metas, with_ids=True)
    inserts = _inserts(store)
    with store.transaction():
        ids, added = store.documents.add_admitted_documents(hashes, texts, metas, with_ids=True)
    assert added == 6 and len(inserts) == statements
    rows = store.conn.execute("SELECT id, hash, text, meta FROM documents ORDER BY id").fetchall()
    assert [(t, m) for _, _, t, m in rows] == [("t3", '{"first":true}')] + [
        (f"t{i}", f'{{"n": {i}}}') for i in (0, 1, 2, 4, 5, 6)]
    assert ids == [next(r[0] for r in rows if r[1] == h) for h in hashes]


def test_admitted_long_texts_go_a_few_to_a_statement(store):
    """A statement's bound texts are copied once more while it runs: about 8 million characters
    a statement, not 1,000 long texts."""
    from annotator.core.text.model import text_hash

    texts = [f"{i % 4} " + "x" * 3_000_000 for i in range(5)]  # the fifth repeats the first
    inserts = _inserts(store)
    with store.transaction():
        _, added = store.documents.add_admitted_documents([text_hash(t) for t in texts], texts, ["{}"] * 5,
                                                with_ids=False)
    assert added == 4 and len(inserts) == 2  # 3 texts (9 million characters), then 2
    assert [len(t) for (t,) in store.conn.execute("SELECT text FROM documents ORDER BY id")] == [3_000_002] * 4

def test_overwrite_keeps_history(store):
    doc, _ = store.documents.add_document("Hun Sen met Trump in Washington.")
    store.annotations.save_annotation(doc, "alice", "accept", [Span(0, 7, "PERSON")])
    store.annotations.save_annotation(doc, "alice", "accept", [Span(0, 7, "PERSON"), Span(12, 17, "PERSON")])
    store.annotations.save_annotation(doc, "alice", "reject", [])
    current = store.annotations.get_annotation(doc, "alice")
    assert current.answer == "reject" and current.spans == ()
    history = store.annotations.annotation_history(doc, "alice")
    assert [h.answer for h in history] == ["accept", "accept"]
    assert [len(h.spans) for h in history] == [1, 2]


def test_spans_are_validated_and_trimmed(store):
    doc, _ = store.documents.add_document("Hun Sen met Trump.")
    saved = store.annotations.save_annotation(doc, "a", "accept", [{"start": 0, "end": 8, "label": "PERSON"}])
    assert saved.spans == (Span(0, 7, "PERSON"),)
    for bad in ([Span(5, 3, "PERSON")], [Span(0, 99, "PERSON")], [Span(0, 7, "NOPE")],
                [Span(0, 7, "PERSON"), Span(4, 11, "ORG")], [Span(3, 4, "PERSON")]):
        with pytest.raises(SpanError):
            store.annotations.save_annotation(doc, "a", "accept", bad)
    assert store.annotations.get_annotation(doc, "a").spans == (Span(0, 7, "PERSON"),)


def test_draft_never_overwrites_decision(store):
    doc, _ = store.documents.add_document("Hun Sen met Trump.")
    store.annotations.save_annotation(doc, "a", "accept", [Span(0, 7, "PERSON")])
    store.drafts.save_draft(doc, "a", [Span(12, 17, "PERSON")])
    assert store.annotations.get_annotation(doc, "a").spans == (Span(0, 7, "PERSON"),)
    assert store.drafts.get_draft(doc, "a") == (Span(12, 17, "PERSON"),)
    assert store.drafts.statuses("a") == {doc: "accepted"}
    store.annotations.save_annotation(doc, "a", "accept", [Span(12, 17, "PERSON")])
    assert store.drafts.get_draft(doc, "a") is None


def test_failed_transaction_changes_nothing(store):
    doc, _ = store.documents.add_document("x y z")
    with pytest.raises(RuntimeError):
        with store.transaction() as c:
            c.execute("INSERT INTO documents (hash, text, meta, added) VALUES ('h', 't', '{}', 0)")
            raise RuntimeError("boom")
    assert store.documents.count_documents() == 1


def test_not_a_project_newer_schema_and_read_only(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    with pytest.raises(ProjectError, match="not an annotator project"):
        Store(other)
    assert other.read_bytes() == before

    newer = tmp_path / "newer.db"
    Store(newer).close()
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(ProjectError, match="newer annotator"):
        Store(newer)

    text = tmp_path / "notes.txt"
    text.write_text("hello, this is not sqlite at all" * 40)
    with pytest.raises(ProjectError):
        Store(text)


def test_rename_label_updates_annotations(store):
    doc, _ = store.documents.add_document("Hun Sen met Trump.")
    store.annotations.save_annotation(doc, "a", "accept", [Span(0, 7, "PERSON")])
    store.rename_label("PERSON", "PER")
    assert store.annotations.get_annotation(doc, "a").spans == (Span(0, 7, "PER"),)
    assert "PER" in store.labels.label_names() and "PERSON" not in store.labels.label_names()


@pytest.mark.parametrize("name", ["NEW LABEL", "TAB\tLABEL", "LINE\nBREAK", "", "   "])
def test_label_names_follow_the_one_rule(store, name):
    from annotator.core.text.labels import LabelError

    doc, _ = store.documents.add_document("Hun Sen met Trump.")
    store.annotations.save_annotation(doc, "a", "accept", [Span(0, 7, "PERSON")])
    labels = store.labels.all()
    with pytest.raises(LabelError):
        store.labels.add_label(name)
    with pytest.raises(LabelError):
        store.rename_label("PERSON", name)
    with pytest.raises(LabelError):
        store.labels.ensure_labels(["FINE", name])  # all or none: FINE is not added either
    assert store.labels.all() == labels
    assert store.annotations.get_annotation(doc, "a").spans == (Span(0, 7, "PERSON"),)


def test_label_names_are_stripped_when_typed_not_when_data(store):
    from annotator.core.text.labels import LabelError

    assert store.labels.add_label("  PRODUCT ").name == "PRODUCT"
    store.rename_label("PRODUCT", " WORK_OF_ART\n")
    assert "WORK_OF_ART" in store.labels.label_names()
    with pytest.raises(LabelError, match="must not contain spaces"):
        store.labels.ensure_labels([" LAW"])  # a span's label: stripping it would orphan the spans
    assert store.labels.ensure_labels(["LAW", "PERSON"]) == ["LAW"]


def test_suggestion_cache(store):
    doc, _ = store.documents.add_document("Hun Sen met Trump.")
    assert store.suggestions.get_suggestions(doc, "m@1") is None
    store.suggestions.save_suggestions("m@1", [(doc, [Span(0, 7, "PERSON", "model")])])
    assert store.suggestions.get_suggestions(doc, "m@1")[0].source == "model"
    assert store.suggestions.suggested_ids("m@1") == {doc}


@pytest.mark.slow
def test_iter_annotations_streams_in_order(store):
    ids, added = store.documents.add_documents([(f"doc {i}", {}) for i in range(2500)])
    assert added == 2500
    for i in ids[:1200]:
        store.annotations.save_annotation(i, "a", "accept", [])
    got = [d.id for d, _ in store.annotations.iter_annotations(annotator="a", batch_size=100)]
    assert got == ids[:1200]


def test_merge_annotation_newer_wins_and_is_idempotent(store):
    doc, _ = store.documents.add_document("Hun Sen met Trump.")
    old = [Span(0, 7, "PERSON")]
    new = [Span(0, 7, "PERSON"), Span(12, 17, "PERSON")]
    assert store.annotations.merge_annotation(doc, "bob", "accept", old, 100.0, 100.0) == "added"
    assert store.annotations.merge_annotation(doc, "bob", "accept", new, 200.0, 200.0) == "updated"
    assert store.annotations.merge_annotation(doc, "bob", "accept", new, 200.0, 200.0) == "unchanged"
    assert store.annotations.get_annotation(doc, "bob").spans == tuple(new)
    # An older version arriving late is filed in history, once.
    older = [Span(12, 17, "ORG")]
    assert store.annotations.merge_annotation(doc, "bob", "accept", older, 50.0, 50.0) == "history"
    assert store.annotations.merge_annotation(doc, "bob", "accept", older, 50.0, 50.0) == "unchanged"
    assert store.annotations.get_annotation(doc, "bob").spans == tuple(new)
    assert [h.spans for h in store.annotations.annotation_history(doc, "bob")] == [tuple(old), tuple(older)]


def test_resume_document_prefers_a_draft_then_the_first_untouched(store):
    ids, _ = store.documents.add_documents([(f"Text {i}", {}) for i in range(5)])
    assert store.drafts.resume_document("alice") == ids[0]
    store.annotations.save_annotation(ids[0], "alice", "accept", [])
    store.annotations.save_annotation(ids[1], "alice", "reject", [])
    assert store.drafts.resume_document("alice") == ids[2]
    store.drafts.save_draft(ids[4], "alice", [])
    assert store.drafts.resume_document("alice") == ids[4]
    store.drafts.save_draft(ids[0], "alice", [])  # a draft over a decision: the decision's status wins
    assert store.drafts.resume_document("alice") == ids[4]
    for doc_id in ids[2:]:
        store.annotations.save_annotation(doc_id, "alice", "accept", [])
    assert store.drafts.resume_document("alice") == ids[0]  # all decided: the first
    assert store.drafts.resume_document("bob") == ids[0]
