"""spaCy training data: DocBin (.spacy) files that `python -m spacy train` reads.

OUT ending in .spacy is one file, built in memory (fine for small projects). Any other OUT is
a folder of shards of `shard_size` documents (or SHARD_TOKENS tokens, whichever comes first),
OUT/0000.spacy, OUT/0001.spacy, ..., so memory stays flat however large the project; spaCy's
corpus reader (`--paths.train OUT`) reads every .spacy file in a folder.
--split writes corpus-train.spacy/corpus-dev.spacy for a file, OUT/train/ and OUT/dev/ for a folder.

Each Doc has the text, its tokens and the spans as `doc.ents` (built by
annotator.core.text.spacy_docs.make_doc: spans off token boundaries are widened, with a warning);
meta and annotator are not kept (training needs neither, and they cost 4 ms a document).
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import Any, Sequence

from annotator.core.formats.exporters.base import Exporter, ExportError, ExportItem, Warn, export_pipeline
from annotator.core.text.spacy_docs import make_doc

SHARD_SIZE = 1000
# A shard also ends at this many tokens, so long articles do not make huge shards: a token
# costs 8 bytes per attribute, held about three times over while a shard is serialised.
SHARD_TOKENS = 200_000
SHARD_NAME = re.compile(r"^\d{4,}\.spacy$")
# Only what NER training needs (DocBin's default has 12 attributes).
ATTRS = ["ORTH", "ENT_IOB", "ENT_TYPE"]


def add_doc(docbin: Any, doc: Any) -> None:
    """DocBin.add for docs with only ORTH/ENT_* set, ~5x faster: DocBin.add collects nine
    strings per token from Python; these docs need only their words and entity labels."""
    from spacy.attrs import SPACY

    array = doc.to_array(docbin.attrs)  # DocBin puts ORTH first
    docbin.tokens.append(array)
    docbin.spaces.append(doc.to_array(SPACY).reshape(-1, 1).astype(bool))
    docbin.flags.append({"has_unknown_spaces": doc.has_unknown_spaces})
    strings = doc.vocab.strings
    docbin.strings.update(strings[orth] for orth in set(array[:, 0].tolist()))
    docbin.strings.update(ent.label_ for ent in doc.ents)
    docbin.cats.append(doc.cats)
    docbin.span_groups.append(doc.spans.to_bytes())


def is_folder_target(out: Path) -> bool:
    return Path(out).suffix.lower() != ".spacy"


class DocBinExporter(Exporter):
    name = "spacy"
    suffix = ".spacy"
    description = ("spaCy DocBin for `python -m spacy train`. OUT ending in .spacy is one file (held in "
                   "memory while writing: fine for small projects); any other OUT is a folder of shards of "
                   "up to 1,000 documents (OUT/0000.spacy, ...) that spaCy reads as a folder, with constant memory")
    gold_by_default = True  # training data: one version per document

    def __init__(self, out: Path, *, lang: str = "en", on_warning: Warn | None = None,
                 shard_size: int = SHARD_SIZE) -> None:
        super().__init__(out, lang=lang, on_warning=on_warning)
        self.folder = is_folder_target(self.out)
        self.shard_size = max(1, shard_size)
        self._bin: Any = None
        self._in_bin = 0
        self._tokens_in_bin = 0
        self._written: list[Path] = []
        self._parts: list[Path] = []
        if self.folder:
            self._check_folder()

    def _check_folder(self) -> None:
        if self.out.exists() and not self.out.is_dir():
            raise ExportError(f"{self.out}: exists and is not a folder; name a .spacy file or a folder")
        if self.out.is_dir():
            foreign = [p.name for p in self.out.iterdir() if not SHARD_NAME.match(p.name)
                       and not p.name.startswith(".")]
            # Writing shards among other files would mix them into the training corpus.
            if foreign:
                raise ExportError(f"{self.out}: folder holds other files ({', '.join(sorted(foreign)[:3])}); "
                                  f"export to an empty or new folder")

    @classmethod
    def split_paths(cls, out: Path) -> tuple[Path, Path]:
        out = Path(out)
        if is_folder_target(out):
            return out / "train", out / "dev"
        return super().split_paths(out)

    def _new_bin(self) -> Any:
        from spacy.tokens import DocBin

        return DocBin(attrs=ATTRS)

    def write(self, items: Sequence[ExportItem]) -> None:
        for item in items:
            doc, warnings = make_doc(export_pipeline(self.lang, 1), item.document.text, item.spans)
            for message in warnings:
                self.warn(f"document {item.document.id}: {message}")
            if self._bin is None:
                self._bin = self._new_bin()
            add_doc(self._bin, doc)
            self._in_bin += 1
            self._tokens_in_bin += len(doc)
            self.records += 1
            if self.folder and (self._in_bin >= self.shard_size or self._tokens_in_bin >= SHARD_TOKENS):
                self._flush_shard()

    def _flush_shard(self) -> None:
        final = self.out / f"{len(self._written):04d}.spacy"
        part = self.out / f".{final.name}.part"
        try:
            self.out.mkdir(parents=True, exist_ok=True)
            self._parts.append(part)
            part.write_bytes(self._bin.to_bytes())
        except OSError as exc:
            raise ExportError(f"{part}: cannot write ({exc.strerror or exc})") from None
        self._written.append(final)
        self._bin, self._in_bin, self._tokens_in_bin = None, 0, 0

    def finish(self) -> list[Path]:
        try:
            if not self.folder:
                data = (self._bin or self._new_bin()).to_bytes()
                self.out.parent.mkdir(parents=True, exist_ok=True)
                self._part.write_bytes(data)
                os.replace(self._part, self.out)
                return [self.out]
            if self._in_bin:
                self._flush_shard()
            self.out.mkdir(parents=True, exist_ok=True)
            # All shards are written: only now replace the previous export's shards.
            for old in self.out.iterdir():
                if SHARD_NAME.match(old.name) and old not in self._written:
                    old.unlink()
            for part, final in zip(self._parts, self._written):
                os.replace(part, final)
        except OSError as exc:
            self.abort()
            raise ExportError(f"{self.out}: cannot write ({exc.strerror or exc})") from None
        return list(self._written)

    def abort(self) -> None:
        for part in [*self._parts, self._part]:
            with contextlib.suppress(OSError):
                part.unlink()
        self._bin = None
