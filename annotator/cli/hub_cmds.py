"""`annotator hub init|settings|add-annotator|status` and `annotator sync`: thin commands over
annotator.core.hub. Passwords never on the command line: see core/hub/connection.py."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click
import orjson

from annotator.cli.common import BY_CLI, db_option, open_store, user_errors
from annotator.core.settings import HUB_URL, settings


def _dump(data: object) -> str:
    return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode()


@click.group("hub", short_help="Set up and watch a team hub (PostgreSQL).")
def hub_group() -> None:
    """Set up and watch a team hub: a PostgreSQL database that projects sync with."""


def _admin(url: str):  # type: ignore[no-untyped-def]
    from annotator.core.hub.connection import connect

    return connect(url)


def _settings_options(f):  # type: ignore[no-untyped-def]
    f = click.option("--idle-transaction-timeout", type=click.FloatRange(min=1 / 60, max=1440), default=None,
                     metavar="MINUTES", help="PostgreSQL ends a session left in an open transaction "
                     "this long, so nobody's sync is held back by it (default 5).")(f)
    f = click.option("--assignment-timeout", type=click.FloatRange(min=0, min_open=True), default=None,
                     metavar="MINUTES", help="An assignment with no decision after this many minutes "
                     "returns to the queue (default 60).")(f)
    f = click.option("--overlap-share", type=click.FloatRange(0, 1), default=None,
                     help="Share of documents labelled by 2 annotators, for agreement (default 0.1).")(f)
    return click.option("--annotations-per-document", type=click.IntRange(1, 100), default=None,
                        help="Versions each document needs (default 1).")(f)


def _apply_settings(conn, per_doc, overlap, timeout_min, idle_min) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from annotator.core.hub.routing import get_settings, set_settings

    if per_doc is None and overlap is None and timeout_min is None and idle_min is None:
        return get_settings(conn)
    return set_settings(conn, annotations_per_document=per_doc, overlap_share=overlap,
                        assignment_timeout_s=None if timeout_min is None else timeout_min * 60,
                        idle_transaction_timeout_s=None if idle_min is None else idle_min * 60)


def _minutes(seconds: str) -> str:
    """The timeout in minutes, the unit --assignment-timeout takes: '90', '1.5'."""
    minutes = round(float(seconds) / 60, 6)
    return f"{minutes:g}"


def _echo_settings(settings: dict[str, str]) -> None:
    from annotator.core.hub.routing import DEFAULT_SETTINGS

    for key in ("annotations_per_document", "overlap_share"):
        click.echo(f"  {key}: {settings[key]}")
    click.echo(f"  assignment_timeout: {_minutes(settings['assignment_timeout_s'])} minutes")
    # a hub that `hub init` has not upgraded since issue 29 has no such setting yet: the default applies
    idle = settings.get("idle_transaction_timeout_s", DEFAULT_SETTINGS["idle_transaction_timeout_s"])
    click.echo(f"  idle_transaction_timeout: {_minutes(idle)} minutes")
    for key in ("annotators_role", "reviewers_role", "hub_id"):
        click.echo(f"  {key}: {settings[key]}")


@hub_group.command("init", short_help="Create or upgrade the hub (admin).")
@click.argument("url")
@_settings_options
def hub_init(url: str, annotations_per_document: int | None, overlap_share: float | None,
             assignment_timeout: float | None, idle_transaction_timeout: float | None) -> None:
    """Create (or upgrade) the hub in the database at URL, e.g.
    postgresql://admin@host:5432/team. Run once, by the database's admin: they own the hub.
    Every run also brings the hub's checks of values up to date (and says which rows
    already there break them)."""
    from annotator.core.hub.checks import broken_rows
    from annotator.core.hub.roles import init_hub

    with user_errors(), _admin(url) as conn:
        old, new = init_hub(conn)
        settings = _apply_settings(conn, annotations_per_document, overlap_share, assignment_timeout,
                                   idle_transaction_timeout)
        broken = broken_rows(conn)
    state = "created" if old == 0 else ("already current" if old == new else f"upgraded from schema {old}")
    click.echo(f"Hub {state} (schema {new})")
    _echo_settings(settings)
    for rows in broken:
        click.echo(f"  warning: {rows.line()}")


@hub_group.command("settings", short_help="Show or change the routing settings.")
@click.argument("url")
@_settings_options
def hub_settings(url: str, annotations_per_document: int | None, overlap_share: float | None,
                 assignment_timeout: float | None, idle_transaction_timeout: float | None) -> None:
    """Show the hub's settings, or change them (admin): every document's need is re-computed."""
    with user_errors(), _admin(url) as conn:
        settings = _apply_settings(conn, annotations_per_document, overlap_share, assignment_timeout,
                                   idle_transaction_timeout)
    _echo_settings(settings)


def _read_password(path: Path | None, name: str) -> str | None:
    if path is not None:
        lines = path.read_text(encoding="utf-8").splitlines()
        if not lines or not lines[0]:
            raise click.ClickException(f"{path}:1: no password on the first line")
        return lines[0]
    if not sys.stdin.isatty():
        return None
    first = getpass.getpass(f"Password for {name}: ")
    if first != getpass.getpass("Again: "):
        raise click.ClickException("the two passwords differ")
    return first or None


@hub_group.command("add-annotator", short_help="Create a teammate's login role.")
@click.argument("url")
@click.argument("name")
@click.option("--reviewer", is_flag=True, help="May also write reviews (adjudicated versions).")
@click.option("--password-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Read the new role's password from the first line of this file "
              "(else it is asked for).")
def hub_add_annotator(url: str, name: str, reviewer: bool, password_file: Path | None) -> None:
    """Create the PostgreSQL login role NAME for a teammate (NAME is their annotator name)."""
    from annotator.core.hub.roles import add_annotator, check_name

    with user_errors():
        check_name(name)
        password = _read_password(password_file, name)
        with _admin(url) as conn:
            created = add_annotator(conn, name, reviewer=reviewer, password=password)
    role = "reviewer and annotator" if reviewer else "annotator"
    click.echo(f"{'Created' if created else 'Updated'} {name} as {role}")


@hub_group.command("status", short_help="Documents, queue, done and assigned counts.")
@click.argument("url")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def hub_status_cmd(url: str, as_json: bool) -> None:
    """Documents, the queue's length, and each annotator's done and assigned counts."""
    from annotator.core.hub.routing import hub_status
    from annotator.core.hub.roles import hub_info
    from annotator.core.hub.sync import hub_errors

    with user_errors(), _admin(url) as conn, hub_errors("reading the status"):
        hub_info(conn)
        status = hub_status(conn)
    click.echo(_dump(status.to_dict()) if as_json else "\n".join(status.lines()))


@click.command("sync", short_help="Sync this project with the team hub.")
@click.argument("url", required=False)
@db_option
@click.option("--annotator", default=None, help="Your hub name (= PostgreSQL role; default: the "
              "URL's user, else your name in this project). It becomes your name in this project.")
@click.option("--all", "pull_all", is_flag=True, help="Also pull every document on the hub "
              "(reviewers, leads).")
@click.option("--batch", type=click.IntRange(0, 10_000), default=None,  # = routing.CLAIM_CAP
              help="Documents to hold assigned (default 50; 0: take no assignments).")
@click.option("--give-back", is_flag=True, help="After sending your work, return the documents assigned "
              "to you and not yet decided to the team's queue (stopping for the day).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def sync_cmd(url: str | None, db_path: Path | None, annotator: str | None, pull_all: bool,
             batch: int | None, give_back: bool, as_json: bool) -> None:
    """Push this project's documents, your decisions (and reviews) to the hub at URL, and
    pull your assignments and teammates' work (default URL: the last one synced, once you
    gave it yourself on this machine: a URL that came with a project file is not used until
    you do). A --db file that does not exist is made as an empty project (no sample articles)
    and joins the hub. The bundled sample articles never go to a hub. Each sync holds at most a
    fair share of the hub's queue (waiting versions / annotators), capped by --batch; with
    --give-back it holds none and returns what it held."""
    from annotator.core.hub.routing import DEFAULT_BATCH
    from annotator.core.ops.team import sync

    if db_path is not None and not db_path.exists():
        if not url:
            raise click.ClickException(f"{db_path}: no such project file; give the hub URL to make it "
                                       "and join the hub")
        from annotator.core.project import create_empty_project

        with user_errors():
            create_empty_project(db_path).close()
        click.echo(f"Created the empty project {db_path} (no sample articles) to sync with the hub",
                   err=as_json)
    with open_store(db_path, must_exist=db_path is not None, seed=False) as store, user_errors():
        from_file = not url
        url = url or settings(store).get(HUB_URL)
        if not url:
            raise click.ClickException("give the hub URL (this project never synced)")
        if give_back and batch is not None:
            raise click.ClickException("--give-back takes no assignments: leave out --batch")
        report, _ = sync(store, url, annotator, by=BY_CLI, pull_all=pull_all, url_from_file=from_file,
                         batch=DEFAULT_BATCH if batch is None else batch, give_back=give_back)
    click.echo(_dump(report.to_dict()) if as_json else "\n".join(report.lines()))


COMMANDS = [hub_group, sync_cmd]
