"""Issue 29: a password never goes anywhere the person did not choose. A project file can
come from anyone; its hub URL may name only host, port, dbname, user and sslmode, and is
used only once the person chose that hub on this machine (core/hub/trust.py). A malformed
URL holding a password is never echoed; a connection to another machine without TLS is said
once per project."""

from __future__ import annotations

import json
import os
import socket
import threading

import pytest

from annotator.core.hub import trust
from annotator.core.hub.connection import HubError, check_url, safe_url
from annotator.core.hub.sync import PLAINTEXT_WARNED, HubNotChosen, sync
from annotator.core.store import Store
from tests.cli.helpers import run

pytestmark = pytest.mark.slow  # each test makes its own hub and syncs (README, Tests)

TEXT = "Alice Smith met Bob Jones in Paris."


class Listener:
    """A TCP port on this machine that notes whether anything connects (the attacker's server)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


@pytest.fixture
def listener():
    found = Listener()
    yield found
    found.close()


@pytest.fixture(autouse=True)
def no_hub_chosen():
    """Each test starts on a machine where nobody chose any hub (the sandbox's data folder)."""
    trust._path().unlink(missing_ok=True)
    yield
    trust._path().unlink(missing_ok=True)


def crafted_project(make_project, url: str):
    """A teammate's project file remembering `url` as its hub, with syncing on."""
    path = make_project("crafted", [TEXT])
    with Store(path) as s:
        for key, value in (("hub_url", url), ("hub_annotator", "alice"), ("hub_sync", "on")):
            s.settings.set_setting(key, value)
    return path


def test_a_file_url_naming_hostaddr_is_refused_before_any_connection(hub, make_project, listener):
    """The attack as run: host is the real hub (its ~/.pgpass line and keyring entry match),
    hostaddr the attacker's machine, which would have received the real hub's password."""
    hub.add("alice")
    url = f"postgresql://alice@127.0.0.1:{listener.port}/{hub.db}?hostaddr=127.0.0.1"
    path = crafted_project(make_project, url)
    got = run("sync", "--db", path)
    assert got.exit_code == 1
    assert "names hostaddr: a URL read from a project file may name only host, port, dbname, user, sslmode" in got.output
    for option in ("passfile=/tmp/x", "sslkey=/tmp/k", "service=team", "sslcert=/tmp/c", "options=-cgeqo%3Doff",
                   "target_session_attrs=any", "sslrootcert=/tmp/ca"):
        with pytest.raises(HubError, match="may name only"):
            check_url(f"postgresql://alice@h/db?{option}", from_file=True)
    assert listener.connections == 0


def test_a_file_url_is_used_only_once_chosen_here(hub, make_project, listener):
    """A file naming only allowed keys but another server (here another port: ~/.pgpass lines
    for 127.0.0.1:* match it) is not synced with until the person gives it themselves."""
    alice = hub.add("alice")
    evil = f"postgresql://alice@127.0.0.1:{listener.port}/{hub.db}"
    got = run("sync", "--db", crafted_project(make_project, evil))
    assert got.exit_code == 1 and "came with the project file" in got.output
    assert f"annotator sync {evil}" in got.output
    assert listener.connections == 0
    # The real hub in a teammate's file: the same, until alice gives its URL once.
    path = crafted_project(make_project, alice)
    with Store(path) as s, pytest.raises(HubNotChosen):
        sync(s, alice, url_from_file=True)
    assert run("sync", alice, "--db", make_project("mine", [TEXT])).exit_code == 0  # typed once
    assert trust.is_chosen(alice)
    got = run("sync", "--db", path, "--json")
    assert got.exit_code == 0, got.output
    assert json.loads(got.output)["pushed"]["documents"] == 0  # the same text, already there
    assert not trust.is_chosen(evil)


def test_a_malformed_url_with_a_password_is_never_echoed(hub, make_project):
    path = make_project("p", [TEXT])
    for bad in ("postgresql://alice:s3cr3t-pw@127.0.0.1:notaport/db", "host=x password=s3cr3t-pw port",
                "postgresql://alice:s3cr3t-pw@[::1/db"):
        for args in (("sync", bad, "--db", path), ("hub", "init", bad), ("hub", "status", bad)):
            got = run(*args)
            assert got.exit_code == 1 and "s3cr3t" not in got.output, got.output
            assert "not a valid PostgreSQL URL" in got.output or "contains a password" in got.output


def test_only_host_port_dbname_user_and_sslmode_are_stored(hub, make_project):
    alice = hub.add("alice")
    path = make_project("alice", [TEXT])
    typed = f"{alice}?application_name=x&connect_timeout=5&sslmode=prefer"
    assert run("sync", typed, "--db", path).exit_code == 0
    with Store(path) as s:
        assert s.settings.get_setting("hub_url") == f"{alice}?sslmode=prefer" == safe_url(typed)
    got = run("sync", f"{alice}?sslpassword=key-secret", "--db", path)
    assert got.exit_code == 1 and "contains a password" in got.output and "key-secret" not in got.output
    assert b"key-secret" not in path.read_bytes()


def test_an_unencrypted_connection_to_another_machine_is_said_once(hub, make_project, monkeypatch):
    """host names another machine (the address the person typed reaches this server through
    hostaddr), and the server has no TLS: warned once per project."""
    hub.add("alice")
    monkeypatch.setenv("PGPASSWORD", f"pw-alice-{hub.server.admin_password[:8]}")
    url = f"postgresql://alice@hub.example.test:{hub.server.port}/{hub.db}?hostaddr=127.0.0.1"
    path = make_project("alice", [TEXT])
    with Store(path) as s:
        first = sync(s, url)
        assert first.warnings == ["this hub connection is not encrypted: your password's proof and your data cross "
                                  "the network readable; add ?sslmode=verify-full with the server's CA (README, Team hub)"]
        assert any(line.startswith("  warning: this hub connection is not encrypted") for line in first.lines())
        assert sync(s, url).warnings == []
        assert s.settings.get_setting(PLAINTEXT_WARNED) == safe_url(url)
    with Store(make_project("local", [TEXT])) as s:  # this machine: nothing to say
        assert sync(s, hub.url("alice")).warnings == []
    assert os.environ["PGPASSWORD"]
