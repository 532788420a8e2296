"""The window's import asks how to read a file instead of giving command-line advice: a
format for an unknown file type, an encoding for a file that is not UTF-8 (issue 13)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from annotator.core.store import Store
from annotator.gui import file_actions
from annotator.gui.dialogs.import_fix import ImportFixDialog
from tests.gui.window_helpers import make_project, open_window


def _dialog(w) -> ImportFixDialog | None:
    found = [d for d in w.findChildren(ImportFixDialog) if d.isVisible()]
    return found[0] if found else None


def test_unknown_type_and_latin1_are_asked_about_then_imported(qtbot, tmp_path):
    db = tmp_path / "p.db"
    make_project(db, ["One article already here."])
    w = open_window(qtbot, db)
    notes = tmp_path / "notes.xyz"
    notes.write_text("Plain notes from the field office in Belmouth.", encoding="utf-8")
    latin = tmp_path / "cafe.txt"
    latin.write_bytes("Le café de Zürich a fermé lundi à Genève.".encode("latin-1"))

    file_actions.import_paths(w, w.project, w.tasks, [notes, latin])
    qtbot.waitUntil(lambda: _dialog(w) is not None, timeout=20000)
    dialog = _dialog(w)
    text = dialog.findChild(type(dialog.layout().itemAt(0).widget())).text()
    assert "notes.xyz" in text and "cafe.txt" in text and "--" not in text  # no command-line advice
    assert not [b for b in w.findChildren(QMessageBox) if b.isVisible() and "--format" in b.text()]
    assert dialog.encoding_box.currentText() in ("cp1252", "latin-1", "iso-8859-15")  # what it looks like
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("txt"))
    assert dialog.groups() == [([notes], "txt", dialog.encoding()), ([latin], None, dialog.encoding())]
    dialog.accept()
    qtbot.waitUntil(lambda: w.doc_model.total() == 3, timeout=30000)
    qtbot.waitUntil(lambda: w.status.task("import") is None, timeout=30000)
    with Store(db) as s:
        texts = {s.documents.get_document(d).text for d in s.documents.document_ids()}
    assert "Le café de Zürich a fermé lundi à Genève." in texts
    assert "Plain notes from the field office in Belmouth." in texts
