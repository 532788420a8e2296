"""The pre-annotation child process, end to end (Qt-free): a project whose documents are all
pre-annotated already must still hear "Pre-annotated N/N" at once."""

from __future__ import annotations

import threading

import pytest

from annotator.core.learning.suggest import Suggester, suggest_documents
from annotator.core.store import Store
from annotator.jobs.suggest_process import Ahead, run_child


class Ctx:
    """What run_child sees of its worker: a stop flag and a progress sink."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.progress_calls: list[tuple[int, int, str]] = []

    def should_stop(self) -> bool:
        return self.stop.is_set()

    def progress(self, done: int, total: int, message: str = "") -> None:
        self.progress_calls.append((done, total, message))


@pytest.mark.slow
def test_all_cached_project_reports_done_at_once(db_path):
    with Store(db_path) as store:
        for text in ("Hun Sen met Donald Trump.", "Paris is in France.", "Apple hired Tim Cook."):
            store.documents.add_document(text)
        assert suggest_documents(store, Suggester().load()) == 3  # all cached before the window
    ctx = Ctx()
    guard = threading.Timer(120, ctx.stop.set)  # the bug: the child never reports; fail, not hang
    guard.start()
    events = []
    try:
        for event in run_child(ctx, db_path, None, Ahead()):
            events.append(event)
            if event[0] == "suggested":
                ctx.stop.set()
                break
    finally:
        guard.cancel()
    assert [e[0] for e in events] == ["located", "loaded", "suggested"]
    assert events[-1] == ("suggested", [])
    assert ctx.progress_calls == [(3, 3, "Pre-annotated")]
