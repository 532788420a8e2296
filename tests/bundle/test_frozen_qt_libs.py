"""The missing-X11-library check (annotator/cli/qt_libs.py) in the one-folder app: it looks at
the app's own copy of Qt's xcb plugin, follows the libraries the app carries (Qt's in
PySide6/Qt/lib, the others at the top of the folder) and gives the same message as an
install. The folder here is laid out as PyInstaller lays it out, with the real plugin."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main, qt_libs
from tests.bundle.test_contents import compile_library
from tests.cli.test_qt_libs import patched_plugin


@pytest.fixture
def real_plugin() -> Path:
    plugin = qt_libs.find_xcb_plugin({})
    if plugin is None:
        pytest.fail("PySide6's xcb plugin not found (the Qt test job has PySide6)")
    return plugin


@pytest.fixture
def app_root(real_plugin, tmp_path, monkeypatch) -> Path:
    """_internal/ with the xcb plugin patched to need libxcb-zzzzz.so.0 (which no system has)."""
    root = tmp_path / "_internal"
    patched_plugin(real_plugin, root / "PySide6" / "Qt" / "plugins" / "platforms", "libxcb-shape.so.0",
                   "libxcb-zzzzz.so.0")
    (root / "PySide6" / "Qt" / "lib").symlink_to(real_plugin.parent.parent.parent / "lib")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(root), raising=False)
    for name in ("QT_QPA_PLATFORM", "QT_QPA_PLATFORM_PLUGIN_PATH", "QT_PLUGIN_PATH", "WAYLAND_DISPLAY",
                 "XDG_SESSION_TYPE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DISPLAY", ":99")
    return root


def test_the_apps_own_plugin_is_checked(app_root, real_plugin):
    plugin = app_root / "PySide6" / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    assert qt_libs.find_xcb_plugin() == plugin
    missing = qt_libs.missing_libraries(plugin)
    # What this machine lacks for the real plugin (a minimal Linux may lack some), plus ours.
    assert sorted(missing) == sorted({*qt_libs.missing_libraries(real_plugin), "libxcb-zzzzz.so.0"})
    assert not any(name.startswith("libQt6") for name in missing)


def test_a_library_the_app_carries_is_not_missing(app_root, real_plugin):
    compile_library(app_root, "libxcb-zzzzz.so.0")
    plugin = app_root / "PySide6" / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    assert qt_libs.missing_libraries(plugin) == qt_libs.missing_libraries(real_plugin)


def test_gui_gives_the_same_message_as_an_install(app_root, tmp_path):
    db = tmp_path / "p.db"
    result = CliRunner().invoke(main, ["gui", "--db", str(db)])
    assert result.exit_code == 1
    plugin = app_root / "PySide6" / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    assert "libxcb-zzzzz.so.0" in result.output
    assert result.output == f"Error: {qt_libs.missing_message(plugin, qt_libs.missing_libraries(plugin))}\n"
    assert "Traceback" not in result.output and not db.exists()
