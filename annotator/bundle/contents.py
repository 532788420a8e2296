"""What goes into the one-folder app and what is trimmed from it. The spec written by
annotator/bundle/spec.py calls these functions (at build time, inside PyInstaller), so the
lists live here once, with the reasons.

Qt: PyInstaller's hooks collect only the PySide6 modules imported (QtCore, QtGui, QtWidgets)
with the plugins those need. The excludes keep any other Qt module from being pulled in by a
third-party hook or an optional import, and trim() drops what the hooks still add but the app
never loads: translations (the interface is English only; annotator installs no
QTranslator), QML, and the Quick/QML/WebEngine/3D/multimedia libraries and plugins.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import pkgutil
import struct
import sys
from pathlib import Path
from typing import Any, Iterable

from annotator.core.learning.suggest import DEFAULT_MODELS
from annotator.paths import resource_path, seeds_dir

APP_NAME = "annotator"
BINARY_KINDS = ("BINARY", "EXTENSION")
HOOKS_DIR = Path(__file__).resolve().parent / "hooks"  # ours come before pyinstaller-hooks-contrib's

# Python modules never bundled: Qt modules the app does not use, test suites, build tools.
EXCLUDES = [
    *(f"PySide6.{name}" for name in (
        "QtQml", "QtQuick", "QtQuickWidgets", "QtQuickControls2", "QtQuick3D", "QtQuickTest",
        "QtWebEngineCore", "QtWebEngineWidgets", "QtWebEngineQuick", "QtWebChannel", "QtWebSockets",
        "QtWebView", "Qt3DCore", "Qt3DRender", "Qt3DInput", "Qt3DLogic", "Qt3DAnimation", "Qt3DExtras",
        "QtMultimedia", "QtMultimediaWidgets", "QtSpatialAudio", "QtTextToSpeech", "QtCharts",
        "QtDataVisualization", "QtGraphs", "QtGraphsWidgets", "QtDesigner", "QtUiTools", "QtHelp",
        "QtPdf", "QtPdfWidgets", "QtTest", "QtSql", "QtBluetooth", "QtNfc", "QtPositioning",
        "QtLocation", "QtSensors", "QtSerialPort", "QtSerialBus", "QtRemoteObjects", "QtScxml",
        "QtStateMachine", "QtHttpServer", "QtNetworkAuth", "QtAxContainer", "QtOpenGLWidgets",
        "QtConcurrent")),
    # matplotlib draws with Agg and writes SVG only (annotator/core/report/charts.py): no GUI backends.
    "tkinter", "_tkinter", "matplotlib.backends.backend_qtagg", "matplotlib.backends.backend_qt",
    "matplotlib.backends.backend_tkagg", "matplotlib.backends.backend_webagg", "IPython",
    # Test suites and tools that packages ship or import optionally.
    "pytest", "_pytest", "hypothesis", "spacy.tests", "thinc.tests", "srsly.tests", "numpy.tests",
    "PyInstaller", "setuptools", "pip", "annotator.bundle.build", "annotator.bundle.spec",
    "annotator.bundle.checks",
]

# annotator/core/report/charts.py draws with Agg and writes SVG (the report); savefig imports them by name.
MATPLOTLIB_BACKENDS = ["matplotlib.backends.backend_agg", "matplotlib.backends.backend_svg"]

# Files (by their path inside the app's folder, '/'-separated) never bundled: see the docstring.
TRIMMED = [
    "PySide6/Qt/translations/*", "PySide6/Qt/qml/*",
    "*/libQt6Qml*", "*/libQt6Quick*", "*/libQt6WebEngine*", "*/libQt6WebChannel*", "*/libQt63D*",
    "*/libQt6Multimedia*", "*/libQt6SpatialAudio*", "*/libQt6TextToSpeech*", "*/libQt6Designer*",
    "*/libQt6Pdf*", "*/libQt6Charts*", "*/libQt6Graphs*", "*/libQt6DataVisualization*",
    "PySide6/Qt/plugins/qmltooling/*", "PySide6/Qt/plugins/qmllint/*", "PySide6/Qt/plugins/designer/*",
    "PySide6/Qt/plugins/multimedia/*", "PySide6/Qt/plugins/sceneparsers/*", "PySide6/Qt/plugins/renderers/*",
    "PySide6/Qt/plugins/sqldrivers/*",
    # GTK's platform theme would load the system's GTK 3 against the cairo, pango and glib copied
    # in for it; the app draws with Fusion and Qt's own dialogs, so it is left out with them.
    "PySide6/Qt/plugins/platformthemes/libqgtk3.*",
    # The same on Windows (Qt6Quick.dll ...) and macOS (QtQuick.framework/...).
    "*Qt6Qml*", "*Qt6Quick*", "*Qt6WebEngine*", "*Qt63D*", "*Qt6Multimedia*", "*Qt6Pdf*", "*Qt6Designer*",
    "*/QtQml.framework/*", "*/QtQuick*.framework/*", "*/QtWebEngine*.framework/*",
    # Test data and C sources some packages ship.
    "spacy/tests/*", "thinc/tests/*", "numpy/*/tests/*", "*.pyx", "*.pxd", "*.pyi",
]


def model_packages() -> list[str]:
    """The default models installed here, in annotator's order of preference (see __init__)."""
    found = [name for name in DEFAULT_MODELS if importlib.util.find_spec(name) is not None]
    if not found:
        raise SystemExit(f"no default model installed: pip install {DEFAULT_MODELS[-1].replace('_', '-')}")
    return found


def app_files() -> list[tuple[str, str]]:
    """resources/ and seeds/ at the places annotator.paths looks for them in the app."""
    return [(str(resource_path()), "annotator/resources"), (str(seeds_dir()), "annotator/seeds")]


def datas() -> list[tuple[str, str]]:
    """Data files for the spec: the app's own, each model's files and metadata (spaCy checks
    a model package's distribution), annotator's metadata (its spaCy entry points)."""
    from PyInstaller.utils.hooks import collect_data_files, copy_metadata

    found = app_files()
    for model in model_packages():
        found += collect_data_files(model) + copy_metadata(model)
    return found + copy_metadata("annotator")


def hidden_imports() -> list[str]:
    """Modules PyInstaller cannot see imported: the child processes the window starts by
    name (`annotator -m annotator.jobs.…`, see entry.py), the models' packages, and the
    matplotlib backends that savefig looks up by name (the report's SVG, the window's pixels)."""
    import annotator

    ours = [found.name for found in pkgutil.walk_packages(annotator.__path__, "annotator.")
            if not found.name.startswith("annotator.bundle")]
    return [*ours, "annotator.bundle.entry", *model_packages(), *MATPLOTLIB_BACKENDS]


def trimmed(dest: str) -> bool:
    """Whether a file bound for `dest` (its path inside the app's folder) is left out."""
    dest = dest.replace("\\", "/")
    return any(fnmatch.fnmatchcase(dest, pattern) for pattern in TRIMMED)


def trim(toc: Iterable[Any]) -> list[Any]:
    """A PyInstaller TOC (name, path, kind) without the trimmed entries, nor the libraries
    copied in only for them (orphans())."""
    toc = list(toc)
    kept = [entry for entry in toc if not trimmed(entry[0])]
    binaries = [entry for entry in kept if entry[2] in BINARY_KINDS]
    dropped = [entry for entry in toc if trimmed(entry[0]) and entry[2] in BINARY_KINDS]
    gone = orphans(binaries, dropped)
    return [entry for entry in kept if entry[0] not in gone]


def _needs(path: str) -> list[str]:
    from annotator.cli.qt_libs import needed

    try:
        with open(path, "rb") as fh:
            if fh.read(4) != b"\x7fELF":
                return []  # Windows and macOS binaries: no orphans found there
        return needed(Path(path))
    except (OSError, ValueError, struct.error):
        return []  # e.g. a symbolic link's entry, whose path is relative to the app


def _reach(roots: Iterable[Any], by_name: dict[str, Any]) -> set[str]:
    """Names of the app's top-level libraries that the roots need, directly or not."""
    seen: set[str] = set()
    todo = [entry[1] for entry in roots]
    while todo:
        for name in _needs(todo.pop()):
            if name in by_name and name not in seen:
                seen.add(name)
                todo.append(by_name[name][1])
    return seen


def orphans(kept: list[Any], dropped: list[Any]) -> set[str]:
    """Top-level libraries (PyInstaller puts the system libraries a binary needs at the top
    of the app's folder) needed by a trimmed file and by nothing kept. A library nothing
    needs at all stays: something may open it by name (ctypes)."""
    top = {entry[0]: entry for entry in kept if "/" not in entry[0].replace("\\", "/")}
    roots = [entry for entry in kept if entry[0] not in top or ".cpython-" in entry[0] or
             entry[0].startswith("libpython")]
    return _reach(dropped, top) - _reach(roots, top)


def icon_file() -> str | None:
    """The program's icon where the platform embeds one (PyInstaller converts the PNG with
    Pillow into .ico on Windows and .icns on macOS); Linux menus use the .desktop file."""
    if sys.platform not in ("win32", "darwin"):
        return None
    png = Path(resource_path("icons/annotator.png"))
    return str(png) if png.is_file() else None
