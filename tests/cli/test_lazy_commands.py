"""The command line imports a command's module only when that command runs
(annotator/cli/__init__.py): the map of names to modules must match what the modules define."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from importlib import import_module

from click.testing import CliRunner

import annotator.cli
from annotator.cli import COMMAND_MODULES, main


def test_the_map_names_every_command_of_every_module_once():
    defined = {}
    for found in pkgutil.iter_modules(annotator.cli.__path__):
        module = import_module(f"annotator.cli.{found.name}")
        for command in getattr(module, "COMMANDS", []):
            assert command.name not in defined, command.name
            defined[command.name] = found.name
    assert defined == COMMAND_MODULES


def test_help_lists_every_command_and_unknown_ones_are_refused():
    result = CliRunner().invoke(main, ["--help"], terminal_width=200)
    assert result.exit_code == 0
    listing = result.output.split("Commands:\n", 1)[1]
    assert [line.split()[0] for line in listing.splitlines() if line.strip()] == sorted(COMMAND_MODULES)
    wrong = CliRunner().invoke(main, ["exprot"])
    assert wrong.exit_code == 2 and "No such command 'exprot'" in wrong.output


def test_a_command_imports_only_its_own_module():
    code = ("import sys\nfrom annotator.cli import main\n"
            "try:\n    main(['stats', '--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m.rsplit('.', 1)[1] for m in sys.modules if m.startswith('annotator.cli.')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == str(sorted(["common", "project_cmds"]))
