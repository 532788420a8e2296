"""Gold for the training tests: the first documents of the WikiGold CoNLL file (peer data),
imported with the project's own CoNLL importer (IOB1, -DOCSTART- between documents) as
accepted annotations, with the file's labels PER, LOC, ORG, MISC."""

from __future__ import annotations

from pathlib import Path

from annotator.core.ops.importing import import_paths

WIKIGOLD = "wikigold.conll.txt"
DOCSTART = "-DOCSTART-"


def first_documents(source: Path, limit: int, target: Path) -> Path:
    """Write the first `limit` documents of a CoNLL file (split at -DOCSTART-) to target."""
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith(DOCSTART)]
    # wikigold has no -DOCSTART- before its first document: the k-th one ends document k.
    cut = starts[limit - 1] if limit - 1 < len(starts) else len(lines)
    target.write_text("".join(lines[:cut]), encoding="utf-8")
    return target


def add_wikigold(store, source: Path, limit: int | None = None, annotator: str = "gold") -> int:
    """Import (the first `limit`) WikiGold documents as `annotator`'s gold; returns how many."""
    path = source
    if limit is not None:
        path = first_documents(source, limit, Path(store.path).with_name(f"wikigold-first-{limit}.conll"))
    report = import_paths(store, [path], fmt="conll", annotator=annotator)
    assert not report.errors, report.summary()
    return report.documents_added
