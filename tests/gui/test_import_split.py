"""The window's import offers `import --split` for a text over 1 MB: the person picks whole,
per paragraph or per sentence in a small question (its answer is given here, as a person
would click it), and the import runs in the background as usual."""

from __future__ import annotations

from pathlib import Path

from annotator.core.formats.splitting import LARGE_TEXT_BYTES
from annotator.gui import file_actions
from tests.gui.window_helpers import make_project, open_window


def _big_text(path: Path) -> int:
    paragraph = "Ada Lovelace met Charles Babbage in London. " * 40
    n = LARGE_TEXT_BYTES // len(paragraph) + 5
    path.write_text("\n\n".join(f"{i} {paragraph}" for i in range(n)), encoding="utf-8")
    return n


def test_a_large_text_is_imported_one_document_per_paragraph(qtbot, db_path, tmp_path, monkeypatch):
    make_project(db_path)
    w = open_window(qtbot, db_path)
    before = w.doc_model.total()
    big = tmp_path / "book.txt"
    n = _big_text(big)
    asked = []

    def answer(parent, title, label, items, current, editable):
        asked.append(label)
        return "One document per paragraph", True
    monkeypatch.setattr(file_actions.QInputDialog, "getItem", answer)
    assert file_actions.import_paths(w, w.project, w.tasks, [big]) is not None
    assert asked and "book.txt is 1.0 MB" in asked[0]
    qtbot.waitUntil(lambda: w.doc_model.total() == before + n, timeout=60000)
    metas = [d.meta["split"] for d in w.project.store.documents.iter_documents() if "split" in d.meta]
    assert sorted(m["index"] for m in metas) == list(range(n))


def test_small_files_are_not_asked_about_and_cancel_imports_nothing(qtbot, db_path, tmp_path, monkeypatch):
    make_project(db_path)
    w = open_window(qtbot, db_path)
    small = tmp_path / "a.txt"
    small.write_text("A short article about Nairobi.", encoding="utf-8")
    monkeypatch.setattr(file_actions.QInputDialog, "getItem", lambda *a: ("", False))
    assert file_actions.ask_split(w, [small]) is None  # no question for small texts
    big = tmp_path / "big.txt"
    _big_text(big)
    assert file_actions.import_paths(w, w.project, w.tasks, [big]) is None  # cancelled
    assert w.tasks.worker("import") is None
