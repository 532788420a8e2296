"""`annotator new` and `annotator whoami`: make an empty project, and see or set who works in
one (core/team/identity.py has the rule)."""

from __future__ import annotations

from pathlib import Path

import click

from annotator.cli.common import BY_CLI, db_option, resolve_db, user_errors


@click.command("new", short_help="Make an empty project file (no sample articles).")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--annotator", default=None, metavar="NAME",
              help="Your name in this project (default: your first-run name, see `annotator whoami`).")
def new_cmd(path: Path, annotator: str | None) -> None:
    """Make the empty project PATH: no documents and no sample articles, the default labels.
    Fill it with `annotator import`, or join a team hub with `annotator sync URL --db PATH`
    (which also makes it when it is missing)."""
    from annotator.core.ops import identity as identity_ops
    from annotator.core.project import create_empty_project
    from annotator.core.team import identity

    with user_errors():
        name = identity.check_name(annotator) if annotator is not None else None
        store = create_empty_project(path)
        try:
            if name is not None:
                identity_ops.remember(store, name, by=BY_CLI)
        finally:
            store.close()
    click.echo(f"Created the empty project {path} (no documents)" + (f"; you work in it as {name}" if name else ""))


@click.command("whoami", short_help="Who you work as in a project; set it.")
@db_option
@click.option("--set", "name", default=None, metavar="NAME",
              help="Work as NAME in this project from now on (this project only).")
@click.option("--default", "default", default=None, metavar="NAME",
              help="Your first-run name: the name in every project that has none yet.")
def whoami_cmd(db_path: Path | None, name: str | None, default: str | None) -> None:
    """Show the name your work is signed with in a project, and where it comes from; --set
    changes it for that project, --default sets the name for projects that have none.

    \b
    The rule (also for the window and every command that signs work):
      1. a name you give for yourself (gui --annotator, sync --annotator, --set) is kept
         in that project, for you on this machine;
      2. else the name kept in the project;
      3. else your first-run name (asked once by the window, or --default);
      4. else your operating-system user name, and every command says so.
    """
    from annotator.core.ops import identity as identity_ops
    from annotator.core.team import identity

    with user_errors():
        if default is not None:
            default = identity.set_first_run_name(default)
            click.echo(f"Your first-run name is now {default} (for projects that have no name yet)")
            if db_path is None and name is None:
                return
        path = resolve_db(db_path)
        if db_path is not None and not path.exists():
            raise click.ClickException(f"{path}: no such project file (make it with `annotator new {path}`)")
        from annotator.core.project import open_project

        store = open_project(path, seed=db_path is None or None)
        try:
            if name is not None:
                identity_ops.remember(store, name, by=BY_CLI)
            who, _ = identity_ops.resolve(store, by=BY_CLI, write=False)
        finally:
            store.close()
    where = {identity.GIVEN: "given", identity.PROJECT: "this project's name for you",
             identity.FIRST_RUN: "your first-run name, the default for projects without one",
             identity.OS_USER: "your operating-system user name; no name is set for this project: "
                               "set one with --set NAME"}[who.source]
    click.echo(f"{who.name} in {path} ({where})")


COMMANDS = [new_cmd, whoami_cmd]
