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
    import importlib

    for module in ("import_cmd", "export_cmd", "project_cmds", "model_cmds", "train_cmds",
                   "review_cmds", "gui_cmd"):
        try:
            mod = importlib.import_module(f"annotator.cli.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"annotator.cli.{module}":
                raise
            continue  # command module not written yet
        for command in getattr(mod, "COMMANDS", []):
            main.add_command(command)


_register()
