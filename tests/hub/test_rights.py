"""PostgreSQL itself refuses what a role may not do: each case connects as Bob (or a
reviewer) to a real hub, is refused by the server, and leaves the hub's data unchanged."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors

from annotator.core.hub.sync import sync
from annotator.core.store import Store
from annotator.core.text.model import Span
from tests.hub.conftest import new_hub, project_maker

TEXT = "Alice Smith met Bob Jones in Paris."
TABLES = ("documents", "decisions", "decision_history", "reviews", "review_history", "labels",
          "assignments", "settings", "decision_times")


def snapshot(hub) -> dict[str, list]:
    with hub.admin() as conn:
        return {t: conn.execute(f"SELECT * FROM hub.{t} ORDER BY 1, 2").fetchall() for t in TABLES}


def make_team(hub, make_project):
    """Alice pushed a document with her decision made in the window (and its record: seconds,
    suggestions at opening); Carol (reviewer) pushed a review; Bob exists."""
    alice, carol = hub.add("alice"), hub.add("carol", reviewer=True)
    hub.add("bob")
    with Store(make_project("alice", [TEXT])) as s:
        s.activity.save_timed_decision(1, "alice", "accept", [Span(0, 11, "PERSON")], seconds=9.0,
                              suggested=[Span(0, 11, "PERSON", "model")], timestamp=1000.0)
        assert sync(s, alice).pushed_decision_times["added"] == 1
    # (the key that "repeat alice's decision record" below tries again)
    assert hub.count("SELECT count(*) FROM hub.decision_times WHERE annotator = 'alice' AND decided = 1000") == 1
    with Store(make_project("carol", [TEXT])) as s:
        s.reviews.save_review(1, "carol", [Span(0, 11, "PERSON")], ["alice"])
        sync(s, carol)
    return hub


@pytest.fixture
def team(hub, make_project):
    return make_team(hub, make_project)


@pytest.fixture(scope="module")
def shared_team(pg_server, tmp_path_factory):
    """For the refusals, which change nothing: one hub for all of them."""
    return make_team(new_hub(pg_server), project_maker(tmp_path_factory.mktemp("team")))


HASH = "(SELECT hash FROM hub.documents LIMIT 1)"
DOC = "(SELECT id FROM hub.documents LIMIT 1)"
BOB_REFUSED = {
    "insert a decision as alice": "INSERT INTO hub.decisions (document_id, annotator, answer, spans, "
                                  f"created, updated) VALUES ({DOC}, 'alice', 'reject', '[]', 1, 2)",
    "merge a decision as alice": f"SELECT hub.merge_decision({HASH}, 'alice', 'reject', '[]', 1, 9e9)",
    "rename his decision to alice": "UPDATE hub.decisions SET annotator = 'alice'",
    "file history as alice": "INSERT INTO hub.decision_history (document_id, annotator, answer, spans, "
                             f"created, updated) VALUES ({DOC}, 'alice', 'reject', '[]', 1, 2)",
    "delete decisions": "DELETE FROM hub.decisions",
    "delete history": "DELETE FROM hub.decision_history",
    "delete a document": "DELETE FROM hub.documents",
    "update a document": "UPDATE hub.documents SET meta = '{\"x\": 1}'",
    "reset the queue": "UPDATE hub.documents SET taken = 0",
    "forge a row's xid": "INSERT INTO hub.documents (hash, body, meta, added, xid) VALUES "
                         "(encode(sha256('x'), 'hex'), 'x', '{}', 1, '1')",
    "write assignments": "DELETE FROM hub.assignments",
    "change settings": "UPDATE hub.settings SET value = '5' WHERE key = 'annotations_per_document'",
    "remove a label": "DELETE FROM hub.labels",
    "truncate": "TRUNCATE hub.decisions",
    "alter a table": "ALTER TABLE hub.decisions ADD COLUMN x integer",
    "drop a table": "DROP TABLE hub.labels",
    "disable row security": "ALTER TABLE hub.decisions DISABLE ROW LEVEL SECURITY",
    "create a table in the hub": "CREATE TABLE hub.mine (a integer)",
    "create a table in public": "CREATE TABLE public.mine (a integer)",
    "replace a function": "CREATE OR REPLACE FUNCTION hub.setting(p_key text) RETURNS text "
                          "LANGUAGE sql AS $$ SELECT '1' $$",
    "write a review (not a reviewer)": f"SELECT hub.merge_review({HASH}, 'bob', '[]', '[]', 9e9)",
    "insert a decision record as alice": "INSERT INTO hub.decision_times (document_id, annotator, answer, "
                                         f"decided, seconds) VALUES ({DOC}, 'alice', 'accept', 5, 1)",
    "add a decision record as alice": f"SELECT hub.add_decision_time({HASH}, 'alice', 'accept', 5, 1, NULL)",
    # The same key as hers: refused, not quietly "unchanged" (the check comes before the conflict).
    "repeat alice's decision record": f"SELECT hub.add_decision_time({HASH}, 'alice', 'accept', 1000, 9, NULL)",
    "update alice's decision record": "UPDATE hub.decision_times SET seconds = 0",
    "rename a decision record to bob": "UPDATE hub.decision_times SET annotator = 'bob'",
    "delete decision records": "DELETE FROM hub.decision_times",
    "truncate decision records": "TRUNCATE hub.decision_times",
    "forge a decision record's xid": "INSERT INTO hub.decision_times (document_id, annotator, answer, decided, "
                                     f"seconds, xid) VALUES ({DOC}, 'bob', 'accept', 5, 1, '1')",
    "insert a review (not a reviewer)": "INSERT INTO hub.review_history (document_id, reviewer, spans, "
                                        f"sources, created) VALUES ({DOC}, 'bob', '[]', '[]', 1)",
}


@pytest.mark.slow
@pytest.mark.parametrize("what", sorted(BOB_REFUSED))
def test_bob_is_refused_by_the_server(shared_team, what):
    before = snapshot(shared_team)
    with psycopg.connect(shared_team.url("bob"), autocommit=True) as conn:
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(BOB_REFUSED[what])
    assert snapshot(shared_team) == before


def test_bob_cannot_even_see_alices_decisions_to_update_or_lock_them(shared_team):
    """Issue 29: the UPDATE policy is USING (annotator = session_user). An UPDATE or a
    SELECT ... FOR UPDATE of her rows finds none (so it cannot hold her sync up)."""
    before = snapshot(shared_team)
    with psycopg.connect(shared_team.url("bob"), autocommit=True) as conn:
        assert conn.execute("UPDATE hub.decisions SET answer = 'reject' WHERE annotator = 'alice'").rowcount == 0
        with conn.transaction():
            assert conn.execute("SELECT id FROM hub.decisions WHERE annotator = 'alice' FOR UPDATE").fetchall() == []
        assert conn.execute("SELECT count(*) FROM hub.decisions WHERE annotator = 'alice'").fetchone()[0] == 1
    assert snapshot(shared_team) == before


@pytest.mark.slow
def test_a_member_cannot_write_as_the_group_role(team):
    before = snapshot(team)
    group = f"{team.db}_annotators"
    with psycopg.connect(team.url("bob"), autocommit=True) as conn:
        conn.execute(f'SET ROLE "{group}"')
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(f"SELECT hub.merge_decision({HASH}, %s, 'accept', '[]', 1, 2)", (group,))
    assert snapshot(team) == before


@pytest.mark.slow
def test_a_reviewer_reviews_only_as_herself(team):
    before = snapshot(team)
    with psycopg.connect(team.url("carol"), autocommit=True) as conn:
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(f"SELECT hub.merge_review({HASH}, 'dave', '[]', '[]', 9e9)")
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("DELETE FROM hub.reviews")
        # Her own newer review is allowed, and the old one goes to history.
        got = conn.execute(f"SELECT hub.merge_review({HASH}, 'carol', '[]', '[\"alice\"]', 9e9)").fetchone()
    assert got[0] == "updated"
    after = snapshot(team)
    assert len(after["review_history"]) == len(before["review_history"]) + 1


@pytest.mark.slow
def test_bob_reads_everything_and_writes_his_own(team):
    with psycopg.connect(team.url("bob"), autocommit=True) as conn:
        for table in TABLES:
            conn.execute(f"SELECT count(*) FROM hub.{table}").fetchone()
        got = conn.execute(f"SELECT hub.merge_decision({HASH}, 'bob', 'accept', '[]', 1, 2)").fetchone()
        assert got[0] == "added"
        # His own decision record: added once, then never changed, not even by him.
        add = f"SELECT hub.add_decision_time({HASH}, 'bob', 'reject', 3, 4.5, '[]')"
        assert [conn.execute(add).fetchone()[0] for _ in range(2)] == ["added", "unchanged"]
        for change in ("UPDATE hub.decision_times SET seconds = 1 WHERE annotator = 'bob'",
                       "DELETE FROM hub.decision_times WHERE annotator = 'bob'"):
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(change)
        conn.execute("INSERT INTO hub.documents (hash, body, meta, added) VALUES "
                     "(encode(sha256('new text'), 'hex'), 'new text', '{}', 1)")
        # A document whose text does not match its hash is refused by a CHECK.
        with pytest.raises(errors.CheckViolation):
            conn.execute("INSERT INTO hub.documents (hash, body, meta, added) VALUES ('00', 'x', '{}', 1)")
    assert team.count("SELECT count(*) FROM hub.decisions WHERE annotator = 'bob'") == 1
    assert team.count("SELECT count(*) FROM hub.documents WHERE added_by = 'bob'") == 1
    assert team.count("SELECT count(*) FROM hub.decision_times WHERE annotator = 'bob' AND seconds = 4.5") == 1


@pytest.mark.slow
def test_sync_never_pushes_a_decision_under_another_name(team, make_project):
    """Bob's project holds a version by alice (merged from her file): it stays local."""
    with Store(make_project("bob", [TEXT])) as s:
        s.annotations.merge_annotation(1, "alice", "reject", [], 1.0, 9e9)  # newer than hers on the hub
        s.annotations.save_annotation(1, "bob", "accept", [Span(0, 11, "PERSON")])
        report = sync(s, team.url("bob"))
        assert report.kept_local_decisions == 1
        assert report.pushed_decisions["added"] == 1
        assert s.annotations.get_annotation(1, "alice").answer == "reject"  # still here, unchanged
    assert team.count("SELECT count(*) FROM hub.decisions WHERE annotator = 'alice' "
                      "AND answer = 'accept'") == 1
    assert team.count("SELECT count(*) FROM hub.decision_history WHERE annotator = 'alice'") == 0
