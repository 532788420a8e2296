"""The window and the team hub (issue 12, phase 2): File -> Team hub... through the dialog's
API, background syncs after decisions, teammates' work in the document list, assigned
documents first, offline and back. Real window (pytest-qt), real PostgreSQL server."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import keyring
import pytest

from annotator.core.hub.connection import KEYRING_SERVICE, safe_url
from annotator.core.hub.sync import sync
from annotator.core.text.model import Span
from annotator.core.store import Store
from annotator.gui.hub import hub_sync
from annotator.gui.panels.doc_list import ASSIGNED_MARK, DISPUTED_MARK
from annotator.gui.hub.hub_dialog import HubDialog
from annotator.jobs import tasks as jobs
from tests.gui.window_helpers import ARTICLES, make_project, open_window
from tests.hub.test_hub_cli import MemoryKeyring

WAIT_MS = 60_000


@pytest.fixture(autouse=True)
def quick_after_decision(monkeypatch):
    monkeypatch.setattr(hub_sync, "AFTER_DECISION_MS", 200)


def wait_synced(qtbot, window, after: float) -> hub_sync.HubSyncResult:
    """Until a sync that started after `after` has ended; its result."""
    hub = window.hub
    qtbot.waitUntil(lambda: not hub.syncing and hub.result is not None and hub.result.finished > after,
                    timeout=WAIT_MS)
    return hub.result


def connect(qtbot, window, url: str, password: str | None = None, remember: bool = False):
    dialog = HubDialog(window.hub, window)
    qtbot.addWidget(dialog)
    dialog.url_edit.setText(url)
    dialog.password_edit.setText(password or "")
    dialog.remember.setChecked(remember)
    t = time.time()
    assert dialog.connect_hub(), dialog.error.text()
    return wait_synced(qtbot, window, t)


def row_text(window, doc_id: int) -> str:
    model = window.doc_model
    return model.data(model.index(model.row_of(doc_id)))


@pytest.mark.slow
def test_connect_decide_and_the_decision_reaches_the_hub(qtbot, hub, db_path, monkeypatch):
    hub.add("alice")
    password = f"pw-alice-{hub.server.admin_password[:8]}"
    monkeypatch.setenv("PGPASSFILE", os.devnull)  # only the dialog knows the password
    threads = []
    real_job = jobs.hub_sync_job

    def job(*args, **kwargs):  # the real job, noting where it runs
        threads.append(threading.current_thread())
        return real_job(*args, **kwargs)

    monkeypatch.setattr(jobs, "hub_sync_job", job)
    ring = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(ring)
    try:
        make_project(db_path)
        w = open_window(qtbot, db_path, "alice")
        result = connect(qtbot, w, hub.url("alice"), password, remember=True)
        assert result.report is not None, result.error
        assert hub.count("SELECT count(*) FROM hub.documents") == len(ARTICLES)
        assert ring.saved[(KEYRING_SERVICE, f"alice@127.0.0.1:{hub.server.port}/{hub.db}")] == password
        label = w.findChild(hub_sync.HubStatusLabel)
        assert label.isVisible() and label.text().startswith("Hub: synced ") and label.text().endswith(" s ago")

        t = time.time()
        doc_id = w.current_id
        assert w.accept()  # no explicit sync: the decision starts one
        wait_synced(qtbot, w, t)
        assert hub.count("SELECT count(*) FROM hub.decisions WHERE annotator = 'alice' AND "
                         "answer = 'accept'") == 1
        assert "waiting" not in label.text()
        # The password is in the keyring, never in the project or the settings.
        assert password.encode() not in db_path.read_bytes()
        config = Path(os.environ["XDG_CONFIG_HOME"])
        assert not any(password.encode() in p.read_bytes() for p in config.rglob("*") if p.is_file())
        assert doc_id != w.current_id
        assert len(threads) == 2 and threading.main_thread() not in threads  # never the GUI thread
    finally:
        keyring.set_keyring(previous)


@pytest.mark.slow
def test_teammates_work_and_assignments_arrive_in_the_list(qtbot, hub, tmp_path, db_path):
    """Carol (a lead) put 3 documents on the hub; Alice's 2 are decided. Connecting pulls the
    3 as Alice's assignments (➜, Next takes them first), and Bob's decision on one of Alice's
    documents makes it disputed in her list."""
    with Store(tmp_path / "carol.db") as c:
        c.documents.add_documents([(t, {}) for t in ARTICLES[2:]] + [("Lagos hosted the summit.", {})])
        sync(c, hub.admin_url, batch=0)  # the lead (the hub's admin) only adds documents
    make_project(db_path, ARTICLES[:2])
    with Store(db_path) as s:
        for doc_id in (1, 2):
            s.annotations.save_annotation(doc_id, "alice", "accept", [Span(0, 8, "PERSON")])
    w = open_window(qtbot, db_path, "alice")
    assert w.doc_model.total() == 2
    url = hub.add("alice")
    result = connect(qtbot, w, url)
    assert result.report.pulled.documents == 3 and result.report.assigned == 3
    # documentsAdded: the list reloads itself (ids and statuses read in a worker, issue 14)
    qtbot.waitUntil(lambda: w.doc_model.total() == 5, timeout=30000)
    assert [ASSIGNED_MARK in row_text(w, d) for d in range(1, 6)] == [False, False, True, True, True]

    w.open_document(1)
    assert w.doc_panel.neighbour(1, +1) == 3  # Next: assigned first, not row 2
    assert w.accept()
    qtbot.waitUntil(lambda: w.current_id == 3, timeout=5000)  # after the decision, too
    assert w.accept()
    qtbot.waitUntil(lambda: w.current_id == 4, timeout=5000)

    bob = hub.add("bob")  # joins later (alone, Alice's share was the whole queue)
    with Store(tmp_path / "bob.db") as b:
        b.documents.add_documents([(ARTICLES[0], {})])
        b.annotations.save_annotation(1, "bob", "accept", [Span(0, 15, "PERSON")])  # not Alice's span
        sync(b, bob)
    w.hub.sync_now()
    qtbot.waitUntil(lambda: DISPUTED_MARK in row_text(w, 1), timeout=WAIT_MS)
    assert 1 in w.project.disputed() and w.status.disputed_label.isVisible()


@pytest.mark.slow
def test_offline_then_back(qtbot, hub, pg_server, db_path):
    make_project(db_path)
    w = open_window(qtbot, db_path, "alice")
    assert connect(qtbot, w, hub.add("alice")).report is not None
    label = w.findChild(hub_sync.HubStatusLabel)
    pg_server.stop("fast")
    try:
        t = time.time()
        first = w.current_id
        assert w.accept()
        offline = wait_synced(qtbot, w, t)
        assert offline.offline and offline.pending == 1, offline
        assert label.text() == "Hub offline: 1 decision waiting"
        with Store(db_path) as s:  # saved locally all the same
            assert s.annotations.get_annotation(first, "alice").answer == "accept"
        t = time.time()
        assert w.reject()
        assert wait_synced(qtbot, w, t).pending == 2
        assert label.text() == "Hub offline: 2 decisions waiting"
    finally:
        pg_server.start()
    t = time.time()
    w.hub.sync_now()  # the minute's tick, sooner
    back = wait_synced(qtbot, w, t)
    assert back.report is not None and back.pending == 0, back
    assert label.text().startswith("Hub: synced ")
    assert hub.count("SELECT count(*) FROM hub.decisions WHERE annotator = 'alice'") == 2


def test_the_dialog_refuses_what_the_hub_would(qtbot, hub, db_path):
    make_project(db_path)
    w = open_window(qtbot, db_path, "Alice Smith")
    dialog = HubDialog(w.hub, w)
    qtbot.addWidget(dialog)
    dialog.url_edit.setText(hub.url("alice"))
    assert not dialog.connect_hub()
    assert "cannot be a hub annotator name" in dialog.error.text() and not w.hub.connected
    dialog.url_edit.setText("postgresql://alice:secret@127.0.0.1/team")
    assert not dialog.connect_hub() and "contains a password" in dialog.error.text()


@pytest.mark.slow
def test_a_reopened_window_resumes_syncing(qtbot, hub, db_path):
    make_project(db_path)
    w = open_window(qtbot, db_path, "alice")
    assert connect(qtbot, w, hub.add("alice")).report is not None
    w.close()
    again = open_window(qtbot, db_path, "alice")
    assert wait_synced(qtbot, again, 0).report is not None and again.hub.connected
    HubDialog(again.hub, again).disconnect_hub()
    again.close()
    third = open_window(qtbot, db_path, "alice")
    qtbot.wait(200)
    assert not third.hub.connected and not third.findChild(hub_sync.HubStatusLabel).isVisible()


def _from_a_teammate(db_path: Path, url: str) -> None:
    """The project file arrives remembering a hub, with syncing on (a teammate's file)."""
    with Store(db_path) as s:
        for key, value in (("hub_url", url), ("hub_annotator", "alice"), ("hub_sync", "on")):
            s.settings.set_setting(key, value)


def test_a_hub_that_came_with_the_file_is_asked_about_first(qtbot, hub, db_path):
    """Issue 29: the window does not sync with a URL the file brought until the person says
    so (it would send their password there); No stops this project's syncing; Yes syncs and
    is remembered for this machine."""
    from PySide6.QtWidgets import QMessageBox

    from annotator.core.hub import trust

    trust._path().unlink(missing_ok=True)
    url = hub.add("alice")
    make_project(db_path)
    _from_a_teammate(db_path, url)
    w = open_window(qtbot, db_path, "alice", wait_active=False)
    qtbot.waitUntil(lambda: w.hub.confirm_box is not None and w.hub.confirm_box.isVisible(), timeout=5000)
    assert safe_url(url) in w.hub.confirm_box.text() and "came with the project file" in w.hub.confirm_box.text()
    assert not w.hub.connected and hub.count("SELECT count(*) FROM hub.documents") == 0
    w.hub.confirm_box.button(QMessageBox.StandardButton.No).click()
    assert not w.hub.connected and not trust.is_chosen(url)
    w.close()
    again = open_window(qtbot, db_path, "alice")  # No stopped it: not asked again
    qtbot.wait(300)
    assert again.hub.confirm_box is None and not again.hub.connected
    again.close()

    _from_a_teammate(db_path, url)
    third = open_window(qtbot, db_path, "alice", wait_active=False)
    qtbot.waitUntil(lambda: third.hub.confirm_box is not None, timeout=5000)
    t = time.time()
    third.hub.confirm_box.button(QMessageBox.StandardButton.Yes).click()
    assert wait_synced(qtbot, third, t).report is not None and third.hub.connected
    assert trust.is_chosen(url) and hub.count("SELECT count(*) FROM hub.documents") == len(ARTICLES)


def test_a_file_url_naming_other_options_is_not_resumed(qtbot, hub, db_path):
    from annotator.core.hub import trust

    url = hub.add("alice")
    trust.choose(url)
    make_project(db_path)
    _from_a_teammate(db_path, f"{url}?hostaddr=127.0.0.1")
    w = open_window(qtbot, db_path, "alice")
    qtbot.wait(300)
    assert w.hub.confirm_box is None and not w.hub.connected


@pytest.mark.slow
def test_giving_back_from_the_window_returns_assignments_and_disconnects(qtbot, hub, tmp_path, db_path):
    """Team hub... → Give back my documents and disconnect: one last sync sends the decision
    made, the undecided assignments go back to the queue, the status bar says how many, and
    the window stops syncing (a decision after it syncs nothing)."""
    with Store(tmp_path / "lead.db") as lead:
        lead.documents.add_documents([(t, {}) for t in ARTICLES])
        sync(lead, hub.admin_url, batch=0)
    make_project(db_path, ARTICLES[:1])
    w = open_window(qtbot, db_path, "alice")
    result = connect(qtbot, w, hub.add("alice"))
    assigned = result.report.assigned
    assert assigned == len(ARTICLES) > 1
    w.open_document(w.project.store.sync.hub_assigned_ids()[0])
    assert w.accept()
    dialog = HubDialog(w.hub, w)
    qtbot.addWidget(dialog)
    assert dialog.give_back_button.isVisibleTo(dialog)
    dialog.give_back()
    qtbot.waitUntil(lambda: not w.hub.connected, timeout=WAIT_MS)
    assert hub.count("SELECT count(*) FROM hub.decisions WHERE annotator = 'alice'") == 1
    assert hub.count("SELECT count(*) FROM hub.assignments WHERE annotator = 'alice' AND state = 'assigned'") == 0
    assert f"Gave back {assigned - 1:,} undecided documents" in w.status.currentMessage()
    assert w.project.store.sync.hub_assigned_ids() == []
    w.open_document(len(ARTICLES))
    assert w.accept()
    qtbot.wait(3 * hub_sync.AFTER_DECISION_MS)  # when connected, a sync would start by now
    assert not w.hub.syncing and hub.count("SELECT count(*) FROM hub.decisions WHERE annotator = 'alice'") == 1
    after = HubDialog(w.hub, w)
    qtbot.addWidget(after)
    assert not after.give_back_button.isVisibleTo(after)  # not connected: nothing to give back
