"""`annotator stats`, `annotator check` and `annotator labels ...`: look at a project, check a
file before trusting it, and manage the label set."""

from __future__ import annotations

from pathlib import Path

import click
import orjson

from annotator.cli.common import BY_CLI, db_option, open_store, resolve_db, user_errors
from annotator.core.wording import count


def _store(db_path: Path | None):  # type: ignore[no-untyped-def]
    """An existing project when --db is given (never created or seeded); else the default one."""
    if db_path is not None:
        return open_store(db_path, must_exist=True, seed=False)
    return open_store(None)


@click.command("stats", short_help="Documents, decisions and spans per label.")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the numbers as one JSON object.")
def stats_cmd(db_path: Path | None, as_json: bool) -> None:
    """Show documents, each annotator's decisions, spans per label and reviews."""
    from annotator.core.report.stats import format_stats, project_stats

    with _store(db_path) as store, user_errors():
        stats = project_stats(store)
    if as_json:
        click.echo(orjson.dumps(stats, option=orjson.OPT_INDENT_2).decode())
    else:
        click.echo(format_stats(stats))


@click.command("check", short_help="Check a project file as a merge would, only reading it.")
@db_option
def check_cmd(db_path: Path | None) -> None:
    """Check a project file as `merge` checks a teammate's, only reading it: its schema, then
    every value a merge brings in (each text against its hash, spans against their text, label
    names, sizes). Prints one line; exit code 1 if anything is wrong."""
    from annotator.core.team.merge import check_project_file

    path = resolve_db(db_path)
    if not path.exists():
        raise click.ClickException(f"{path}: no such project file")
    with user_errors():
        found = check_project_file(path)
    click.echo(f"{path}: sound: {count(found.documents, 'document')}, {count(found.annotations, 'annotation')} "
               f"({count(found.history, 'earlier version')}), {count(found.reviews, 'review')}, "
               f"{count(len(found.labels), 'label')}, {count(found.patterns, 'pattern')}")


@click.group("labels", short_help="List and edit the project's entity labels.")
def labels_group() -> None:
    """List and edit the project's entity labels (names, colours, shortcut keys)."""


@labels_group.command("list", short_help="List the labels: name, colour, key.")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the labels as JSON.")
def labels_list(db_path: Path | None, as_json: bool) -> None:
    """List the labels in toolbar order: name, colour, key."""
    from annotator.core.team.guidelines import label_descriptions

    with _store(db_path) as store:
        labels = store.labels.all()
        described = label_descriptions(store)
    if as_json:
        data = [{"name": l.name, "color": l.color, "key": l.key,
                 "description": described[l.name].text if l.name in described else "",
                 "examples": list(described[l.name].examples) if l.name in described else []} for l in labels]
        click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
        return
    width = max([5, *(len(l.name) for l in labels)])
    for label in labels:
        about = " ".join(described[label.name].text.split()) if label.name in described else ""
        click.echo(f"{label.name:<{width}}  {label.color}  {label.key or '-'}" + (f"  {about[:60]}" if about else ""))


@labels_group.command("add")
@db_option
@click.argument("name")
@click.option("--color", default=None, help="Hex colour such as #1f77b4 (default: the next in a palette).")
@click.option("--key", default=None, help="Shortcut key, one letter or digit (default: the next free digit).")
def labels_add(db_path: Path | None, name: str, color: str | None, key: str | None) -> None:
    """Add the label NAME."""
    from annotator.core.ops.labels import add_label
    from annotator.core.text.labels import check_color, check_key

    with _store(db_path) as store, user_errors():
        color = check_color(color) if color is not None else None
        key = check_key(key, store.labels.all()) if key is not None else None
        label, _ = add_label(store, name, color, key, by=BY_CLI)  # checks the name (labels.check_name)
    click.echo(f"Added label {label.name} ({label.color}, key {label.key or '-'})")


@labels_group.command("remove", short_help="Remove the label NAME.")
@db_option
@click.argument("name")
@click.option("--force", is_flag=True, help="Remove it even if accepted annotations still use it.")
def labels_remove(db_path: Path | None, name: str, force: bool) -> None:
    """Remove the label NAME from the label set. Annotations keep their spans (rename
    a label instead to change it everywhere)."""
    from annotator.core.ops.labels import remove_label

    with _store(db_path) as store, user_errors():
        if name not in store.labels.label_names():
            raise click.ClickException(f"no label {name}")
        used = store.queries.label_counts(None).get(name, 0)
        if used and not force:
            raise click.ClickException(f"label {name} is used by {count(used, 'span')} in annotations; "
                                       f"use --force to remove it anyway, or `labels rename`")
        remove_label(store, name, by=BY_CLI)
    carry = "still carries" if used == 1 else "still carry"
    click.echo(f"Removed label {name}" + (f" ({count(used, 'span')} {carry} it)" if used else ""))


@labels_group.command("color", short_help="Set the colour of label NAME.")
@db_option
@click.argument("name")
@click.argument("color")
def labels_color(db_path: Path | None, name: str, color: str) -> None:
    """Set the colour of label NAME to COLOR (hex, e.g. #1f77b4)."""
    from annotator.core.ops.labels import set_label_color
    from annotator.core.text.labels import check_color

    with _store(db_path) as store, user_errors():
        color = check_color(color)
        if name not in store.labels.label_names():
            raise click.ClickException(f"no label {name}")
        set_label_color(store, name, color, by=BY_CLI)
    click.echo(f"Label {name} is now {color}")


@labels_group.command("palette", short_help="Recolour every label with the accessible palette.")
@db_option
def labels_palette(db_path: Path | None) -> None:
    """Give every label the accessible palette's colour for its place in the label set: colours
    colour-blind people tell apart, with readable label text (README: "A palette everyone can
    tell apart"). The window's Edit -> Labels offers the same."""
    from annotator.core.ops.labels import use_accessible_palette

    with _store(db_path) as store, user_errors():
        colors, _ = use_accessible_palette(store, by=BY_CLI)
    for name, color in colors.items():
        click.echo(f"{name}  {color}")


@labels_group.command("key", short_help="Set the shortcut key of label NAME.")
@db_option
@click.argument("name")
@click.argument("key")
def labels_key(db_path: Path | None, name: str, key: str) -> None:
    """Set the shortcut key of label NAME to KEY (one letter or digit no other label has; "-"
    for none)."""
    from annotator.core.ops.labels import set_label_key

    with _store(db_path) as store, user_errors():
        if name not in store.labels.label_names():
            raise click.ClickException(f"no label {name}")
        set_label_key(store, name, None if key == "-" else key, by=BY_CLI)
    click.echo(f"Label {name} now has key {key}")


@labels_group.command("rename", short_help="Rename label OLD to NEW everywhere.")
@db_option
@click.argument("old")
@click.argument("new")
def labels_rename(db_path: Path | None, old: str, new: str) -> None:
    """Rename label OLD to NEW everywhere: label set, annotations, drafts, reviews and patterns
    (earlier versions in the history keep the old name)."""
    from annotator.core.ops import identity
    from annotator.core.ops.labels import rename_label

    with _store(db_path) as store, user_errors():
        if old not in store.labels.label_names():
            raise click.ClickException(f"no label {old}")
        # the patterns and the description renamed with it are recorded as changed by this person
        who, _ = identity.resolve(store, by=BY_CLI)
        changes = rename_label(store, old, new, author=who.name, by=BY_CLI)  # checks the new name (labels.check_name)
    click.echo(f"Renamed label {old} to {new.strip()} ({changes.describe()})")


@labels_group.command("describe", short_help="Describe label NAME, with example phrases.")
@db_option
@click.argument("name")
@click.argument("text")
@click.option("--example", "examples", multiple=True, metavar="PHRASE",
              help="An example phrase of the label (repeat for more).")
@click.option("--annotator", "author", default=None, metavar="NAME", help="Who writes, for this run (default: your name in this project).")
def labels_describe(db_path: Path | None, name: str, text: str, examples: tuple[str, ...], author: str | None) -> None:
    """Set what label NAME means (TEXT) and its example phrases: shown in the label's tooltip
    and beside the text (View -> Guidelines). An unknown label is refused."""
    from annotator.core.ops import identity
    from annotator.core.ops.teamwork import describe_label

    with _store(db_path) as store, user_errors():
        who, _ = identity.signer(store, author, by=BY_CLI)
        described, _ = describe_label(store, name, text, who.name, examples, by=BY_CLI)
    click.echo(f"Described label {name}" + (f" ({count(len(described.examples), 'example')})" if examples else ""))


COMMANDS = [stats_cmd, check_cmd, labels_group]
