"""Exporters by format name, like spaCy's CONVERTERS: EXPORTERS["jsonl"](out, ...) -> Exporter.

Each exporter takes batches of ExportItem and writes as it goes (constant memory); see
annotator.core.ops.exporting.export for the pipeline that feeds them from the store.
"""

from __future__ import annotations

from annotator.core.formats.exporters.base import Exporter, ExportError, ExportItem
from annotator.core.formats.exporters.conll import ConllExporter
from annotator.core.formats.exporters.docbin import DocBinExporter
from annotator.core.formats.exporters.doccano import DoccanoExporter
from annotator.core.formats.exporters.label_studio import LabelStudioExporter
from annotator.core.formats.exporters.prodigy import ProdigyExporter, prodigy_record
from annotator.core.formats.exporters.webanno import WebAnnoExporter

EXPORTERS: dict[str, type[Exporter]] = {
    cls.name: cls for cls in (ProdigyExporter, DoccanoExporter, DocBinExporter, ConllExporter,
                              LabelStudioExporter, WebAnnoExporter)
}

__all__ = ["EXPORTERS", "Exporter", "ExportError", "ExportItem", "prodigy_record"]
