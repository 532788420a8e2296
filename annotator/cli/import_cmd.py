"""`annotator import PATH...`: documents and annotations from files into a project."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import click

from annotator.cli.common import db_option, open_store, progress, user_errors
from annotator.core.errors import RecordError
from annotator.core.importers import FORMATS


@click.command("import", short_help="Import documents and annotations from files.")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=True, dir_okay=True, path_type=Path))
@db_option
@click.option("--annotator", default=None, metavar="NAME",
              help="Who made annotations whose records name nobody (default: your user name).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Read every file as this format instead of guessing from its extension.")
@click.option("--encoding", default=None, metavar="NAME",
              help="The text files' encoding when it is not UTF-8, e.g. cp1252, latin-1, utf-16 "
                   "(txt, jsonl, doccano, csv, brat, conll).")
@click.pass_context
def import_cmd(ctx: click.Context, paths: tuple[Path, ...], db_path: Path | None,
               annotator: str | None, fmt: str | None, encoding: str | None) -> None:
    """Import documents and annotations: .txt files or folders of them, JSONL (plain, Prodigy,
    doccano), CSV with a 'text' column, brat .txt+.ann, CoNLL/IOB, spaCy .spacy.

    Bad records are reported as FILE:LINE: message and skipped; the rest is imported, and
    the exit code is 1 when anything was rejected.
    """
    from annotator.core.importing import import_paths

    with open_store(db_path) as store, user_errors():
        bar = progress(None, "Importing", unit="B")
        bar.unit_scale = True

        def on_error(error: RecordError) -> None:
            bar.write(str(error), file=sys.stderr)

        def on_progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            report = import_paths(store, paths, fmt=fmt, encoding=encoding, annotator=annotator,
                                  on_error=on_error, on_progress=on_progress)
        except sqlite3.DatabaseError as exc:  # disk full, locked too long: no traceback
            raise click.ClickException(f"{store.path}: {exc}; the file being imported was rolled "
                                       f"back, files before it were imported") from None
        finally:
            bar.close()
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(report.summary())
    if report.errors:
        ctx.exit(1)


COMMANDS = [import_cmd]
