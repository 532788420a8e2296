"""Patterns through a real team hub (issue 25): a reviewer's patterns and removals reach every
project; an annotator reads them, and PostgreSQL itself (row-level security, CHECKs) refuses
anything else; a hub made before patterns keeps the changes waiting until `hub init`."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors

from annotator.core.hub.roles import init_hub
from annotator.core.hub.schema import PATTERNS_VERSION, SCHEMA_VERSION
from annotator.core.hub.sync import sync
from annotator.core.learning.patterns.records import Pattern, pattern_key
from annotator.core.store import Store
from tests.hub.conftest import older_hub

TEXTS = ["The Halvard Line left Belmouth in March."]


def patterns(store: Store) -> list[tuple[str, str]]:
    return sorted((p.label, p.text()) for p in store.patterns.all())


@pytest.mark.slow
def test_a_reviewers_patterns_and_removals_reach_the_annotators(hub, make_project):
    carol, bob = hub.add("carol", reviewer=True), hub.add("bob")
    with Store(make_project("carol", TEXTS)) as c, Store(make_project("bob", TEXTS)) as b:
        c.patterns.add_patterns([Pattern("GPE", "belmouth"), Pattern("GPE", "march"),
                        Pattern("ORG", [{"lower": "halvard"}, {"lower": "line"}])], "carol", timestamp=100.0)
        report = sync(c, carol)
        assert report.patterns.pushed == {"added": 3}
        assert any("patterns: pushed 3 added" in line for line in report.lines())
        got = sync(b, bob)
        assert got.patterns.pulled == {"added": 3} and len(b.patterns.all()) == 3
        assert sync(b, bob).moved == 0 and sync(c, carol).moved == 0  # nothing moves twice
        # Carol removes "march": the removal travels.
        c.patterns.remove_patterns([p.id for p in c.patterns.all() if p.pattern == "march"], author="carol", timestamp=200.0)
        assert sync(c, carol).patterns.pushed == {"updated": 1}
        assert sync(b, bob).patterns.pulled == {"updated": 1}
        assert patterns(b) == [("GPE", "belmouth"), ("ORG", '[{"lower":"halvard"},{"lower":"line"}]')]
    assert hub.count("SELECT count(*) FROM hub.patterns WHERE removed AND author = 'carol'") == 1


@pytest.mark.slow
def test_an_annotators_own_changes_stay_local_and_are_counted(hub, make_project):
    carol, bob = hub.add("carol", reviewer=True), hub.add("bob")
    with Store(make_project("bob", TEXTS)) as b:
        b.patterns.add_patterns([Pattern("GPE", "march")], "bob")
        report = sync(b, bob)
        assert report.patterns.kept_local == 1 and not report.patterns.pushed
        assert any("only a reviewer may change the team's patterns" in line for line in report.lines())
        with Store(make_project("carol", TEXTS)) as c:
            c.patterns.add_patterns([Pattern("GPE", "belmouth")], "carol")
            sync(c, carol)
        assert sync(b, bob).patterns.pulled == {"added": 1}
        assert patterns(b) == [("GPE", "belmouth"), ("GPE", "march")]  # his stays here
    assert hub.count("SELECT count(*) FROM hub.patterns") == 1


def _add(key: str = pattern_key("GPE", "x"), label: str = "GPE", pattern: str = '"x"') -> str:
    return f"SELECT hub.merge_pattern('{key}', '{label}', '{pattern}', 5, false)"


@pytest.fixture
def team(hub, make_project):
    carol = hub.add("carol", reviewer=True)
    hub.add("bob")
    with Store(make_project("carol", TEXTS)) as c:
        c.patterns.add_patterns([Pattern("GPE", "belmouth")], "carol", timestamp=100.0)
        sync(c, carol)
    return hub


BOB_REFUSED = {
    "add a pattern": _add(),
    "insert a pattern": f"INSERT INTO hub.patterns (key, label, pattern, changed) "
                        f"VALUES ('{pattern_key('GPE', 'x')}', 'GPE', '\"x\"', 5)",
    "remove a pattern": "UPDATE hub.patterns SET removed = true, changed = 9e9",
    "delete patterns": "DELETE FROM hub.patterns",
    "truncate patterns": "TRUNCATE hub.patterns",
    "add a pattern as carol": f"INSERT INTO hub.patterns (key, label, pattern, changed, author) "
                              f"VALUES ('{pattern_key('GPE', 'x')}', 'GPE', '\"x\"', 5, 'carol')",
}


@pytest.mark.slow
@pytest.mark.parametrize("what", sorted(BOB_REFUSED))
def test_an_annotator_reads_patterns_and_postgresql_refuses_any_change(team, what):
    before = team.count("SELECT count(*) FROM hub.patterns WHERE NOT removed")
    with psycopg.connect(team.url("bob"), autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM hub.patterns").fetchone()[0] == 1
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(BOB_REFUSED[what])
    assert team.count("SELECT count(*) FROM hub.patterns WHERE NOT removed") == before == 1


@pytest.mark.slow
def test_a_reviewer_changes_only_as_herself_and_within_the_checks(team):
    with psycopg.connect(team.url("carol"), autocommit=True) as conn:
        with pytest.raises(errors.InsufficientPrivilege):  # author is who writes
            conn.execute("UPDATE hub.patterns SET author = 'dave', changed = 9e9")
        with pytest.raises(errors.InsufficientPrivilege):  # key and content are not hers to change
            conn.execute("UPDATE hub.patterns SET label = 'ORG'")
        for bad in (_add(label="MY LABEL"), _add(label="NBSP\u00a0LABEL"), _add(pattern='"a\\u0000b"'),
                    _add(pattern="7"), _add(key="not-a-key"), _add(pattern='"' + "x" * 10_001 + '"'),
                    _add(pattern='"\\t"'), _add(pattern='"\\u3000 \\n"'),  # blank as str.strip() sees it
                    "SELECT hub.merge_pattern('0123456789abcdef', 'GPE', '\"x\"', 'NaN', false)"):
            with pytest.raises((errors.CheckViolation, errors.UntranslatableCharacter)):
                conn.execute(bad)
        assert conn.execute(_add()).fetchone()[0] == "added"  # a good one goes in
    assert team.count("SELECT count(*) FROM hub.patterns") == 2


@pytest.mark.slow
def test_a_bad_row_on_the_hub_is_not_applied(team, make_project):
    """A row the admin (or a damaged hub) wrote with a key that is not its content."""
    with team.admin() as conn:
        conn.execute(_add(key="0123456789abcdef", pattern='"april"'))
    bob = team.url("bob")
    with Store(make_project("bob", TEXTS)) as b:
        report = sync(b, bob)
        assert report.patterns.pulled == {"added": 1}
        assert report.pulled.skipped == {("pattern", "hubadmin", "its key does not match its label and pattern"): 1}
        assert patterns(b) == [("GPE", "belmouth")]


@pytest.mark.slow
def test_an_older_hub_keeps_pattern_changes_waiting_until_hub_init(hub, make_project):
    with hub.admin() as conn:
        older_hub(conn, PATTERNS_VERSION)  # later migrations (notes, guidelines...) go too
    carol = hub.add("carol", reviewer=True)
    with Store(make_project("carol", TEXTS)) as c:
        c.patterns.add_patterns([Pattern("GPE", "belmouth")], "carol")
        old = sync(c, carol)
        assert old.patterns.waiting == 1
        assert any("until the hub's admin runs `annotator hub init`" in line for line in old.lines())
        with hub.admin() as conn:
            assert init_hub(conn) == (PATTERNS_VERSION - 1, SCHEMA_VERSION)
        assert sync(c, carol).patterns.pushed == {"added": 1}
    assert hub.count("SELECT count(*) FROM hub.patterns") == 1


@pytest.mark.slow
def test_the_admin_may_change_patterns_and_an_annotator_may_not(team):
    from annotator.core.hub.hub_store import HubStore
    from annotator.core.hub.patterns import may_change
    from annotator.core.hub.schema import SCHEMA_VERSION

    with team.admin() as conn:
        assert may_change(HubStore(conn, SCHEMA_VERSION), is_reviewer=False)  # the hub's owner
        assert conn.execute(_add()).fetchone()[0] == "added"
    with psycopg.connect(team.url("bob")) as conn:
        assert not may_change(HubStore(conn, SCHEMA_VERSION), is_reviewer=False)
    assert team.count("SELECT count(*) FROM hub.patterns") == 2
