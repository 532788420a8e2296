"""Every command and option explains itself, and no help text is cut mid-sentence (as
sqlite-utils' test_docs does for its commands)."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from annotator.cli import main


def walk(command: click.Command, path: tuple[str, ...] = ("annotator",)):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from walk(sub, (*path, name))


COMMANDS = list(walk(main))
IDS = [" ".join(path) for path, _ in COMMANDS]


def complete(text: str) -> bool:
    """Not cut: ends a sentence (not on an abbreviation), brackets and backticks balanced."""
    text = " ".join(text.split())
    return (text.endswith((".", ")", "?")) and not text.endswith(("e.g.", "i.e.", "..."))
            and text.count("(") == text.count(")") and text.count("`") % 2 == 0)


@pytest.mark.parametrize("path, command", COMMANDS, ids=IDS)
def test_command_and_options_have_help(path, command):
    assert command.help and command.help.strip(), f"{' '.join(path)} has no help"
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help and complete(param.help), f"{' '.join(path)} {param.opts}: {param.help!r}"


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("path, command", [c for c in COMMANDS if isinstance(c[1], click.Group)],
                         ids=[i for i, c in zip(IDS, COMMANDS) if isinstance(c[1], click.Group)])
def test_command_lists_are_not_cut(path, command, width):
    """The one-line summary in a group's command list is the whole short help, at any width
    (click cuts a long first sentence with '...', as `labels --help` showed "(hex, e.g.")."""
    result = CliRunner().invoke(main, [*path[1:], "--help"], terminal_width=width)
    assert result.exit_code == 0
    listing = result.output.split("Commands:\n", 1)[1]
    entries: dict[str, str] = {}
    name = ""
    for line in listing.splitlines():
        if line.startswith("  ") and not line.startswith("   "):
            name, _, rest = line.strip().partition(" ")
            entries[name] = rest.strip()
        elif line.strip():
            entries[name] += " " + line.strip()
    assert sorted(entries) == sorted(command.commands)
    for name, summary in entries.items():
        assert complete(summary), f"{name}: {summary!r}"
        assert summary == " ".join(command.commands[name].get_short_help_str(10_000).split())


def test_suggest_evaluate_and_gui_name_the_default_model():
    from annotator.core.learning.suggest import default_model_name

    for args in (["suggest"], ["evaluate"], ["gui"]):
        result = CliRunner().invoke(main, [*args, "--help"], terminal_width=200)
        assert default_model_name() in result.output, args


def test_export_format_help_points_where_the_formats_are():
    output = CliRunner().invoke(main, ["export", "--help"], terminal_width=200).output
    assert output.index("Formats:") < output.index("Output format (described above)")
