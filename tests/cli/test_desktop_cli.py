"""`annotator install-desktop` (a Linux menu entry and icon under $XDG_DATA_HOME) and
`annotator --version`, which must answer without loading Qt, spaCy or matplotlib."""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator import __version__, desktop
from annotator.cli import main
from annotator.core.errors import AnnotatorError
from annotator.paths import resource_path


def read_entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser["Desktop Entry"]


def test_installs_entry_and_icons_under_xdg_data_home(tmp_path, monkeypatch):
    data_home = tmp_path / "xdg data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    result = CliRunner().invoke(main, ["install-desktop"])
    assert result.exit_code == 0, result.output
    entry_file = data_home / "applications" / "annotator.desktop"
    svg = data_home / "icons" / "hicolor" / "scalable" / "apps" / "annotator.svg"
    png = data_home / "icons" / "hicolor" / "256x256" / "apps" / "annotator.png"
    assert svg.read_bytes() == resource_path("icons/annotator.svg").read_bytes()
    assert png.read_bytes() == resource_path("icons/annotator.png").read_bytes()
    entry = read_entry(entry_file)
    program = desktop.program_path()
    assert program.is_absolute() and program.name == "annotator" and os.access(program, os.X_OK)
    assert entry["Exec"] == str(program) and entry["TryExec"] == str(program)
    assert entry["Type"] == "Application" and entry["Name"] == "Annotator" and entry["Icon"] == "annotator"
    assert entry["Terminal"] == "false"
    assert f"menu entry: {entry_file} (starts {program})" in result.output and str(png) in result.output
    assert not [p for p in entry_file.parent.iterdir() if p.name.startswith(".")]  # no temporary left


def test_without_xdg_data_home_it_goes_to_local_share(tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert CliRunner().invoke(main, ["install-desktop"]).exit_code == 0
    assert (tmp_path / ".local" / "share" / "applications" / "annotator.desktop").is_file()


def test_again_replaces_and_remove_deletes(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    runner = CliRunner()
    entry_file = tmp_path / "applications" / "annotator.desktop"
    entry_file.parent.mkdir(parents=True)
    entry_file.write_text("[Desktop Entry]\nExec=/old/place/annotator\n")
    assert runner.invoke(main, ["install-desktop"]).exit_code == 0
    assert read_entry(entry_file)["Exec"] == str(desktop.program_path())
    result = runner.invoke(main, ["install-desktop", "--remove"])
    assert result.exit_code == 0
    assert result.output.count("removed ") == 3 and not entry_file.exists()
    assert not list((tmp_path / "icons").rglob("annotator.*"))
    again = runner.invoke(main, ["install-desktop", "--remove"])
    assert again.exit_code == 0 and "nothing to remove" in again.output


def test_a_data_folder_that_cannot_be_written_is_one_line(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the data folder should be")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))
    result = CliRunner().invoke(main, ["install-desktop"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot write ") and str(blocker) in result.output
    assert "Traceback" not in result.output and len(result.output.splitlines()) == 1


def test_other_systems_are_told_what_to_do_instead(tmp_path):
    with pytest.raises(AnnotatorError, match="Linux menu entry; on Windows"):
        desktop.install(tmp_path, Path("/opt/annotator/annotator"), platform="win32")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("path, expected", [
    ("/opt/annotator/annotator", "/opt/annotator/annotator"),
    ("/home/ann/My Apps/annotator", '"/home/ann/My Apps/annotator"'),
    ('/srv/a"b$c`d\\e/annotator', '"/srv/a\\"b\\$c\\`d\\\\e/annotator"'),
    ("/srv/100%/annotator", "/srv/100%%/annotator"),
])
def test_exec_quotes_paths_as_the_desktop_entry_spec_says(path, expected):
    assert desktop.exec_argument(Path(path)) == expected


def test_the_template_in_resources_is_a_valid_entry_but_for_its_program():
    entry = read_entry(resource_path("annotator.desktop"))
    assert entry["Exec"] == "annotator" and entry["Categories"].endswith(";")
    written = desktop.desktop_entry(Path("/x/annotator"), resource_path("annotator.desktop").read_text())
    assert written.count("\nExec=/x/annotator\n") == 1 and written.count("\nTryExec=/x/annotator\n") == 1


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and result.output == f"annotator, version {__version__}\n"


def test_version_loads_nothing_heavy():
    """`annotator --version` (and every command's start) imports the command line only: Qt,
    spaCy and matplotlib are imported by the commands that use them."""
    code = ("import sys; from annotator.cli import main\n"
            "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('PySide6', 'spacy', 'matplotlib', 'thinc', 'numpy') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"
