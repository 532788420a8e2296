"""Build the one-folder app: write the spec, run PyInstaller, strip debug symbols, check
that trimming left every Qt library a kept file needs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Callable

from annotator.bundle import checks, contents
from annotator.bundle.spec import write_spec


class BuildError(Exception):
    """The app could not be built; the message says why in one line."""


def build(dist: Path, work: Path, *, clean: bool = False, strip: bool = True,
          log: Callable[[str], None] = print) -> Path:
    """Build dist/annotator/ and return the program's path."""
    try:
        import PyInstaller  # noqa: F401 - only asked whether it is there
    except ImportError:
        raise BuildError("PyInstaller is not installed here: pip install 'annotator[bundle]' "
                         "(or, in a checkout, pip install -e '.[bundle]')") from None
    dist, work = dist.resolve(), work.resolve()
    spec = write_spec(work)
    log(f"spec: {spec}")
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(dist), "--workpath", str(work / "pyinstaller"), str(spec)]
    if clean:
        command.insert(3, "--clean")
    result = subprocess.run(command, cwd=work)
    if result.returncode:
        raise BuildError(f"PyInstaller failed (exit code {result.returncode}); its messages are above")
    app = dist / contents.APP_NAME
    program = app / (contents.APP_NAME + (".exe" if sys.platform == "win32" else ""))
    if not program.is_file():
        raise BuildError(f"PyInstaller finished but {program} is missing")
    if strip:
        count, saved = checks.strip_debug(app)
        if count:
            log(f"stripped debug symbols from {count} files ({saved / 1e6:.0f} MB)")
    if sys.platform.startswith("linux"):
        problems = checks.missing_qt_libraries(app)
        if problems:
            raise BuildError("trimming removed Qt libraries that are needed: " + "; ".join(problems))
    log(f"built {program} ({checks.folder_size(app) / 1e6:.0f} MB in {app})")
    return program
