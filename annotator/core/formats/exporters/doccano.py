"""doccano 1.x sequence-labelling JSONL: {"text", "label": [[start, end, LABEL]], ...}.

doccano reads `text` and `label` and keeps the other keys as metadata, so the record also
carries `meta`, `answer` and `_annotator_id` for a lossless round trip through annotator.
"""

from __future__ import annotations

from typing import Any, Sequence

from annotator.core.formats.exporters.base import Exporter, ExportItem, dumps_line


def doccano_record(item: ExportItem) -> dict[str, Any]:
    return {
        "text": item.document.text,
        "label": [[s.start, s.end, s.label] for s in sorted(item.spans)],
        "meta": item.meta,
        "answer": item.answer,
        "_annotator_id": item.annotator,
    }


class DoccanoExporter(Exporter):
    name = "doccano"
    suffix = ".jsonl"
    description = "doccano 1.x JSONL: text, label [[start, end, LABEL]], meta, _annotator_id"

    def write(self, items: Sequence[ExportItem]) -> None:
        self.stream.write(b"".join(dumps_line(doccano_record(item)) for item in items))
        self.records += len(items)
