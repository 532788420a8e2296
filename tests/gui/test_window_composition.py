"""The window shows learned ★ spans the model reads as part of a wider span (issue 23 §3),
with the real pipeline and the bundled samples."""

from __future__ import annotations

import re

import pytest

from annotator.core.project import ensure_seeded
from annotator.core.store import Store
from annotator.core.text.model import SOURCE_GOLD, Span
from tests.gui.window_helpers import open_window

PHRASE = "belmouth england halvard line"


@pytest.mark.slow
def test_the_second_sample_shows_all_three_learned_names(qtbot, db_path):
    with Store(db_path) as store:
        ensure_seeded(store)
        first, second = store.documents.document_ids()[:2]
        text = store.documents.get_document(first).text
        gold = sorted(Span(m.start(), m.end(), label) for phrase, label in
                      (("halvard line", "ORG"), ("belmouth", "GPE"), ("england", "GPE"))
                      for m in re.finditer(rf"\b{phrase}\b", text))
        store.annotations.save_annotation(first, "alice", "accept", gold)
    w = open_window(qtbot, db_path, model=None)  # the default model, as a person gets it
    assert w.current_id == second
    qtbot.waitUntil(lambda: w.project.model_key is not None and w.origin == "suggestions"
                    and any(s.source == "model" for s in w.editor.spans()), timeout=90000)
    text = w.editor.text()
    m = re.search(PHRASE, text)
    assert m is not None
    shown = [(text[s.start:s.end], s.label, s.source) for s in w.editor.spans() if m.start() <= s.start < m.end()]
    assert shown == [("belmouth", "GPE", SOURCE_GOLD), ("england", "GPE", SOURCE_GOLD),
                     ("halvard line", "ORG", SOURCE_GOLD)]
