"""Errors the core raises with messages meant for people, never tracebacks."""

from __future__ import annotations


class AnnotatorError(Exception):
    """Base class: its message is shown to the user as is."""


class SpanError(AnnotatorError, ValueError):
    """A span is invalid for its text (out of range, reversed, overlapping, empty, bad label)."""


class RecordError(AnnotatorError):
    """A record in an input file is bad; carries where it was found."""

    def __init__(self, path: str, line: int | None, message: str):
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


class UnknownFormat(RecordError):
    """A file whose format cannot be told from its name (`suffix`): the command line says to
    name it with --format, the window offers the choice."""

    def __init__(self, path: str, suffix: str, message: str):
        super().__init__(path, None, message)
        self.suffix = suffix


class DecodeError(RecordError):
    """A file is not in the encoding it was read with; `likely` is the encoding it seems to
    be in (None when nothing fits), for a window to offer as the choice."""

    def __init__(self, path: str, line: int | None, message: str, likely: str | None = None):
        super().__init__(path, line, message)
        self.likely = likely


class ProjectError(AnnotatorError):
    """A file cannot be opened as a project (not ours, newer schema, read-only...)."""


class ProjectBusy(ProjectError):
    """Another process holds the project's write lock for longer than this store waits."""
