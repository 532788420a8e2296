"""Notes on documents and the guidelines (core/team/notes.py, guidelines.py) on a real project
file: who may change what, the text limits, history, label renames."""

from __future__ import annotations

import pytest

from annotator.core.team import guidelines
from annotator.core.team.guidelines import HUB_ROLE, describe_label, label_descriptions, set_guidelines, tooltip
from annotator.core.team.notes import MAX_TEXT_BYTES, TeamTextError, add_note, delete_note, edit_note


@pytest.fixture
def doc(store):
    doc_id, _ = store.documents.add_document("The marsh near Belmouth flooded again.")
    return doc_id


def test_anyone_adds_a_note_only_its_author_changes_it(store, doc):
    note = add_note(store, doc, "alice", "is this the same marsh as in the first article? 🦆")
    other = add_note(store, doc, "bob", "yes, Greyfen")
    assert [n.text for n in store.notes.all([doc])] == [note.text, other.text]
    assert store.notes.noted_document_ids() == {doc}
    with pytest.raises(TeamTextError, match=f"note {note.id} is alice's: only its author may edit it"):
        edit_note(store, note.id, "bob", "changed")
    with pytest.raises(TeamTextError, match="only its author may delete it"):
        delete_note(store, note.id, "bob")
    edited = edit_note(store, note.id, "alice", "same marsh?")
    assert edited.text == "same marsh?" and edited.updated > note.updated
    gone = delete_note(store, note.id, "alice")
    assert gone.deleted and gone.text == ""  # a tombstone: the deletion travels with merge and sync
    assert [n.author for n in store.notes.all([doc])] == ["bob"]
    with pytest.raises(TeamTextError, match=f"no note {note.id}"):
        edit_note(store, note.id, "alice", "back")


def test_note_text_rules(store, doc):
    with pytest.raises(TeamTextError, match="the note is empty"):
        add_note(store, doc, "alice", "  \n")
    with pytest.raises(TeamTextError, match="NUL character"):
        add_note(store, doc, "alice", "a\x00b")
    with pytest.raises(TeamTextError, match="not valid Unicode"):
        add_note(store, doc, "alice", "half a pair \ud83d")
    with pytest.raises(TeamTextError, match=r"102,401 bytes of UTF-8; the limit is 100 KB \(102,400 bytes\)"):
        add_note(store, doc, "alice", "x" * (MAX_TEXT_BYTES + 1))
    with pytest.raises(TeamTextError, match="no document 99"):
        add_note(store, 99, "alice", "where?")
    biggest = add_note(store, doc, "alice", "é" * (MAX_TEXT_BYTES // 2))  # 2 bytes each: exactly the limit
    assert len(biggest.text.encode("utf-8")) == MAX_TEXT_BYTES
    assert store.notes.all() == [biggest]  # nothing refused was written


def test_guidelines_and_label_descriptions(store):
    first = set_guidelines(store, "# Names\n\nLabel the *whole* name.", "lead")
    assert store.guidelines.get_guideline("").text.startswith("# Names")
    second = set_guidelines(store, "# Names\n\nLabel the whole name, titles left out.", "lead")
    assert second.updated > first.updated
    assert [g.text for g in store.guidelines.guideline_history("")] == [first.text]  # the old one is kept
    described = describe_label(store, "GPE", "Countries, cities, states.", "lead", ["Belmouth", " France "])
    assert described.examples == ("Belmouth", "France")
    assert tooltip("GPE", described) == "Countries, cities, states.\ne.g. Belmouth; France"
    with pytest.raises(TeamTextError, match="no label PLANET"):
        describe_label(store, "PLANET", "Mars", "lead")
    with pytest.raises(TeamTextError, match="limit is 100 KB"):
        describe_label(store, "GPE", "x" * MAX_TEXT_BYTES, "lead", ["one more"])
    store.rename_label("GPE", "PLACE")  # the description follows its label
    assert set(label_descriptions(store)) == {"PLACE"}
    store.labels.remove_label("PLACE")
    assert label_descriptions(store) == {} and store.guidelines.guideline_history("PLACE")[-1].text.startswith("Countries")


def test_an_annotator_on_the_hub_reads_the_guidelines_only(store):
    assert guidelines.may_edit(store)  # a project without a hub is its owner's
    store.settings.set_setting("hub_annotator", "bob")
    store.settings.set_setting(HUB_ROLE, guidelines.ROLE_ANNOTATOR)
    with pytest.raises(TeamTextError, match="only reviewers change the guidelines: bob is an annotator"):
        set_guidelines(store, "mine now", "bob")
    with pytest.raises(TeamTextError, match="only reviewers"):
        describe_label(store, "ORG", "companies", "bob")
    store.settings.set_setting(HUB_ROLE, guidelines.ROLE_REVIEWER)
    assert set_guidelines(store, "ok", "bob").text == "ok"
