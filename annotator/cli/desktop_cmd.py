"""`annotator install-desktop`: put the app in the Linux menu (annotator/desktop.py)."""

from __future__ import annotations

import click

from annotator.cli.common import user_errors


@click.command("install-desktop", short_help="Add Annotator to the Linux menu.")
@click.option("--remove", is_flag=True, help="Delete the menu entry and icons instead.")
def install_desktop(remove: bool) -> None:
    """Add Annotator to your desktop's application menu (Linux: a .desktop file and an icon in
    $XDG_DATA_HOME, by default ~/.local/share; for you alone, no root needed)."""
    from annotator import desktop

    with user_errors():
        if remove:
            removed = desktop.remove()
            for path in removed:
                click.echo(f"removed {path}")
            if not removed:
                click.echo(f"nothing to remove: {desktop.targets().desktop_file} is not there")
            return
        installed = desktop.install()
    click.echo(f"menu entry: {installed.desktop_file} (starts {installed.program})")
    for path in installed.icon_files:
        click.echo(f"icon:       {path}")


COMMANDS = [install_desktop]
