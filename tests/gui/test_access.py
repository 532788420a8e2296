"""Screen readers and focus (issue 28 §5), and the label picker and palette button: every
control of the window and its dialogs has an accessible name and description (as QAccessible
reports them), Tab goes list -> label bar -> editor -> status, focus is always drawn, and `/`
chooses any label by name. Real key events through the real window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QWidget

from annotator.core.errors import DecodeError, UnknownFormat
from annotator.core.store import Store
from annotator.core.text.model import Span
from annotator.core.text.palette import first_set, palette_color
from annotator.gui.access import is_control
from tests.gui.window_helpers import key, make_project, open_window

K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier


def unnamed(root: QWidget) -> list[str]:
    """Visible controls under `root` (and root) without an accessible name or description."""
    missing = []
    for widget in [root, *root.findChildren(QWidget)]:
        if widget is not root and not (is_control(widget) and widget.isVisible()):
            continue
        face = QAccessible.queryAccessibleInterface(widget)
        name, description = face.text(QAccessible.Text.Name), face.text(QAccessible.Text.Description)
        if not name.strip() or not description.strip():
            missing.append(f"{type(widget).__name__} {widget.objectName()!r} name={name!r} description={description!r}")
    return missing


def test_every_control_of_the_window_has_a_name_and_description(qtbot, db_path: Path):
    make_project(db_path)
    w = open_window(qtbot, db_path)
    assert unnamed(w) == []
    face = QAccessible.queryAccessibleInterface(w.label_bar.button("ORG"))
    assert face.text(QAccessible.Text.Name) == "ORG"
    assert face.text(QAccessible.Text.Description) == "Label; key 2"
    assert "Active label" in w.label_bar.button("PERSON").accessibleDescription()
    view = QAccessible.queryAccessibleInterface(w.editor.text_edit())
    assert view.text(QAccessible.Text.Name) == "Text to label"
    assert view.text(QAccessible.Text.Description) == "Emmanuel"  # the cursor's token
    assert w.doc_panel.search.accessibleName() == "Search documents"
    assert w.doc_panel.filter.accessibleName() == "Status filter" and w.doc_panel.view.accessibleName() == "Documents"
    assert "Annotator: alice" in w.status.accessibleDescription()


def test_every_dialog_names_its_controls(qtbot, db_path: Path, tmp_path: Path):
    from annotator.gui.dialogs import dialogs, shortcuts_dialog
    from annotator.gui.dialogs.export_dialog import ExportDialog
    from annotator.gui.dialogs.import_fix import ImportFixDialog
    from annotator.gui.dialogs.patterns_dialog import PatternsDialog
    from annotator.gui.dialogs.train_dialog import TrainDialog
    from annotator.gui.hub.hub_dialog import HubDialog
    from annotator.gui.review.review_view import ReviewView

    make_project(db_path)
    with Store(db_path) as store:
        store.annotations.save_annotation(1, "bob", "accept", [Span(0, 8, "PERSON")])
    w = open_window(qtbot, db_path)
    made = [dialogs.LabelsDialog(w.project, w), shortcuts_dialog.ShortcutsEditor(w.project, w.label_bar, w),
            w.show_shortcuts(), w.label_bar.pick(),
            ExportDialog(db_path, "alice", QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), w),
            TrainDialog(db_path, "en_core_web_sm", "alice", parent=w), HubDialog(w.hub, w),
            ImportFixDialog([UnknownFormat(str(tmp_path / "a.xyz"), ".xyz", "unknown format"),
                             DecodeError(str(tmp_path / "b.txt"), 1, "not UTF-8", "cp1252")], w),
            ReviewView(w.project, "lead"), PatternsDialog(w.project, w.tasks, w)]
    for dialog in made:
        qtbot.addWidget(dialog) if dialog.parent() is None else None
        dialog.show()
        qtbot.waitExposed(dialog)
        assert unnamed(dialog) == [], type(dialog).__name__
        dialog.close()


def test_tab_goes_list_label_bar_editor_status_and_focus_shows(qtbot, db_path: Path):
    make_project(db_path)
    w = open_window(qtbot, db_path)
    panel = w.doc_panel
    panel.view.setFocus()
    qtbot.waitUntil(panel.view.hasFocus)
    order = []
    for _ in range(12):
        qtbot.keyClick(QApplication.focusWidget(), K.Key_Tab)
        order.append(QApplication.focusWidget())
    buttons = [w.label_bar.button(n) for n in w.label_bar.names()]
    assert order[:9] == buttons  # the list, then every label button
    assert order[9] is w.editor.text_edit() and order[10] is w.status  # the text, then the status
    assert order[11] is panel.search  # and round again: the list's search box
    for widget in (panel.view, buttons[2], w.editor.text_edit(), w.status, panel.search, panel.filter):
        w.activateWindow()
        widget.setFocus()
        qtbot.waitUntil(widget.hasFocus)
        focused = widget.grab().toImage()
        w.label_bar.setFocus() if widget is not w.label_bar else None
        w.editor.text_edit().setFocus() if widget is not w.editor.text_edit() else panel.view.setFocus()
        qtbot.waitUntil(lambda wd=widget: not wd.hasFocus())
        assert widget.grab().toImage() != focused, type(widget).__name__  # the focus is drawn


def test_a_click_on_a_label_button_leaves_the_keys_with_the_text(qtbot, db_path: Path):
    make_project(db_path)
    w = open_window(qtbot, db_path)
    qtbot.waitUntil(w.editor.text_edit().hasFocus)
    qtbot.mouseClick(w.label_bar.button("GPE"), Qt.MouseButton.LeftButton)
    assert w.editor.text_edit().hasFocus() and w.editor.active_label() == "GPE"
    key(qtbot, w, K.Key_Return)
    assert [(s.label, w.editor.text()[s.start:s.end]) for s in w.editor.spans()] == [("GPE", "Emmanuel")]


def test_slash_picks_any_label_by_name_even_past_the_keys(qtbot, db_path: Path):
    make_project(db_path)
    with Store(db_path) as store:
        for i in range(16):  # 25 labels: five have no key
            store.labels.add_label(f"EXTRA{i:02d}")
    w = open_window(qtbot, db_path)
    assert len(w.label_bar.names()) == 25 and len(w.label_bar.keys()) == 20
    assert "EXTRA15" not in w.label_bar.keys()
    key(qtbot, w, K.Key_Slash)
    picker = w.label_bar.picker
    qtbot.waitExposed(picker)
    qtbot.keyClicks(picker.filter, "tra1")
    assert [picker.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(picker.list.count())] == \
        [f"EXTRA1{i}" for i in range(6)]
    qtbot.keyClick(picker.filter, K.Key_Down)
    qtbot.keyClick(picker.filter, K.Key_Down)
    qtbot.keyClick(picker.filter, K.Key_Down)
    qtbot.keyClick(picker.filter, K.Key_Down)
    qtbot.keyClick(picker.filter, K.Key_Down)
    qtbot.keyClick(picker.filter, K.Key_Return)
    assert w.editor.active_label() == "EXTRA15" and not picker.isVisible()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    w.editor.text_edit().setFocus()
    key(qtbot, w, K.Key_Return)
    assert [s.label for s in w.editor.spans()] == ["EXTRA15"]
    key(qtbot, w, K.Key_Left, CTRL)  # into the new span: it counts as clicked
    key(qtbot, w, K.Key_Slash)
    picker = w.label_bar.picker
    qtbot.keyClicks(picker.filter, "org")
    qtbot.keyClick(picker.filter, K.Key_Return)  # relabels the selected span, as a label key would
    assert [s.label for s in w.editor.spans()] == ["ORG"] and w.editor.active_label() == "EXTRA15"


def test_existing_projects_keep_colours_and_the_labels_dialog_offers_the_palette(qtbot, db_path: Path):
    from annotator.gui.dialogs.dialogs import LabelsDialog

    make_project(db_path)
    old = {"PERSON": "#f4a6a6", "ORG": "#9fc5f8"}
    with Store(db_path) as store:
        for name, color in old.items():
            store.labels.set_label_color(name, color)  # as a project made before issue 28
    w = open_window(qtbot, db_path)
    assert {n: c for n, c in ((lb.name, lb.color) for lb in w.project.store.labels.all()) if n in old} == old
    dialog = LabelsDialog(w.project, w)
    dialog.show()
    dialog.buttons["Use the accessible palette"].click()
    colors = [label.color for label in w.project.store.labels.all()]
    assert colors == first_set() and colors[0] == palette_color(0)
    assert first_set()[0] in w.label_bar.button("PERSON").styleSheet()  # the window follows at once
    assert "#ee8866" in w.label_bar.button("PERSON").styleSheet()


@pytest.mark.parametrize("with_span", [False, True])
def test_delete_at_the_cursor(qtbot, db_path: Path, with_span: bool):
    make_project(db_path)
    w = open_window(qtbot, db_path)
    if with_span:
        key(qtbot, w, K.Key_Return)  # PERSON over "Emmanuel"; the cursor goes to "Macron"
        key(qtbot, w, K.Key_Left, CTRL)
    key(qtbot, w, K.Key_Delete)
    assert w.editor.spans() == []


def test_space_on_a_focused_label_button_chooses_it_and_skips_nothing(qtbot, db_path: Path):
    """Found by hand under X11: Tab to a label button, Space: the window's Space (skip) fired."""
    make_project(db_path)
    w = open_window(qtbot, db_path)
    w.project.add_label("PRODUCT")  # the buttons are made anew
    first = w.current_id
    button = w.label_bar.button("DATE")
    button.setFocus()
    qtbot.waitUntil(button.hasFocus)
    qtbot.keyClick(button, K.Key_Space)
    assert w.current_id == first and w.doc_model.status(first) == "new"  # not skipped
    assert w.editor.active_label() == "DATE" and w.label_bar.button("DATE").isChecked()
    combo = w.doc_panel.filter
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    qtbot.keyClick(combo, K.Key_Space)  # opens the choice, skips nothing
    assert w.current_id == first and w.doc_model.status(first) == "new"
    combo.hidePopup()
