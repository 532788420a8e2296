"""Notes, guidelines, label descriptions, majority reviews and an undone decision through a
real hub (PostgreSQL): they travel both ways, and the server itself refuses what a role may
not do (a note not one's own, guidelines by an annotator), leaving the hub's data unchanged."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors

from annotator.core.hub.sync import sync
from annotator.core.store import Store
from annotator.core.team.guidelines import describe_label, may_edit, set_guidelines
from annotator.core.team.majority import auto_accept
from annotator.core.team.notes import add_note, delete_note, edit_note
from annotator.core.team.undo import undo_decision
from annotator.core.text.model import Span
from tests.hub.conftest import new_hub, older_hub, project_maker

TEXT = "Alice Smith met Bob Jones in Paris."
TABLES = ("notes", "guidelines", "guideline_history", "reviews", "review_history", "decisions", "decision_history")
HASH = "(SELECT hash FROM hub.documents LIMIT 1)"
DOC = "(SELECT id FROM hub.documents LIMIT 1)"


def snapshot(hub) -> dict[str, list]:
    with hub.admin() as conn:
        return {t: conn.execute(f"SELECT * FROM hub.{t} ORDER BY 1, 2").fetchall() for t in TABLES}


def make_team(hub, make_project):
    """alice wrote a note; carol (reviewer) the guidelines and PERSON's description."""
    urls = {"alice": hub.add("alice"), "bob": hub.add("bob"), "carol": hub.add("carol", reviewer=True)}
    with Store(make_project("alice", [TEXT])) as s:
        add_note(s, 1, "alice", "is Bob Jones the mayor? 🏛")
        sync(s, urls["alice"])
    with Store(make_project("carol", [TEXT])) as s:
        set_guidelines(s, "# Names\n\nWhole names, no titles.", "carol")
        describe_label(s, "PERSON", "People, real or fictional.", "carol", ["Alice Smith"])
        report = sync(s, urls["carol"])
        assert report.pushed_guidelines["added"] == 2
    return hub, urls


@pytest.fixture
def team(hub, make_project):
    return make_team(hub, make_project)


@pytest.fixture(scope="module")
def shared_team(pg_server, tmp_path_factory):
    return make_team(new_hub(pg_server), project_maker(tmp_path_factory.mktemp("team")))


REFUSED = {
    "bob": {
        "take alice's note": "UPDATE hub.notes SET author = 'bob'",
        "merge a newer version of alice's note":
            f"SELECT hub.merge_note({HASH}, 'bob', (SELECT uid FROM hub.notes LIMIT 1), 'x', 1, 9e9, false)",
        "add a note as alice": f"SELECT hub.merge_note({HASH}, 'alice', 'abcdefgh12345678', 'x', 1, 1, false)",
        "delete notes": "DELETE FROM hub.notes",
        "truncate notes": "TRUNCATE hub.notes",
        "change the guidelines": "UPDATE hub.guidelines SET text = 'anything goes'",
        "merge guidelines as himself": "SELECT hub.merge_guideline('', 'bob', 'anything goes', '[]', 9e9)",
        "describe a label": "INSERT INTO hub.guidelines (subject, text, author, updated) VALUES ('ORG', 'x', 'bob', 1)",
        "file guideline history": "INSERT INTO hub.guideline_history (subject, text, examples, author, updated) "
                                  "VALUES ('', 'x', '[]', 'bob', 1)",
        "delete the guidelines": "DELETE FROM hub.guidelines",
        "review by majority (not a reviewer)":
            f"SELECT hub.merge_review_decided({HASH}, 'bob', '[]', '[]', 9e9, 'majority')",
    },
    "carol": {  # a reviewer: the guidelines only as herself, and nobody's note
        "merge guidelines as bob": "SELECT hub.merge_guideline('', 'bob', 'x', '[]', 9e9)",
        "delete guidelines": "DELETE FROM hub.guidelines",
    },
}


@pytest.mark.slow
@pytest.mark.parametrize("who,what", sorted((w, x) for w, cases in REFUSED.items() for x in cases))
def test_the_server_refuses(shared_team, who, what):
    hub, _urls = shared_team
    before = snapshot(hub)
    with psycopg.connect(hub.url(who), autocommit=True) as conn:
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(REFUSED[who][what])
    assert snapshot(hub) == before


# Another's notes are invisible to an UPDATE and to SELECT ... FOR UPDATE (issue 29: a lock
# on them would stall their author's sync): these change nothing.
UNSEEN = {"edit alice's note": "UPDATE hub.notes SET text = 'mine' WHERE author = 'alice'",
          "delete alice's note (tombstone)": "UPDATE hub.notes SET deleted = true, text = '' WHERE author = 'alice'",
          "lock alice's notes": "SELECT uid FROM hub.notes WHERE author = 'alice' FOR UPDATE"}


@pytest.mark.parametrize("who,what", sorted((w, x) for w in ("bob", "carol") for x in UNSEEN))
def test_nobody_changes_or_locks_anothers_note(shared_team, who, what):
    hub, _urls = shared_team
    before = snapshot(hub)
    assert hub.count("SELECT count(*) FROM hub.notes WHERE author = 'alice'") > 0
    with psycopg.connect(hub.url(who), autocommit=True) as conn:
        assert conn.execute(UNSEEN[what]).rowcount == 0
    assert snapshot(hub) == before


def test_check_constraints_hold_even_for_the_admin(shared_team):
    hub, _urls = shared_team
    before = snapshot(hub)
    with hub.admin() as conn:
        for sql in (f"INSERT INTO hub.notes (uid, document_id, author, text, created, updated) VALUES "
                    f"('abcdefgh0001', {DOC}, 'alice', repeat('x', 102401), 1, 1)",
                    f"INSERT INTO hub.notes (uid, document_id, author, text, created, updated) VALUES "
                    f"('no spaces allowed', {DOC}, 'alice', 'x', 1, 1)",
                    f"INSERT INTO hub.notes (uid, document_id, author, text, created, updated, deleted) VALUES "
                    f"('abcdefgh0002', {DOC}, 'alice', 'still here', 1, 1, true)",
                    "INSERT INTO hub.guidelines (subject, text, author, updated) VALUES ('TWO WORDS', 'x', 'a', 1)",
                    "INSERT INTO hub.guidelines (subject, text, examples, author, updated) VALUES "
                    "('ORG', 'x', '{\"not\": \"a list\"}', 'a', 1)",
                    "UPDATE hub.guidelines SET text = repeat('é', 51201)",
                    "INSERT INTO hub.review_history (document_id, reviewer, spans, sources, created, method) "
                    f"VALUES ({DOC}, 'carol', '[]', '[]', 1, 'vote')"):
            with pytest.raises(errors.CheckViolation):
                conn.execute(sql)
        # A text column cannot hold NUL at all: the server refuses it itself.
        with pytest.raises(psycopg.DataError):
            conn.execute("UPDATE hub.guidelines SET text = convert_from('\\x61006200'::bytea, 'UTF8')")
    assert snapshot(hub) == before


@pytest.mark.slow
def test_notes_guidelines_and_majority_reviews_travel(team, make_project):
    hub, urls = team
    with Store(make_project("bob", [TEXT])) as bob:
        report = sync(bob, urls["bob"])
        assert report.pulled.notes["added"] == 1 and report.pulled.guidelines["added"] == 2
        assert [(n.author, n.text) for n in bob.notes.all([1])] == [("alice", "is Bob Jones the mayor? 🏛")]
        assert bob.guidelines.get_guideline("").text.startswith("# Names")
        assert bob.guidelines.get_guideline("PERSON").examples == ("Alice Smith",)
        assert not may_edit(bob)  # an annotator on this hub: the window and CLI let him only read
        add_note(bob, 1, "bob", "no, the union's head")
        bob.guidelines.write_guideline("", "his own rules", (), "bob", 9e9)  # as if the local check were bypassed
        report = sync(bob, urls["bob"])
        assert report.pushed_notes["added"] == 1 and report.kept_local_guidelines == 1
        assert "only reviewers change the guidelines" in "\n".join(report.lines())
    assert hub.count("SELECT count(*) FROM hub.guidelines WHERE text = 'his own rules'") == 0
    with Store(make_project("alice2", [TEXT])) as alice:
        sync(alice, urls["alice"])
        mine = next(n for n in alice.notes.all([1]) if n.author == "alice")
        edit_note(alice, mine.id, "alice", "settled: he is the union's head")
        theirs = next(n for n in alice.notes.all([1]) if n.author == "bob")
        assert theirs.text == "no, the union's head"
        delete_note(alice, mine.id, "alice")
        assert sync(alice, urls["alice"]).pushed_notes["updated"] == 1
    assert hub.count("SELECT count(*) FROM hub.notes WHERE author = 'alice' AND deleted AND text = ''") == 1
    assert hub.count("SELECT count(*) FROM hub.notes") == 2  # a deletion is a tombstone, never a DELETE
    with Store(make_project("carol2", [TEXT])) as carol:
        for name, label in (("alice", "PERSON"), ("bob", "PERSON"), ("dave", "ORG")):
            carol.annotations.save_annotation(1, name, "accept", [Span(0, 11, label)])
        assert auto_accept(carol, "carol", None).majority == 1
        report = sync(carol, urls["carol"])
        assert report.pushed_reviews["added"] == 1
        assert [n.author for n in carol.notes.all([1])] == ["bob"]  # alice's deletion arrived
    assert hub.count("SELECT count(*) FROM hub.reviews WHERE method = 'majority'") == 1
    with Store(make_project("bob2", [TEXT])) as bob:
        sync(bob, urls["bob"])
        assert bob.reviews.get_review(1).method == "majority"


@pytest.mark.slow
def test_an_undone_decision_is_a_new_version_on_the_hub(team, make_project):
    hub, urls = team
    with Store(make_project("alice3", [TEXT])) as alice:
        alice.annotations.save_annotation(1, "alice", "accept", [Span(0, 11, "PERSON")])
        sync(alice, urls["alice"])
        alice.annotations.save_annotation(1, "alice", "reject", [])
        sync(alice, urls["alice"])
        undo_decision(alice, 1, "alice")
        assert sync(alice, urls["alice"]).pushed_decisions["updated"] == 1
    with hub.admin() as conn:
        current = conn.execute("SELECT answer, spans FROM hub.decisions WHERE annotator = 'alice'").fetchall()
        history = conn.execute("SELECT answer FROM hub.decision_history WHERE annotator = 'alice' "
                               "ORDER BY id").fetchall()
    assert [(a, s.replace(" ", "")) for a, s in current] == [("accept", '[{"start":0,"end":11,"label":"PERSON"}]')]
    assert [a for (a,) in history] == ["accept", "reject"]  # nothing deleted: every version kept
    with Store(make_project("bob3", [TEXT])) as bob:
        sync(bob, urls["bob"])
        assert bob.annotations.get_annotation(1, "alice").answer == "accept"


@pytest.mark.slow
def test_an_older_hub_keeps_notes_and_guidelines_waiting_until_hub_init(hub, make_project):
    """A hub from before this part: decisions and reviews sync (a majority review goes up as a
    plain one, and the report says so), notes and guidelines wait for `hub init`."""
    from annotator.core.hub.roles import init_hub
    from annotator.core.hub.schema import SCHEMA_VERSION, TEAMWORK_VERSION

    with hub.admin() as conn:
        older_hub(conn, TEAMWORK_VERSION)
    carol = hub.add("carol", reviewer=True)
    with Store(make_project("carol", [TEXT])) as s:
        add_note(s, 1, "carol", "check the name")
        set_guidelines(s, "# Rules", "carol")
        for name, label in (("alice", "PERSON"), ("bob", "PERSON"), ("dave", "ORG")):
            s.annotations.save_annotation(1, name, "accept", [Span(0, 11, label)])
        auto_accept(s, "carol", None)
        old = sync(s, carol)
        assert old.teamwork_waiting == 2 and old.review_methods_dropped == 1
        assert old.pushed_reviews["added"] == 1
        assert any("the admin runs `annotator hub init` again" in line for line in old.lines())
        with hub.admin() as conn:
            assert init_hub(conn) == (TEAMWORK_VERSION - 1, SCHEMA_VERSION)
        new = sync(s, carol)
        assert new.pushed_notes["added"] == 1 and new.pushed_guidelines["added"] == 1
        assert new.teamwork_waiting == 0
    assert hub.count("SELECT count(*) FROM hub.notes") == 1
