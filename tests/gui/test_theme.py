"""Themes and text size (issue 28 §4): View -> Theme (System, Light, Dark, High contrast) for
the editor, span tags, lists, review and charts; Ctrl+= / Ctrl+- / Ctrl+0 for the text of the
editor and the review, remembered; the token cursor and selection visible on every label colour
in every theme. Screenshots of the four themes go to the tests' output (the `shots` fixture)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from annotator.core.text.model import SOURCE_GOLD, SOURCE_MODEL, Label, Span
from annotator.core.text.palette import contrast_ratio, palette
from annotator.gui.editor import span_style
from annotator.gui.settings import settings
from annotator.gui.theme import CHOICES, DARK, HIGH_CONTRAST, LIGHT, SYSTEM, THEMES, appearance
from annotator.paths import seeds_dir
from tests.gui.prefs import fresh_prefs  # noqa: F401 - fixture
from tests.gui.span_helpers import make_editor
from tests.gui.window_helpers import key, make_project, open_window

K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT_CTRL = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
TEXT = (seeds_dir() / "01_port_strike_begins.txt").read_text(encoding="utf-8")


def at(phrase: str) -> tuple[int, int]:
    start = TEXT.index(phrase)
    return start, start + len(phrase)


def _pixel(widget, x: float, y: float) -> QColor:
    image = widget.grab().toImage()
    ratio = image.devicePixelRatio()
    return QColor(image.pixel(QPoint(round(x * ratio), round(y * ratio))))


@pytest.mark.slow
@pytest.mark.parametrize("choice", [c for c, _ in CHOICES])
def test_each_theme_colours_the_window_and_is_photographed(qtbot, db_path: Path, shots: Path, choice: str,
                                                           fresh_prefs):  # noqa: F811
    make_project(db_path, [TEXT, "a second document."])
    w = open_window(qtbot, db_path)
    menu = next(m for m in w.findChildren(type(w.panels_menu)) if m.title() == "&Theme")
    action = next(a for a in menu.actions() if a.data() == choice)
    action.trigger()
    assert action.isChecked() and appearance().choice() == choice
    theme = THEMES[LIGHT if choice == SYSTEM else choice]  # offscreen: the desktop says nothing: light
    assert appearance().theme() is theme and settings().value("view/theme") == choice
    assert QApplication.instance().palette().color(QPalette.ColorRole.Window) == QColor(theme.window)
    # The active label's ring in the theme's ink (a dark ring vanished on the dark bar).
    assert f":checked {{ border-color: {theme.text}; }}" in w.label_bar.button("PERSON").styleSheet()
    w.editor.set_spans([Span(*at("halvard line"), "ORG", SOURCE_MODEL), Span(*at("belmouth"), "GPE"),
                        Span(*at("dockworkers"), "PERSON", SOURCE_GOLD)])
    key(qtbot, w, K.Key_Right, CTRL)  # into "walk"
    key(qtbot, w, K.Key_Right, SHIFT_CTRL)  # a keyboard selection: "walk out"
    # The overview panel draws in the theme's colours.
    overview = next(p for p in w.findChildren(object) if type(p).__name__ == "OverviewPanel")
    assert overview.chart_theme["background"] == (theme.editor if choice not in (SYSTEM, LIGHT) else "#ffffff")
    w.resize(1200, 760)
    qtbot.wait(50)
    assert w.grab().save(str(shots / f"theme-{choice}.png"))
    view = w.editor.text_edit()
    corner = _pixel(view.viewport(), view.viewport().width() - 6, view.viewport().height() - 6)
    assert corner == QColor(theme.editor)  # the article's background is the theme's


@pytest.mark.slow
def test_the_review_and_its_editors_follow_the_theme(qtbot, tmp_path: Path, shots: Path, fresh_prefs):  # noqa: F811
    from annotator.core.store import Store
    from annotator.gui.project import Project
    from annotator.gui.review.review_view import ReviewView

    with Store(tmp_path / "p.db") as store:
        (doc,), _ = store.documents.add_documents([(TEXT, {})])
        store.annotations.save_annotation(doc, "alice", "accept", [Span(*at("belmouth"), "GPE")])
        store.annotations.save_annotation(doc, "bob", "accept", [Span(*at("belmouth"), "LOC")])
    appearance().set_theme(DARK)
    view = ReviewView(Project(tmp_path / "p.db", "lead"), "lead")
    qtbot.addWidget(view)
    view.resize(1300, 800)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.listed, timeout=20000)  # listed off the GUI thread
    qtbot.wait(50)
    assert view.grab().save(str(shots / "theme-dark-review.png"))
    port = view.final.text_edit().viewport()
    assert _pixel(port, port.width() - 6, port.height() - 6) == QColor(THEMES[DARK].editor)
    appearance().set_text_points(20.0)  # Ctrl+= in the window: the review's editors follow
    for editor in [view.final, *view.annotator_editors().values()]:
        assert editor.text_edit().font().pointSizeF() == pytest.approx(20.0)


@pytest.mark.slow
def test_text_size_keys_change_editor_and_tags_and_are_remembered(qtbot, db_path: Path, shots: Path,
                                                                  fresh_prefs):  # noqa: F811
    make_project(db_path, [TEXT])
    w = open_window(qtbot, db_path)
    view = w.editor.text_edit()
    base = view.font().pointSizeF()
    tag = span_style.tag_height()
    key(qtbot, w, K.Key_Equal, CTRL)
    key(qtbot, w, K.Key_Equal, CTRL)
    assert view.font().pointSizeF() == pytest.approx(base + 3.0)
    assert view.document().defaultFont().pointSizeF() == pytest.approx(base + 3.0)
    assert span_style.tag_height() > tag  # the label tags follow
    assert float(settings().value("view/text_points")) == pytest.approx(base + 3.0)
    assert w.grab().save(str(shots / "text-bigger.png"))
    w.close()
    w2 = open_window(qtbot, db_path)  # remembered
    assert w2.editor.text_edit().font().pointSizeF() == pytest.approx(base + 3.0)
    key(qtbot, w2, K.Key_Minus, CTRL)
    assert w2.editor.text_edit().font().pointSizeF() == pytest.approx(base + 1.5)
    key(qtbot, w2, K.Key_0, CTRL)
    assert w2.editor.text_edit().font().pointSizeF() == pytest.approx(span_style.TEXT_POINT_SIZE)
    assert w2.editor.spans() == [] and w2.editor.active_label() == "PERSON"  # Ctrl+0 is not label key 0


@pytest.mark.slow
def test_the_long_document_editor_follows_the_text_size(qtbot, fresh_prefs):  # noqa: F811
    editor = make_editor(qtbot, 900, 500)
    text = "\n".join(" ".join(f"w{i}x{j}" for j in range(14)) for i in range(8000))
    editor.set_document(text, [Span(0, 4, "PERSON")])
    assert editor.outer_bar().isVisible()  # windowed
    editor.scroll_to_offset(60_000)
    top = editor.visible_spans() or None
    start = editor.offsets().start
    appearance().set_text_points(24.0)
    assert editor.text_edit().font().pointSizeF() == pytest.approx(24.0)
    assert editor.text_edit().document().defaultFont().pointSizeF() == pytest.approx(24.0)
    assert abs(editor.offsets().start - start) < 20_000 and top is None  # still around the same place
    assert editor.outer_bar().value() > 50_000


@pytest.mark.parametrize("choice", [LIGHT, DARK, HIGH_CONTRAST])
def test_cursor_and_selection_show_on_every_label_colour(qtbot, choice: str, fresh_prefs):  # noqa: F811
    appearance().set_theme(choice)
    theme = THEMES[choice]
    editor = make_editor(qtbot, 900, 600)
    colors = palette()
    labels = [Label(f"L{i}", c, None, i) for i, c in enumerate(colors)]
    editor.set_labels(labels)
    words = [f"word{i}" for i in range(len(colors))]
    text = "   ".join(words)
    spans, pos = [], 0
    for i, word in enumerate(words):
        spans.append(Span(pos, pos + len(word), f"L{i}"))
        pos += len(word) + 3
    editor.set_document(text, spans)
    view = editor.text_edit()
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow, timeout=5000)
    view.setFocus()
    qtbot.waitUntil(view.hasFocus, timeout=5000)  # the cursor is drawn while the text has the focus
    cursor = editor.token_cursor()
    for span in spans:
        cursor.place(span.start)
        view.viewport().repaint()
        rect = view.line_rects(*editor.offsets().range_to_qt(span.start, span.end))[0]
        fill = QColor(colors[spans.index(span)]).name()  # the span's colour (a sample could hit a letter)
        image = view.viewport().grab().toImage()
        ratio = image.devicePixelRatio()
        y = round(rect.center().y() * ratio)
        band = {QColor(image.pixel(QPoint(round(x * ratio), y))).name()  # the box's left edge: line and halo
                for x in (rect.left() - 7 + i * 0.5 for i in range(12))}
        assert max(contrast_ratio(c, fill) for c in band) >= 3.0, (choice, fill, band)  # WCAG 3:1 for graphics
        assert max(contrast_ratio(c, theme.editor) for c in band) >= 3.0, (choice, band)
    # A keyboard selection: a bar under the tokens, visible on each colour.
    cursor.place(spans[0].start)
    for _ in spans[1:]:
        cursor.extend(+1)
    view.viewport().repaint()
    for span in spans:
        rect = view.line_rects(*editor.offsets().range_to_qt(span.start, span.end))[0]
        bar = _pixel(view.viewport(), rect.center().x(), rect.bottom() + 1.5)
        assert contrast_ratio(bar.name(), colors[spans.index(span)]) >= 3.0 or \
            contrast_ratio(bar.name(), theme.editor) >= 3.0
