"""Checks of a finished app folder, and the post-build step that strips debug symbols.

- Qt libraries: trimming (contents.TRIMMED) must never remove a Qt library that a kept
  library or plugin needs, or that plugin would fail to load on someone else's machine.
  Every DT_NEEDED of the app's ELF files naming a Qt/PySide library must be in the folder.
- Debug symbols: some wheels (spaCy, thinc, blis...) ship their extension modules with DWARF
  debug information, which is most of their size. `strip --strip-debug` removes only that
  (symbols stay); files without a .debug_info section are not touched, so libraries that
  auditwheel patched are left alone.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

from annotator.cli.qt_libs import needed

QT_FAMILY = ("libQt6", "libpyside6", "libshiboken6")


def elf_files(folder: Path) -> list[Path]:
    """Every ELF file (program, library, plugin, extension module) under folder."""
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as fh:
                if fh.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def section_names(path: Path) -> list[str]:
    """The names of an ELF file's sections (64- or 32-bit, either byte order)."""
    data = path.read_bytes()
    wide, order = data[4] == 2, "<" if data[5] == 1 else ">"
    if wide:
        shoff, = struct.unpack_from(order + "Q", data, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from(order + "HHH", data, 0x3A)
        header, name_at, offset_at = order + "IIQQQQ", 0, 4
    else:
        shoff, = struct.unpack_from(order + "I", data, 0x20)
        shentsize, shnum, shstrndx = struct.unpack_from(order + "HHH", data, 0x2E)
        header, name_at, offset_at = order + "IIIIII", 0, 4
    if not shoff or shstrndx >= shnum:
        return []
    entries = [struct.unpack_from(header, data, shoff + i * shentsize) for i in range(shnum)]
    strtab = entries[shstrndx][offset_at]
    names = []
    for entry in entries:
        start = strtab + entry[name_at]
        names.append(data[start:data.index(b"\0", start)].decode("ascii", "replace"))
    return names


def strip_debug(folder: Path) -> tuple[int, int]:
    """Strip the debug sections of every ELF file that has them; (files stripped, bytes
    saved). Does nothing where binutils' `strip` is not installed (or off Linux)."""
    tool = shutil.which("strip")
    if tool is None or os.name != "posix":
        return 0, 0
    stripped, saved = 0, 0
    for path in elf_files(folder):
        if ".debug_info" not in section_names(path):
            continue
        before = path.stat().st_size
        subprocess.run([tool, "--strip-debug", str(path)], check=True)
        stripped, saved = stripped + 1, saved + before - path.stat().st_size
    return stripped, saved


def missing_qt_libraries(folder: Path) -> list[str]:
    """'FILE needs LIB' for each Qt/PySide library a file in the app needs but the app lacks."""
    present = {path.name for path in folder.rglob("*")}
    problems = []
    for path in elf_files(folder):
        try:
            names = needed(path)
        except (ValueError, struct.error):
            continue
        for name in names:
            if name.startswith(QT_FAMILY) and name not in present:
                problems.append(f"{path.relative_to(folder)} needs {name}")
    return problems


def folder_size(folder: Path) -> int:
    """Bytes on disk of the files under folder (symbolic links not followed)."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
