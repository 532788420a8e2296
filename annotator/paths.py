"""The one place that knows where bundled resources, seeds and user data live.

Three layouts: the source tree (resources/ and seeds/ at the top), an install (the data-only
subpackages annotator.resources and annotator.seeds), and the one-folder app built by
`python -m annotator.bundle` (PyInstaller: the same subfolders under sys._MEIPASS). The app's
folder may be read-only: nothing is ever written beside it, user data goes to
user_data_dir() in every layout."""

from __future__ import annotations

import os
import sys
import importlib
from pathlib import Path

_SOURCE_ROOT = Path(__file__).resolve().parent.parent


def frozen_root() -> Path | None:
    """The folder holding a PyInstaller app's files (sys._MEIPASS), None when not frozen."""
    if not getattr(sys, "frozen", False):
        return None
    root = getattr(sys, "_MEIPASS", None)
    return Path(root) if root else Path(sys.executable).resolve().parent


def _bundled_dir(package: str, source_name: str) -> Path:
    # The app built by annotator.bundle lays data-only subpackages out as folders under its root
    # (annotator/bundle/contents.py); found there directly, not through importlib, which only
    # finds a namespace package where a path finder looks (PyInstaller's importer may not).
    root = frozen_root()
    if root is not None:
        return root.joinpath(*package.split("."))
    # Installed (wheel or editable): a data-only subpackage of annotator. Source tree: top-level folder.
    try:
        module = importlib.import_module(package)
    except ModuleNotFoundError:
        module = None
    for entry in getattr(module, "__path__", []):
        if Path(entry).is_dir():
            return Path(entry)
    return _SOURCE_ROOT / source_name


def resource_path(name: str = "") -> Path:
    """Path of a file in resources/ (icons, style sheets, default labels)."""
    return _bundled_dir("annotator.resources", "resources") / name


def seeds_dir() -> Path:
    """The folder of bundled sample articles."""
    return _bundled_dir("annotator.seeds", "seeds")


def user_data_dir() -> Path:
    """Per-user data folder (XDG on Linux, Application Support on macOS, AppData on Windows)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = xdg_data_home()
    return base / "annotator"


def user_config_dir() -> Path:
    """Per-user config folder (XDG_CONFIG_HOME on Linux; the data folder elsewhere), where
    core/team/identity.py keeps the first-run name."""
    if sys.platform in ("win32", "darwin"):
        return user_data_dir()
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "annotator"


def xdg_data_home() -> Path:
    """$XDG_DATA_HOME, else ~/.local/share: where Linux keeps a user's data, menus and icons."""
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def default_db_path() -> Path:
    """The default project: $ANNOTATOR_DB if set, else default.db in the user data folder."""
    env = os.environ.get("ANNOTATOR_DB")
    if env:
        return Path(env).expanduser()
    return user_data_dir() / "default.db"
