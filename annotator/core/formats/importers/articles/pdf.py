"""PDF articles that contain text (pypdf), one document per file.

A PDF holds positioned lines, not paragraphs. The text is pypdf's, line by line (each line
stripped of the spaces around it, and of private-use glyphs such as a symbol font's bullet);
a blank line is put where the drop from one line to the next is more than 1.4 times the
document's line spacing (the smallest drop that occurs twice), and between pages, so
`--split paragraphs` gives paragraphs. Lines keep their breaks and any hyphen at a line's
end. The text is the page as printed: running headers, page numbers and footnotes come
through as lines, and tracked changes as the PDF shows them.

Pages without text (scanned images) are left out with a warning naming them; a PDF with no
text at all is refused (it needs OCR first). An encrypted PDF is read when it opens without
a password, else refused.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from annotator.core.errors import RecordError
from annotator.core.formats.importers.base import ImportRecord, ReadNote

# pypdf logs a damaged file's oddities as warnings; they would print as stray lines.
logging.getLogger("pypdf").setLevel(logging.ERROR)

PARAGRAPH_GAP = 1.4  # times the usual line spacing
NO_TEXT = ("a PDF with no text (scanned pages?), not text; make it searchable with OCR first "
           "(e.g. `ocrmypdf scan.pdf searchable.pdf`) and import the result")


def read_pdf(path: Path) -> Iterator[ImportRecord | RecordError | ReadNote]:
    """One document: the text of every page that has some (see the module docstring)."""
    path = Path(path)
    try:
        pages = _page_texts(path)
    except RecordError as exc:
        yield exc
        return
    empty = [number for number, text in enumerate(pages, 1) if not text]
    if len(empty) == len(pages):
        yield RecordError(str(path), None, NO_TEXT)
        return
    if path.suffix.lower() != ".pdf":
        yield ReadNote(f"{path}: a PDF named {path.suffix or '(no extension)'}; read as PDF")
    if empty:
        yield ReadNote(f"{path}: {_pages(empty)} of {len(pages)} {'has' if len(empty) == 1 else 'have'} "
                       f"no text (scanned?) and {'is' if len(empty) == 1 else 'are'} left out; OCR them to import them")
    text = "\n\n".join(text for text in pages if text)
    yield ImportRecord(text, {"file": path.name}, pos=path.stat().st_size)


def _page_texts(path: Path) -> list[str]:
    from pypdf import PdfReader  # only when a PDF is read
    from pypdf.errors import FileNotDecryptedError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise RecordError(str(path), None, _ENCRYPTED)
        pages = [_page_lines(page) for page in reader.pages]
    except RecordError:
        raise
    except FileNotDecryptedError:
        raise RecordError(str(path), None, _ENCRYPTED) from None
    except OSError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types for a damaged file
        raise RecordError(str(path), None, f"a damaged PDF ({type(exc).__name__}: {exc})") from None
    spacing = _line_spacing([gap for page in pages for gap in page.gaps()])
    return [page.text(spacing) for page in pages]


_ENCRYPTED = ("an encrypted PDF that needs a password; save a copy without the password (e.g. print it "
              "to PDF) and import that")
# Glyphs of a font's private use area (a bullet in OpenSymbol or Wingdings): no text.
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


@dataclass
class _Page:
    """A page's lines as pypdf reads them, and the baseline of each line that has text."""

    lines: list[str]
    baselines: dict[int, float]

    def gaps(self) -> Iterator[float]:
        """The drop from each line to the next, for lines that both have text."""
        for n in range(1, len(self.lines)):
            if n in self.baselines and n - 1 in self.baselines:
                yield self.baselines[n - 1] - self.baselines[n]

    def text(self, spacing: float) -> str:
        """The page's text, a blank line where a gap is a paragraph's (see the module docstring)."""
        out: list[str] = []
        for n, line in enumerate(self.lines):
            line = _PRIVATE_USE.sub("", line).strip()
            previous = self.baselines.get(n - 1)
            if spacing > 0 and previous is not None and n in self.baselines \
                    and previous - self.baselines[n] > PARAGRAPH_GAP * spacing and out and out[-1]:
                out.append("")
            if line or (out and out[-1]):
                out.append(line)
        return "\n".join(out).strip("\n")


def _page_lines(page: Any) -> _Page:
    pieces: list[str] = []
    baselines: dict[int, float] = {}
    line = 0

    def visit(text: str, cm: list[float], tm: list[float], *_: Any) -> None:
        nonlocal line
        pieces.append(text)
        for part in text.split("\n"):
            if part.strip() and line not in baselines:
                baselines[line] = tm[5] * cm[3] + cm[5]
            line += 1
        line -= 1  # the last part goes on with the line after the final break

    raw = page.extract_text(visitor_text=visit) or ""
    if "".join(pieces) != raw:  # the visitor saw another text than pypdf returned: no gaps
        baselines = {}
    return _Page(raw.split("\n"), baselines)


def _line_spacing(gaps: list[float]) -> float:
    """The document's line spacing: the smallest drop between lines that occurs at least
    twice (the lines of one paragraph), else the smallest; 0 when there is none. Most gaps
    of a document of short paragraphs are paragraph gaps, so a median would not do."""
    drops = sorted(round(g, 1) for g in gaps if g > 0.5)
    repeated = [a for a, b in zip(drops, drops[1:]) if abs(a - b) <= 0.2]
    return (repeated or drops or [0.0])[0]


def _pages(numbers: list[int]) -> str:
    """'page 3', 'pages 3-4', 'pages 1, 3-5'."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    text = ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)
    return f"page {text}" if len(numbers) == 1 else f"pages {text}"
