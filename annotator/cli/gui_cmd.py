"""`annotator gui`: open the annotation window. Qt is imported only inside the command."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from annotator.cli.common import db_option, resolve_db, user_errors
from annotator.core.learning.suggest import default_model_name
from annotator.core.wording import count


def display_available() -> bool:
    """False on Linux/BSD without a display server and no Qt platform chosen: Qt would abort."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def describe_project(path: Path) -> str:
    """'PATH (N documents)' without creating or changing anything."""
    if not path.exists():
        return f"{path} (a new project)"
    from annotator.core.store import Store

    with user_errors():
        with Store(path, readonly=True) as store:
            n = store.documents.count_documents()
    return f"{path} ({count(n, 'document')})"


@click.command(short_help="Open the annotation window.")
@db_option
@click.option("--annotator", "annotator", default=None,
              help="Your name, saved with every annotation (default: remembered, else asked once).")
@click.option("--model", default=None,
              help=f"spaCy model package or folder for suggestions (default: the project's model, "
                   f"else {default_model_name()}); 'none' to label by hand.")
@click.option("--quit-after", type=float, default=None, hidden=True,
              help="Close the window after this many seconds (smoke tests).")
@click.option("--smoke", is_flag=True,
              help="Self-test for packagers: open the window, check that it shows the first document and "
                   "(unless --model none) that the model loads and suggests, print what it saw, quit with "
                   "status 0, else 1. Without a display: QT_QPA_PLATFORM=offscreen.")
def gui(db_path: Path | None, annotator: str | None, model: str | None, quit_after: float | None,
        smoke: bool) -> None:
    """Open the annotation window on a project."""
    path = resolve_db(db_path)
    if not display_available():
        raise click.ClickException(
            f"no display available: would open the annotation window on {describe_project(path)}. "
            "Run it in a desktop session (DISPLAY or WAYLAND_DISPLAY set), or set "
            "QT_QPA_PLATFORM=offscreen to run without one.")
    from annotator.cli.qt_libs import check_xcb

    problem = check_xcb()  # before Qt loads its platform plugin, which would abort
    if problem:
        raise click.ClickException(problem)
    from annotator.core.project import open_project

    with user_errors():
        open_project(path, seed=db_path is None or None).close()
    if smoke:
        from annotator.gui.smoke import run_smoke

        code = run_smoke(path, annotator, model)
    else:
        from annotator.gui.app import run

        code = run(path, annotator, model, quit_after_s=quit_after)
    if code:
        sys.exit(code)


COMMANDS = [gui]
