"""File menu work that runs in the background: import, export, merge a teammate's project
file. Each is one function over (parent widget, Project, TaskRunner): it asks what it needs,
runs the job in a worker with a progress indicator and a ✕, and when the job ends it tells
the Project (which tells every view) and the person.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from annotator.core.errors import RecordError
from annotator.core.formats.importers import ARTICLE_FORMATS, ARTICLE_SUFFIXES, SUFFIXES
from annotator.core.wording import count
from annotator.gui.dialogs import dialogs
from annotator.gui.dialogs.export_dialog import ExportDialog
from annotator.gui.dialogs.import_fix import ImportFixDialog, fixable
from annotator.gui.project import Project
from annotator.gui.settings import settings
from annotator.gui.tasks import TaskRunner
from annotator.gui.workers import Worker
from annotator.jobs import tasks as jobs

PROJECT_FILTER = "Annotator projects (*.db *.sqlite);;All files (*)"
MAX_LISTED = 20


def import_filter() -> str:
    """The import dialog's file filters, from the importers' registry: everything it reads
    (the default), articles alone, all files (the content decides how a file is read)."""
    everything = " ".join(f"*{suffix}" for suffix in SUFFIXES)
    articles = " ".join(f"*{suffix}" for suffix in (".txt", *(s for f in ARTICLE_SUFFIXES.values() for s in f)))
    return f"Articles and annotations ({everything});;Articles ({articles});;All files (*)"


def _listed(lines: list[str]) -> str:
    more = f"\n…and {len(lines) - MAX_LISTED:,} more" if len(lines) > MAX_LISTED else ""
    return "\n".join(lines[:MAX_LISTED]) + more


# ---- import ------------------------------------------------------------------------------------
def ask_import(parent: QWidget, project: Project, tasks: TaskRunner, folder: bool = False) -> Worker | None:
    start = str(project.path.parent)
    if folder:
        chosen = QFileDialog.getExistingDirectory(parent, "Import folder", start)
        paths = [Path(chosen)] if chosen else []
    else:
        names, _ = QFileDialog.getOpenFileNames(parent, "Import files", start, import_filter())
        paths = [Path(p) for p in names]
    return import_paths(parent, project, tasks, paths) if paths else None


def ask_split(parent: QWidget, paths: list[Path]) -> str | None | bool:
    """For a text over 1 MB among the files: import it whole, or one document per paragraph
    or sentence (core/formats/splitting.py, as `import --split`). None: whole; False: cancelled."""
    from annotator.core.ops.importing import expand_paths
    from annotator.core.formats.splitting import LARGE_TEXT_BYTES, SPLITTABLE

    # A Word or PDF file's size says little about its text (images, fonts): text files only.
    big = [(p, size) for p, kind in expand_paths(paths)[0]
           if kind in SPLITTABLE and kind not in ARTICLE_FORMATS and (size := p.stat().st_size) > LARGE_TEXT_BYTES]
    if not big:
        return None
    choices = {"One document per paragraph": "paragraphs", "One document per sentence": "sentences",
               "Each text as one document": None}
    more = f" (and {count(len(big) - 1, 'other large file')})" if len(big) > 1 else ""
    item, ok = QInputDialog.getItem(parent, "Import long texts", f"{big[0][0].name} is {big[0][1] / 1e6:.1f} MB"
                                    f"{more}. Import the texts of .txt, CSV and JSONL files as:", list(choices), 0, False)
    return choices[item] if ok else False


def import_paths(parent: QWidget, project: Project, tasks: TaskRunner, paths: list[Path], *,
                 fmt: str | None = None, encoding: str | None = None, split: str | None | bool = None,
                 then: list[tuple[list[Path], str | None, str | None]] | None = None) -> Worker | None:
    """Import in the background. Files that failed only because of how they were read (an
    unknown file type, not UTF-8) are offered again with a format or encoding choice
    (gui/dialogs/import_fix.py); `then` are further (paths, format, encoding) groups to import after."""
    if split is None:
        split = ask_split(parent, paths)
    if split is False:
        return None
    names = ", ".join(p.name for p in paths[:3]) + ("…" if len(paths) > 3 else "")

    def imported(result: tuple[Any, list[RecordError]]) -> None:
        report, errors = result
        tasks.end("import", f"Imported {count(report.documents_added, 'new document')}")
        project.check_changes(by="import")  # what the worker wrote, read from the change log
        fix, rest = fixable(errors)
        # What the import left out or cut on purpose (a text cut at whitespace, a page without
        # text...) is said as on the command line; it does not take the keyboard from the text.
        warned = [f"warning: {w}" for w in report.warnings]
        if rest:
            dialogs.show_message(parent, "Import problems", _listed([str(e) for e in rest] + warned))
        elif warned:
            dialogs.notify(parent, "Import notes", _listed(warned))
        if fix:
            ask_how_to_read(parent, project, tasks, fix, split)
        elif then:
            (paths_, fmt_, encoding_), *more = then
            import_paths(parent, project, tasks, paths_, fmt=fmt_, encoding=encoding_, split=split, then=more)

    return tasks.run(jobs.import_job, project.path, paths, project.annotator, split, fmt, encoding, name="import",
                     key="import", title=f"Importing {names}", on_returned=imported,
                     on_error=lambda exc: _failed(parent, tasks, "import", "Import failed", exc))


def ask_how_to_read(parent: QWidget, project: Project, tasks: TaskRunner, errors: list[RecordError],
                    split: str | None) -> ImportFixDialog:
    """The format/encoding question for files that could not be read; non-blocking."""
    dialog = ImportFixDialog(errors, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def again() -> None:
        groups = dialog.groups()
        if groups:
            (paths, fmt, encoding), *more = groups
            import_paths(parent, project, tasks, paths, fmt=fmt, encoding=encoding, split=split, then=more)

    dialog.accepted.connect(again)
    dialog.open()
    return dialog


def _failed(parent: QWidget, tasks: TaskRunner, key: str, title: str, exc: BaseException) -> None:
    tasks.end(key)
    dialogs.show_message(parent, title, str(exc) or type(exc).__name__)


# ---- export ------------------------------------------------------------------------------------
def ask_export(parent: QWidget, project: Project, tasks: TaskRunner) -> Worker | None:
    dialog = ExportDialog(project.path, project.annotator, settings(), parent)
    if not dialog.exec():
        return None
    return export(parent, project, tasks, dialog.format(), dialog.out_path(), dialog.options())


def export(parent: QWidget, project: Project, tasks: TaskRunner, fmt: str, out: Path,
           options: dict[str, Any]) -> Worker:
    def exported(result: tuple[Any, list[str]]) -> None:
        report, warnings = result
        tasks.end("export", f"Exported {count(report.records, 'record')} to {out}")
        notes = list(warnings)
        if report.disputed_excluded:
            from annotator.core.team.gold import disputed_message

            notes.insert(0, disputed_message(report.disputed_excluded))
        if notes:
            dialogs.show_message(parent, "Export notes", _listed(notes), icon=QMessageBox.Icon.Information)

    return tasks.run(jobs.export_job, project.path, fmt, out, options, name="export", key="export",
                     title=f"Exporting {fmt}", on_returned=exported,
                     on_error=lambda exc: _failed(parent, tasks, "export", "Export failed", exc))


# ---- merge -------------------------------------------------------------------------------------
def merge_project_file(parent: QWidget, project: Project, tasks: TaskRunner,
                       path: str | Path | None = None) -> Worker | None:
    """Merge another project file into this one in the background (asks for it unless given)."""
    if path is None:
        chosen, _ = QFileDialog.getOpenFileName(parent, "Merge a teammate's project file",
                                                str(project.path.parent), PROJECT_FILTER)
        if not chosen:
            return None
        path = chosen
    if tasks.is_running("merge"):
        dialogs.show_message(parent, "Merge project file", "A merge is already running.")
        return None

    def merged(report: Any) -> None:
        brought = report.total("added") + report.total("updated")
        tasks.end("merge", f"Merged {Path(report.source).name}: {count(report.documents_added, 'new document')}, "
                           f"{count(brought, 'annotation')} brought in")
        project.check_changes(by="merge")
        dialogs.notify(parent, "Merge project file", "\n".join(report.lines()))

    return tasks.run(jobs.merge_job, project.path, Path(path), name="merge", key="merge",
                     title=f"Merging {Path(path).name}", on_returned=merged,
                     on_error=lambda exc: _failed(parent, tasks, "merge", "Merge failed", exc))
