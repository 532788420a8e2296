"""`annotator import PATH...`: documents and annotations from files into a project."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import click

from annotator.cli.common import BY_CLI, db_option, open_store, progress, user_errors
from annotator.core.errors import RecordError
from annotator.core.formats.importers import FORMAT_HELP, FORMATS
from annotator.core.formats.splitting import SPLITS


@click.command("import", short_help="Import documents and annotations from files.")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=True, dir_okay=True, path_type=Path))
@db_option
@click.option("--annotator", default=None, metavar="NAME",
              help="Who made annotations whose records name nobody (default: your user name); "
              "for a Label Studio export, its user without an email.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Read every file as this format instead of guessing from its extension.")
@click.option("--encoding", default=None, metavar="NAME",
              help="The text files' encoding when it is not UTF-8, e.g. cp1252, latin-1, utf-16 "
                   "(txt, jsonl, doccano, csv, brat, conll, html; Word, OpenDocument and PDF files name their "
                   "own). A binary file is never read as text.")
@click.option("--text-field", default=None, metavar="FIELD",
              help="label-studio: the task data field that holds the text [default: text].")
@click.option("--layer", default=None, metavar="NAME[:FEATURE]",
              help="webanno: the span layer to read (full or short type name, e.g. NamedEntity, "
              "webanno.custom.Sentiment:Category) [default: the named-entity layer's value].")
@click.option("--split", type=click.Choice(SPLITS), default=None,
              help="One document per paragraph (blank-line separated) or per sentence of each text "
                   "of .txt, CSV, JSONL, Word, OpenDocument, PDF and HTML files; a piece over 5,000 "
                   "characters is cut at whitespace; meta['split'] keeps the file, index and offset.")
@click.pass_context
def import_cmd(ctx: click.Context, paths: tuple[Path, ...], db_path: Path | None,
               annotator: str | None, fmt: str | None, encoding: str | None, text_field: str | None,
               layer: str | None, split: str | None) -> None:
    """Import documents and annotations.

    {formats}

    A file's content decides how it is read: a Word file named .txt is read as Word, and a
    binary file (an image, an archive, a program, a scanned PDF) is refused with one line
    saying what it is. Bad records are reported as FILE:LINE: message and skipped; the rest
    is imported, and the exit code is 1 when anything was rejected. What a format cannot hold (drafts,
    stacked entities, other layers) is listed as warnings and counted in the summary. A text
    over 1 MB is imported whole, with a warning: --split makes one document per paragraph or
    sentence instead.
    """
    from annotator.core.ops.importing import import_files

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
            report, _ = import_files(store, paths, by=BY_CLI, fmt=fmt, encoding=encoding, annotator=annotator,
                                     text_field=text_field, layer=layer, on_error=on_error,
                                     on_progress=on_progress, split=split)
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


# The formats paragraph comes from the readers registry.
import_cmd.help = (import_cmd.help or "").replace("{formats}", "\n    ".join(
    ["\b", "Formats (--format; else from the extension):",
     *(f"  {name:<13} {text}" for name, text in FORMAT_HELP.items())]))

COMMANDS = [import_cmd]
