"""`annotator notes ...`, `annotator guidelines show|set` and `annotator history DOC`: the
team's notes on documents, its guidelines, and the versions of a document."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import click

from annotator.cli.common import BY_CLI, db_option, open_store, user_errors
from annotator.core.wording import count


def _store(db_path: Path | None):  # type: ignore[no-untyped-def]
    """An existing project when --db is given (never created or seeded); else the default one."""
    if db_path is not None:
        return open_store(db_path, must_exist=True, seed=False)
    return open_store(None)


def _who(store, name: str | None) -> str:  # type: ignore[no-untyped-def]
    """Who writes: `name` for this run, else the project's name for you (core/team/identity.py)."""
    from annotator.core.ops.identity import signer

    return signer(store, name, by=BY_CLI)[0].name


def _when(stamp: float) -> str:
    return datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M:%S")


annotator_option = click.option("--annotator", "name", default=None, metavar="NAME",
                                help="Who writes, for this run (default: your name in this project, see `annotator whoami`).")


# ---- notes -------------------------------------------------------------------------------------
@click.group("notes", short_help="Notes on documents: add, list, edit, delete.")
def notes_group() -> None:
    """Notes on documents, for the team and the reviewers ("is this the same marsh as in the
    first article?"). Anyone adds one; only its author edits or deletes it."""


@notes_group.command("add", short_help="Add a note to document DOC.")
@db_option
@annotator_option
@click.argument("doc", type=int)
@click.argument("text")
def notes_add(db_path: Path | None, name: str | None, doc: int, text: str) -> None:
    """Add a note to document DOC (its number as the document list shows it)."""
    from annotator.core.ops.identity import signer
    from annotator.core.ops.teamwork import add_note

    with _store(db_path) as store, user_errors():
        who, _ = signer(store, name, by=BY_CLI)
        note, _ = add_note(store, doc, who.name, text, by=BY_CLI)
    click.echo(f"Added note {note.id} to document {doc} {who.signed()}.")


@notes_group.command("list", short_help="List the notes.")
@db_option
@click.option("--doc", type=int, default=None, help="Only the notes of this document.")
@click.option("--json", "as_json", is_flag=True, help="Print the notes as JSON.")
def notes_list(db_path: Path | None, doc: int | None, as_json: bool) -> None:
    """List the notes, by document, oldest first."""
    from annotator.core.team.notes import note_dict

    with _store(db_path) as store, user_errors():
        notes = store.notes.all(None if doc is None else [doc])
    if as_json:
        click.echo(json.dumps([note_dict(n) for n in notes], indent=2, ensure_ascii=False))
        return
    if not notes:
        click.echo("No notes.")
    for note in notes:
        click.echo(f"#{note.id}  document {note.document_id}  {note.author}  {_when(note.updated)}")
        click.echo("    " + note.text.replace("\n", "\n    "))


@notes_group.command("edit", short_help="Change your note NOTE.")
@db_option
@annotator_option
@click.argument("note", type=int)
@click.argument("text")
def notes_edit(db_path: Path | None, name: str | None, note: int, text: str) -> None:
    """Change the text of your note NOTE (its number from `notes list`)."""
    from annotator.core.ops.teamwork import edit_note

    with _store(db_path) as store, user_errors():
        edit_note(store, note, _who(store, name), text, by=BY_CLI)
    click.echo(f"Changed note {note}.")


@notes_group.command("delete", short_help="Delete your note NOTE.")
@db_option
@annotator_option
@click.argument("note", type=int)
def notes_delete(db_path: Path | None, name: str | None, note: int) -> None:
    """Delete your note NOTE (teammates' copies go too, with the next merge or sync)."""
    from annotator.core.ops.teamwork import delete_note

    with _store(db_path) as store, user_errors():
        delete_note(store, note, _who(store, name), by=BY_CLI)
    click.echo(f"Deleted note {note}.")


# ---- guidelines ---------------------------------------------------------------------------------
@click.group("guidelines", short_help="The project's annotation guidelines: show or set.")
def guidelines_group() -> None:
    """The project's annotation guidelines (Markdown), shown beside the text in the window
    (View -> Guidelines, Ctrl+G). Label descriptions: `annotator labels describe`."""


@guidelines_group.command("show", short_help="Print the guidelines and label descriptions.")
@db_option
@click.option("--json", "as_json", is_flag=True, help="The guidelines and every label description as JSON.")
def guidelines_show(db_path: Path | None, as_json: bool) -> None:
    """Print the guidelines, then each label's description and examples."""
    from annotator.core.team.guidelines import label_descriptions, project_guidelines

    with _store(db_path) as store, user_errors():
        text, labels = project_guidelines(store), label_descriptions(store)
    if as_json:
        click.echo(json.dumps({"guidelines": text.text if text else "",
                               "labels": {name: {"description": g.text, "examples": list(g.examples),
                                                 "author": g.author, "updated": g.updated}
                                          for name, g in sorted(labels.items())}}, indent=2, ensure_ascii=False))
        return
    click.echo(text.text if text and text.text else "(no guidelines yet: `annotator guidelines set FILE`)")
    for name, g in sorted(labels.items()):
        click.echo(f"\n{name}: {g.text}" + (f"\n  e.g. {'; '.join(g.examples)}" if g.examples else ""))


@guidelines_group.command("set", short_help="Replace the guidelines with FILE.")
@db_option
@annotator_option
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
def guidelines_set(db_path: Path | None, name: str | None, file: Path) -> None:
    """Replace the guidelines with the text of FILE (UTF-8 Markdown; - reads standard input).
    Only reviewers change them on a team hub; the old text is kept in the project's history."""
    from annotator.core.errors import AnnotatorError
    from annotator.core.ops.teamwork import set_guidelines

    try:
        data = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
        text = data.decode("utf-8")
    except OSError as exc:
        raise click.ClickException(f"{file}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{file}: not UTF-8 (byte {exc.start:,})") from None
    with _store(db_path) as store:
        try:
            set_guidelines(store, text.removeprefix("\ufeff"), _who(store, name), by=BY_CLI)
        except AnnotatorError as exc:
            raise click.ClickException(f"{file}: {exc}") from None
    click.echo(f"Guidelines set from {file} ({len(text):,} characters).")


# ---- the versions of a document -------------------------------------------------------------------
@click.command("history", short_help="Every version of a document: decisions, drafts, reviews.")
@db_option
@click.argument("doc", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the versions as JSON.")
def history(db_path: Path | None, doc: int, as_json: bool) -> None:
    """List the versions of document DOC, oldest first: each annotator's decisions (current
    and earlier, an undone one included) and the reviews, with when and how many spans."""
    from annotator.core.team.undo import document_versions

    with _store(db_path) as store, user_errors():
        try:
            versions = document_versions(store, doc)
        except KeyError:
            raise click.ClickException(f"no document {doc} in {store.path}") from None
    if as_json:
        click.echo(json.dumps([v.to_dict() for v in versions], indent=2, ensure_ascii=False))
        return
    if not versions:
        click.echo(f"Document {doc} has no decision or review yet.")
    for v in versions:
        click.echo(f"{_when(v.time)}  {v.who:<16} {v.what:<20} {count(v.spans, 'span'):>10}"
                   + ("  (current)" if v.current else ""))


COMMANDS = [notes_group, guidelines_group, history]
