"""Issue 29: one teammate's bad row never stops the team. Rows on the hub from before its
checks (the admin drops a rule here, as a hub of the previous release lacks it) are admitted
by every pull row by row: each bad one is skipped and counted with its teammate and reason,
the rest syncs, and the watermark moves past it. A project's own values the hub refuses
stay local, counted, and the rest is pushed."""

from __future__ import annotations

import psycopg
import pytest

from annotator.core.hub.sync import sync
from annotator.core.text.labels import MAX_LABELS
from annotator.core.text.model import Span, text_hash
from annotator.core.store import Store
from tests.hub.test_hub_refuses import DECISION, DOCUMENT, LABEL

pytestmark = pytest.mark.slow  # each test makes its own hub and syncs (README, Tests)

TEXT = "Alice Smith met Bob Jones in Paris."


def drop_rules(hub, *names: str) -> None:
    with hub.admin() as conn:
        for name in names:
            table = name.rsplit("_", 2)[0]
            conn.execute(f"ALTER TABLE hub.{table} DROP CONSTRAINT {name}")


@pytest.fixture
def team(hub, make_project):
    """Alice pushed TEXT with her decision; mallory and bob exist."""
    alice = hub.add("alice")
    hub.add("mallory")
    hub.add("bob")
    with Store(make_project("alice", [TEXT])) as a:
        a.annotations.save_annotation(1, "alice", "accept", [Span(0, 11, "PERSON")])
        sync(a, alice)
    return hub


def mallory(hub, sql: str, *params: object) -> None:
    with psycopg.connect(hub.url("mallory"), autocommit=True) as conn:
        conn.execute(sql, params)


BAD_DECISIONS = {
    "NUL in a label": '[{"start": 0, "end": 5, "label": "X\\u0000Y"}]',
    "label name ' GPE ' must not contain spaces": '[{"start": 0, "end": 5, "label": " GPE "}]',
    "span {'start': 0.5, 'end': 5, 'label': 'PERSON'}: start must be an integer, got float":
        '[{"start": 0.5, "end": 5, "label": "PERSON"}]',
    "span [30, 99, PERSON] is out of range for a text of 35 characters": '[{"start": 30, "end": 99, "label": "PERSON"}]',
}


@pytest.mark.parametrize("reason", sorted(BAD_DECISIONS))
def test_a_bad_decision_is_skipped_and_the_rest_syncs(team, make_project, reason):
    drop_rules(team, "decisions_spans_rule")
    mallory(team, DECISION, BAD_DECISIONS[reason], 1, 2)
    with Store(make_project("bob", [TEXT])) as b:
        b.annotations.save_annotation(1, "bob", "accept", [Span(16, 25, "PERSON")])
        report = sync(b, team.url("bob"))
        assert report.pulled.decisions["added"] == 1  # alice's
        assert report.pushed_decisions["added"] == 1  # his own went up
        assert f"  1 decision from mallory skipped: {reason}; the rest synced" in report.lines()
        assert b.annotations.get_annotation(1, "mallory") is None
        assert b.annotations.get_annotation(1, "alice").spans == (Span(0, 11, "PERSON"),)
        again = sync(b, team.url("bob"))  # the watermark moved past it
        assert again.pulled.rejected == 0 and again.moved == 0
        assert "X\x00Y" not in b.labels.label_names()


@pytest.mark.parametrize("created, updated, reason", [
    (float("nan"), 2, "created is nan, not a finite number"),
    (1, float("inf"), "updated is inf, not a finite number"),  # once `check` and `export` failed on it
])
def test_non_finite_times_are_skipped(team, make_project, created, updated, reason):
    """3.: NaN made SQLite's NOT NULL fail and blame the puller's own file."""
    drop_rules(team, "decisions_times_rule")
    mallory(team, DECISION, '[{"start": 0, "end": 5, "label": "PERSON"}]', created, updated)
    with Store(make_project("bob", [TEXT])) as b:
        report = sync(b, team.url("bob"))
        assert report.pulled.skipped == {("decision", "mallory", reason): 1}
        assert report.pulled.decisions["added"] == 1


def test_bad_labels_are_skipped(team, make_project):
    """1. and 5.: a label with a space, a bad colour, a bad key; the good one arrives."""
    drop_rules(team, "labels_name_rule", "labels_colour_rule", "labels_key_rule")
    for name, colour, key in (("BAD LABEL", "#aabbcc", None), ("COLOURED", "notacolor", None),
                              ("KEYED", "#aabbcc", "zz"), ("FINE_LABEL", "#aabbcc", "z")):
        mallory(team, LABEL, name, colour, key)
    with Store(make_project("bob", [TEXT])) as b:
        report = sync(b, team.url("bob"))
        assert report.pulled.skipped == {
            ("label", "mallory", "label name 'BAD LABEL' must not contain spaces"): 1,
            ("label", "mallory", "colour 'notacolor' is not a hex colour #rrggbb"): 1,
            ("label", "mallory", "key 'zz' must be one character (or none)"): 1}
        assert report.pulled.labels == 1 and "FINE_LABEL" in b.labels.label_names()
        assert report.pulled.decisions["added"] == 1


def test_a_bad_document_is_skipped_with_its_rows(team, make_project):
    """4.: a body that is not UTF-8 but matches its hash, and one with NUL; pulled with --all."""
    drop_rules(team, "documents_body_rule")
    mallory(team, DOCUMENT, b"caf\xe9", b"caf\xe9", "{}", 1)
    mallory(team, DOCUMENT, b"a\x00b", b"a\x00b", "{}", 1)
    with Store(make_project("bob")) as b:
        report = sync(b, team.url("bob"), pull_all=True, batch=0)
        assert report.pulled.skipped == {("document", "mallory", "the text is not valid UTF-8 (byte 3)"): 1,
                                         ("document", "mallory", "NUL in the text (character 1)"): 1}
        assert [d.text for d in b.documents.iter_documents()] == [TEXT]
        assert report.pulled.decisions["added"] == 1


def test_a_huge_value_is_not_even_fetched(team, make_project):
    """7.: spans of 20 MB and a 40 MB body cost the puller nothing: skipped by their size."""
    drop_rules(team, "decisions_spans_rule", "documents_body_rule")
    big = '[{"start": 0, "end": 5, "label": "PERSON"}' + " " * 20_000_000 + "]"
    mallory(team, DECISION, big, 1, 2)
    body = b"x" * 40_000_000
    mallory(team, DOCUMENT, body, body, "{}", 1)
    with Store(make_project("bob", [TEXT])) as b:
        report = sync(b, team.url("bob"), pull_all=True, batch=0)
        assert report.pulled.skipped == {
            ("decision", "mallory", "spans are larger than the 16 MiB limit"): 1,
            ("document", "mallory", "the text is larger than the 32 MiB limit (40,000,000 bytes)"): 1}


def test_ten_thousand_labels_arrive_and_one_more_is_skipped(team, make_project):
    """6.: the hub's labels arrive in one pass (benchmarks/bench_hub_guard.py times 10,000);
    a project never holds more than MAX_LABELS, and still passes `check`."""
    from annotator.core.team.merge import check_project_file

    with team.admin() as conn:  # an older hub without the cap; the admin's own rows
        conn.execute("DROP TRIGGER labels_count_added ON hub.labels")
        conn.execute("INSERT INTO hub.labels (name, color, key, position, added_by) SELECT 'L' || i, "
                     "'#aabbcc', NULL, i, 'mallory' FROM generate_series(1, %s) i", (MAX_LABELS + 5,))
    path = make_project("bob", [TEXT])
    with Store(path) as b:
        before = len(b.labels.label_names())
        report = sync(b, team.url("bob"))
        assert len(b.labels.label_names()) == MAX_LABELS
        assert report.pulled.labels == MAX_LABELS - before
        assert report.pulled.skipped == {("label", "mallory", "more than 10,000 labels"): before + 5}
    assert check_project_file(path).labels[-1].name == f"L{MAX_LABELS - before}"


def test_a_projects_own_values_the_hub_refuses_stay_local(hub, make_project):
    """1. by accident: an older project's label with a space. It stays local with the
    decisions using it; everything else is pushed; nothing is asked twice."""
    alice = hub.add("alice")
    path = make_project("alice", [TEXT, "Carol went to Rome."])
    with Store(path) as a:
        with a.transaction() as c:  # made before the label-name rule
            c.execute("INSERT INTO labels (name, color, key, position) VALUES ('OLD LABEL', '#cccccc', NULL, 99)")
        a.annotations.save_annotation(1, "alice", "accept", [Span(0, 11, "OLD LABEL")])
        a.annotations.save_annotation(2, "alice", "accept", [Span(0, 5, "PERSON")])
        report = sync(a, alice)
        reason = "label name 'OLD LABEL' must not contain spaces"
        assert report.refused == {("label", reason): 1, ("decision", reason): 1}
        assert report.pushed_decisions["added"] == 1 and report.pushed_documents == 2
        assert f"  kept in this project: 1 decision the hub refuses ({reason})" in report.lines()
        assert sync(a, alice).refused == {("label", reason): 1}  # the label is looked at every sync
        a.rename_label("OLD LABEL", "OLD_LABEL")  # fixed here: it goes up (the old version, in
        fixed = sync(a, alice)                    # the history, stays here)
        assert fixed.pushed_decisions["added"] == 1 and fixed.refused == {("decision", reason): 1}
    assert hub.count("SELECT count(*) FROM hub.decisions WHERE strpos(spans, 'OLD_LABEL') > 0") == 1
    assert hub.count("SELECT count(*) FROM hub.documents") == 2


def test_one_bad_row_among_many(team, make_project):
    """Measured in benchmarks/bench_hub_guard.py at 10,000: here 2,000 decisions, one bad,
    pulled with the documents; the pull completes and says which."""
    n = 2_000
    drop_rules(team, "decisions_spans_rule")
    with team.admin() as conn:
        conn.execute("INSERT INTO hub.documents (hash, body, meta, added) SELECT encode(sha256(b), 'hex'), b, "
                     "'{}', 1 FROM (SELECT convert_to('Doc ' || i || ' about Paris.', 'UTF8') b "
                     "FROM generate_series(1, %s) i) s", (n,))
    with psycopg.connect(team.url("mallory"), autocommit=True) as conn:
        conn.execute("INSERT INTO hub.decisions (document_id, annotator, answer, spans, created, updated) "
                     "SELECT id, 'mallory', 'accept', CASE WHEN id = 1000 THEN "
                     "'[{\"start\": 0, \"end\": 3, \"label\": \"X\\u0000Y\"}]' ELSE "
                     "'[{\"start\": 0, \"end\": 3, \"label\": \"ORG\"}]' END, 1, 2 FROM hub.documents "
                     "WHERE hash <> %s", (text_hash(TEXT),))
    with Store(make_project("bob")) as b:
        report = sync(b, team.url("bob"), pull_all=True, batch=0)
        assert report.pulled.documents == n + 1
        assert report.pulled.decisions["added"] == n  # alice's and mallory's but one
        assert report.pulled.skipped == {("decision", "mallory", "NUL in a label"): 1}


def test_big_rows_stream_a_few_at_a_time(team, make_project, monkeypatch):
    """Each row within the limits, but many of them (a teammate's 50 decisions of 15 MiB each
    would be 750 MB in one fetch): pulls read them in batches of about FETCH_BYTES."""
    from annotator.core.hub import hub_store
    from annotator.core.hub.pull import Puller

    monkeypatch.setattr(hub_store, "FETCH_BYTES", 1_000_000)
    with team.admin() as conn:
        conn.execute("INSERT INTO hub.documents (hash, body, meta, added) SELECT encode(sha256(b), 'hex'), b, "
                     "'{}', 1 FROM (SELECT convert_to('Doc ' || i || ' about Paris.', 'UTF8') b "
                     "FROM generate_series(1, 30) i) s")
    with psycopg.connect(team.url("mallory"), autocommit=True) as conn:
        conn.execute("INSERT INTO hub.decisions (document_id, annotator, answer, spans, created, updated) "
                     "SELECT id, 'mallory', 'accept', '[{\"start\": 0, \"end\": 3, \"label\": \"ORG\"}' "
                     "|| repeat(' ', 400000) || ']', 1, 2 FROM hub.documents WHERE hash <> %s", (text_hash(TEXT),))
    sizes: list[int] = []
    real = Puller.apply

    def apply(self, rows):  # the real apply, noting how many rows came at once
        rows = list(rows)
        sizes.append(len(rows))
        return real(self, rows)

    monkeypatch.setattr(Puller, "apply", apply)
    with Store(make_project("bob")) as b:
        report = sync(b, team.url("bob"), pull_all=True, batch=0)
    assert report.pulled.decisions["added"] == 31 and report.pulled.rejected == 0
    assert max(sizes) <= hub_store.FIRST_FETCH and sum(sizes) >= 30  # then ~1 MB of them at a time
    assert sizes.count(2) >= 5  # 1,000,000 // 400,000 bytes
