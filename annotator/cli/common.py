"""Options and helpers shared by the commands: every command stays a few lines."""

from __future__ import annotations

import contextlib
import sqlite3
import sys
from pathlib import Path
from typing import Any, Iterator

import click

from annotator.core.errors import AnnotatorError
from annotator.core.ops.changes import BY_CLI  # noqa: F401 - who wrote, for every command's operations
from annotator.paths import default_db_path


def db_option(f: Any) -> Any:
    return click.option(
        "--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
        help="Project file (default: $ANNOTATOR_DB or the default project in your data folder).")(f)


def resolve_db(db_path: Path | None) -> Path:
    return db_path or default_db_path()


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn core errors into a one-line message and exit code 1, never a traceback."""
    try:
        yield
    except AnnotatorError as exc:
        raise click.ClickException(str(exc)) from None


@contextlib.contextmanager
def open_store(db_path: Path | None, *, must_exist: bool = False, seed: bool | None = None) -> Iterator[Any]:
    from annotator.core.project import open_project

    path = resolve_db(db_path)
    if must_exist and not path.exists():
        raise click.ClickException(f"{path}: no such project file")
    with user_errors():
        store = open_project(path, seed=seed if seed is not None else (db_path is None), create=not must_exist)
    try:
        yield store
    except sqlite3.DatabaseError as exc:
        # A damaged page only shows when it is read: a message, not a traceback.
        raise click.ClickException(f"{path}: the project file is damaged or unreadable ({exc})") from None
    finally:
        store.close()


def progress(total: int | None, desc: str, unit: str = "doc") -> Any:
    """A tqdm progress bar on stderr; silent when stderr is not a terminal unless forced."""
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, leave=False,
                disable=None, mininterval=0.2)
