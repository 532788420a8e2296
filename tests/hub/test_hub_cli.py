"""The hub commands and where passwords come from (never the command line, never the
project file)."""

from __future__ import annotations

import os

import keyring
import orjson
import pytest
from keyring.backend import KeyringBackend

from annotator.core.hub.connection import KEYRING_SERVICE, connect, safe_url
from annotator.core.hub.schema import SCHEMA_VERSION
from annotator.core.text.model import Span
from annotator.core.store import Store
from tests.cli.helpers import run
from tests.hub.conftest import new_hub


@pytest.mark.slow
def test_init_add_annotator_status_and_sync(pg_server, make_project, tmp_path):
    db = "cli_hub"
    admin_url = pg_server.create_database(db)
    got = run("hub", "init", admin_url, "--overlap-share", "0")
    assert got.exit_code == 0, got.output
    assert f"Hub created (schema {SCHEMA_VERSION})" in got.output and "overlap_share: 0.0" in got.output
    assert "already current" in run("hub", "init", admin_url).output
    secret = tmp_path / "pw"
    secret.write_text("s3cret-cli\n")
    got = run("hub", "add-annotator", admin_url, "erin", "--password-file", secret)
    assert got.exit_code == 0 and "Created erin as annotator" in got.output, got.output
    pg_server.add_password("erin", "s3cret-cli")
    assert "cannot be a hub annotator name" in run("hub", "add-annotator", admin_url, "Erin Smith",
                                                   "--password-file", secret).output
    path = make_project("erin", ["Erin met Frank in Oslo.", "Second one."])
    with Store(path) as s:
        s.annotations.save_annotation(1, "erin", "accept", [Span(0, 4, "PERSON")])
    url = pg_server.url("erin", db)
    got = run("sync", url, "--db", path, "--json")
    assert got.exit_code == 0, got.output
    report = orjson.loads(got.output)
    assert report["pushed"]["documents"] == 2 and report["pushed"]["decisions"]["added"] == 1
    assert report["assigned"] == 1
    # The project remembers the hub: `sync` alone syncs again, and moves nothing.
    again = run("sync", "--db", path, "--json")
    assert again.exit_code == 0 and orjson.loads(again.output)["moved"] == 0
    status = orjson.loads(run("hub", "status", admin_url, "--json").output)
    assert status == {"documents": 2, "queue": 0,
                      "annotators": [{"name": "erin", "done": 1, "assigned": 1}]}
    text = run("hub", "status", url)
    assert text.exit_code == 0 and "queue: 0" in text.output
    # Stopping for the day: the undecided document goes back to the queue at once.
    assert "leave out --batch" in run("sync", "--db", path, "--give-back", "--batch", "3").output
    back = run("sync", "--db", path, "--give-back")
    assert back.exit_code == 0 and "given back to the team's queue: 1 undecided document" in back.output, back.output
    status = orjson.loads(run("hub", "status", admin_url, "--json").output)
    assert status["queue"] == 1 and status["annotators"] == [{"name": "erin", "done": 1, "assigned": 0}]


def test_a_password_in_the_url_is_refused(hub, make_project):
    bad = hub.url("alice").replace("alice@", "alice:secret@")
    path = make_project("p", ["x"])
    for args in (("hub", "init", bad), ("hub", "status", bad), ("sync", bad, "--db", path)):
        got = run(*args)
        assert got.exit_code == 1 and "contains a password" in got.output
    assert safe_url(bad) == hub.url("alice")
    with Store(path) as s:
        assert s.settings.get_setting("hub_url") is None


def test_passwords_from_pgpassword_and_never_in_the_project(hub, make_project, monkeypatch):
    hub.add("alice")
    monkeypatch.setenv("PGPASSFILE", os.devnull)  # libpq's file is empty: only PGPASSWORD
    monkeypatch.setenv("PGPASSWORD", f"pw-alice-{hub.server.admin_password[:8]}")
    path = make_project("alice", ["Some text."])
    assert run("sync", hub.url("alice"), "--db", path).exit_code == 0
    assert b"pw-alice" not in path.read_bytes()
    monkeypatch.delenv("PGPASSWORD")
    got = run("sync", hub.url("alice"), "--db", path)
    assert got.exit_code == 1 and "give the password with PGPASSWORD" in got.output


class MemoryKeyring(KeyringBackend):
    """A real keyring backend kept in memory (no desktop keyring on a test machine)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.saved: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.saved.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.saved[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.saved.pop((service, username), None)


def test_password_from_the_os_keyring(hub, monkeypatch):
    hub.add("alice")
    monkeypatch.setenv("PGPASSFILE", os.devnull)
    ring = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(ring)
    try:
        from annotator.core.hub.connection import save_keyring_password

        save_keyring_password(hub.url("alice"), f"pw-alice-{hub.server.admin_password[:8]}")
        assert (KEYRING_SERVICE, f"alice@127.0.0.1:{hub.server.port}/{hub.db}") in ring.saved
        with connect(hub.url("alice")) as conn:
            assert conn.execute("SELECT session_user").fetchone()[0] == "alice"
    finally:
        keyring.set_keyring(previous)


def test_sync_as_another_name_than_the_url_user(hub, make_project):
    hub.add("alice")
    got = run("sync", hub.url("alice"), "--annotator", "bob", "--db", make_project("p", ["x"]))
    assert got.exit_code == 1 and "logs in as alice but the annotator is bob" in got.output


def test_hub_status_of_a_database_without_a_hub(pg_server):
    url = pg_server.create_database("not_a_hub")
    got = run("hub", "status", url)
    assert got.exit_code == 1 and "not a team hub" in got.output


@pytest.mark.parametrize("name", ["frank", "g_1"])
def test_add_annotator_creates_then_updates(pg_server, name, tmp_path):
    hub = new_hub(pg_server)
    secret = tmp_path / "pw"
    secret.write_text("first\n")
    assert "a password is needed" in run("hub", "add-annotator", hub.admin_url, name).output
    got = run("hub", "add-annotator", hub.admin_url, name, "--password-file", secret)
    assert got.exit_code == 0 and f"Created {name} as annotator" in got.output
    got = run("hub", "add-annotator", hub.admin_url, name, "--reviewer")
    assert got.exit_code == 0 and f"Updated {name} as reviewer and annotator" in got.output


def test_an_admin_who_is_not_superuser(pg_server, make_project, tmp_path):
    """As the README sets it up: an admin role with CREATEROLE owning the database."""
    with pg_server.admin() as conn:
        conn.execute("CREATE ROLE team_admin LOGIN CREATEROLE PASSWORD 'admin-pw'")
        conn.execute('CREATE DATABASE "team_db" OWNER team_admin')
    pg_server.add_password("team_admin", "admin-pw")
    admin_url = pg_server.url("team_admin", "team_db")
    assert run("hub", "init", admin_url).exit_code == 0
    secret = tmp_path / "pw"
    secret.write_text(f"pw-ivy-{pg_server.admin_password[:8]}\n")
    assert run("hub", "add-annotator", admin_url, "ivy", "--password-file", secret).exit_code == 0
    pg_server.add_password("ivy", secret.read_text().strip())
    path = make_project("ivy", ["Ivy went to Quito."])
    got = run("sync", pg_server.url("ivy", "team_db"), "--db", path, "--json")
    assert got.exit_code == 0, got.output
    assert orjson.loads(got.output)["pushed"]["documents"] == 1
    with connect(pg_server.url("ivy", "team_db")) as conn:
        with pytest.raises(Exception, match="must be owner|permission denied"):
            conn.execute("DROP TABLE hub.documents")
