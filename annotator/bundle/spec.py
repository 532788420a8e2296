"""The PyInstaller spec of the one-folder app, written out by `python -m annotator.bundle`
(build.py) so a packager can read it, change it and run `pyinstaller annotator.spec` by hand.

It is the same on Linux, Windows and macOS: what differs (the icon) is decided by
annotator/bundle/contents.py at build time, and build.py strips debug symbols on Linux. It makes a console program, so
every command prints to the terminal it was started from; the window opens all the same.
"""

from __future__ import annotations

from pathlib import Path

from annotator.bundle import contents

SPEC_NAME = f"{contents.APP_NAME}.spec"

TEMPLATE = '''\
# -*- mode: python ; coding: utf-8 -*-
# The one-folder annotator app. Written by `python -m annotator.bundle`; what goes in and what is
# trimmed is decided in annotator/bundle/contents.py (run in the environment annotator is installed in).
from annotator.bundle import contents

a = Analysis(
    [{entry!r}],
    datas=contents.datas(),
    hiddenimports=contents.hidden_imports(),
    hookspath=[str(contents.HOOKS_DIR)],
    excludes=contents.EXCLUDES,
    noarchive=False,
    optimize=0,  # docstrings and asserts stay: click builds --help from docstrings
)
a.binaries = contents.trim(a.binaries)
a.datas = contents.trim(a.datas)
pyz = PYZ(a.pure)
exe = EXE(
    pyz,
    a.scripts,
    [],
    exclude_binaries=True,
    name=contents.APP_NAME,
    console=True,
    icon=contents.icon_file(),
    strip=False,  # debug symbols are stripped after the build, only where present (build.py)
    upx=False,
)
coll = COLLECT(exe, a.binaries, a.datas, strip=False, upx=False, name=contents.APP_NAME)
'''


def spec_text() -> str:
    """The spec, pointing at this installation's entry script."""
    from annotator.bundle import entry

    return TEMPLATE.format(entry=str(Path(entry.__file__).resolve()))


def write_spec(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SPEC_NAME
    path.write_text(spec_text(), encoding="utf-8")
    return path
