"""When files could not be imported because of how they were read, the window asks instead
of giving command-line advice: a file type it does not know gets a format choice (the
importers' registry, with what each reads), a file that is not UTF-8 gets an encoding choice
(prefilled with the encoding it seems to be in). "Import again" imports those files with the
choice; every other problem is listed as it is (FILE:LINE: what is wrong)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from annotator.core.errors import DecodeError, RecordError, UnknownFormat
from annotator.core.formats.importers import FORMAT_HELP, FORMATS, TEXT_FORMATS
from annotator.gui.access import fill_in

COMMON_ENCODINGS = ["utf-8", "cp1252", "latin-1", "iso-8859-15", "utf-16", "mac-roman", "cp1250", "cp1251"]


def fixable(errors: list[RecordError]) -> tuple[list[RecordError], list[RecordError]]:
    """(errors a format or encoding choice can fix, the rest)."""
    fix = [e for e in errors if isinstance(e, (UnknownFormat, DecodeError))]
    return fix, [e for e in errors if e not in fix]


class ImportFixDialog(QDialog):
    """Asks how to read the files that failed; `paths()`, `format()` and `encoding()` say
    what to import again. Non-blocking: open() it and act on `accepted`."""

    def __init__(self, errors: list[RecordError], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import: how should these files be read?")
        self.errors = errors
        unknown = [e for e in errors if isinstance(e, UnknownFormat)]
        undecoded = [e for e in errors if isinstance(e, DecodeError)]
        form = QFormLayout(self)
        lines = []
        for e in unknown:
            lines.append(f"• {Path(e.path).name}: the file type {e.suffix or '(none)'} is not one annotator "
                         "knows. Choose how to read it.")
        for e in undecoded:
            seems = f"; it looks like {e.likely}" if e.likely else ""
            lines.append(f"• {Path(e.path).name}: not UTF-8{seems}. Choose its encoding.")
        intro = QLabel("\n".join(lines))
        intro.setWordWrap(True)
        form.addRow(intro)
        self.format_box = QComboBox()
        self.format_box.setObjectName("importFormat")
        for name in FORMATS:
            self.format_box.addItem(f"{name} — {FORMAT_HELP.get(name, '')}", name)
        self.format_box.setVisible(bool(unknown))
        if unknown:
            form.addRow("Read as", self.format_box)
        self.encoding_box = QComboBox()
        self.encoding_box.setObjectName("importEncoding")
        self.encoding_box.setEditable(True)  # any name Python knows
        likely = next((e.likely for e in undecoded if e.likely), None)
        choices = ([likely] if likely else []) + [c for c in COMMON_ENCODINGS if c != likely]
        self.encoding_box.addItems(choices)
        if undecoded or unknown:
            form.addRow("Encoding", self.encoding_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton("Import again", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._has_unknown = bool(unknown)
        fill_in(self)  # accessible names and descriptions (gui/access.py)

    def groups(self) -> list[tuple[list[Path], str | None, str | None]]:
        """What to import again: (files, format, encoding). Files of unknown type are read in
        the chosen format; files that were only mis-decoded keep the format of their name."""
        unknown = list(dict.fromkeys(Path(e.path) for e in self.errors if isinstance(e, UnknownFormat)))
        undecoded = list(dict.fromkeys(Path(e.path) for e in self.errors if isinstance(e, DecodeError)))
        encoding = self.encoding()
        out = []
        if unknown:
            out.append((unknown, self.format(), encoding))
        if undecoded:
            out.append(([p for p in undecoded if p not in unknown], None, encoding))
        return [g for g in out if g[0]]

    def format(self) -> str | None:
        """The format chosen for files of unknown type (None: tell it from each name)."""
        return str(self.format_box.currentData()) if self._has_unknown else None

    def encoding(self) -> str | None:
        """The encoding chosen; None for UTF-8 or a format read as binary (.spacy)."""
        name = self.encoding_box.currentText().strip()
        fmt = self.format()
        if not name or name.lower().replace("_", "-") in ("utf-8", "utf8") or (fmt and fmt not in TEXT_FORMATS):
            return None
        return name
