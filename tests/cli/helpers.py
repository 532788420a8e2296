"""Running the real command line in-process."""

from __future__ import annotations

from click.testing import CliRunner

from annotator.cli import main


def run(*args: object):
    """Invoke `annotator ARGS...` (paths and numbers are turned into strings)."""
    return CliRunner().invoke(main, [str(a) for a in args])
