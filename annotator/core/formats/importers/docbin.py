"""spaCy .spacy (DocBin) files: each Doc is a document, its ents the spans.

Read with a bare Vocab so no trained pipeline is needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from annotator.core.errors import RecordError
from annotator.core.formats.importers.base import ImportRecord


def read_docbin(path: Path) -> Iterator[ImportRecord | RecordError]:
    """Yield one record per Doc; `line` is the Doc's number in the file (from 1).

    A Doc whose tokens carry entity annotation (IOB set, even all 'O') is an accepted
    annotation, possibly with no entities; a Doc with no entity annotation is a plain document.
    """
    from spacy.tokens import DocBin  # spaCy is slow to import: only when a .spacy file is read
    from spacy.vocab import Vocab

    path = Path(path)
    try:
        docs = DocBin().from_disk(path).get_docs(Vocab())
        for number, doc in enumerate(docs, 1):
            yield _record(doc, number)
    except Exception as exc:  # noqa: BLE001 - msgpack/zlib/spaCy raise many types for a corrupt file
        yield RecordError(str(path), None, f"not a spaCy DocBin file ({type(exc).__name__}: {exc})")


def _record(doc: Any, number: int) -> ImportRecord:
    annotated = any(token.ent_iob != 0 for token in doc)
    spans = [[ent.start_char, ent.end_char, ent.label_] for ent in doc.ents]
    meta = {"cats": dict(doc.cats)} if doc.cats else {}
    return ImportRecord(doc.text, meta, spans if annotated else None,
                        answer="accept" if annotated else None, line=number)
