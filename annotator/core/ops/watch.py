"""Other writers: what other connections wrote to the project, as Changes.

The window keeps one ChangeWatcher on its own connection and polls it on a timer. A poll is
one `PRAGMA data_version` (SQLite's count of commits by *other* connections; a few
microseconds): unchanged, nothing happened. Changed, the watcher reads the change log
(core/store/sync_state.py read_change_log) after its watermark: the largest log rev and
document id it has seen. Another process (the command line, a second window, a merge or a
sync run outside), and the window's own workers, which write on connections of their own,
are all seen this way; a teammate's sync then reaches the views as Changes for the very
documents it brought.

Writes on the watcher's own connection do not move data_version. After each of them the
window calls own_write(): if nobody else committed since the last look, the watermark moves
past them, so the window's own decisions are not announced a second time. If someone did,
the watermark stays, and the next poll announces theirs and ours together (a view rereads
a row for nothing, never misses one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.core.ops.changes import BY_ELSEWHERE, Changes, changes_after

if TYPE_CHECKING:
    from annotator.core.store import Store


class ChangeWatcher:
    """Watches one project through `store`'s connection (used on that connection's thread)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._version = store.data_version()
        self._rev, self._doc = store.sync.change_mark()
        self.reads = 0  # polls that read the change log (tests count them)

    def poll(self, by: str = BY_ELSEWHERE) -> Changes:
        """What other connections wrote since the last look (empty Changes: nothing)."""
        version = self.store.data_version()
        if version == self._version:
            return Changes(by=by)
        self._version = version  # read before the log: a commit after it is seen next time
        return self._read(by)

    def read_now(self, by: str) -> Changes:
        """Read the log whatever data_version says (a worker of ours just finished)."""
        self._version = self.store.data_version()
        return self._read(by)

    def own_write(self) -> None:
        """A write on the watcher's own connection was announced already: skip it, if only
        this connection wrote since the last look."""
        rev, doc = self.store.sync.change_mark()
        if self.store.data_version() == self._version:
            self._rev, self._doc = max(self._rev, rev), max(self._doc, doc)

    def _read(self, by: str) -> Changes:
        self.reads += 1
        changes, (self._rev, self._doc) = changes_after(self.store, self._rev, self._doc, by)
        return changes
