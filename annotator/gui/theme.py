"""View -> Theme and the text size (issue 28 §4).

Themes: System (the default: light or dark as the desktop is, and following it when it
changes), Light, Dark and High contrast. A theme is a set of colours applied once, app-wide:
the Qt palette (dialogs, menus, lists, tables), the style sheet (resources/style.qss, a
template filled with these colours), what the span editors paint over their text (the token
cursor, selections: gui/editor/span_style.Look) and the overview's charts (chart_colors()).
Label colours never change with the theme: they are the project's, and their text is dark or
white by contrast (core/text/palette.py).

Text size: Ctrl+= / Ctrl+- / Ctrl+0 make the text of the span editors (the window's, the
long-document window, the review view's) bigger, smaller or the default; the label tags
follow. The theme and the size are the person's, saved in their Qt settings.
"""

from __future__ import annotations

import string
from dataclasses import asdict, dataclass
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QMenu, QWidget
from shiboken6 import Shiboken

from annotator.gui.editor import span_style
from annotator.gui.settings import settings
from annotator.paths import resource_path

SYSTEM, LIGHT, DARK, HIGH_CONTRAST = "system", "light", "dark", "high-contrast"
CHOICES = [(SYSTEM, "&System (follow the desktop)"), (LIGHT, "&Light"), (DARK, "&Dark"),
           (HIGH_CONTRAST, "&High contrast")]
TEXT_STEP = 1.5  # points per Ctrl+= / Ctrl+-


@dataclass(frozen=True)
class Theme:
    name: str
    window: str
    base: str  # lists, fields, the menu bar
    editor: str  # the article's background
    text: str
    muted: str
    status_text: str
    border: str
    border_strong: str
    header: str
    highlight: str  # a selected row
    highlight_text: str
    accent: str
    focus: str  # the focus border, on every control
    progress: str
    # The token cursor over a halo: one dark, one light, so that any colour under them has a
    # WCAG contrast of at least 3:1 with one of the two (tests/gui/test_theme.py checks every label colour).
    cursor: str
    halo: str
    selection: str  # a keyboard selection's tint (#aarrggbb)
    selected: str  # a selected span's outline
    link: str


THEMES: dict[str, Theme] = {
    LIGHT: Theme(LIGHT, window="#f6f7f9", base="#ffffff", editor="#ffffff", text="#1d1d1f", muted="#5f6b7a",
                 status_text="#3c4652", border="#dfe3e8", border_strong="#cfd6de", header="#f0f2f5",
                 highlight="#dce9f7", highlight_text="#1d1d1f", accent="#4a86c5", focus="#1a5fb4",
                 progress="#e8ecf0", cursor="#002b7f", halo="#ffffff", selection="#380b57d0", selected="#1a1a1a",
                 link="#0b57d0"),
    DARK: Theme(DARK, window="#1f2125", base="#2a2d32", editor="#1b1d20", text="#e8eaed", muted="#aab2bd",
                status_text="#d0d4da", border="#3a3f46", border_strong="#4f555d", header="#30343a",
                highlight="#36587c", highlight_text="#ffffff", accent="#6ea8e6", focus="#8ab4f8",
                progress="#3a3f46", cursor="#ffcc00", halo="#000000", selection="#50ffcc00", selected="#ffffff",
                link="#8ab4f8"),
    HIGH_CONTRAST: Theme(HIGH_CONTRAST, window="#000000", base="#000000", editor="#000000", text="#ffffff",
                         muted="#ffffff", status_text="#ffffff", border="#ffffff", border_strong="#ffffff",
                         header="#000000", highlight="#ffff00", highlight_text="#000000", accent="#00ffff",
                         focus="#ffff00", progress="#333333", cursor="#ffff00", halo="#000000",
                         selection="#60ffff00", selected="#ffffff", link="#00ffff"),
}


def system_theme() -> str:
    """Light or dark, as the desktop is (light when the platform does not say)."""
    hints = QGuiApplication.styleHints()
    return DARK if hints.colorScheme() == Qt.ColorScheme.Dark else LIGHT


def chart_colors(theme: Theme) -> dict[str, str]:
    """The overview charts' neutral colours for `theme` (core/report/charts.ChartColors)."""
    dark = theme.name != LIGHT
    return {"background": theme.editor if dark else "#ffffff", "ink": theme.text,
            "muted": theme.muted if dark else "#666666", "grid": theme.border if dark else "#eeeeee",
            "edge": theme.border_strong if dark else "#cccccc"}


def qt_palette(theme: Theme) -> QPalette:
    pal = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    for r, value in ((role.Window, theme.window), (role.WindowText, theme.text), (role.Base, theme.base),
                     (role.AlternateBase, theme.header), (role.Text, theme.text), (role.Button, theme.header),
                     (role.ButtonText, theme.text), (role.Highlight, theme.highlight),
                     (role.HighlightedText, theme.highlight_text), (role.ToolTipBase, theme.base),
                     (role.ToolTipText, theme.text), (role.PlaceholderText, theme.muted), (role.Link, theme.link),
                     (role.BrightText, theme.focus), (role.Light, theme.border_strong), (role.Mid, theme.border),
                     (role.Dark, theme.border_strong)):
        pal.setColor(r, QColor(value))
    for r in (role.Text, role.WindowText, role.ButtonText):
        pal.setColor(group.Disabled, r, QColor(theme.muted))
    return pal


def stylesheet(theme: Theme) -> str:
    """resources/style.qss with the theme's colours (empty if the file is missing)."""
    path = resource_path("style.qss")
    if not path.is_file():
        return ""
    return string.Template(path.read_text(encoding="utf-8")).safe_substitute(asdict(theme))


class Appearance(QObject):
    """The theme and text size in force (one per application: appearance())."""

    changed = Signal()  # after either changed and was applied

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        value = settings().value("view/theme")
        self._choice = value if value in THEMES or value == SYSTEM else SYSTEM
        try:
            points = float(settings().value("view/text_points") or span_style.TEXT_POINT_SIZE)
        except (TypeError, ValueError):
            points = span_style.TEXT_POINT_SIZE
        self._points = min(max(points, span_style.MIN_TEXT_POINTS), span_style.MAX_TEXT_POINTS)
        self._applied: tuple[str, float] | None = None
        QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _scheme: self._desktop_changed())

    # ---- what is in force ----------------------------------------------------------------------
    def choice(self) -> str:
        """What the person chose: system, light, dark or high-contrast."""
        return self._choice

    def theme(self) -> Theme:
        return THEMES[system_theme() if self._choice == SYSTEM else self._choice]

    def text_points(self) -> float:
        return self._points

    # ---- changes -----------------------------------------------------------------------------------
    def set_theme(self, choice: str) -> None:
        if choice != SYSTEM and choice not in THEMES:
            raise ValueError(f"unknown theme {choice!r}")
        self._choice = choice
        settings().setValue("view/theme", choice)
        self.apply()

    def set_text_points(self, points: float) -> None:
        self._points = min(max(points, span_style.MIN_TEXT_POINTS), span_style.MAX_TEXT_POINTS)
        settings().setValue("view/text_points", self._points)
        self.apply()

    def bigger(self) -> None:
        self.set_text_points(self._points + TEXT_STEP)

    def smaller(self) -> None:
        self.set_text_points(self._points - TEXT_STEP)

    def reset_size(self) -> None:
        self.set_text_points(span_style.TEXT_POINT_SIZE)

    def _desktop_changed(self) -> None:
        if self._choice == SYSTEM:
            self.apply()

    def apply(self, *, force: bool = False) -> None:
        """Put the theme and size in force everywhere (nothing to do if they already are)."""
        theme = self.theme()
        if not force and self._applied == (theme.name, self._points):
            return
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.setPalette(qt_palette(theme))
            app.setStyleSheet(stylesheet(theme))
        span_style.set_look(span_style.Look(QColor(theme.cursor), QColor(theme.halo), QColor(theme.selection),
                                            QColor(theme.selected), self._points))
        self._applied = (theme.name, self._points)
        self.changed.emit()

    # ---- the menu ------------------------------------------------------------------------------------
    def handlers(self) -> dict[str, Callable[[], Any]]:
        """The View menu's entries (gui/menus.py)."""
        return {"text_bigger": self.bigger, "text_smaller": self.smaller, "text_reset": self.reset_size}

    def theme_menu(self, parent: QWidget) -> QMenu:
        """View -> Theme: one checked choice."""
        menu = QMenu("&Theme", parent)
        group = QActionGroup(menu)
        for choice, text in CHOICES:
            action = QAction(text, menu, checkable=True)
            action.setData(choice)
            action.setChecked(choice == self._choice)
            action.triggered.connect(lambda _checked=False, c=choice: self.set_theme(c))
            group.addAction(action)
            menu.addAction(action)
        def follow() -> None:
            if Shiboken.isValid(group):
                for action in group.actions():
                    action.setChecked(action.data() == self._choice)

        self.changed.connect(follow)
        return menu


_APPEARANCE: list[Appearance] = []


def appearance() -> Appearance:
    """The application's appearance (made, from the person's settings, on first use)."""
    if not _APPEARANCE or not Shiboken.isValid(_APPEARANCE[0]):
        _APPEARANCE[:] = [Appearance()]
    return _APPEARANCE[0]
