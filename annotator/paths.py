"""The one place that knows where bundled resources, seeds and user data live."""

from __future__ import annotations

import os
import sys
import importlib
from pathlib import Path

_SOURCE_ROOT = Path(__file__).resolve().parent.parent


def _bundled_dir(package: str, source_name: str) -> Path:
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
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "annotator"


def user_config_dir() -> Path:
    """Per-user config folder (XDG_CONFIG_HOME on Linux; the data folder elsewhere), where
    core/team/identity.py keeps the first-run name."""
    if sys.platform in ("win32", "darwin"):
        return user_data_dir()
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "annotator"


def default_db_path() -> Path:
    """The default project: $ANNOTATOR_DB if set, else default.db in the user data folder."""
    env = os.environ.get("ANNOTATOR_DB")
    if env:
        return Path(env).expanduser()
    return user_data_dir() / "default.db"
