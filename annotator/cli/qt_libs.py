"""Before the window opens on X11: can the system libraries Qt's xcb platform plugin needs be
loaded? If not, Qt aborts (SIGABRT, a core dump) with a hint that names the wrong library, so
`annotator gui` checks first and says which libraries are missing and which packages to
install (Debian/Ubuntu and Fedora names), then exits with status 1.

Qt is never loaded here: the plugin's needs are read from its ELF header (DT_NEEDED), those
of the Qt libraries shipped with PySide6 followed recursively the same way, and every other
library is opened with dlopen (ctypes), as the dynamic loader will when Qt loads the plugin.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import struct
import sys
from pathlib import Path

from annotator.paths import frozen_root

# soname -> (Debian/Ubuntu package, Fedora package), from libqxcb.so's real needs (Qt 6.6-6.11).
PACKAGES: dict[str, tuple[str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb-xinerama.so.0": ("libxcb-xinerama0", "libxcb"),
    "libxcb-xinput.so.0": ("libxcb-xinput0", "libxcb"),
    "libxcb-glx.so.0": ("libxcb-glx0", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libz.so.1": ("zlib1g", "zlib"),
    "libzstd.so.1": ("libzstd1", "libzstd"),
    "libpng16.so.16": ("libpng16-16", "libpng"),
    "libstdc++.so.6": ("libstdc++6", "libstdc++"),
    "libgcc_s.so.1": ("libgcc-s1", "libgcc"),
}

_NOT_FOUND = re.compile(r"^([^:\s]+\.so[^:\s]*): cannot open shared object file")


def xcb_will_be_used(environ: os._Environ[str] | dict[str, str] = os.environ,
                     platform: str = sys.platform) -> bool:
    """Whether Qt will load its xcb plugin: Linux/BSD, an X display, and the platform left
    to Qt (not on a Wayland session) or chosen as xcb."""
    if not platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if chosen:
        return chosen == "xcb" and bool(environ.get("DISPLAY"))
    wayland = environ.get("WAYLAND_DISPLAY") and environ.get("XDG_SESSION_TYPE") == "wayland"
    return bool(environ.get("DISPLAY")) and not wayland


def _pyside_qt() -> Path | None:
    """PySide6's Qt folder (plugins/, lib/), found without importing PySide6; in the app
    built by annotator.bundle, the copy PyInstaller laid out under the app's folder."""
    root = frozen_root()
    if root is not None:
        return root / "PySide6" / "Qt"
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.origin:
        return None
    return Path(spec.origin).parent / "Qt"


def find_xcb_plugin(environ: os._Environ[str] | dict[str, str] = os.environ) -> Path | None:
    """The libqxcb.so Qt will load: from QT_QPA_PLATFORM_PLUGIN_PATH, QT_PLUGIN_PATH, then
    PySide6's own plugins. None if there is none."""
    dirs = [Path(p) for p in environ.get("QT_QPA_PLATFORM_PLUGIN_PATH", "").split(os.pathsep) if p]
    dirs += [Path(p) / "platforms" for p in environ.get("QT_PLUGIN_PATH", "").split(os.pathsep) if p]
    qt = _pyside_qt()
    if qt is not None:
        dirs.append(qt / "plugins" / "platforms")
    for folder in dirs:
        if (folder / "libqxcb.so").is_file():
            return folder / "libqxcb.so"
    return None


def needed(path: Path) -> list[str]:
    """The DT_NEEDED entries of an ELF shared object (its direct library dependencies)."""
    data = path.read_bytes()
    if data[:4] != b"\x7fELF":
        raise ValueError(f"{path} is not an ELF file")
    wide, order = data[4] == 2, "<" if data[5] == 1 else ">"
    if wide:
        shoff, = struct.unpack_from(order + "Q", data, 0x28)
        shentsize, shnum = struct.unpack_from(order + "HH", data, 0x3A)
    else:
        shoff, = struct.unpack_from(order + "I", data, 0x20)
        shentsize, shnum = struct.unpack_from(order + "HH", data, 0x2E)
    sections = []
    for i in range(shnum):
        at = shoff + i * shentsize
        if wide:
            _, kind, _, _, offset, size, link, _, _, entsize = struct.unpack_from(order + "IIQQQQIIQQ", data, at)
        else:
            _, kind, _, _, offset, size, link, _, _, entsize = struct.unpack_from(order + "IIIIIIIIII", data, at)
        sections.append((kind, offset, size, link, entsize))
    names: list[str] = []
    for kind, offset, size, link, entsize in sections:
        if kind != 6:  # SHT_DYNAMIC
            continue
        strtab = sections[link][1]
        pair = order + ("qQ" if wide else "iI")
        for at in range(offset, offset + size, entsize or struct.calcsize(pair)):
            tag, value = struct.unpack_from(pair, data, at)
            if tag == 0:  # DT_NULL
                break
            if tag == 1:  # DT_NEEDED
                end = data.index(b"\0", strtab + value)
                names.append(data[strtab + value:end].decode("utf-8", "replace"))
    return names


def _loadable(name: str) -> str | None:
    """None if the dynamic loader can open `name`, else the library it could not find."""
    try:
        ctypes.CDLL(name, mode=os.RTLD_LAZY | os.RTLD_LOCAL)
        return None
    except OSError as exc:
        match = _NOT_FOUND.match(str(exc))
        return match.group(1) if match else name


def missing_libraries(plugin: Path, qt_libs: list[Path] | None = None) -> list[str]:
    """Libraries the plugin needs that cannot be loaded, in the order found. Qt's own
    libraries (in `qt_libs`, by default PySide6's, and the plugin's ../../lib; in the bundled
    app also the app's own folder) are followed through their DT_NEEDED, never loaded."""
    qt = _pyside_qt()
    bundled = [plugin.parent.parent.parent / "lib",
               *(qt_libs if qt_libs is not None else ([qt / "lib"] if qt else []))]
    root = frozen_root()
    if root is not None:  # PyInstaller puts the other libraries it bundles at the app's top
        bundled.append(root)
    missing: list[str] = []
    seen: set[str] = set()
    todo = [plugin]
    while todo:
        for name in needed(todo.pop()):
            if name in seen:
                continue
            seen.add(name)
            local = next((d / name for d in bundled if (d / name).is_file()), None)
            if local is not None:
                todo.append(local)
                continue
            absent = _loadable(name)
            if absent is not None and absent not in missing:
                missing.append(absent)
    return missing


def missing_message(plugin: Path, missing: list[str]) -> str:
    """One message: each missing library, then the packages to install on Debian/Ubuntu and
    Fedora (a library not in PACKAGES is named so it can be looked up)."""
    debian = sorted({PACKAGES[m][0] for m in missing if m in PACKAGES})
    fedora = sorted({PACKAGES[m][1] for m in missing if m in PACKAGES})
    unknown = [m for m in missing if m not in PACKAGES]
    lines = [f"cannot open the window: Qt's X11 platform plugin ({plugin}) needs "
             f"{'a system library' if len(missing) == 1 else 'system libraries'} that "
             f"{'is' if len(missing) == 1 else 'are'} not installed: {', '.join(missing)}."]
    if debian:
        lines.append(f"  Debian/Ubuntu: sudo apt install {' '.join(debian)}")
        lines.append(f"  Fedora:        sudo dnf install {' '.join(fedora)}")
    if unknown:
        lines.append(f"  Find the package that provides {', '.join(unknown)} "
                     f"(apt-file search NAME, dnf provides '*/NAME').")
    lines.append("Or run without a window: QT_QPA_PLATFORM=offscreen.")
    return "\n".join(lines)


def check_xcb() -> str | None:
    """The message to show when the xcb plugin would fail to load, else None (also when Qt
    will not use xcb or its plugin cannot be found: then Qt decides)."""
    if not xcb_will_be_used():
        return None
    plugin = find_xcb_plugin()
    if plugin is None:
        return None
    try:
        missing = missing_libraries(plugin)
    except (OSError, ValueError, struct.error):
        return None  # an unreadable plugin: let Qt report it
    return missing_message(plugin, missing) if missing else None
