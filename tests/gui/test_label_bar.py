"""The label bar: one coloured button per label with its key; the active one checked."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.core.text.model import Label
from annotator.core.text.labels import shortcut_keys as assign_keys
from annotator.gui.editor.label_bar import LabelBar, text_color_for


def _labels(n: int) -> list[Label]:
    keys = [str(i) for i in range(1, 10)] + ["0"]
    return [Label(f"L{i}", "#9fc5f8", keys[i] if i < 10 else None, i) for i in range(n)]


def test_buttons_show_name_key_and_colour(qtbot, store):
    bar = LabelBar()
    qtbot.addWidget(bar)
    bar.set_labels(store.labels.all())
    assert bar.names() == store.labels.label_names()
    person = bar.button("PERSON")
    assert person.text() == "PERSON  1"
    assert "#ee8866" in person.styleSheet()  # the accessible palette (core/text/palette.py)
    assert bar.active() == "PERSON" and person.isChecked()


def test_click_emits_and_set_active_checks_one(qtbot, store):
    bar = LabelBar()
    qtbot.addWidget(bar)
    bar.set_labels(store.labels.all())
    bar.show()
    with qtbot.waitSignal(bar.labelChosen) as blocker:
        qtbot.mouseClick(bar.button("GPE"), Qt.MouseButton.LeftButton)
    assert blocker.args == ["GPE"]
    bar.set_active("ORG")
    assert [n for n in bar.names() if bar.button(n).isChecked()] == ["ORG"]
    assert bar.label_for_key("3") == "GPE" and bar.label_for_key("z") is None


def test_keys_past_ten_labels_use_letters():
    keys = assign_keys(_labels(13))
    assert [keys[f"L{i}"] for i in range(13)] == list("1234567890qwe")


def test_clashing_or_missing_keys_get_the_next_free_one():
    labels = [Label("A", "#fff", "1"), Label("B", "#fff", "1"), Label("C", "#fff", None)]
    assert assign_keys(labels) == {"A": "1", "B": "2", "C": "3"}


def test_relabelling_keeps_active_when_labels_reload(qtbot, store):
    bar = LabelBar()
    qtbot.addWidget(bar)
    bar.set_labels(store.labels.all())
    bar.set_active("LOC")
    store.labels.add_label("PRODUCT")
    bar.set_labels(store.labels.all())
    assert bar.active() == "LOC" and bar.keys()["PRODUCT"] == "0"


def test_text_colour_reads_on_dark_and_light():
    assert text_color_for("#f4a6a6") == "#1d1d1f"
    assert text_color_for("#123456") == "#ffffff"


def test_many_labels_wrap_instead_of_widening_the_window(qtbot):
    bar = LabelBar()
    qtbot.addWidget(bar)
    bar.set_labels(_labels(19))
    one_row = bar.layout().heightForWidth(5000)
    assert bar.minimumSizeHint().width() < 200
    bar.resize(300, bar.layout().heightForWidth(300))
    bar.show()
    qtbot.waitExposed(bar)
    assert bar.layout().heightForWidth(300) > 2 * one_row
    tops = {bar.button(n).geometry().top() for n in bar.names()}
    assert len(tops) > 2  # several rows
    assert all(bar.button(n).geometry().right() <= 300 for n in bar.names())
