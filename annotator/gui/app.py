"""QApplication set-up and the entry point `run(db_path, annotator, model)`."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from annotator.core.errors import AnnotatorError
from annotator.paths import resource_path


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
    from annotator.gui.theme import appearance

    appearance().apply(force=True)  # the person's theme (View -> Theme) and text size
    # Workers (tokenizer, gold matcher, document list, a long document's spans) run Python
    # beside the GUI thread: let it have the GIL back within 1 ms, not 5, of asking.
    sys.setswitchinterval(0.001)
    return app


# Said in the status bar when the first-run name was not given (core/team/identity.py, rule 4).
NOT_NAMED = ("No name given: your work is signed {name}, your operating-system user name. "
             "File → Annotator name… sets yours; you will be asked again at the next start.")


def adopt_legacy_name() -> None:
    """Before names lived in the projects, the window kept one global name in Qt's settings:
    it becomes the first-run name, once, so nobody is asked again after an upgrade."""
    from annotator.core.team import identity
    from annotator.gui.settings import settings

    s = settings()
    legacy = s.value("annotator")
    if legacy is None:
        return
    if not identity.first_run_name() and isinstance(legacy, str) and legacy.strip():
        try:
            identity.set_first_run_name(legacy)
        except AnnotatorError:
            pass  # a name the rule refuses: the person is asked instead
    s.remove("annotator")


def needs_first_run_name(db_path: Path, annotator: str | None) -> bool:
    """No name given, none kept in the project for this person, no first-run name yet."""
    from annotator.core.team import identity
    from annotator.core.store import Store

    if (annotator and annotator.strip()) or identity.first_run_name():
        return False
    if not Path(db_path).is_file():
        return True
    try:
        with Store(db_path, readonly=True) as store:
            return identity.project_name(store) is None
    except AnnotatorError:
        return False  # opening the window says what is wrong with the file


def ask_first_run_name(db_path: Path, annotator: str | None) -> tuple[bool, str | None]:
    """Ask for the first-run name when nobody was ever named (core/team/identity.py). Returns
    (named, name to open the window with): named is False when the person cancelled (the
    window then opens as the operating-system user and says so)."""
    from annotator.core.team import identity
    from annotator.gui.dialogs import dialogs

    if not needs_first_run_name(db_path, annotator):
        return True, annotator
    asked = dialogs.ask_annotator_name(None, first_run=True)
    if not asked:
        return False, None
    try:
        identity.set_first_run_name(asked)
    except AnnotatorError:
        return True, asked  # the config folder is not writable: this project keeps the name
    return True, None


def build_window(db_path: Path, annotator: str | None, model: str | None):  # -> MainWindow
    from annotator.gui.main_window import MainWindow
    from annotator.gui.settings import remember_project

    window = MainWindow(db_path, annotator, model)
    remember_project(Path(db_path))
    return window


def model_choice(model: str | None) -> str | None:
    """--model as the window takes it: "none" (any case) or "" = no suggestions (""), None =
    the project's model, else the package or path given."""
    if model is not None and model.strip().lower() in ("", "none"):
        return ""
    return model


def open_window(db_path: Path, annotator: str | None, model: str | None):  # -> MainWindow | None
    """The window on a project, as whom core/team/identity.py says (asking the first-run name when
    nobody was ever named). None when the project cannot be opened (after saying why)."""
    from annotator.gui.dialogs import dialogs

    adopt_legacy_name()
    named, annotator = ask_first_run_name(db_path, annotator)
    try:
        window = build_window(db_path, annotator, model_choice(model))
    except AnnotatorError as exc:
        app = QApplication.instance()
        box = dialogs.show_message(None, "Cannot open project", str(exc))
        box.finished.connect(app.quit)
        app.exec()
        return None
    if not named:
        window.status.showMessage(NOT_NAMED.format(name=window.project.annotator))
    return window


def run(db_path: str | Path, annotator: str | None = None, model: str | None = None, *,
        quit_after_s: float | None = None) -> int:
    """Open the window on a project and run the event loop; returns the exit code.

    `model`: a spaCy package or path; None = the project's model (`annotator suggest
    --model` or the Model menu remember it) else the default; "none" or "" = no suggestions.
    `quit_after_s` closes the window after that long (smoke tests)."""
    app = create_app()
    window = open_window(Path(db_path), annotator, model)
    if window is None:
        return 1
    window.show()
    if quit_after_s is not None:
        QTimer.singleShot(int(quit_after_s * 1000), window, window.close)
    return app.exec()
