"""How spans look: text font, label colours, char formats and the overlay (tags, borders).

Kept apart from the widget logic so the review view can reuse the same look. A span's
background is a QTextCharFormat (laid out by Qt with the text); everything else - the label
tag above the span, dashed borders on unconfirmed suggestions, the selection outline - is
painted over the viewport for the visible spans only.
"""

from __future__ import annotations

import html
import math

from dataclasses import dataclass
from typing import Iterable, Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QPixmap, QTextCharFormat

from annotator.core.text.model import SOURCE_GOLD, SOURCE_MODEL, SOURCE_PATTERN, SOURCE_PROPAGATED, Label, Span
from annotator.core.text.palette import DARK_TEXT, text_color

TEXT_POINT_SIZE = 15.0  # the default; the person's size (View -> Bigger text) is text_points()
TAG_POINT_SIZE = 8.0  # at the default text size; tags grow and shrink with the text
MIN_TEXT_POINTS, MAX_TEXT_POINTS = 8.0, 40.0
FALLBACK_COLOR = "#d0d0d0"
SELECTED_PEN = QColor("#1a1a1a")  # the light theme's; the one in force is LOOK.selected
GOLD_MARK = "★"  # learned from gold, or propagated from the person's own span in this document
STARRED = (SOURCE_GOLD, SOURCE_PROPAGATED)  # suggestions drawn with the star (dotted border)
GOLD_MARK_COLOR = QColor("#b37400")
MODEL_MARK = "?"  # guessed by the statistical model
PATTERN_MARK = "◆"  # a match of the project's patterns or term lists
PATTERN_MARK_COLOR = QColor("#00796b")


@dataclass
class Look:
    """What the editors paint over the text, in the theme's colours (gui/theme.py sets them).
    Lines that must show on any label colour are drawn twice: a halo under the line."""

    cursor: QColor  # the token cursor's box and a keyboard selection's underline
    halo: QColor  # under the cursor, selection and selected-span lines
    selection: QColor  # a keyboard selection's fill (translucent)
    selected: QColor  # a selected span's outline
    text_points: float = TEXT_POINT_SIZE


LOOK = Look(QColor("#002b7f"), QColor("#ffffff"), QColor(11, 87, 208, 56), SELECTED_PEN)


def set_look(look: Look) -> None:
    """The theme's colours and the text size, for every editor painted from now on."""
    global LOOK
    look.text_points = min(max(look.text_points, MIN_TEXT_POINTS), MAX_TEXT_POINTS)
    LOOK = look
    _TAGS.clear()


def text_points() -> float:
    return LOOK.text_points


def text_font() -> QFont:
    """The article font: large sans serif, for long reading sessions, at the person's size."""
    font = QFont()
    font.setFamilies(["Noto Sans", "DejaVu Sans", "Segoe UI", "Helvetica Neue", "Arial"])
    font.setPointSizeF(LOOK.text_points)
    return font


def tag_font() -> QFont:
    font = QFont()
    font.setFamilies(["Noto Sans", "DejaVu Sans", "Segoe UI", "Helvetica Neue", "Arial"])
    font.setPointSizeF(max(6.0, TAG_POINT_SIZE * LOOK.text_points / TEXT_POINT_SIZE))
    font.setBold(True)
    return font


def tag_height() -> float:
    """Height of a label tag: the gap left above every line."""
    return QFontMetricsF(tag_font()).height() + 2.0


def lighter(color: QColor, amount: float = 0.55) -> QColor:
    """`color` mixed with white; unconfirmed suggestions get the paler version."""
    r, g, b = color.redF(), color.greenF(), color.blueF()
    return QColor.fromRgbF(r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


@dataclass
class Palette:
    """Label name -> colour, with a stable fallback for labels not in the project."""

    colors: dict[str, QColor]

    @classmethod
    def from_labels(cls, labels: Iterable[Label]) -> "Palette":
        out = {}
        for label in labels:
            color = QColor(label.color)
            out[label.name] = color if color.isValid() else QColor(FALLBACK_COLOR)
        return cls(out)

    def color(self, label: str) -> QColor:
        return self.colors.get(label) or QColor(FALLBACK_COLOR)

    def fill(self, span: Span) -> QColor:
        """Background of a span: full colour once confirmed, pale while only suggested."""
        color = self.color(span.label)
        return lighter(color) if span.source in (SOURCE_MODEL, SOURCE_PATTERN, *STARRED) else color

    def border(self, span: Span) -> QColor:
        return self.color(span.label).darker(190)


def span_format(base: QTextCharFormat, palette: Palette, span: Span) -> QTextCharFormat:
    """Char format of a span's text: the base format plus its background, and the text
    colour that reads on it (dark on the palette's colours, white on a dark one chosen)."""
    fmt = QTextCharFormat(base)
    fill = palette.fill(span)
    fmt.setBackground(fill)
    fmt.setForeground(QColor(text_color(fill.name())))
    return fmt


def tooltip(span: Span, text: str) -> str:
    where = {SOURCE_MODEL: "suggested by the model (not confirmed)",
             SOURCE_GOLD: "learned from gold annotations (not confirmed)",
             SOURCE_PROPAGATED: "you labelled the same words elsewhere in this document (not confirmed)",
             SOURCE_PATTERN: "matches one of the project's patterns (not confirmed; Model → Patterns…)"}.get(
                 span.source or "", "confirmed" if span.source is None else f"from {span.source}")
    # Qt shows a tooltip that looks like HTML as rich text: escape, so labels and text stay data.
    body = html.escape(f"{span.label}: {text[span.start:span.end]}")
    return f"<p style='white-space:pre-wrap'>{body}<br>{html.escape(where)}</p>"


def _border_pen(span: Span, color: QColor) -> QPen | None:
    if span.source == SOURCE_MODEL:
        pen = QPen(color, 1.4, Qt.PenStyle.DashLine)
        pen.setDashPattern([4.0, 2.5])
        return pen
    if span.source in STARRED:
        pen = QPen(color, 1.6, Qt.PenStyle.DotLine)
        return pen
    if span.source is not None:  # any other suggester
        return QPen(color, 1.2, Qt.PenStyle.DashDotLine)
    return None


def tag_text(span: Span) -> str:
    """The inline label: name, plus a mark saying where an unconfirmed suggestion came from."""
    if span.source in STARRED:
        return f"{GOLD_MARK} {span.label}"
    if span.source == SOURCE_PATTERN:
        return f"{PATTERN_MARK} {span.label}"
    if span.source is not None:
        return f"{span.label} {MODEL_MARK}"
    return span.label


def paint_spans(painter: QPainter, items: Sequence[tuple[Span, list[QRectF]]], palette: Palette,
                selected: Span | None, tags: bool = True, right: float | None = None) -> list[tuple[QRectF, Span]]:
    """Draw borders, selection outline and label tags for the visible spans.

    `items` are (span, rects) in document order, rects being the span's pieces per line in
    viewport coordinates. Tags sit in the gap above the line and are pushed right so that
    neighbours on one line never overlap; with `right` (the viewport's width) a line's tags
    that would cross it are moved back left, into the room before them, so none is cut off
    (they overlap only when a line holds more tags than fit across it). Returns where each
    tag went, so a click on a tag can select its span. tags=False leaves the tags out
    (borders and outline stay). A tag is drawn once per look (label, source, colours,
    selection) and then copied as a pixmap: a screen of 300 one-word spans paints in
    milliseconds, not a fifth of a second.
    """
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    th = tag_height()
    ratio = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
    lines: dict[int, list[list]] = {}  # line top -> its tags: [x, width, top, span, pixmap], left to right
    for span, rects in items:
        if not rects:
            continue
        border = palette.border(span)
        pen = _border_pen(span, border)
        is_selected = selected is not None and span.key() == selected.key()
        if pen is not None:
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for r in rects:
                painter.drawRoundedRect(r.adjusted(0.5, 0.5, -0.5, -0.5), 2.5, 2.5)
        if is_selected:  # the theme's outline over a halo: it shows on any colour around it
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for pen in (QPen(LOOK.halo, 5.0), QPen(LOOK.selected, 2.6)):
                painter.setPen(pen)
                for r in rects:
                    painter.drawRoundedRect(r.adjusted(-1.5, -1.0, 1.5, 1.0), 3.0, 3.0)
        if not tags:
            continue
        # The tag: above the first piece, in the line gap, right of the line's previous tag.
        first = rects[0]
        pix, width = _tag_pixmap(span, palette.fill(span), border, is_selected, th, ratio)
        line = lines.setdefault(round(first.top()), [])
        x = max(first.left(), line[-1][0] + line[-1][1] + 2.0) if line else first.left()
        line.append([x, width, first.top() - th - 1.0, span, pix])
    placed: list[tuple[QRectF, Span]] = []
    for line in lines.values():
        if right is not None:
            _fit_left_of(line, right - 2.0)
        for x, width, top, span, pix in line:
            tag = QRectF(x, top, width, th)
            placed.append((tag, span))
            painter.drawPixmap(QPointF(x - _PAD, top - _PAD), pix)
    return placed


def _fit_left_of(line: list[list], right: float) -> None:
    """Move a line's tags (x, width, ...) left, last first, until none ends past `right`."""
    limit = right
    for tag in reversed(line):
        if tag[0] + tag[1] <= limit:
            break  # this one and those before it fit already
        tag[0] = max(0.0, limit - tag[1])
        limit = tag[0] - 2.0


_PAD = 2.0  # around a tag's pixmap, for its antialiased border
_TAGS: dict[tuple[object, ...], tuple[QPixmap, float]] = {}


def _tag_pixmap(span: Span, fill: QColor, border: QColor, selected: bool, th: float,
                ratio: float) -> tuple[QPixmap, float]:
    """The tag of a span as a pixmap (cached by look), and its width."""
    label = tag_text(span)
    pen = _border_pen(span, border)
    key = (label, span.source, fill.rgba(), border.rgba(), selected, th, ratio, LOOK.selected.rgba())
    hit = _TAGS.get(key)
    if hit is not None:
        return hit
    font = tag_font()
    metrics = QFontMetricsF(font)
    width = metrics.horizontalAdvance(label) + 6.0
    pix = QPixmap(math.ceil((width + 2 * _PAD) * ratio), math.ceil((th + 2 * _PAD) * ratio))
    pix.setDevicePixelRatio(ratio)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    tag = QRectF(_PAD, _PAD, width, th)
    painter.setBrush(fill)
    tag_pen = QPen(border, 1.0)
    if pen is not None:
        tag_pen.setStyle(pen.style())
    if selected:
        tag_pen = QPen(LOOK.selected, 1.6)
    painter.setPen(tag_pen)
    painter.drawRoundedRect(tag, 3.0, 3.0)
    painter.setFont(font)
    dark_fill = text_color(fill.name()) != DARK_TEXT  # a dark colour someone chose: white ink
    ink = QColor("#ffffff") if dark_fill else QColor("#202020") if span.source is None else border.darker(130)
    if span.source in STARRED or span.source == SOURCE_PATTERN:
        # The star in amber (what was learned), the diamond in teal (a pattern), so they stand out.
        starred = span.source in STARRED
        mark = (GOLD_MARK if starred else PATTERN_MARK) + " "
        inner = tag.adjusted(3.0, 0, -3.0, 0)
        painter.setPen(GOLD_MARK_COLOR if starred else PATTERN_MARK_COLOR)
        painter.drawText(inner, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), mark)
        inner.setLeft(inner.left() + metrics.horizontalAdvance(mark))
        painter.setPen(ink)
        painter.drawText(inner, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), span.label)
    else:
        painter.setPen(ink)
        painter.drawText(tag, int(Qt.AlignmentFlag.AlignCenter), label)
    painter.end()
    if len(_TAGS) > 512:
        _TAGS.clear()
    _TAGS[key] = (pix, width)
    return pix, width


def contains(rects: Sequence[QRectF], point: QPointF) -> bool:
    return any(r.contains(point) for r in rects)
