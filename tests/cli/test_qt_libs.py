"""`annotator gui` on X11 with a library Qt's xcb plugin needs missing: one message naming
it and the packages to install, exit status 1, never Qt's abort."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.cli import qt_libs

GLIBC = {"libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1", "ld-linux-x86-64.so.2",
         "ld-linux-aarch64.so.1"}


@pytest.fixture(scope="module")
def real_plugin() -> Path:
    plugin = qt_libs.find_xcb_plugin({})
    if plugin is None:
        pytest.skip("PySide6 has no xcb plugin on this platform")
    return plugin


def test_reads_the_real_plugins_needs(real_plugin):
    names = qt_libs.needed(real_plugin)
    assert "libxcb.so.1" in names and any(n.startswith("libQt6XcbQpa") for n in names)


def test_every_system_library_qt_needs_has_its_packages(real_plugin):
    """The mapping is checked against what this Qt really needs, through its own libraries."""
    qt_lib = real_plugin.parent.parent.parent / "lib"
    seen: set[str] = set()
    system: set[str] = set()
    todo = [real_plugin]
    while todo:
        for name in qt_libs.needed(todo.pop()):
            if name not in seen:
                seen.add(name)
                (todo.append(qt_lib / name) if (qt_lib / name).is_file() else system.add(name))
    assert "libxcb-icccm.so.4" in system and "libxcb-keysyms.so.1" in system
    assert sorted(system - GLIBC - set(qt_libs.PACKAGES)) == []
    # The README's one line for a minimal Debian/Ubuntu names each (base packages aside).
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    (line,) = [ln for ln in readme.splitlines() if ln.strip().startswith("sudo apt install")]
    base = {"libstdc++6", "libgcc-s1", "zlib1g", "libzstd1"}
    wanted = {qt_libs.PACKAGES[n][0] for n in system - GLIBC} - base
    assert sorted(wanted - set(line.split())) == []


def patched_plugin(real_plugin: Path, folder: Path, present: str, absent: str) -> Path:
    """A copy of the real plugin whose DT_NEEDED names `absent` (same length) for `present`."""
    assert len(present) == len(absent)
    data = real_plugin.read_bytes()
    assert present.encode() + b"\0" in data
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / "libqxcb.so"
    copy.write_bytes(data.replace(present.encode() + b"\0", absent.encode() + b"\0"))
    return copy


def test_a_library_that_does_not_exist_is_reported(real_plugin, tmp_path):
    copy = patched_plugin(real_plugin, tmp_path / "platforms", "libxcb-shape.so.0", "libxcb-zzzzz.so.0")
    assert "libxcb-zzzzz.so.0" in qt_libs.needed(copy)
    missing = qt_libs.missing_libraries(copy)  # a real dlopen of a soname nobody has
    assert "libxcb-zzzzz.so.0" in missing and "libxcb-shape.so.0" not in missing
    assert not any(m.startswith("libQt6") for m in missing)  # Qt's own: followed, not loaded


def test_message_names_libraries_and_packages():
    message = qt_libs.missing_message(Path("/q/libqxcb.so"), ["libxcb-icccm.so.4", "libxcb-keysyms.so.1",
                                                               "libfoo.so.9"])
    assert "not installed: libxcb-icccm.so.4, libxcb-keysyms.so.1, libfoo.so.9." in message
    assert "sudo apt install libxcb-icccm4 libxcb-keysyms1\n" in message
    assert "sudo dnf install xcb-util-keysyms xcb-util-wm\n" in message
    assert "provides libfoo.so.9" in message and "QT_QPA_PLATFORM=offscreen" in message


@pytest.mark.parametrize("env, platform, expected", [
    ({"DISPLAY": ":0"}, "linux", True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}, "linux", True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux", False),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland"}, "linux", False),
    ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}, "linux", False),
    ({}, "linux", False),
    ({"DISPLAY": ":0"}, "darwin", False),
    ({"DISPLAY": ":0"}, "freebsd14", True),
])
def test_when_qt_will_use_xcb(env, platform, expected):
    assert qt_libs.xcb_will_be_used(env, platform) is expected


def test_gui_command_exits_with_one_message_instead_of_aborting(real_plugin, tmp_path):
    """The real `annotator gui` in a subprocess, on X11, with Qt pointed (as Qt itself reads
    QT_QPA_PLATFORM_PLUGIN_PATH) at a plugin that needs a library that does not exist."""
    patched_plugin(real_plugin, tmp_path / "platforms", "libxcb-shape.so.0", "libxcb-zzzzz.so.0")
    env = {k: v for k, v in os.environ.items()
           if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE", "QT_PLUGIN_PATH")}
    env.update(DISPLAY=":99", QT_QPA_PLATFORM_PLUGIN_PATH=str(tmp_path / "platforms"))
    db = tmp_path / "p.db"
    result = subprocess.run([sys.executable, "-m", "annotator", "gui", "--db", str(db)], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr  # not -6 (SIGABRT)
    assert result.stderr.count("Error: cannot open the window") == 1
    assert "libxcb-zzzzz.so.0" in result.stderr and "Traceback" not in result.stderr
    assert not db.exists()  # nothing was created before the check
