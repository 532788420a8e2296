"""Merging a teammate's project: two real project files, same articles, different spans."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from annotator.core.errors import ProjectError, RecordError
from annotator.core.team.merge import merge_project
from annotator.core.text.model import Span
from annotator.core.store import Store

TEXTS = ["Hun Sen met Donald Trump in Phnom Penh on Monday.", "Apple hired Tim Cook.",
         "Paris is in France."]


def counts(store: Store) -> dict[str, int]:
    return {t: store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("documents", "annotations", "annotation_history", "reviews", "review_history",
                      "labels")}


@pytest.fixture
def two_projects(tmp_path):
    ours = Store(tmp_path / "alice.db")
    ours.documents.add_documents([(TEXTS[0], {"source": "a.txt"}), (TEXTS[1], {})])
    ours.annotations.save_annotation(1, "alice", "accept", [Span(0, 7, "PERSON"), Span(12, 24, "PERSON")],
                         timestamp=100.0)
    ours.annotations.save_annotation(2, "alice", "accept", [Span(0, 5, "ORG")], timestamp=100.0)
    ours.annotations.save_annotation(1, "carol", "accept", [Span(0, 7, "PERSON")], timestamp=300.0)
    ours.annotations.save_annotation(2, "carol", "accept", [Span(0, 5, "ORG")], timestamp=100.0)

    theirs = Store(tmp_path / "bob.db")
    # Different order: ids differ between the files; the hash links them.
    theirs.documents.add_documents([(TEXTS[2], {}), (TEXTS[1], {}), (TEXTS[0], {"source": "b.txt"})])
    theirs.labels.add_label("WORK_OF_ART", "#123456")
    theirs.annotations.save_annotation(3, "bob", "accept", [Span(0, 7, "PERSON"), Span(19, 24, "PERSON")],
                           timestamp=150.0)
    theirs.annotations.save_annotation(2, "bob", "accept", [Span(0, 5, "ORG"), Span(12, 20, "PERSON")],
                           timestamp=150.0)
    theirs.annotations.save_annotation(1, "bob", "accept", [Span(0, 5, "WORK_OF_ART")], timestamp=150.0)
    theirs.annotations.save_annotation(1, "bob", "accept", [Span(0, 5, "GPE")], timestamp=160.0)  # history: WORK_OF_ART
    # carol worked in both files: older on doc 1 here (ours is newer), newer on doc 2.
    theirs.annotations.save_annotation(3, "carol", "accept", [Span(12, 24, "PERSON")], timestamp=200.0)
    theirs.annotations.save_annotation(2, "carol", "accept", [Span(12, 20, "PERSON")], timestamp=200.0)
    theirs.reviews.save_review(3, "lead", [Span(0, 7, "PERSON")], ["bob", "carol"])
    theirs.close()
    yield ours, tmp_path / "bob.db"
    ours.close()


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_merge_brings_in_documents_annotations_reviews_and_labels(two_projects):
    ours, other = two_projects
    before = digest(other)
    report = merge_project(ours, other)
    assert digest(other) == before  # only read

    assert (report.documents_seen, report.documents_added) == (3, 1)
    assert ours.documents.count_documents() == 3
    paris = ours.documents.document_by_hash(Store(other, readonly=True).documents.get_document(1).hash)
    assert paris.text == TEXTS[2]
    assert ours.documents.get_document(1).meta == {"source": "a.txt"}  # our document kept as it was
    assert report.labels_added == ["WORK_OF_ART"]
    assert [l.color for l in ours.labels.all() if l.name == "WORK_OF_ART"] == ["#123456"]

    assert ours.annotations.annotators() == ["alice", "bob", "carol"]
    assert ours.annotations.get_annotation(1, "bob").spans == (Span(0, 7, "PERSON"), Span(19, 24, "PERSON"))
    assert ours.annotations.get_annotation(paris.id, "bob").spans == (Span(0, 5, "GPE"),)
    assert [h.spans for h in ours.annotations.annotation_history(paris.id, "bob")] == [(Span(0, 5, "WORK_OF_ART"),)]
    # carol doc 1: ours (300) is newer, theirs (200) filed to history.
    assert ours.annotations.get_annotation(1, "carol").spans == (Span(0, 7, "PERSON"),)
    assert [h.spans for h in ours.annotations.annotation_history(1, "carol")] == [(Span(12, 24, "PERSON"),)]
    # carol doc 2: theirs (200) is newer and becomes current; ours (100) goes to history.
    assert ours.annotations.get_annotation(2, "carol").spans == (Span(12, 20, "PERSON"),)
    assert ours.annotations.get_annotation(2, "carol").updated == 200.0
    assert [h.spans for h in ours.annotations.annotation_history(2, "carol")] == [(Span(0, 5, "ORG"),)]
    assert ours.annotations.get_annotation(1, "alice").spans == (Span(0, 7, "PERSON"), Span(12, 24, "PERSON"))

    assert {n: dict(c) for n, c in report.annotations.items()} == {
        "bob": {"added": 3, "history": 1},
        "carol": {"history": 1, "updated": 1},
    }
    assert dict(report.reviews) == {"added": 1}
    review = ours.reviews.get_review(1)
    assert review.reviewer == "lead" and review.sources == ("bob", "carol")
    assert any("bob: 3 added" in line for line in report.lines())


def test_merging_twice_is_merging_once(two_projects):
    ours, other = two_projects
    merge_project(ours, other)
    after_first = counts(ours)
    snapshot = {(a.document_id, a.annotator): a for _, a in ours.annotations.iter_annotations()}
    again = merge_project(ours, other)
    assert counts(ours) == after_first
    assert {(a.document_id, a.annotator): a for _, a in ours.annotations.iter_annotations()} == snapshot
    assert again.documents_added == 0 and again.labels_added == []
    assert not again.changed
    assert again.total("unchanged") == 6  # 5 current + 1 earlier version and dict(again.reviews) == {"unchanged": 1}


def test_merge_is_all_or_nothing(two_projects):
    ours, other = two_projects
    # A span out of range, written behind the store's back, as a damaged file would have it.
    conn = sqlite3.connect(other)
    conn.execute("UPDATE annotations SET spans = '[{\"start\": 0, \"end\": 999, \"label\": \"GPE\"}]' "
                 "WHERE annotator = 'carol' AND document_id = 2")
    conn.commit()
    conn.close()
    before = counts(ours)
    with pytest.raises(RecordError, match=r"bob\.db: annotation \d+ \(document 2, annotator 'carol'\): .*out of range"):
        merge_project(ours, other)
    assert counts(ours) == before
    assert ours.integrity_check() == "ok"


def test_a_bad_label_name_in_the_other_file_refuses_the_merge(two_projects):
    ours, other = two_projects
    conn = sqlite3.connect(other)  # made by an older annotator, or by hand
    conn.execute("INSERT INTO labels (name, color, key, position) VALUES ('NEW LABEL', '#123456', NULL, 99)")
    conn.commit()
    conn.close()
    before = counts(ours)
    with pytest.raises(RecordError, match=r"bob\.db: .*'NEW LABEL' must not contain spaces"):
        merge_project(ours, other)
    assert counts(ours) == before and "NEW LABEL" not in ours.labels.label_names()


def test_merge_refuses_itself_and_missing_files(two_projects, tmp_path):
    ours, _ = two_projects
    with pytest.raises(ProjectError, match="into itself"):
        merge_project(ours, ours.path)
    with pytest.raises(ProjectError, match="no such project file"):
        merge_project(ours, tmp_path / "nope.db")


def test_progress_is_reported(two_projects):
    ours, other = two_projects
    seen = []
    merge_project(ours, other, on_progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (5, 5)


def test_importing_a_teammates_jsonl_export_merges_the_same_way(two_projects, tmp_path):
    """bob exports JSONL; we import it, which routes every
    annotation through Store.annotations.merge_annotation: bob's name kept, twice the same as once."""
    from annotator.core.ops.exporting import export
    from annotator.core.ops.importing import import_paths

    ours, other = two_projects
    out = tmp_path / "bob.jsonl"
    with Store(other) as bob:
        export(bob, "jsonl", out, annotator="bob")
    report = import_paths(ours, [out])
    assert report.ok, report.errors
    assert ours.annotations.get_annotation(1, "bob").spans == (Span(0, 7, "PERSON"), Span(19, 24, "PERSON"))
    paris = ours.documents.document_by_hash(hashlib.sha256(TEXTS[2].encode()).hexdigest())
    assert ours.annotations.get_annotation(paris.id, "bob").spans == (Span(0, 5, "GPE"),)
    after_first = counts(ours)
    again = import_paths(ours, [out])
    assert again.ok and counts(ours) == after_first
    assert again.annotations.get("unchanged") == 3
    # A merge of the project file afterwards finds bob's current versions already here.
    merged = merge_project(ours, other)
    assert merged.annotations["bob"]["added"] == 0
