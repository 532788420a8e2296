"""PDF articles that contain text (pypdf), one document per file.

A PDF holds positioned lines, not paragraphs. The text is pypdf's, line by line; a blank line
is put where the gap between two lines is more than 1.4 times the page's usual line spacing
(a paragraph's spacing), and between pages, so `--split paragraphs` gives paragraphs. Lines
keep their breaks and any hyphen at a line's end; running headers and page numbers come
through as lines.

Pages without text (scanned images) are left out with a warning naming them; a PDF with no
text at all is refused (it needs OCR first). An encrypted PDF is read when it opens without
a password, else refused.
"""

from __future__ import annotations

import logging
import statistics
from pathlib import Path
from typing import Any, Iterator

from annotator.core.errors import RecordError
from annotator.core.importers.base import ImportRecord, ReadNote

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
            raise RecordError(str(path), None, "an encrypted PDF that needs a password; save a copy without "
                                               "the password (e.g. print it to PDF) and import that")
        return [_page_text(page) for page in reader.pages]
    except RecordError:
        raise
    except FileNotDecryptedError:
        raise RecordError(str(path), None, "an encrypted PDF that needs a password; save a copy without "
                                           "the password and import that") from None
    except OSError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types for a damaged file
        raise RecordError(str(path), None, f"a damaged PDF ({type(exc).__name__}: {exc})") from None


def _page_text(page: Any) -> str:
    """A page's text, a blank line where the gap between lines says a paragraph ends."""
    pieces: list[str] = []
    line_y: dict[int, float] = {}  # line number -> the baseline of its first visible piece
    lines_so_far = 0

    def visit(text: str, cm: list[float], tm: list[float], *_: Any) -> None:
        nonlocal lines_so_far
        pieces.append(text)
        for part in text.split("\n"):
            if part.strip() and lines_so_far not in line_y:
                line_y[lines_so_far] = tm[5] * cm[3] + cm[5]
            lines_so_far += 1
        lines_so_far -= 1  # the last part continues on the line after the final break

    raw = page.extract_text(visitor_text=visit) or ""
    lines = raw.split("\n")
    if "".join(pieces) != raw:  # the visitor saw another text than pypdf returned: no gaps
        return _clean(lines)
    gaps = [line_y[n - 1] - line_y[n] for n in range(1, len(lines)) if n in line_y and n - 1 in line_y]
    usual = statistics.median([g for g in gaps if g > 0] or [0.0])
    out: list[str] = []
    for n, line in enumerate(lines):
        if usual > 0 and n in line_y and n - 1 in line_y and line_y[n - 1] - line_y[n] > PARAGRAPH_GAP * usual:
            out.append("")
        out.append(line)
    return _clean(out)


def _clean(lines: list[str]) -> str:
    """Lines without trailing whitespace, at most one blank line in a row, none at the ends."""
    out: list[str] = []
    for line in (line.rstrip() for line in lines):
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n")


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
