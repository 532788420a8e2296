"""Child process for the GUI crash test: the real annotation window, offscreen, driven by
mouse drags and key presses as a person would, until it is killed.

Usage: python gui_worker.py DB ANNOTATOR [MAX_ACCEPTS]
For each document it picks a label with a number key, drags over a word, and presses A.
It prints, flushed, after the window has handled each step:
  draft DOC SPANS_JSON     a span was made (the window saves a draft on every edit)
  accept DOC SPANS_JSON    the document was accepted with these spans (on disk: a decision
                           kept while the file was busy is waited for)
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtGui import QTextCursor  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from annotator.gui.app import build_window, create_app  # noqa: E402

WORD = re.compile(r"(?<!\S)[A-Za-z]{3,}(?!\S)")  # whole alphabetic tokens
NUMBER_KEYS = [Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4]


def _point(view, qt_pos: int, right: bool) -> QPoint:
    cursor = QTextCursor(view.document())
    cursor.setPosition(qt_pos)
    rect = view.cursorRect(cursor)
    return QPoint(rect.left() - 1 if right else rect.left() + 1, rect.center().y())


def drag(window, start_cp: int, end_cp: int) -> None:
    view = window.editor.text_edit()
    offsets = window.editor.offsets()
    a = _point(view, offsets.to_qt(start_cp), right=False)
    b = _point(view, offsets.to_qt(end_cp), right=True)
    port = view.viewport()
    QTest.mousePress(port, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    QTest.mouseMove(port, b)
    QTest.mouseRelease(port, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)


def emit(kind: str, doc_id: int, spans) -> None:
    sys.stdout.write(f"{kind} {doc_id} {json.dumps([[s.start, s.end, s.label] for s in spans])}\n")
    sys.stdout.flush()


def main(db: str, annotator: str, max_accepts: str = "0") -> int:
    app = create_app([sys.argv[0]])
    window = build_window(Path(db), annotator, "")
    window.show()
    window.activateWindow()
    deadline = time.monotonic() + 10
    while not window.isActiveWindow() and time.monotonic() < deadline:
        app.processEvents()
    try:
        return drive(app, window, int(max_accepts))
    finally:
        window.close()  # stops the background threads before the process exits
        app.processEvents()


def drive(app, window, max_accepts: int) -> int:
    step = 0
    while window.current_id is not None:
        doc_id = window.current_id
        text = window.editor.text()
        words = list(WORD.finditer(text))
        word = words[step % len(words)]
        QTest.keyClick(window.editor.text_edit(), NUMBER_KEYS[step % 4])
        drag(window, word.start(), word.end())
        app.processEvents()
        spans = window.editor.spans()
        if not any(s.start == word.start() and s.end == word.end() for s in spans):
            sys.stderr.write(f"drag made no span on {word.group()!r}: {spans}\n")
            return 2
        emit("draft", doc_id, spans)
        QTest.keyClick(window.editor.text_edit(), Qt.Key.Key_A)
        app.processEvents()
        # Another program writing (an import) can hold the file past the window's 50 ms: the
        # decision is then kept and retried (gui/project.py) and the window stays on its
        # document until it is on disk, as a person sees it. Only then is staying "the last".
        deadline = time.monotonic() + 60
        while window.project.waiting_decision is not None and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
        last = window.current_id == doc_id  # the last document: the window stays on it
        emit("accept", doc_id, spans)
        if last or step + 1 == max_accepts:
            sys.stdout.write("finished\n")
            sys.stdout.flush()
            return 0
        step += 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
