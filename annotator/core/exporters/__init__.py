"""Exporters by format name, like spaCy's CONVERTERS: EXPORTERS["jsonl"](out, ...) -> Exporter.

Each exporter takes batches of ExportItem and writes as it goes (constant memory); see
annotator.core.exporting.export for the pipeline that feeds them from the store.
"""

from __future__ import annotations

from annotator.core.exporters.base import Exporter, ExportError, ExportItem
from annotator.core.exporters.conll import ConllExporter
from annotator.core.exporters.docbin import DocBinExporter
from annotator.core.exporters.doccano import DoccanoExporter
from annotator.core.exporters.label_studio import LabelStudioExporter
from annotator.core.exporters.prodigy import ProdigyExporter, prodigy_record
from annotator.core.exporters.webanno import WebAnnoExporter

EXPORTERS: dict[str, type[Exporter]] = {
    cls.name: cls for cls in (ProdigyExporter, DoccanoExporter, DocBinExporter, ConllExporter,
                              LabelStudioExporter, WebAnnoExporter)
}

__all__ = ["EXPORTERS", "Exporter", "ExportError", "ExportItem", "prodigy_record"]
