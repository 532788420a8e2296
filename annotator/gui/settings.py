"""The app's own settings (window geometry, annotator name, recent projects), kept by Qt in
the platform's config folder; the tests point XDG_CONFIG_HOME at a temporary folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

RECENT_LIMIT = 10


def settings() -> QSettings:
    return QSettings("annotator", "annotator")


def remember_project(path: Path) -> None:
    """Last project and the recent-projects list (most recent first, ten at most)."""
    s = settings()
    path_s = str(Path(path).resolve())
    recent = [p for p in recent_projects() if p != path_s]
    s.setValue("recent", [path_s, *recent][:RECENT_LIMIT])
    s.setValue("last_project", path_s)


def recent_projects() -> list[str]:
    value = settings().value("recent") or []
    if isinstance(value, str):
        value = [value]
    return [p for p in value if isinstance(p, str)]
