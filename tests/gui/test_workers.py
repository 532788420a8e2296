"""Workers: results, progress, errors and cancellation reach the GUI thread as signals, and
the GUI thread keeps ticking while the real spaCy pipeline pre-annotates in a worker."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QElapsedTimer, QThread, QTimer

from annotator.core.errors import AnnotatorError
from annotator.core.store import Store
from annotator.jobs import tasks as jobs
from annotator.gui.workers import Worker, WorkerPool


def test_function_result_and_progress_arrive_on_the_gui_thread(qtbot):
    gui_thread = QThread.currentThread()
    seen_threads, progress = [], []

    def job(ctx, n):
        for i in range(n):
            ctx.progress(i + 1, n, "counting")
        return threading.get_ident()

    worker = Worker(job, 5)
    def on_progress_signal(done, total, message):  # the worker's Qt signal, not a core on_progress
        progress.append((done, total, message))
        seen_threads.append(QThread.currentThread())

    worker.progress.connect(on_progress_signal)
    with qtbot.waitSignal(worker.returned, timeout=5000) as blocker:
        worker.start()
    worker.wait()
    assert blocker.args[0] != threading.get_ident()  # ran elsewhere
    qtbot.waitUntil(lambda: progress and progress[-1] == (5, 5, "counting"))
    assert all(t is gui_thread for t in seen_threads)


def test_generator_values_are_emitted_in_order(qtbot):
    def job(ctx):
        for i in range(3):
            yield i
        return "done"

    worker = Worker(job)
    got = []
    worker.yielded.connect(got.append)
    with qtbot.waitSignal(worker.returned, timeout=5000) as blocker:
        worker.start()
    worker.wait()
    assert blocker.args == ["done"]
    qtbot.waitUntil(lambda: got == [0, 1, 2])


def test_errors_are_reported_not_raised(qtbot):
    def job(ctx):
        raise AnnotatorError("file.txt:3: bad record")

    worker = Worker(job)
    with qtbot.waitSignal(worker.errored, timeout=5000) as blocker:
        worker.start()
    worker.wait()
    assert str(blocker.args[0]) == "file.txt:3: bad record"


def test_stop_cancels_a_running_job_and_the_pool_waits(qtbot):
    started = threading.Event()

    def job(ctx):
        started.set()
        while True:
            ctx.check()
            time.sleep(0.01)

    pool = WorkerPool()
    worker = Worker(job)
    cancelled = []
    worker.cancelled.connect(lambda: cancelled.append(True))
    pool.start(worker)
    assert started.wait(5)
    assert pool.running() == [worker]
    t0 = time.monotonic()
    assert pool.stop_all(timeout_s=5)
    assert time.monotonic() - t0 < 1
    qtbot.waitUntil(lambda: cancelled == [True])
    qtbot.waitUntil(lambda: not pool.running())


def test_tokenize_job_gives_code_point_tokens(qtbot):
    worker = Worker(jobs.tokenize_job, 7, "Hi 😀 Paris.")
    with qtbot.waitSignal(worker.returned, timeout=30000) as blocker:
        worker.start()
    worker.wait()
    doc_id, index = blocker.args[0]  # a token index (lazy for a long text)
    assert doc_id == 7
    assert [(t.text, t.start, t.end) for t in index.tokens] == [
        ("Hi", 0, 2), ("😀", 3, 4), ("Paris", 5, 10), (".", 10, 11)]


def test_lookahead_orders_and_excludes():
    ahead = jobs.Lookahead()
    ahead.set([5, 3, 9, 1])
    assert ahead.take({3}, 2) == [5, 9]
    assert not ahead.wait_changed(0.01)
    ahead.set([1])
    assert ahead.wait_changed(0.01)


def _articles(seed_text: str, n: int) -> list[str]:
    """n distinct article-sized texts cut from the seed article."""
    words = seed_text.split()
    return [" ".join(words[i:i + 90]) + f" (part {i})" for i in range(n)]


@pytest.mark.slow
def test_event_loop_keeps_ticking_while_spacy_preannotates_200_documents(qtbot, db_path, seed_text):
    pytest.importorskip("annotator.core.learning.suggest")
    n = 200
    with Store(db_path) as s:
        ids, _ = s.documents.add_documents([(t, {}) for t in _articles(seed_text, n)])
    lookahead = jobs.Lookahead()
    lookahead.set(ids[:16])
    pool = WorkerPool()
    worker = Worker(jobs.suggest_job, db_path, None, lookahead)
    progress = []
    worker.progress.connect(lambda d, t, m: progress.append((d, t)))
    events = []
    worker.yielded.connect(events.append)
    errors = []
    worker.errored.connect(errors.append)

    gaps = []
    clock = QElapsedTimer()
    timer = QTimer()
    timer.setInterval(10)

    def tick():
        gaps.append(clock.restart())

    timer.timeout.connect(tick)
    clock.start()
    timer.start()
    t0 = time.perf_counter()
    pool.start(worker)
    try:
        qtbot.waitUntil(lambda: bool(errors) or (bool(progress) and progress[-1] == (n, n)),
                        timeout=180000)
    finally:
        elapsed = time.perf_counter() - t0
        timer.stop()
        pool.stop_all()
    assert not errors, errors
    assert events[0][0] == "located" and events[1][0] == "loaded"
    # The lookahead documents were done first.
    first_batches = [e[1] for e in events if e[0] == "suggested"][:2]
    assert sorted(first_batches[0] + first_batches[1]) == ids[:16]
    with Store(db_path) as s:
        assert len(s.suggestions.suggested_ids(events[1][1])) == n
    longest = max(gaps)
    print(f"\nlongest event-loop stall while loading the model and pre-annotating {n} documents: "
          f"{longest} ms (ticks: {len(gaps)}, {elapsed:.1f} s)")
    # The loop keeps turning: a count of its ticks, not a time (a model load on this thread
    # would leave a handful). The stall figure, on a quiet machine: benchmarks/bench_window.py.
    assert len(gaps) > 50, gaps
