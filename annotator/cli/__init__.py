"""The command line: thin commands that validate arguments and call core functions.

Commands are imported when they run: `annotator --version` and each command start without
importing the others (and what they import). COMMAND_MODULES says which module of this package
defines each command (in its COMMANDS list); tests/cli/test_lazy_commands.py checks it.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from annotator import __version__

COMMAND_MODULES = {
    "import": "import_cmd", "export": "export_cmd",
    "stats": "project_cmds", "check": "project_cmds", "labels": "project_cmds",
    "report": "report_cmd", "suggest": "model_cmds", "evaluate": "model_cmds",
    "train": "train_cmds", "train-curve": "train_cmds",
    "merge": "review_cmds", "agreement": "review_cmds", "review": "review_cmds",
    "hub": "hub_cmds", "sync": "hub_cmds", "gui": "gui_cmd", "install-desktop": "desktop_cmd",
    "new": "setup_cmds", "whoami": "setup_cmds", "patterns": "patterns_cmd",
    "notes": "team_cmds", "guidelines": "team_cmds", "history": "team_cmds",
}


class LazyGroup(click.Group):
    """A group whose commands are imported by name when used (or listed in --help)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(cmd_name)
        if module is None:
            return None
        found = importlib.import_module(f"annotator.cli.{module}")
        return next(command for command in found.COMMANDS if command.name == cmd_name)

    @property
    def commands(self) -> dict[str, click.Command]:  # type: ignore[override]
        """Every command, imported (for introspection: the command line itself never needs it)."""
        return {name: command for name in self.list_commands(click.Context(self))
                if (command := self.get_command(click.Context(self), name)) is not None}

    @commands.setter
    def commands(self, _value: Any) -> None:
        pass  # click.Group.__init__ sets it; the commands are COMMAND_MODULES'


@click.group(cls=LazyGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="annotator")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Label named entities in news articles. Without a command, opens the window on the
    default project (seeded with the bundled sample articles)."""
    if ctx.invoked_subcommand is None:
        from annotator.cli.gui_cmd import gui

        ctx.invoke(gui)
