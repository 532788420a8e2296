"""Benchmark the SpanEditor on a 100,000-word article with 10,000 spans.

The article is made inside the script by recombining the words of the bundled seed article
(fixed random seed), in two shapes: a line break every ~100 words (many paragraphs, the
usual case) and no line break at all (one giant paragraph, Qt's slow case). It prints, for
each, the time to open (set_document + first paint), the time until Qt's incremental
layout has finished with the longest single event-loop stall while it runs, and the time
of one edit (add, relabel, delete, undo, redo) including the repaint, all measured in this
run. A third run turns the display splitting off: the view holds a window of the text
(span_window.py), cut mid-paragraph then, so even one giant paragraph stays cheap.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_editor.py
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from annotator.core.text.model import SOURCE_GOLD, SOURCE_MODEL, Span  # noqa: E402
from annotator.core.store import default_labels  # noqa: E402
from annotator.gui.editor import display  # noqa: E402
from annotator.gui.editor.span_editor import SpanEditor  # noqa: E402
from annotator.paths import seeds_dir  # noqa: E402

WORDS = 100_000
SPANS = 10_000


def make_article(newlines: bool, seed: int = 7) -> tuple[str, list[Span]]:
    """100,000 seed words in random order; a span (1-2 words) on every 10th word."""
    rng = random.Random(seed)
    # The original AP sample (benchmarks/corpus.py SEED_ARTICLE): inputs stay as before.
    vocab = sorted(seeds_dir().glob("*_e3d8d37a0122517e.txt"))[0].read_text(encoding="utf-8").split()
    labels = [label.name for label in default_labels()]
    parts: list[str] = []
    spans: list[Span] = []
    pos = 0
    i = 0
    next_span = 3
    while i < WORDS:
        width = 2 if rng.random() < 0.3 else 1
        words = [rng.choice(vocab) for _ in range(min(width, WORDS - i))]
        piece = " ".join(words)
        if i >= next_span and len(spans) < SPANS:
            next_span += 10
            source = rng.choice([None, SOURCE_MODEL, SOURCE_GOLD])
            spans.append(Span(pos, pos + len(piece), rng.choice(labels), source))
        parts.append(piece)
        pos += len(piece)
        i += len(words)
        sep = "\n" if newlines and i // 100 != (i - len(words)) // 100 else " "
        if i < WORDS:
            parts.append(sep)
            pos += 1
    return "".join(parts), spans


def pump_until_laid_out(app: QApplication, editor: SpanEditor, limit_s: float = 120.0) -> tuple[float, float]:
    """Run the event loop until the document height stops growing.
    Returns (total seconds, longest single processEvents call)."""
    layout = editor.text_edit().document().documentLayout()
    t0 = time.perf_counter()
    longest = 0.0
    last_h, stable = -1.0, 0
    while time.perf_counter() - t0 < limit_s:
        a = time.perf_counter()
        app.processEvents()
        longest = max(longest, time.perf_counter() - a)
        h = layout.documentSize().height()
        stable = stable + 1 if h == last_h else 0
        last_h = h
        if stable >= 30:
            break
        time.sleep(0.002)
    return time.perf_counter() - t0, longest


def timed_edit(app: QApplication, editor: SpanEditor, action) -> float:
    t = time.perf_counter()
    action()
    editor.text_edit().viewport().repaint()
    app.processEvents()
    return time.perf_counter() - t


def run(app: QApplication, newlines: bool, split: bool = True, rounds: int = 10) -> None:
    text, spans = make_article(newlines)
    shape = "line break every ~100 words" if newlines else "no line breaks (one paragraph)"
    if not newlines:
        shape += (", shown as pieces of ~2,500 chars" if split
                  else ", held as ONE QTextDocument block (display splitting off, for comparison)")
    display.LONG_PARAGRAPH = 10_000 if split else 10**12
    print(f"\n== {len(text.split()):,} words, {len(text):,} chars, {len(spans):,} spans, {shape}")
    editor = SpanEditor()
    editor.resize(1000, 800)
    editor.set_labels(default_labels())
    editor.show()
    app.processEvents()

    t = time.perf_counter()
    editor.set_document(text, spans)
    t_set = time.perf_counter() - t
    editor.text_edit().viewport().repaint()
    t_open = time.perf_counter() - t
    print(f"open: set_document {t_set:.3f} s, + first paint = {t_open:.3f} s")
    total, longest = pump_until_laid_out(app, editor)
    print(f"background layout: done after {total:.2f} s, longest event-loop stall {longest * 1000:.0f} ms")

    # Edits in the middle of the text, where a spans list of 10,000 is split in two.
    mid = len(text) // 2
    editor.scroll_to_offset(mid)  # the view holds a window of the text around it
    app.processEvents()
    times: dict[str, list[float]] = {"add": [], "relabel": [], "delete": [], "undo": [], "redo": []}
    for k in range(rounds):
        at = text.index(" ", mid + k * 997) + 1
        stop = text.index(" ", at + 1)
        times["add"].append(timed_edit(app, editor, lambda at=at, stop=stop: editor.create_span_from_selection(at, stop)))
        times["relabel"].append(timed_edit(app, editor, lambda: editor.relabel_selected("ORG")))
        times["undo"].append(timed_edit(app, editor, editor.undo_stack().undo))
        times["redo"].append(timed_edit(app, editor, editor.undo_stack().redo))
        times["delete"].append(timed_edit(app, editor, editor.delete_selected))
    summary = ", ".join(f"{name} {statistics.median(v) * 1000:.1f} ms (max {max(v) * 1000:.1f})"
                        for name, v in times.items())
    print(f"per edit incl. repaint, median of {rounds}: {summary}")
    assert len(editor.spans()) <= len(spans) + 10
    editor.close()
    editor.deleteLater()
    app.processEvents()


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    run(app, newlines=True)
    run(app, newlines=False)
    run(app, newlines=False, split=False, rounds=3)


if __name__ == "__main__":
    main()
