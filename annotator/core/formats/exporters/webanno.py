"""WebAnno TSV 3.3 for INCEpTION: a folder with one file per document, the named-entity layer.

Each file is what INCEpTION's own TSV export writes (INCEpTION imports it with the
"WebAnno TSV 3" format): the header, then per sentence its `#Text=` lines (one per line of
the sentence) and a row per token, `SENTENCE-TOKEN<TAB>BEGIN-END<TAB>TOKEN<TAB>VALUE<TAB>`,
VALUE being `_` or the label, `[id]` added when an entity covers several tokens. Offsets
are UTF-16 units, as INCEpTION counts (see annotator.core.formats.webanno_tsv).

- Tokens are spaCy's (the project language), split further at span boundaries, so a span off
  token boundaries (Alt+drag) keeps its exact extent.
- A sentence starts at the first token of a line and after sentence-final punctuation
  followed by a space, never inside a span. INCEpTION fills the gap before a sentence with a
  line break, then spaces: a gap of that shape is left to it, any other whitespace (a blank
  line, a space after a full stop) stays in the sentence's text, so the document's text comes
  back exactly. Only whitespace before the first token (which the format cannot hold) comes
  back as spaces (a warning says so).
- Files are named doc-000042.tsv by document id; when the export holds several versions of a
  document (annotators), each file adds the annotator: doc-000042.alice.tsv.
- All or nothing: the folder is built beside the target (.OUT.part) and swapped in when
  complete. The target must be new, empty, or hold only .tsv files (a previous export).
"""

from __future__ import annotations

import bisect
import contextlib
import os
import re
import shutil
from pathlib import Path
from typing import Any, Sequence

from annotator.core.formats.exporters.base import DocumentExporter, ExportError, ExportItem, Warn, export_pipeline
from annotator.core.text.model import Span
from annotator.core.formats.webanno_tsv import FORMAT_LINE, NE_LAYER, escape_text, escape_value, to_utf16

_NON_SPACE = re.compile(r"\S+")
_SENTENCE_END = tuple(".!?…。！？")
_UNSAFE = re.compile(r"[^\w@.+-]+")


class _Gaps:
    """The gaps INCEpTION's reader rebuilds between sentences: '' or a line break then spaces."""

    def __contains__(self, gap: object) -> bool:
        return gap == "" or (isinstance(gap, str) and gap[:1] == "\n" and gap[1:].strip(" ") == "")


_REBUILT_GAPS = _Gaps()


def tsv_tokens(text: str, spans: Sequence[Span], nlp: Any) -> list[tuple[int, int]]:
    """(start, end) of the tokens to write: spaCy's, split at whitespace and span boundaries."""
    cuts = sorted({b for s in spans for b in (s.start, s.end)})
    out: list[tuple[int, int]] = []
    for token in nlp.make_doc(text):
        for piece in _NON_SPACE.finditer(token.text):
            start, end = token.idx + piece.start(), token.idx + piece.end()
            i = bisect.bisect_right(cuts, start)
            while i < len(cuts) and cuts[i] < end:
                out.append((start, cuts[i]))
                start = cuts[i]
                i += 1
            out.append((start, end))
    return out


def _sentence_starts(text: str, tokens: list[tuple[int, int]], spans: Sequence[Span]) -> list[int]:
    """Indices of the tokens that start a sentence (see the module docstring)."""
    inside = [False] * len(tokens)  # whether token i and token i - 1 lie in one span
    starts = [t[0] for t in tokens]
    for span in spans:
        first = bisect.bisect_left(starts, span.start)
        last = bisect.bisect_left(starts, span.end)
        for i in range(first + 1, last):
            inside[i] = True
    out = [0] if tokens else []
    for i in range(1, len(tokens)):
        gap = text[tokens[i - 1][1]:tokens[i][0]]
        previous = text[tokens[i - 1][0]:tokens[i - 1][1]]
        if not inside[i] and gap and ("\n" in gap or previous.endswith(_SENTENCE_END)):
            out.append(i)
    return out


def webanno_document(text: str, spans: Sequence[Span], nlp: Any) -> str:
    """The TSV 3.3 file of one document with its (non-overlapping) spans."""
    spans = sorted(spans)
    tokens = tsv_tokens(text, spans, nlp)
    u16 = to_utf16(text)
    values = _values(tokens, spans)
    out = [f"{FORMAT_LINE}\n#T_SP={NE_LAYER}|value\n\n"]
    starts = _sentence_starts(text, tokens, spans)
    for n, first in enumerate(starts):
        last = starts[n + 1] if n + 1 < len(starts) else len(tokens)
        end = tokens[last][0] if last < len(tokens) else len(text)
        if last < len(tokens) and text[tokens[last - 1][1]:end] in _REBUILT_GAPS:
            end = tokens[last - 1][1]  # INCEpTION puts this gap back by itself
        out.append("\n")
        out.extend(f"#Text={escape_text(line)}\n" for line in text[tokens[first][0]:end].split("\n"))
        for j in range(first, last):
            start, stop = tokens[j]
            out.append(f"{n + 1}-{j - first + 1}\t{u16(start)}-{u16(stop)}\t{text[start:stop]}\t{values[j]}\t\n")
    return "".join(out)


def _values(tokens: list[tuple[int, int]], spans: list[Span]) -> list[str]:
    """The value column of each token: `_`, or the label with `[id]` on multi-token entities."""
    values = ["_"] * len(tokens)
    starts = [t[0] for t in tokens]
    ident = 0
    for span in spans:
        first, last = bisect.bisect_left(starts, span.start), bisect.bisect_left(starts, span.end)
        label = escape_value(span.label)
        if last - first > 1:
            ident += 1
            label += f"[{ident}]"
        for i in range(first, last):
            values[i] = label
    return values


class WebAnnoExporter(DocumentExporter):
    name = "webanno"
    suffix = ""
    description = "WebAnno TSV 3.3 for INCEpTION: OUT is a folder, one .tsv per document (named-entity layer)"

    def __init__(self, out: Path, *, lang: str = "en", on_warning: Warn | None = None) -> None:
        super().__init__(out, lang=lang, on_warning=on_warning)
        if self.out.exists() and not self.out.is_dir():
            raise ExportError(f"{self.out}: exists and is not a folder; webanno writes a folder of .tsv files")
        if self.out.is_dir():
            foreign = [p.name for p in self.out.iterdir() if p.suffix != ".tsv" or not p.is_file()]
            if foreign:  # the folder is replaced whole: never take other files with it
                raise ExportError(f"{self.out}: folder holds other files ({', '.join(sorted(foreign)[:3])}); "
                                  f"export to an empty or new folder")
        self._build = self.out.with_name(f".{self.out.name}.part")
        self._old = self.out.with_name(f".{self.out.name}.old")
        self._written: list[Path] = []

    @classmethod
    def split_paths(cls, out: Path) -> tuple[Path, Path]:
        return Path(out) / "train", Path(out) / "dev"

    def _folder(self) -> Path:
        if not self._build.is_dir():
            try:
                shutil.rmtree(self._build, ignore_errors=True)  # left by a crash
                self._build.mkdir(parents=True)
            except OSError as exc:
                raise ExportError(f"{self._build}: cannot write ({exc.strerror or exc})") from None
        return self._build

    def write_document(self, items: list[ExportItem]) -> None:
        doc = items[0].document
        lead = len(doc.text) - len(doc.text.lstrip())
        if doc.text[:lead].strip(" "):
            self.warn(f"document {doc.id}: whitespace before its first word is written as spaces "
                      f"(WebAnno TSV cannot hold text before the first sentence)")
        nlp = export_pipeline(self.lang, 1)
        used: set[str] = set()
        for item in items:
            name = f"doc-{doc.id:06d}"
            if len(items) > 1:
                name += "." + (_UNSAFE.sub("_", item.annotator or "") or "_")
            while name in used:
                name += "_"
            used.add(name)
            path = self._folder() / f"{name}.tsv"
            try:
                path.write_text(webanno_document(doc.text, item.spans, nlp), encoding="utf-8", newline="\n")
            except OSError as exc:
                raise ExportError(f"{path}: cannot write ({exc.strerror or exc})") from None
            self._written.append(self.out / path.name)

    def finish(self) -> list[Path]:
        self.flush_document()
        build = self._folder()
        try:
            shutil.rmtree(self._old, ignore_errors=True)
            if self.out.exists():
                os.replace(self.out, self._old)
            try:
                os.replace(build, self.out)
            except OSError:
                if self._old.exists() and not self.out.exists():
                    os.replace(self._old, self.out)  # put the previous export back
                raise
            shutil.rmtree(self._old, ignore_errors=True)
        except OSError as exc:
            self.abort()
            raise ExportError(f"{self.out}: cannot write ({exc.strerror or exc})") from None
        return list(self._written)

    def abort(self) -> None:
        with contextlib.suppress(OSError):
            shutil.rmtree(self._build)
