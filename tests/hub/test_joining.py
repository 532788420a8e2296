"""Issue 23 §9 on a real PostgreSQL hub, two people on one hub, through the command line:
joining with a new project file, the bundled samples never reaching the hub, a fair share of
the queue per sync, settings in the unit given, a reviewer's own reviews pushed and the first
sync's report in words that add up."""

from __future__ import annotations

import math
from pathlib import Path

import orjson
import pytest

from annotator.core.hub.connection import connect
from annotator.core.hub.routing import set_settings
from annotator.core.hub.sync import sync
from annotator.core.project import SETTING_SAMPLES, open_project
from annotator.core.store import Store
from annotator.core.team import identity
from annotator.core.team.notes import add_note
from annotator.core.text.model import Span, text_hash
from tests.cli.helpers import run

TEXTS = [f"Ana Ruiz flew to Lima on day {i}." for i in range(12)]
PERSON = Span(0, 8, "PERSON")


def _settings(hub, **values) -> None:
    with connect(hub.admin_url) as conn:
        set_settings(conn, **values)


def _lead_pushes(hub, make_project, texts=TEXTS) -> None:
    """The lead puts the articles on the hub and takes none."""
    with Store(make_project("lead", texts)) as lead:
        sync(lead, hub.add("lead"), batch=0)


def test_sync_into_a_missing_file_makes_an_empty_project(hub, make_project, tmp_path: Path):
    _lead_pushes(hub, make_project, TEXTS[:3])
    url = hub.add("dana")
    target = tmp_path / "team.db"
    got = run("sync", url, "--db", target)
    assert got.exit_code == 0, got.output
    assert got.stdout.startswith(f"Created the empty project {target} (no sample articles) to sync with the hub\n")
    with Store(target) as store:
        assert store.documents.count_documents() == 2  # a fair share of 3 between lead and dana, nothing else
        assert identity.project_name(store) == "dana"  # the hub name is this project's name
    # A missing file with no URL to sync with is not created.
    nothing = tmp_path / "nothing.db"
    got = run("sync", "--db", nothing)
    assert got.exit_code == 1 and not nothing.exists()


def test_new_makes_an_empty_project_that_joins(hub, make_project, tmp_path: Path):
    _lead_pushes(hub, make_project, TEXTS[:2])
    path = tmp_path / "joined.db"
    assert run("new", path).exit_code == 0
    with Store(path) as store:
        assert store.documents.count_documents() == 0 and store.labels.label_names()  # default labels, no samples
    got = run("sync", hub.add("lee"), "--db", path, "--json")
    assert got.exit_code == 0, got.output
    assert orjson.loads(got.output)["assigned"] == 1  # a fair share: lead and lee are on the hub


@pytest.mark.slow
def test_bundled_samples_never_reach_the_hub(hub, tmp_path: Path, monkeypatch):
    default = tmp_path / "default.db"
    monkeypatch.setenv("ANNOTATOR_DB", str(default))
    with open_project() as store:  # the default project, seeded on first use
        samples = store.documents.count_documents()
        assert samples >= 8
        first = store.documents.document_ids()[0]
        store.annotations.save_annotation(first, "dana", "accept", [])  # trying the app on a sample
        store.reviews.save_review(first, "dana", [], ["dana"])
        add_note(store, first, "dana", "trying notes on a sample")
        (mine,), _ = store.documents.add_documents([("Dana's own article about Oslo.", {})])
        store.annotations.save_annotation(mine, "dana", "accept", [])
        add_note(store, mine, "dana", "is Oslo the city here?")
    got = run("sync", hub.add("dana", reviewer=True), "--json")  # no --db: the default project
    assert got.exit_code == 0, got.output
    report = orjson.loads(got.output)
    assert report["pushed"]["documents"] == 1 and report["kept_local"]["samples"] == samples
    assert report["kept_local"]["sample_work"] == 3  # the decision, the review and the note on a sample
    assert report["pushed"]["notes"]["added"] == 1  # the note on her own article
    assert report["pushed"]["decisions"]["added"] == 1 and report["pushed"]["reviews"]["added"] == 0
    assert hub.count("SELECT count(*) FROM hub.documents") == 1
    assert hub.count("SELECT count(*) FROM hub.decisions") == 1 and hub.count("SELECT count(*) FROM hub.reviews") == 0
    assert hub.count("SELECT count(*) FROM hub.notes") == 1
    text = run("sync")
    assert f"{samples} sample articles kept in this project (the bundled examples never go to a hub)" in text.stdout


def test_a_project_seeded_before_the_mark_still_keeps_its_samples(hub, tmp_path: Path):
    path = tmp_path / "old.db"
    with open_project(path, seed=True) as store:
        store.conn.execute("DELETE FROM project WHERE key = ?", (SETTING_SAMPLES,))  # as an older version left it
        samples = store.documents.count_documents()
    with Store(path) as store:
        report = sync(store, hub.add("dana"), batch=0)
        assert report.pushed_documents == 0 and report.kept_local_samples == samples
    assert hub.count("SELECT count(*) FROM hub.documents") == 0


@pytest.mark.slow
def test_a_sync_takes_a_fair_share_of_the_queue(hub, make_project):
    _settings(hub, overlap_share=0.0)
    _lead_pushes(hub, make_project)
    dana, lee, kim = hub.add("dana"), hub.add("lee"), hub.add("kim")
    waiting, annotators = len(TEXTS), 4  # lead, dana, lee and kim are annotators on the hub
    with Store(make_project("dana")) as d, Store(make_project("lee")) as e, Store(make_project("kim")) as k:
        share = math.ceil(waiting / annotators)
        assert sync(d, dana).assigned == share == 3  # not all twelve
        assert sync(e, lee).assigned == 3
        assert sync(d, dana, batch=2).assigned == 3  # --batch caps what is taken, never returns any
        assert sync(k, kim, batch=2).assigned == 2
        assert len({*d.sync.hub_assigned_ids()}) == 3


@pytest.mark.slow
def test_fair_share_of_a_two_person_team(hub, make_project):
    _settings(hub, overlap_share=0.0)
    with Store(make_project("dana", TEXTS)) as d, Store(make_project("lee")) as e:
        dana, lee = hub.add("dana"), hub.add("lee")
        first = sync(d, dana)
        assert first.assigned == 6
        assert sync(e, lee).assigned == 6  # the second person gets work too
        held_d = {d.documents.get_document(i).text for i in d.sync.hub_assigned_ids()}
        held_e = {e.documents.get_document(i).text for i in e.sync.hub_assigned_ids()}
        assert not held_d & held_e and held_d | held_e == set(TEXTS)
        lines = first.lines()
        assert "  documents: 12 sent to the hub; 0 received" in lines
        assert "  assigned to you: 6 documents (0 received now, 6 already in your project)" in lines


def test_hub_settings_prints_the_timeout_in_minutes(hub):
    got = run("hub", "settings", hub.admin_url, "--assignment-timeout", "90")
    assert got.exit_code == 0, got.output
    assert "  assignment_timeout: 90 minutes" in got.output and "5400" not in got.output
    assert "  assignment_timeout: 60 minutes" not in run("hub", "settings", hub.admin_url).output
    assert "  assignment_timeout: 1.5 minutes" in run("hub", "settings", hub.admin_url,
                                                      "--assignment-timeout", "1.5").output


@pytest.mark.slow
def test_a_reviewers_own_reviews_are_pushed_and_reported(hub, make_project, tmp_path: Path):
    """Two people on one hub: lee labels, dana labels and reviews with the command line only."""
    _settings(hub, overlap_share=1.0)  # every article needs both
    _lead_pushes(hub, make_project, TEXTS[:2])
    dana_url, lee_url = hub.add("dana", reviewer=True), hub.add("lee")
    dana_db, lee_db = tmp_path / "dana.db", tmp_path / "lee.db"
    for _round in range(2):  # a fair share per sync: the queue empties in two rounds
        for url, db, name in ((dana_url, dana_db, "dana"), (lee_url, lee_db, "lee")):
            assert run("sync", url, "--db", db).exit_code == 0
            with Store(db) as store:
                for doc_id in store.sync.hub_assigned_ids():
                    store.annotations.save_annotation(doc_id, name, "accept", [PERSON])
            assert run("sync", "--db", db).exit_code == 0
    assert run("sync", "--db", dana_db).exit_code == 0  # lee's decisions arrive
    reviewed = run("review", "--db", dana_db, "--auto-accept")  # no --reviewer: the project's name
    assert "Accepted 2 documents as dana: 2 unanimous; 0 disputed documents left." in reviewed.stdout
    got = run("sync", "--db", dana_db)
    assert got.exit_code == 0, got.output
    assert "  your work sent: 0 decisions, 2 reviews, 0 decision records" in got.stdout
    assert "kept" not in got.stdout
    assert hub.count("SELECT count(*) FROM hub.reviews WHERE reviewer = 'dana'") == 2
    with Store(lee_db) as store:
        sync(store, lee_url)
        assert {store.reviews.get_review(d).reviewer for d in store.documents.document_ids()} == {"dana"}


def test_reviews_kept_here_say_why(hub, make_project):
    lee = hub.add("lee")
    with Store(make_project("lee", TEXTS[:2])) as store:
        store.reviews.save_review(1, "lee", [PERSON], ["lee"])     # lee is no reviewer on this hub
        store.reviews.save_review(2, "root", [PERSON], ["lee"])    # signed under another name
        report = sync(store, lee, batch=0)
    lines = "\n".join(report.lines())
    assert "1 review by lee: lee is not a reviewer on this hub" in lines
    assert "1 review by other names (root): only lee's work is sent" in lines
    assert hub.count("SELECT count(*) FROM hub.reviews") == 0
    assert text_hash(TEXTS[0])  # the documents went up all the same
    assert hub.count("SELECT count(*) FROM hub.documents") == 2
