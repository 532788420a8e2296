"""The window's link to the team hub (issue 12): syncs in the background, never on the GUI
thread, and says how it went in the status bar.

Rules (also in the README's "Team hub" section):
- File -> Team hub... connects as the window's annotator (hub_dialog.py). The password stays
  in this object's memory (and in the OS keyring if the person asks); never in the project
  file or the settings. The project remembers the URL (core/hub), and that the window syncs
  it: the next window on this project resumes syncing at once (password from the keyring,
  ~/.pgpass or PGPASSWORD), unless the person disconnected.
- A sync runs every minute and a few seconds after the last decision (a burst of decisions
  is one sync), one at a time: a sync asked for while one runs follows it.
- Each sync is hub_sync_job (annotator/jobs/tasks.py) on its own Store through the window's
  TaskRunner. What it brings is announced by the Project (Project.synced), so every view
  refreshes itself.
- Status: "synced 12 s ago"; "offline: 5 decisions waiting" when the hub cannot be reached
  (work goes on locally and the next sync pushes it); else the hub's error. A warning of the
  sync (an unencrypted connection to another machine) is in the status's tooltip.
- A URL that came with the project file (resume) is used only once the person chose that hub
  on this machine (core/hub/trust.py): typed in File -> Team hub..., given to `annotator
  sync URL`, or confirmed here. The window asks once, without blocking (confirm_box); No
  stops this project's syncing, as Disconnect does.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.core.errors import AnnotatorError
from annotator.core.settings import HUB_ANNOTATOR, HUB_SYNC, HUB_URL, settings
from annotator.core.wording import count
from annotator.gui.project import Project
from annotator.gui.status import ElidedLabel
from annotator.gui.tasks import TaskRunner
from annotator.jobs import tasks as jobs
from annotator.jobs.tasks import HubSyncResult

INTERVAL_MS = 60_000
AFTER_DECISION_MS = 3_000
CLOCK_MS = 5_000  # how often "synced N s ago" is redrawn


def ago(seconds: float) -> str:
    """'12 s', '3 min', '2 h' for "synced ... ago"."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"


def status_text(result: HubSyncResult | None, syncing: bool, now: float) -> str:
    """The status bar's words for the hub: the last sync's outcome (and 'syncing…' while one runs)."""
    if result is None:
        return "Hub: syncing…" if syncing else "Hub: connecting…"
    if result.offline:
        text = f"Hub offline: {count(result.pending, 'decision')} waiting"
    elif result.error:
        text = f"Hub error: {result.error}"
    else:
        text = f"Hub: synced {ago(now - result.finished)} ago"
        if result.pending:
            text += f", {count(result.pending, 'decision')} waiting"
    return text + (" · syncing…" if syncing else "")


class HubSync(QObject):
    """Connects the window's project to a hub and keeps them in sync. stateChanged() after
    every change of what status_text() shows."""

    stateChanged = Signal()
    message = Signal(str)  # a line for the status bar (what giving back did)

    def __init__(self, project: Project, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project, self.tasks = project, tasks
        self.url: str | None = None
        self._target: tuple[Any, ...] | None = None  # (project path, annotator) synced
        self._password: str | None = None
        self._remember = False
        self.result: HubSyncResult | None = None
        self.syncing = False
        self._from_file = False  # the URL is the project file's (chosen on this machine)
        self.confirm_box: QMessageBox | None = None
        self._again = False
        self._give_back = False  # the next sync gives the assignments back, then disconnects
        self._timer = QTimer(self, interval=INTERVAL_MS)
        self._timer.timeout.connect(self.sync_now)
        self._debounce = QTimer(self, singleShot=True, interval=AFTER_DECISION_MS)
        self._debounce.timeout.connect(self.sync_now)
        project.decisionSaved.connect(lambda *_a: self._decided())
        project.opened.connect(self.resume)
        project.annotatorChanged.connect(lambda _name: self.resume())

    @property
    def connected(self) -> bool:
        return self.url is not None

    def connect_to(self, url: str, password: str | None = None, remember: bool = False, *,
                   from_file: bool = False) -> None:
        """Sync with the hub at `url` as the window's annotator from now on (checked with
        core.hub.sync.check_target first: a HubError says what to change). from_file: the
        project's own URL, which the person chose on this machine (resume)."""
        from annotator.core.hub import trust
        from annotator.core.hub.sync import check_target

        self.url = check_target(url, self.project.annotator, from_file=from_file)
        if not from_file:
            trust.choose(url)  # typed: the person's choice
        self._from_file = from_file
        self._target = (self.project.path, self.project.annotator)
        self._password, self._remember = password or None, remember
        self.result = None
        self._remember_on(True)
        self._timer.start()
        self.sync_now()

    def disconnect_hub(self) -> None:
        """Stop syncing (the project keeps everything; the next window does not resume)."""
        self._give_back = False
        self._stop()
        self._remember_on(False)
        self.stateChanged.emit()

    def give_back_and_disconnect(self) -> None:
        """Stopping for the day: one last sync sends your work and returns your undecided
        assignments to the hub's queue (`annotator sync --give-back`), then the window
        disconnects. If that sync fails (offline), the window stays connected and says why."""
        if not self.connected:
            return
        self._give_back = True
        self._timer.stop()  # no timed sync may take new assignments meanwhile
        self.sync_now()

    def resume(self) -> None:
        """At open (and after a switch of project or annotator): sync again with the hub this
        project remembers, if the window synced it for this annotator."""
        store, annotator = self.project.store, self.project.annotator
        if self._target == (self.project.path, annotator):
            return  # already syncing it (connected before the window's first tick)
        self._stop()
        remembered = settings(store)
        url = remembered.get(HUB_URL)
        if url and remembered.get(HUB_SYNC) and remembered.get(HUB_ANNOTATOR) == annotator:
            from annotator.core.hub import trust
            from annotator.core.hub.sync import check_target

            try:
                check_target(url, annotator, from_file=True)
                if trust.is_chosen(url):
                    self.connect_to(url, from_file=True)
                else:
                    self._confirm(url)
            except AnnotatorError:
                pass  # a URL or name the hub refuses: File -> Team hub... says why
        self.stateChanged.emit()

    def _confirm(self, url: str) -> None:
        """Ask (without blocking) whether to sync with a hub that came with the project file."""
        from annotator.core.hub.connection import safe_url

        parent = self.parent()
        box = QMessageBox(QMessageBox.Icon.Question, "Team hub",
                          f"This project syncs with the team hub {safe_url(url)} as {self.project.annotator}."
                          "\n\nThat address came with the project file. Syncing sends your password for "
                          "it (from the OS keyring, ~/.pgpass or PGPASSWORD) to that server. "
                          "Sync with it?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                          parent if isinstance(parent, QWidget) else None)
        box.setObjectName("hubConfirm")
        target = (self.project.path, self.project.annotator)
        box.finished.connect(lambda _r: self._answered(box, url, target))
        self.confirm_box = box
        box.open()

    def _answered(self, box: QMessageBox, url: str, target: tuple[Any, ...]) -> None:
        self.confirm_box = None
        if target != (self.project.path, self.project.annotator) or self.connected:
            return  # another project or annotator since
        if box.clickedButton() is box.button(QMessageBox.StandardButton.Yes):
            from annotator.core.hub import trust

            trust.choose(url)
            try:
                self.connect_to(url, from_file=True)
            except AnnotatorError:
                pass
        else:
            self._remember_on(False)  # as Disconnect: the next window does not ask again
        self.stateChanged.emit()

    def stop(self) -> None:
        """The window closes: no more syncs (a running one ends with the TaskRunner's workers)."""
        self._stop()

    def _stop(self) -> None:
        self.url, self._password, self._remember, self.result = None, None, False, None
        self._target: tuple[Any, ...] | None = None
        self._timer.stop()
        self._debounce.stop()
        self._again = False

    def _remember_on(self, on: bool) -> None:
        try:
            self.project.remember_hub_sync(on)
        except AnnotatorError:
            pass  # the file is busy: the window just will not resume by itself next time

    def _decided(self) -> None:
        if self.connected:
            self._debounce.start()

    def sync_now(self) -> None:
        if not self.connected:
            return
        if self.syncing:
            self._again = True
            return
        self.syncing = True
        self._debounce.stop()
        annotator, url, give_back = self.project.annotator, self.url, self._give_back

        def returned(result: HubSyncResult) -> None:
            if url != self.url or annotator != self.project.annotator:
                return  # disconnected or switched meanwhile
            self.result = result
            if result.report is not None:
                self._remember = False  # the keyring has it (or said why not)
                self.project.check_changes(by="sync")  # what it brought, read from the change log
                if give_back:
                    self.disconnect_hub()
                    n = result.report.released or 0
                    self.message.emit(f"Gave back {n:,} undecided document{'s' * (n != 1)} to the team's "
                                      "queue; this window no longer syncs with the hub")
            elif give_back:  # offline or refused: still connected, the status bar says why
                self._give_back = False
                self._timer.start()

        def failed(exc: BaseException) -> None:
            if give_back:
                self._give_back = False
                self._timer.start()
            if url == self.url:
                self.result = HubSyncResult(None, str(exc) or type(exc).__name__, False,
                                            self.result.pending if self.result else 0, time.time())

        self.tasks.run(jobs.hub_sync_job, self.project.path, url, annotator, self._password, self._remember,
                       self._from_file, give_back, name="hub sync", on_returned=returned, on_error=failed,
                       on_finished=self._finished)
        self.stateChanged.emit()

    def _finished(self) -> None:
        self.syncing = False
        self.stateChanged.emit()
        if self._again:
            self._again = False
            self.sync_now()

    def text(self) -> str:
        return status_text(self.result, self.syncing, time.time())


class HubStatusLabel(ElidedLabel):
    """The hub's part of the status bar; hidden when the window syncs with no hub."""

    def __init__(self, hub: HubSync, parent: Any = None) -> None:
        super().__init__("", parent, max_chars=40)
        self.setObjectName("hubStatus")
        self.hub = hub
        self._clock = QTimer(self, interval=CLOCK_MS)
        self._clock.timeout.connect(self.refresh)
        hub.stateChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        shown = self.hub.connected
        if shown:
            self.setText(self.hub.text())
            if self.hub.result is not None and self.hub.result.note:
                self.setToolTip(f"{self.text()}\n{self.hub.result.note}")
        self.setVisible(shown)
        if shown and not self._clock.isActive():
            self._clock.start()
        elif not shown:
            self._clock.stop()
