"""SpanEditor rendering: colours, inline label tags, suggestion borders, the selection
outline, re-formatting only what changed, long documents, and the screenshot."""

from __future__ import annotations

import time
from collections import Counter

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QHelpEvent, QImage
from PySide6.QtWidgets import QApplication, QToolTip

from annotator.core.text.model import SOURCE_GOLD, SOURCE_MODEL, Span
from annotator.core.store import default_labels
from annotator.gui.editor import span_style
from annotator.gui.editor.span_editor import LONG_PARAGRAPH, display_text
from tests.gui.span_helpers import char_point, make_editor, u16

TEXT = ("Prime minister Hun Sen wrote to Donald Trump on Tuesday.\n"
        "The letter was shared in Phnom Penh and read in Washington by the FBI.")
COLORS = {label.name: QColor(label.color) for label in default_labels()}


def at(text: str, word: str) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


def viewport_image(editor) -> QImage:
    QApplication.processEvents()
    return editor.text_edit().viewport().grab().toImage()


def rects(editor, span: Span):
    text = editor.text()
    return editor.text_edit().line_rects(u16(text, span.start), u16(text, span.end))


def colours_in(image: QImage, x0: int, y0: int, x1: int, y1: int) -> Counter:
    out: Counter = Counter()
    for x in range(max(x0, 0), min(x1, image.width())):
        for y in range(max(y0, 0), min(y1, image.height())):
            out[image.pixelColor(x, y).name()] += 1
    return out


def close(a: QColor | str, b: QColor | str, tol: int = 6) -> bool:
    a, b = QColor(a), QColor(b)
    return all(abs(x - y) <= tol for x, y in zip(a.getRgb()[:3], b.getRgb()[:3]))


def test_confirmed_and_suggested_spans_have_distinct_fills(qtbot):
    editor = make_editor(qtbot)
    hun, trump = Span(*at(TEXT, "Hun Sen"), "PERSON"), Span(*at(TEXT, "Donald Trump"), "PERSON", SOURCE_MODEL)
    editor.set_document(TEXT, [hun, trump])
    image = viewport_image(editor)
    for span, fill in ((hun, COLORS["PERSON"]), (trump, span_style.lighter(COLORS["PERSON"]))):
        r = rects(editor, span)[0].toRect()
        common, _ = colours_in(image, r.left() + 3, r.top() + 3, r.right() - 3, r.bottom() - 3).most_common(1)[0]
        assert close(common, fill), (span, common, fill.name())


def test_label_tags_are_drawn_above_spans_only(qtbot):
    editor = make_editor(qtbot)
    fbi = Span(*at(TEXT, "FBI"), "ORG")
    editor.set_document(TEXT, [fbi])
    image = viewport_image(editor)
    gap = span_style.tag_height()
    r = rects(editor, fbi)[0]
    above = colours_in(image, int(r.left()) + 2, int(r.top() - gap), int(r.left()) + 30, int(r.top()) - 2)
    assert any(close(c, COLORS["ORG"]) for c in above), above.most_common(5)
    assert sum(n for c, n in above.items() if QColor(c).lightness() < 100) > 5  # the letters
    # Above a plain word of the same line: nothing but the background.
    plain = Span(*at(TEXT, "Washington"), "X")
    p = rects(editor, plain)[0]
    empty = colours_in(image, int(p.left()), int(p.top() - gap), int(p.right()), int(p.top()) - 2)
    assert set(empty) == {"#ffffff"}, empty.most_common(3)


def test_tag_marks_where_a_suggestion_came_from():
    assert span_style.tag_text(Span(0, 1, "GPE", SOURCE_GOLD)).startswith(span_style.GOLD_MARK)
    assert span_style.tag_text(Span(0, 1, "GPE", SOURCE_MODEL)).endswith(span_style.MODEL_MARK)
    assert span_style.tag_text(Span(0, 1, "GPE")) == "GPE"


def test_suggestions_get_a_border_and_selection_a_strong_outline(qtbot):
    editor = make_editor(qtbot)
    model = Span(*at(TEXT, "Phnom Penh"), "GPE", SOURCE_MODEL)
    confirmed = Span(*at(TEXT, "Washington"), "GPE")
    editor.set_document(TEXT, [model, confirmed])

    def edge_darkness(span: Span) -> int:
        image = viewport_image(editor)
        r = rects(editor, span)[0].toRect()
        # The top edge, right of where the tag sits (its bottom border touches the line).
        row = colours_in(image, r.right() - 40, r.top() - 3, r.right() - 4, r.top() + 2)
        # Darker than any palette colour (GPE's fill, #44bb99, has lightness 127).
        return sum(n for c, n in row.items() if QColor(c).lightness() < 100)

    assert edge_darkness(model) > 5  # dashed border
    assert edge_darkness(confirmed) == 0  # no border when confirmed
    editor.select_span(confirmed)
    assert edge_darkness(confirmed) > 20  # outline
    editor.select_span(None)
    assert edge_darkness(confirmed) == 0


def test_editing_reformats_only_the_edited_range(qtbot):
    editor = make_editor(qtbot)
    words = " ".join(f"word{i}" for i in range(3000))
    spans = [Span(*at(words, f" word{i} "), "ORG") for i in range(7, 3000, 7)]
    spans = [Span(sp.start + 1, sp.end - 1, "ORG") for sp in spans]
    editor.set_document(words, spans)
    changes = []
    editor.text_edit().document().contentsChange.connect(lambda pos, rem, add: changes.append((pos, rem, add)))
    s = words.index("word1500")
    new = editor.create_span_from_selection(s, s + 8)
    assert new is not None and changes
    replaced = [sp for sp in spans if sp.overlaps(new)]
    lo = min([new.start] + [sp.start for sp in replaced])
    hi = max([new.end] + [sp.end for sp in replaced])
    for pos, removed, added in changes:
        assert lo <= pos and pos + max(removed, added) <= hi, (pos, removed, added, lo, hi)
    changes.clear()
    editor.undo_stack().undo()
    assert all(lo <= pos and pos + max(r, a) <= hi for pos, r, a in changes)


def test_long_paragraph_is_displayed_in_pieces_with_identical_positions():
    words = " ".join(f"w{i}" for i in range(20000))  # ~130,000 chars, no line break
    spans = [Span(i, i + 5, "ORG") for i in range(0, len(words) - 10, 1000)]
    shown = display_text(words, spans)
    assert len(shown) == len(words)
    assert shown.count("\u2029") >= len(words) // (2 * LONG_PARAGRAPH)
    for i, (a, b) in enumerate(zip(words, shown)):
        assert a == b or (a == " " and b == "\u2029"), i
    for span in spans:
        assert "\u2029" not in shown[span.start:span.end]
    assert display_text("short\r\ntext") == "short \ntext"


def test_large_article_opens_and_edits_fast(qtbot):
    editor = make_editor(qtbot)
    words = [f"word{i}" for i in range(20000)]
    text = "\n".join(" ".join(words[i:i + 100]) for i in range(0, len(words), 100))
    spans = []
    pos = 0
    for w in words:
        if len(spans) < 2000 and len(w) % 2 == 0 and pos % 5 == 0:
            spans.append(Span(pos, pos + len(w), "PERSON", SOURCE_MODEL))
        pos += len(w) + 1
    t = time.perf_counter()
    editor.set_document(text, spans)
    editor.text_edit().viewport().repaint()
    assert time.perf_counter() - t < 5.0  # ~0.2 s on a laptop; the machine is shared
    mid = text.index("word10001")
    t = time.perf_counter()
    editor.create_span_from_selection(mid, mid + 9)
    editor.text_edit().viewport().repaint()
    assert time.perf_counter() - t < 1.0


def test_tooltip_names_label_and_source(qtbot):
    editor = make_editor(qtbot)
    trump = Span(*at(TEXT, "Donald Trump"), "PERSON", SOURCE_MODEL)
    editor.set_document(TEXT, [trump])
    viewport = editor.text_edit().viewport()
    point = char_point(editor, trump.start + 2)
    event = QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point))
    QApplication.sendEvent(viewport, event)
    assert "PERSON" in QToolTip.text() and "model" in QToolTip.text()
    QToolTip.hideText()


def test_screenshot_of_seed_article(qtbot, seed_text, shots):
    """Model suggestions, gold-learned suggestions, confirmed spans and a selected one."""
    editor = make_editor(qtbot, 980, 640)
    text = seed_text
    plan = [("hun sen", "PERSON", None), ("donald trump", "PERSON", SOURCE_MODEL),
            ("phnom penh", "GPE", SOURCE_MODEL), ("cambodia", "GPE", SOURCE_GOLD),
            ("cambodian", "NORP", None), ("tuesday", "DATE", None), ("wednesday", "DATE", SOURCE_GOLD),
            ("washington", "GPE", SOURCE_GOLD), ("southeast asian", "NORP", SOURCE_MODEL),
            ("united states", "GPE", None), ("oregon", "GPE", SOURCE_MODEL), ("fox news", "ORG", None),
            ("jeanine pirro", "PERSON", SOURCE_GOLD), ("fbi", "ORG", SOURCE_MODEL),
            ("34 years", "DATE", SOURCE_MODEL)]
    spans = []
    for needle, label, source in plan:
        start = text.find(f" {needle} ") + 1
        if start > 0 and not any(s.start < start + len(needle) and start < s.end for s in spans):
            spans.append(Span(start, start + len(needle), label, source))
    editor.set_document(text, spans)
    selected = next(s for s in spans if s.label == "ORG" and s.source is None)
    editor.select_span(selected)
    editor.text_edit().verticalScrollBar().setValue(0)
    assert len(spans) >= 12
    path = shots / "editor.png"
    QApplication.processEvents()
    assert editor.grab().save(str(path))
    assert path.stat().st_size > 10_000


def test_new_label_colours_are_applied(qtbot):
    from annotator.core.text.model import Label

    editor = make_editor(qtbot)
    hun = Span(*at(TEXT, "Hun Sen"), "PERSON")
    editor.set_document(TEXT, [hun])
    editor.set_labels([Label("PERSON", "#00ff00", "1")])
    r = rects(editor, hun)[0].toRect()
    image = viewport_image(editor)
    common, _ = colours_in(image, r.left() + 3, r.top() + 3, r.right() - 3, r.bottom() - 3).most_common(1)[0]
    assert close(common, "#00ff00")


def test_visible_spans_are_those_on_screen(qtbot):
    editor = make_editor(qtbot, 600, 300)
    text = "\n".join(f"Line {i} mentions Paris and London." for i in range(400))
    spans = [Span(*at(text, f"Line {i} "), "ORG") for i in range(0, 400, 3)]
    spans = [Span(s.start, s.end - 1, "ORG") for s in spans]
    editor.set_document(text, spans)
    qtbot.wait(100)  # let Qt finish laying the document out at the viewport's width
    top = editor.visible_spans()
    assert top and top[0] == spans[0] and len(top) < 20
    bar = editor.text_edit().verticalScrollBar()
    bar.setValue(bar.maximum())
    qtbot.wait(50)
    bottom = editor.visible_spans()
    assert bottom and bottom[-1] == spans[-1] and spans[0] not in bottom
