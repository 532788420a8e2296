"""`annotator install-desktop`: a Linux menu entry for the app, for the user alone.

It writes $XDG_DATA_HOME/applications/annotator.desktop (from resources/annotator.desktop,
its Exec and TryExec set to this program's absolute path: the one-folder app's program, or the
`annotator` script of the environment annotator is installed in) and the icon as
$XDG_DATA_HOME/icons/hicolor/scalable/apps/annotator.svg and .../256x256/apps/annotator.png.
Running it again rewrites them (e.g. after moving the app's folder); `--remove` deletes them.
Each file is written to a temporary name and renamed: never half-written.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from annotator.core.errors import AnnotatorError
from annotator.paths import frozen_root, resource_path, xdg_data_home

DESKTOP_NAME = "annotator.desktop"
ICON_NAME = "annotator"
# (file in resources/, folder under $XDG_DATA_HOME/icons/hicolor/)
ICONS = (("icons/annotator.svg", "scalable/apps"), ("icons/annotator.png", "256x256/apps"))


@dataclass
class DesktopFiles:
    """Where the menu entry and its icons go, and the program the entry starts."""

    desktop_file: Path
    icon_files: list[Path]
    program: Path | None = None


def program_path() -> Path:
    """The program a menu entry should start, as an absolute path (the menu has no PATH of
    the virtual environment): the app's own program when frozen, else `annotator` as started,
    beside this Python, or on PATH."""
    if frozen_root() is not None:
        return Path(sys.executable).resolve()
    candidates = [Path(sys.argv[0]) if Path(sys.argv[0]).name == "annotator" else None,
                  Path(sys.executable).parent / "annotator"]
    on_path = shutil.which("annotator")
    candidates.append(Path(on_path) if on_path else None)
    for candidate in candidates:
        if candidate is not None and candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate.resolve()
    raise AnnotatorError("cannot find the annotator program for the menu entry to start: "
                         "run install-desktop as `annotator install-desktop`")


def exec_argument(path: Path) -> str:
    """A path as one argument of a desktop entry's Exec key (Desktop Entry Specification:
    quoted when it holds a reserved character, with \\ " ` $ escaped; % doubled)."""
    text = str(path).replace("%", "%%")
    if not any(c in text for c in " \t\n\"'\\><~|&;$*?#()`="):
        return text
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in text)
    return f'"{escaped}"'


def desktop_entry(program: Path, template: str) -> str:
    """The template with Exec and TryExec pointing at `program`."""
    lines = []
    for line in template.splitlines():
        if line.startswith(("Exec=", "TryExec=")):
            continue
        lines.append(line)
        if line.startswith("Icon="):
            lines += [f"TryExec={program}", f"Exec={exec_argument(program)}"]
    return "\n".join(lines) + "\n"


def targets(data_home: Path | None = None) -> DesktopFiles:
    home = data_home or xdg_data_home()
    icons = [home / "icons" / "hicolor" / folder / (ICON_NAME + Path(source).suffix) for source, folder in ICONS]
    return DesktopFiles(home / "applications" / DESKTOP_NAME, icons)


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def install(data_home: Path | None = None, program: Path | None = None, *,
            platform: str = sys.platform) -> DesktopFiles:
    """Write the menu entry and the icons (replacing earlier ones)."""
    if not platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        raise AnnotatorError("install-desktop makes a Linux menu entry; on Windows pin the program or make a "
                             "shortcut to it, on macOS drag it to the Dock (README, \"Without Python\")")
    found = targets(data_home)
    found.program = program or program_path()
    template = resource_path(DESKTOP_NAME).read_text(encoding="utf-8")
    try:
        for (source, _folder), target in zip(ICONS, found.icon_files):
            _write_atomically(target, resource_path(source).read_bytes())
        _write_atomically(found.desktop_file, desktop_entry(found.program, template).encode("utf-8"))
    except OSError as exc:
        raise AnnotatorError(f"cannot write {exc.filename or found.desktop_file}: {exc.strerror or exc}") from None
    return found


def remove(data_home: Path | None = None) -> list[Path]:
    """Delete the menu entry and the icons; the paths that were there."""
    found = targets(data_home)
    removed = []
    for path in [found.desktop_file, *found.icon_files]:
        if path.is_file():
            try:
                path.unlink()
            except OSError as exc:
                raise AnnotatorError(f"cannot remove {path}: {exc.strerror or exc}") from None
            removed.append(path)
    return removed
