"""Inside a 5 MB document (issue 16, the window part): a label edit and "label all
occurrences" never stall the window. The real MainWindow, offscreen, in a child process; the
event loop is watched as in bench_bigdocs.py (a 5 ms PreciseTimer; the longest gap between two
ticks is the longest the GUI thread was blocked).

    python benchmarks/bench_inside.py [--mb 5]

The document is bench_bigdocs' news-like words in paragraphs (20 words recurring, so the
labelled name occurs about 5 MB / 140 times: a name running through a whole book).
- label: a span on one "Babbage" (no span yet): the longest stall from the edit until its
  ★ suggestions arrived (a worker works them out: gui/editor/occurrences.py) + 1 s, and when they did.
- label all: Shift+label on it: every occurrence becomes the person's span (worker, one step).
- undo: the label-all step undone (on the GUI thread).
- label in a draft: a label edit in the same document with a draft of a span on every 15th
  word (52,000 of the person's spans: every other occurrence of them becomes a ★ at once).
Targets: every stall < 100 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson  # noqa: E402

from benchmarks.bench_bigdocs import WHO, Watch, big_text, pump, settle, window  # noqa: E402
from benchmarks.common import Result, command_line, peak_rss_mb, remove_db, workdir  # noqa: E402

STALL_MS = 100.0


def build(path: Path, mb: float) -> dict[str, int]:
    from annotator.core.store import Store
    from benchmarks.corpus import articles

    remove_db(path)
    text, spans = big_text(int(mb * 1_000_000), True)
    with Store(path) as store:
        ids, _ = store.documents.add_documents([(t, {}) for t in articles(4)] + [(text, {}), (text + " ", {})])
        store.drafts.save_draft(ids[0], WHO, [])
        store.drafts.save_draft(ids[-1], WHO, spans)
    return {"fresh": ids[-2], "draft": ids[-1], "draft_spans": len(spans)}


def _stars(w: Any) -> int:
    return sum(s.source == "propagated" for s in w.editor.spans())


def _every(seconds: float, check: Any) -> Any:
    """`check` at most every `seconds`: counting tens of thousands of spans on every pump
    would itself stall the GUI thread being measured."""
    last = [0.0]

    def throttled() -> bool:
        now = time.perf_counter()
        if now - last[0] < seconds:
            return False
        last[0] = now
        return bool(check())
    return throttled


def child(db: Path, fresh: int, draft: int) -> dict[str, Any]:
    from annotator.core.text.model import Span
    from annotator.gui import actions

    app, w = window(db)
    settle(app, w)
    out: dict[str, Any] = {}
    watch = Watch()

    def open_doc(doc_id: int) -> None:
        watch.enter("open")
        w.doc_panel.documentActivated.emit(doc_id)
        pump(app, 120, lambda: w.origin != actions.FROM_LOADING)
        pump(app, 1.0)

    def phase(name: str, act: Any, until: Any) -> None:
        watch.enter(name)
        t = time.perf_counter()
        print(f"phase {name}", file=sys.stderr, flush=True)
        act()
        pump(app, 300, _every(0.1, until))
        out[f"{name}_s"] = time.perf_counter() - t
        pump(app, 1.0)
        watch.enter("between")
        out[f"{name}_ms"] = watch.max[name] * 1000

    open_doc(fresh)
    text = w.editor.text()
    where = text.index("Babbage", len(text) // 2)
    w.editor.set_active_label("PERSON")
    phase("label", lambda: w.editor.create_span_from_selection(where, where + 7), lambda: _stars(w) > 0)
    out["stars"] = _stars(w)
    w.editor.select_span(Span(where, where + 7, "PERSON"))
    phase("label_all", lambda: w.occurrences.label_all("ORG"),
          lambda: _stars(w) == 0 and w.editor.undo_stack().count() == 2)
    out["labelled"] = sum(s.source is None for s in w.editor.spans())
    out["message"] = w.status.currentMessage()
    phase("undo", w.editor.undo_stack().undo, lambda: True)
    open_doc(draft)
    before = len(w.editor.spans())
    at = text.index("Engine", len(text) // 2)
    at = next(s for s in w.editor.spans() if s.start > at).end + 1  # a word after a span...
    at = text.index(" ", at) + 1  # ...and the next whole word, not yet a span
    end = text.index(" ", at)
    phase("label_draft", lambda: w.editor.create_span_from_selection(at, end),
          lambda: _stars(w) > 0)
    out["draft_spans_before"], out["draft_stars"] = before, _stars(w)
    out["peak_mb"] = peak_rss_mb()
    w.project.session.drafts.wait(60)
    w.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=3, help="window processes (the machine is shared: medians)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(orjson.dumps(child(Path(args.child[0]), int(args.child[1]), int(args.child[2]))).decode(), flush=True)
        return 0
    db = workdir() / "bench-inside.db"
    ids = build(db, args.mb)
    config = tempfile.TemporaryDirectory(prefix="bench-inside-")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=config.name, XDG_DATA_HOME=config.name)
    runs = []
    for _ in range(args.runs):
        got = subprocess.run([sys.executable, __file__, "--child", str(db), str(ids["fresh"]), str(ids["draft"])],
                             capture_output=True, text=True, env=env)
        if got.returncode != 0:
            raise SystemExit(f"failed:\n{got.stdout[-2000:]}\n{got.stderr[-4000:]}")
        runs.append(orjson.loads(got.stdout.strip().splitlines()[-1]))
    r = runs[0]
    result = Result("inside", command_line(), sizes={"mb": args.mb, "draft_spans": ids["draft_spans"], "runs": args.runs})
    for key, what, note in (
            ("label", "label edit: longest stall until its ★ arrived + 1 s",
             f"{r['stars']:,} ★ after {r['label_s']:.1f} s (worker; the first edit builds the document's token index)"),
            ("label_all", "Shift+label (label all): longest stall until done + 1 s",
             f"{r['labelled']:,} of the person's spans after {r['label_all_s']:.1f} s; \"{r['message']}\""),
            ("undo", "undo of label all: longest stall", ""),
            ("label_draft", f"label edit in a draft of {r['draft_spans_before']:,} spans: longest stall + 1 s",
             f"{r['draft_stars']:,} ★ (at most 2,000) after {r['label_draft_s']:.1f} s")):
        values = [run[f"{key}_ms"] for run in runs]
        value = statistics.median(values)
        result.add(f"{args.mb:g} MB: {what}", value, "ms", target=f"< {STALL_MS:.0f} ms", met=value < STALL_MS,
                   ratio=value / STALL_MS, note=f"median of {len(runs)} runs, worst {max(values):.0f} ms; 5 ms timer"
                   + (f"; {note}" if note else ""))
    result.add("peak RSS of the window process", max(run["peak_mb"] for run in runs), "MB", note="worst run")
    result.emit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
