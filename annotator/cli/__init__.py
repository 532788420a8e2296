"""The command line: thin commands that validate arguments and call core functions."""

from __future__ import annotations

import click

from annotator import __version__


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="annotator")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Label named entities in news articles. Without a command, opens the window on the
    default project (seeded with the bundled sample articles)."""
    if ctx.invoked_subcommand is None:
        from annotator.cli.gui_cmd import gui

        ctx.invoke(gui)


def _register() -> None:
    from annotator.cli import (
        export_cmd, gui_cmd, hub_cmds, import_cmd, model_cmds, project_cmds, report_cmd, review_cmds,
        team_cmds, train_cmds,
    )

    for module in (import_cmd, export_cmd, project_cmds, report_cmd, model_cmds, train_cmds, review_cmds, team_cmds,
                   hub_cmds, gui_cmd):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
