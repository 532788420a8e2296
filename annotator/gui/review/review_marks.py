"""How the review window marks agreement: each annotator's version in a read-only editor with
its spans underlined by kind (all agree / disputed / only theirs), in colours safe for
colour-blind readers and each with its own line style, and a legend."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from annotator.core.text.model import Span
from annotator.core.team.review import AGREE_ALL, AGREE_ONE, AGREE_SOME
from annotator.core.wording import count
from annotator.gui.editor.span_editor import SpanEditor
from annotator.gui.theme import LIGHT, appearance

# Okabe-Ito colours (safe for colour-blind readers), each with its own line style too.
AGREEMENT_STYLE: dict[str, tuple[str, Qt.PenStyle, str]] = {
    AGREE_ALL: ("#009E73", Qt.PenStyle.SolidLine, "all annotators agree"),
    AGREE_SOME: ("#D55E00", Qt.PenStyle.DashLine, "annotators disagree (label, boundaries or who has it)"),
    AGREE_ONE: ("#0072B2", Qt.PenStyle.DotLine, "only this annotator marked it"),
}
# The same hues, lighter, on the dark and high-contrast themes' black (gui/theme.py).
ON_DARK = {AGREE_ALL: "#35d6a4", AGREE_SOME: "#ff9a4d", AGREE_ONE: "#56b4e9"}
UNDERLINE_WIDTH = 3.0


def agreement_color(kind: str) -> str:
    return AGREEMENT_STYLE[kind][0] if appearance().theme().name == LIGHT else ON_DARK[kind]


def agreement_pen(kind: str) -> QPen:
    _, style, _ = AGREEMENT_STYLE[kind]
    pen = QPen(QColor(agreement_color(kind)), UNDERLINE_WIDTH, style)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    return pen


def install_agreement_marks(editor: SpanEditor, kinds: Callable[[], dict[Span, str]]) -> None:
    """Underline each span of `editor` in its agreement style, after the editor's own overlay."""
    view = editor.text_edit()
    base = view.overlay

    def overlay(painter: QPainter, rect: QRectF) -> None:
        if base is not None:
            base(painter, rect)
        marks = kinds()
        offsets = editor.offsets()
        for span in editor.visible_spans():  # only what is on screen: cheap with 10,000 spans
            kind = marks.get(Span(span.start, span.end, span.label))
            if kind is None:
                continue
            painter.setPen(agreement_pen(kind))
            for r in view.line_rects(*offsets.range_to_qt(span.start, span.end)):
                y = r.bottom() + UNDERLINE_WIDTH / 2 + 1.0
                painter.drawLine(r.left(), y, r.right(), y)

    view.overlay = overlay


class Legend(QWidget):
    """A sample underline and a sentence for each agreement kind."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(18)
        for kind in (AGREE_ALL, AGREE_SOME, AGREE_ONE):
            sample = _LineSample(kind, self)
            text = QLabel(AGREEMENT_STYLE[kind][2], self)
            text.setWordWrap(True)  # the window fits small screens
            row = QHBoxLayout()
            row.setSpacing(6)
            row.addWidget(sample)
            row.addWidget(text)
            layout.addLayout(row)
        layout.addStretch(1)


class _LineSample(QWidget):
    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setFixedSize(34, 14)

    def paintEvent(self, _event: Any) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setPen(agreement_pen(self.kind))
        y = self.height() / 2
        painter.drawLine(2, int(y), self.width() - 2, int(y))
        painter.end()


class AnnotatorRow(QWidget):
    """One annotator's version: a header naming them and a read-only SpanEditor."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.kinds: dict[Span, str] = {}
        self.header = QLabel(self)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.editor = SpanEditor(self)
        self.editor.set_read_only(True)
        self.editor.setObjectName(f"review-{name}")
        self.editor.text_edit().setAccessibleName(f"{name}'s version")
        install_agreement_marks(self.editor, lambda: self.kinds)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.header)
        layout.addWidget(self.editor, 1)

    def show_version(self, text: str, spans: list[Span], kinds: dict[Span, str]) -> None:
        self.kinds = kinds
        self.editor.set_document(text, spans)
        counts = {k: sum(1 for s in spans if kinds.get(Span(s.start, s.end, s.label)) == k)
                  for k in AGREEMENT_STYLE}
        parts = [f"<span style='color:{agreement_color(k)}'>{counts[k]} {word}</span>"
                 for k, word in ((AGREE_ALL, "agreed"), (AGREE_SOME, "disputed"),
                                 (AGREE_ONE, "only theirs"))]
        self.header.setText(f"<b>{self.name}</b> &nbsp;·&nbsp; {count(len(spans), 'span')}: "
                            + ", ".join(parts) + " &nbsp;<i>(click a span to copy it to the final version)</i>")

    def show_rejected(self, text: str) -> None:
        """The version of an annotator who rejected the document: no spans, and why."""
        self.kinds = {}
        self.editor.set_document(text, [])
        self.header.setText(f"<b>{self.name}</b> &nbsp;·&nbsp; <b>rejected</b> the document: it should "
                            "not be in the data (accept vs reject). Accepting a final version below "
                            "keeps it as reviewed gold.")
