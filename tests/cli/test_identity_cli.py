"""Issue 23 §1 on the command line: who signs work is one rule (core/team/identity.py). Two projects
on one machine keep their own names; commands that sign say as whom; nobody is signed as the
operating-system user silently."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.team import identity
from annotator.core.store import Store
from tests.cli.helpers import run

LABELLED = ('{"text": "Hun Sen met Donald Trump in Phnom Penh.", "spans": [{"start": 0, "end": 7, "label": "PERSON"}]}\n'
            '{"text": "Apple hired Tim Cook.", "spans": [{"start": 0, "end": 5, "label": "ORG"}]}\n')


@pytest.fixture
def labelled(tmp_path: Path) -> Path:
    path = tmp_path / "labelled.jsonl"
    path.write_text(LABELLED, encoding="utf-8")
    return path


def annotators(db: Path) -> set[str]:
    with Store(db) as store:
        return {r[0] for r in store.conn.execute("SELECT annotator FROM annotations")}


def test_two_projects_on_one_machine_keep_their_own_names(tmp_path: Path, labelled: Path, monkeypatch):
    identity.set_first_run_name("dana")  # what the window's first-run dialog keeps
    lee, default = tmp_path / "lee.db", tmp_path / "default.db"
    monkeypatch.setenv("ANNOTATOR_DB", str(default))  # the default project: no --db
    made = run("new", lee, "--annotator", "lee")
    assert made.exit_code == 0, made.output
    assert made.stdout.strip() == f"Created the empty project {lee} (no documents); you work in it as lee"
    assert run("new", lee).exit_code == 1  # never over an existing file
    assert identity.first_run_name() == "dana"  # the global default is untouched

    into_lee = run("import", labelled, "--db", lee)
    assert into_lee.exit_code == 0, into_lee.output
    assert "2 annotations named nobody: signed as lee" in into_lee.stdout
    into_default = run("import", labelled)
    assert "2 annotations named nobody: signed as dana" in into_default.stdout
    assert annotators(lee) == {"lee"} and annotators(default) == {"dana"}

    # A teammate's work arrives under bob in lee.db: a review signed by the project's name.
    with Store(lee) as store:
        for doc_id in store.documents.document_ids():
            annotation = store.annotations.get_annotation(doc_id, "lee")
            store.annotations.save_annotation(doc_id, "bob", "accept", annotation.spans)
    reviewed = run("review", "--db", lee, "--auto-accept")
    assert reviewed.exit_code == 0, reviewed.output
    assert "Accepted 2 documents as lee: 2 unanimous; 0 disputed documents left." in reviewed.stdout
    with Store(lee) as store:
        assert {store.reviews.get_review(d).reviewer for d in store.documents.document_ids()} == {"lee"}

    assert "lee" in run("whoami", "--db", lee).stdout
    assert run("whoami").stdout.strip() == f"dana in {default} (this project's name for you)"
    stats = json.loads(run("stats", "--json").stdout)
    assert set(stats["annotators"]) == {"dana"}


def test_import_and_review_options_sign_one_run_only(tmp_path: Path, labelled: Path):
    db = tmp_path / "p.db"
    assert run("new", db).exit_code == 0
    set_lee = run("whoami", "--db", db, "--set", "lee")
    assert set_lee.exit_code == 0, set_lee.output
    assert set_lee.stdout.strip() == f"lee in {db} (this project's name for you)"
    result = run("import", labelled, "--db", db, "--annotator", "bob")
    assert "2 annotations added (bob)" in result.stdout
    assert "lee" in run("whoami", "--db", db).stdout  # bob was who made that file, not who works here
    with Store(db) as store:
        for doc_id in store.documents.document_ids():
            store.annotations.save_annotation(doc_id, "carol", "accept", store.annotations.get_annotation(doc_id, "bob").spans)
    assert "as rita: " in run("review", "--db", db, "--auto-accept", "--reviewer", "rita").stdout
    assert "lee" in run("whoami", "--db", db).stdout


def test_with_no_name_anywhere_the_user_name_is_never_silent(tmp_path: Path, labelled: Path):
    db = tmp_path / "p.db"
    os_name = identity.os_user()
    result = run("import", labelled, "--db", db)
    assert result.exit_code == 0, result.output
    assert (f"2 annotations named nobody: signed as {os_name}, your operating-system user name: "
            "no name is set for this project") in result.stdout
    assert annotators(db) == {os_name}
    with Store(db) as store:
        assert identity.project_name(store) is None  # a stand-in is not remembered
    shown = run("whoami", "--db", db)
    assert os_name in shown.stdout and "no name is set" in shown.stdout
    with Store(db) as store:
        for doc_id in store.documents.document_ids():
            store.annotations.save_annotation(doc_id, "carol", "accept", store.annotations.get_annotation(doc_id, os_name).spans)
    reviewed = run("review", "--db", db, "--auto-accept")
    assert f"Accepted 2 documents as {os_name}: 2 unanimous" in reviewed.stdout
    assert (f"Signed as {os_name}, your operating-system user name: no name is set for this project (give "
            "--reviewer NAME") in reviewed.stdout


def test_bad_names_are_refused_in_one_line(tmp_path: Path):
    assert run("new", tmp_path / "p.db").exit_code == 0
    result = run("whoami", "--db", tmp_path / "p.db", "--set", "  ")
    assert result.exit_code == 1 and "the annotator name is empty" in result.output
    result = run("whoami", "--default", "a\nb")
    assert result.exit_code == 1 and "cannot be an annotator name" in result.output
