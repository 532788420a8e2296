"""Hostile documents and labels through the real main window (pytest-qt, offscreen): drag a
span with the mouse, pick the label by key, accept with A; the project gets the exact
code-point spans, and markup in labels and text stays data."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt  # noqa: E402

from annotator.core.store import Store  # noqa: E402
from tests.gui.window_helpers import drag, key, open_window  # noqa: E402
from tests.reliability.cases import BY_NAME  # noqa: E402

# Cases whose spans lie on token boundaries (the window snaps drags to tokens) and read
# left to right (a pixel drag over right-to-left text selects by visual order).
DRAGGED = ["emoji-astral", "astral-letters", "combining-marks", "crlf", "lone-cr", "one-char"]
SHOWN_ONLY = ["html-like", "qt-rich-text", "control-chars", "rtl", "cjk-no-spaces", "zero-width"]
MARKUP_LABELS = ["<b>x</b>", "'; DROP TABLE documents; --", 'say "hi"\nnow']
KEYS = {"PERSON": Qt.Key.Key_1, "ORG": Qt.Key.Key_2, "GPE": Qt.Key.Key_3, "LOC": Qt.Key.Key_4}


@pytest.mark.slow
def test_window_labels_hostile_documents_exactly(qtbot, tmp_path):
    db = tmp_path / "w.db"
    with Store(db) as s:
        ids, _ = s.documents.add_documents([(BY_NAME[name].text, {"case": name}) for name in DRAGGED + SHOWN_ONLY])
        # Names with whitespace are refused since the label-name rule; a project made before it
        # (or by hand) can still hold them, and the window must show them as data.
        with s.transaction() as c:
            c.executemany("INSERT INTO labels (name, color, key, position) VALUES (?, '#cccccc', NULL, ?)",
                          [(name, 100 + n) for n, name in enumerate(MARKUP_LABELS)])
    window = open_window(qtbot, db, "alice", model="")
    # The markup labels are buttons like any other, their names kept as data.
    assert set(MARKUP_LABELS) <= set(window.label_bar.names())
    window.grab()
    expected: dict[int, tuple] = {}
    for doc_id, name in zip(ids, DRAGGED + SHOWN_ONLY):
        assert window.current_id == doc_id
        case = BY_NAME[name]
        assert window.editor.text() == case.text
        row_text = window.doc_model.data(window.doc_model.index(ids.index(doc_id)))
        assert str(doc_id) in row_text
        if name in DRAGGED:
            for span in case.spans:
                key(qtbot, window, KEYS[span.label])  # the label the next span gets
                drag(qtbot, window, span.start, span.end)
            shown = tuple((s.start, s.end, s.label) for s in window.editor.spans())
            assert {(s.start, s.end, s.label) for s in case.spans} <= set(shown), (name, shown)
            expected[doc_id] = shown
            key(qtbot, window, Qt.Key.Key_A)
        else:
            window.grab()  # paints the hostile text without raising
            key(qtbot, window, Qt.Key.Key_Space)  # skip
    with Store(db, readonly=True) as s:
        for doc_id, shown in expected.items():
            ann = s.annotations.get_annotation(doc_id, "alice")
            assert ann is not None and ann.answer == "accept"
            assert tuple((x.start, x.end, x.label) for x in ann.spans) == shown
            text = s.documents.get_document(doc_id).text
            case = BY_NAME[s.documents.get_document(doc_id).meta["case"]]
            assert [text[x.start:x.end] for x in case.spans] == [case.text[x.start:x.end] for x in case.spans]
        skipped = [d for d, n in zip(ids, DRAGGED + SHOWN_ONLY) if n in SHOWN_ONLY]
        assert all(s.annotations.get_annotation(d, "alice").answer == "ignore" for d in skipped[:-1])
        assert s.integrity_check() == "ok"
    window.close()


def test_doc_list_shows_markup_text_literally(qtbot, tmp_path):
    db = tmp_path / "w.db"
    html = BY_NAME["html-like"].text
    with Store(db) as s:
        s.documents.add_document(html)
    window = open_window(qtbot, db, "alice", model="")
    row = window.doc_model.data(window.doc_model.index(0))
    assert "<b>Ada</b>" in row  # the list's plain-text delegate shows it as typed
    assert window.header.textFormat() == Qt.TextFormat.PlainText
    window.close()
