"""Notes, guidelines, label descriptions and how reviews were decided travel with a merge."""

from __future__ import annotations

import sqlite3
import time

import pytest

from annotator.core.errors import RecordError
from annotator.core.store import Store
from annotator.core.team.guidelines import describe_label, set_guidelines
from annotator.core.team.majority import auto_accept
from annotator.core.team.merge import merge_project
from annotator.core.team.notes import add_note, delete_note, edit_note
from annotator.core.text.model import Span

TEXT = "Apple hired Tim Cook in Cupertino."


@pytest.fixture
def two(tmp_path):
    ours, theirs = tmp_path / "ours.db", tmp_path / "theirs.db"
    for path in (ours, theirs):
        with Store(path) as s:
            s.documents.add_document(TEXT)
    return ours, theirs


def test_notes_and_guidelines_travel_and_merge_twice_is_once(two):
    ours, theirs = two
    with Store(theirs) as t:
        note = add_note(t, 1, "bob", "Tim Cook: PERSON even in a title?")
        kept = add_note(t, 1, "carol", "Cupertino is a GPE")
        set_guidelines(t, "# Rules\n\nWhole names.", "lead")
        describe_label(t, "ORG", "Companies and unions.", "lead", ["Apple"])
        for name, label in (("alice", "ORG"), ("bob", "ORG"), ("carol", "GPE")):
            t.annotations.save_annotation(1, name, "accept", [Span(0, 5, label)])
        assert auto_accept(t, "lead", None).majority == 1
    with Store(ours) as o:
        time.sleep(0.01)
        set_guidelines(o, "# Old rules", "alice")  # then theirs is written later: theirs wins
    with Store(theirs) as t:
        set_guidelines(t, "# Rules\n\nWhole names, no titles.", "lead")
    with Store(ours) as o:
        report = merge_project(o, theirs)
        assert report.notes["added"] == 2 and report.guidelines["added"] == 1  # ORG's description
        assert report.guidelines["updated"] == 1  # our guidelines were older
        assert [n.text for n in o.notes.all([1])] == [note.text, kept.text]
        assert o.guidelines.get_guideline("").text.endswith("no titles.")
        assert [g.text for g in o.guidelines.guideline_history("")] == ["# Old rules"]  # ours kept in history
        assert o.guidelines.get_guideline("ORG").examples == ("Apple",)
        assert o.reviews.get_review(1).method == "majority"
        again = merge_project(o, theirs)
        assert not again.changed and again.notes["unchanged"] == 2
    with Store(theirs) as t:
        edit_note(t, note.id, "bob", "settled: PERSON")
        delete_note(t, kept.id, "carol")
    with Store(ours) as o:
        report = merge_project(o, theirs)
        assert report.notes["updated"] == 2
        assert [n.text for n in o.notes.all([1])] == ["settled: PERSON"]  # the deletion travelled


def test_a_note_cannot_change_author_and_bad_texts_are_refused(two):
    ours, theirs = two
    with Store(ours) as o:
        mine = add_note(o, 1, "alice", "mine")
    with Store(theirs) as t:
        add_note(t, 1, "bob", "his")
    raw = sqlite3.connect(theirs)
    raw.execute("UPDATE document_notes SET uid = ?", (mine.uid,))  # the same note, another author
    raw.commit()
    with Store(ours) as o:
        with pytest.raises(RecordError, match="note 1: note .* is alice's here, not bob's"):
            merge_project(o, theirs)
        assert [n.text for n in o.notes.all()] == ["mine"]  # nothing of the merge was written
    raw.execute("UPDATE document_notes SET uid = 'abcdef0123456789', text = ?", ("x" * 102_401,))
    raw.commit()
    with Store(ours) as o, pytest.raises(RecordError, match=r"theirs.db: note 1: its text is 102,401 bytes"):
        merge_project(o, theirs)
    raw.execute("UPDATE document_notes SET text = 'ok'")
    raw.execute("INSERT INTO team_guidelines (subject, text, author, updated) VALUES ('PLANET', 'Mars', 'x', 1)")
    raw.commit()
    raw.close()
    with Store(ours) as o, pytest.raises(RecordError, match="guideline 1: it describes 'PLANET', which is not a label"):
        merge_project(o, theirs)
