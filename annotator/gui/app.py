"""QApplication set-up and the entry point `run(db_path, annotator, model)`."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from annotator.core.errors import AnnotatorError
from annotator.paths import resource_path


def stylesheet() -> str:
    """The light style sheet from resources (empty if missing: the app still works)."""
    path = resource_path("style.qss")
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def create_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication (reused if one exists, as under pytest-qt), styled."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("annotator")
    app.setOrganizationName("annotator")
    app.setApplicationDisplayName("Annotator")
    app.setWindowIcon(QIcon(str(resource_path("icons/annotator.svg"))))
    app.setStyle("Fusion")  # the same look on every platform; the QSS assumes it
    app.setStyleSheet(stylesheet())
    # Workers (tokenizer, gold matcher, document list, a long document's spans) run Python
    # beside the GUI thread: let it have the GIL back within 1 ms, not 5, of asking.
    sys.setswitchinterval(0.001)
    return app


def resolve_annotator(name: str | None, *, ask: bool = True) -> str | None:
    """The name given, else the remembered one, else asked once (default: the OS user)."""
    from annotator.gui.dialogs import dialogs
    from annotator.gui.settings import settings

    s = settings()
    if name:
        s.setValue("annotator", name)
        return name
    remembered = s.value("annotator")
    if isinstance(remembered, str) and remembered:
        return remembered
    if not ask:
        return dialogs.default_annotator()
    asked = dialogs.ask_annotator_name(None)
    if asked:
        s.setValue("annotator", asked)
    return asked


def build_window(db_path: Path, annotator: str, model: str | None):  # -> MainWindow
    from annotator.gui.main_window import MainWindow
    from annotator.gui.settings import remember_project

    window = MainWindow(db_path, annotator, model)
    remember_project(Path(db_path))
    return window


def run(db_path: str | Path, annotator: str | None = None, model: str | None = None, *,
        quit_after_s: float | None = None) -> int:
    """Open the window on a project and run the event loop; returns the exit code.

    `model`: a spaCy package or path; None = the project's model (`annotator suggest
    --model` or the Model menu remember it) else the default; "none" or "" = no suggestions.
    `quit_after_s` closes the window after that long (smoke tests)."""
    from annotator.gui.dialogs import dialogs

    app = create_app()
    name = resolve_annotator(annotator)
    if not name:
        return 1
    if model is not None and model.strip().lower() in ("", "none"):
        model = ""
    try:
        window = build_window(Path(db_path), name, model)
    except AnnotatorError as exc:
        box = dialogs.show_message(None, "Cannot open project", str(exc))
        box.finished.connect(app.quit)
        app.exec()
        return 1
    window.show()
    if quit_after_s is not None:
        QTimer.singleShot(int(quit_after_s * 1000), window.close)
    return app.exec()
