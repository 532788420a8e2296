"""Issue 29 for the hub's newer tables (notes, guidelines and label descriptions of issue 24,
patterns of issue 25): a value a teammate types in psql that a project would refuse is
refused by PostgreSQL itself (hub/checks.py); rows from before those checks are admitted by
every pull row by row: a bad note, guideline or pattern is skipped and reported with its
teammate and reason, and the rest syncs."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors

from annotator.core.hub.checks import broken_rows
from annotator.core.hub.roles import init_hub
from annotator.core.hub.sync import sync
from annotator.core.learning.patterns.records import Pattern, pattern_key
from annotator.core.store import Store
from annotator.core.team.guidelines import set_guidelines
from annotator.core.team.notes import add_note
from tests.cli.helpers import run
from tests.hub.conftest import new_hub, project_maker

TEXT = "The Halvard Line left Belmouth in March."
DOC = "(SELECT id FROM hub.documents LIMIT 1)"
HASH = "(SELECT hash FROM hub.documents LIMIT 1)"
TABLES = ("notes", "guidelines", "guideline_history", "patterns")

NOTE = ("INSERT INTO hub.notes (uid, document_id, author, text, created, updated) "
        f"VALUES ('mallory000001', {DOC}, 'mallory', %s, %s, %s)")
GUIDELINE = "INSERT INTO hub.guidelines (subject, text, examples, author, updated) VALUES (%s, 'x', %s, 'carol', %s)"
HISTORY = GUIDELINE.replace("hub.guidelines", "hub.guideline_history")
PATTERN = "SELECT hub.merge_pattern(%s, %s, %s, 1, false)"


def snapshot(hub) -> dict[str, list]:
    with hub.admin() as conn:
        return {t: conn.execute(f"SELECT * FROM hub.{t} ORDER BY 1").fetchall() for t in TABLES}


def make_team(hub, make_project):
    """alice pushed TEXT with a note; carol (a reviewer) the guidelines and a pattern; mallory
    and bob exist."""
    alice, carol = hub.add("alice"), hub.add("carol", reviewer=True)
    hub.add("mallory")
    hub.add("bob")
    with Store(make_project("alice", [TEXT])) as a:
        add_note(a, 1, "alice", "Halvard Line: a shipping company?")
        sync(a, alice)
    with Store(make_project("carol", [TEXT])) as c:
        set_guidelines(c, "# Names\n\nWhole names.", "carol")
        c.patterns.add_patterns([Pattern("GPE", "belmouth")], "carol")
        sync(c, carol)
    return hub


@pytest.fixture
def team(hub, make_project):
    return make_team(hub, make_project)


@pytest.fixture(scope="module")
def attacked(pg_server, tmp_path_factory):
    """One team for the attacks: each leaves the hub as it was (checked)."""
    return make_team(new_hub(pg_server), project_maker(tmp_path_factory.mktemp("team")))


def _pattern(label: str, pattern: str) -> tuple[str, str, str]:
    """(key, label, pattern JSON); the key is the content's where it has one."""
    import orjson

    try:
        return pattern_key(label, orjson.loads(pattern)), label, pattern
    except AttributeError:  # tokens that are not objects have no canonical form
        return "00000000000000aa", label, pattern


ATTACKS: dict[str, tuple[str, str, tuple[object, ...]]] = {
    # a note: finite times, within 100 KB (a NaN time failed every puller's store)
    "note created NaN": ("mallory", NOTE, ("x", float("nan"), 1)),
    "note updated Infinity": ("mallory", NOTE, ("x", 1, float("inf"))),
    "note over 100 KB": ("mallory", NOTE, ("x" * 102_401, 1, 1)),
    "note of a tab and a newline": ("mallory", NOTE, ("\t\n", 1, 1)),  # blank as str.strip() sees it
    "note of ideographic spaces": ("mallory", NOTE, ("\u3000\u3000", 1, 1)),
    "note merged with a NaN time": ("mallory", f"SELECT hub.merge_note({HASH}, 'mallory', 'mallory000002', 'x', "
                                               "%s, 1, false)", (float("nan"),)),
    # a guideline: a described label by the label rule, examples a list of texts, a finite time
    "described label with a control character": ("carol", GUIDELINE, ("BAD\x01LABEL", "[]", 1)),
    "described label of 1,001 characters": ("carol", GUIDELINE, ("L" * 1001, "[]", 1)),
    "examples not texts": ("carol", GUIDELINE, ("", "[1, 2]", 1)),
    "examples not JSON": ("carol", GUIDELINE, ("", "[", 1)),
    "guideline updated NaN": ("carol", GUIDELINE, ("", "[]", float("nan"))),
    "history with a control character": ("carol", HISTORY, ("BAD\x1bLABEL", "[]", 1)),
    "history examples an object": ("carol", HISTORY, ("", '{"a": "b"}', 1)),
    # a pattern: a label by the label rule, a phrase or a list of token objects
    "pattern label with a control character": ("carol", PATTERN, _pattern("A\x01B", '"belmouth"')),
    "pattern label with a vertical tab": ("carol", PATTERN, _pattern("A\x0bB", '"belmouth"')),
    "pattern an empty list": ("carol", PATTERN, _pattern("GPE", "[]")),
    "pattern a blank phrase": ("carol", PATTERN, _pattern("GPE", '"   "')),
    "pattern a tab-only phrase": ("carol", PATTERN, _pattern("GPE", '"\\t"')),
    "pattern tokens not objects": ("carol", PATTERN, _pattern("GPE", "[1, 2]")),
    "pattern of 51 tokens": ("carol", PATTERN, _pattern("GPE", "[" + ",".join(['{"lower": "a"}'] * 51) + "]")),
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_the_hub_refuses_a_bad_note_guideline_or_pattern_typed_in_psql(attacked, name):
    who, sql, params = ATTACKS[name]
    before = snapshot(attacked)
    with psycopg.connect(attacked.url(who), autocommit=True) as conn:
        with pytest.raises((errors.CheckViolation, errors.InvalidTextRepresentation)):
            conn.execute(sql, params)
    assert snapshot(attacked) == before


@pytest.mark.slow
def test_the_good_ones_still_go_in(team):
    with psycopg.connect(team.url("mallory"), autocommit=True) as conn:
        conn.execute(NOTE, ("a fine note", 1, 2))
    with psycopg.connect(team.url("carol"), autocommit=True) as conn:
        conn.execute(GUIDELINE, ("GPE", '["Belmouth"]', 1))
        assert conn.execute(PATTERN, _pattern("ORG", '[{"lower": "halvard"}, {"LOWER": "line"}]')).fetchone()[0] == "added"
    assert team.count("SELECT count(*) FROM hub.notes") == 2 and team.count("SELECT count(*) FROM hub.patterns") == 2


def _as_before_the_checks(hub) -> None:
    """The admin writes what a hub of the previous release could hold (its rules dropped)."""
    with hub.admin() as conn:
        for table, rule in (("notes", "times_rule"), ("guidelines", "subject_rule"), ("patterns", "label_rule")):
            conn.execute(f"ALTER TABLE hub.{table} DROP CONSTRAINT {table}_{rule}")
        conn.execute(NOTE.replace("mallory000001", "mallory000009"), ("fine text, bad time", 1, float("inf")))
        conn.execute("INSERT INTO hub.notes (uid, document_id, author, text, created, updated) "
                     f"VALUES ('alice0000002', {DOC}, 'alice', 'a second, good note', 3, 3)")
        conn.execute("INSERT INTO hub.guidelines (subject, text, examples, author, updated) "
                     "VALUES ('BAD\x01LABEL', 'described', '[]', 'mallory', 5)")
        conn.execute("INSERT INTO hub.patterns (key, label, pattern, author, changed) VALUES (%s, %s, %s, 'mallory', 7)",
                     _pattern("A\x01B", '"belmouth"'))
        conn.execute("INSERT INTO hub.patterns (key, label, pattern, author, changed) VALUES (%s, %s, %s, 'carol', 8)",
                     _pattern("GPE", '"march"'))


@pytest.mark.slow
def test_a_bad_note_guideline_and_pattern_are_skipped_and_the_rest_syncs(team, make_project):
    _as_before_the_checks(team)
    bob = team.url("bob")
    with Store(make_project("bob", [TEXT])) as b:
        report = sync(b, bob)
        assert report.pulled.skipped == {
            ("note", "mallory", "updated is inf, not a finite number"): 1,
            ("guideline", "mallory",
             "it describes a label the label rule refuses: label name 'BAD\\x01LABEL' must not contain a "
             "control character (U+0001)"): 1,
            ("pattern", "mallory", "label name 'A\\x01B' must not contain a control character (U+0001)"): 1,
        }
        lines = report.lines()
        assert "  1 note from mallory skipped: updated is inf, not a finite number; the rest synced" in lines
        assert any(line.startswith("  1 pattern from mallory skipped: label name") for line in lines)
        # the rest arrived: both good notes, the guidelines, both good patterns
        assert sorted(n.text for n in b.notes.all([1])) == ["Halvard Line: a shipping company?", "a second, good note"]
        assert b.guidelines.get_guideline("").text == "# Names\n\nWhole names."
        assert sorted(p.text() for p in b.patterns.all()) == ["belmouth", "march"]
        again = sync(b, bob)  # the watermark moved past them: nothing is met twice
        assert again.pulled.skipped == {} and again.moved == 0


@pytest.mark.slow
def test_hub_init_keeps_such_rows_names_them_and_refuses_new_ones(team):
    _as_before_the_checks(team)
    with team.admin() as conn:
        init_hub(conn)
        broken = {(b.table, b.rule, b.rows) for b in broken_rows(conn)}
    assert broken == {("notes", "times_rule", 1), ("guidelines", "subject_rule", 1), ("patterns", "label_rule", 1)}
    got = run("hub", "init", team.admin_url)
    assert got.exit_code == 0
    assert ("  warning: 1 row of hub.patterns breaks the rule on label names: they stay, and every sync skips "
            "them") in got.output.splitlines()
    with psycopg.connect(team.url("carol"), autocommit=True) as conn:
        with pytest.raises(errors.CheckViolation):
            conn.execute(GUIDELINE, ("WORSE\x02LABEL", "[]", 1))
