"""Label Studio JSON: tasks in the shape Label Studio imports (Project -> Import, or the API).

- One task per document, one line each: `{"data": {"text"}, "meta", "annotations": [...]}`.
  Each version of the document (an annotator's decision, or a review) is an annotation whose
  `result` holds a `labels` region per span: `value.start`/`value.end` in code points (what
  Label Studio counts in a text), `value.text`, `value.labels`. A reject or an ignore is a
  cancelled annotation (Label Studio's skip), which annotator imports back as a reject.
- `completed_by`: an annotator whose name is an email is written as `{"email": ...}`, which
  Label Studio maps to its member with that email (it refuses an email it does not know
  unless ALLOW_IMPORT_TASKS_WITH_UNKNOWN_EMAILS is set). Other names are no Label Studio user:
  those annotations go to whoever imports the file (and come back to annotator as --annotator).
- With as_predictions (`--as-predictions`), accepted versions are written as predictions
  instead (`model_version` = the annotator), to pre-annotate a Label Studio project; other
  answers are left out with a warning.
- The labelling config to paste into the project (Settings -> Labeling Interface -> Code) is
  written beside the file as OUT.label_config.xml: the project's labels (with their colours)
  and any other label the export uses, in `<Labels name="label" toName="text">` over
  `<Text name="text" value="$text"/>`, the names the regions refer to.
"""

from __future__ import annotations

import contextlib
import os
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence
from xml.sax.saxutils import escape

from annotator.core.formats.exporters.base import DocumentExporter, ExportError, ExportItem, Warn, dumps_line

FROM_NAME, TO_NAME = "label", "text"
_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$")


def config_path(out: Path) -> Path:
    """Where the labelling config goes: tasks.json -> tasks.label_config.xml."""
    return out.with_name(f"{out.stem}.label_config.xml")


def iso_time(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _attr(value: str) -> str:
    return '"' + escape(value, {'"': "&quot;"}) + '"'


def labeling_config(labels: Sequence[tuple[str, str | None]]) -> str:
    """The `<View>` config for NER over the text, with (name, colour) labels."""
    rows = [f"    <Label value={_attr(name)}" + (f" background={_attr(color)}" if color else "") + "/>"
            for name, color in labels]
    return "\n".join(["<View>", f'  <Labels name="{FROM_NAME}" toName="{TO_NAME}">', *rows, "  </Labels>",
                      f'  <Text name="{TO_NAME}" value="${TO_NAME}"/>', "</View>", ""])


class LabelStudioExporter(DocumentExporter):
    name = "label-studio"
    suffix = ".json"
    description = ("Label Studio JSON tasks (one per document, each version an annotation, or with "
                   "--as-predictions a prediction) and OUT.label_config.xml, the labelling config to paste")

    def __init__(self, out: Path, *, lang: str = "en", on_warning: Warn | None = None,
                 as_predictions: bool = False) -> None:
        super().__init__(out, lang=lang, on_warning=on_warning)
        self.as_predictions = as_predictions
        self._tasks = 0
        self._labels: dict[str, None] = {}
        self._config = config_path(self.out)
        self._config_part = self._config.with_name(f".{self._config.name}.part")

    def write_document(self, items: list[ExportItem]) -> None:
        doc = items[0].document
        task: dict[str, Any] = {"data": {TO_NAME: doc.text}, "meta": items[0].meta}
        key = "predictions" if self.as_predictions else "annotations"
        task[key] = []
        for n, item in enumerate(items, 1):
            result = [self._region(doc.text, span, f"{doc.id}-{n}-{i}") for i, span in enumerate(item.spans, 1)]
            if self.as_predictions:
                if item.answer != "accept":
                    self.warn(f"document {doc.id}: {item.answer} by {item.annotator} is not a prediction; left out")
                    continue
                task[key].append({"model_version": item.annotator or "annotator", "result": result})
                continue
            annotation: dict[str, Any] = {"result": result, "was_cancelled": item.answer != "accept",
                                          "ground_truth": False}
            if item.timestamp is not None:
                annotation["created_at"] = annotation["updated_at"] = iso_time(item.timestamp)
            if item.annotator and _EMAIL.match(item.annotator):
                annotation["completed_by"] = {"email": item.annotator}
            task[key].append(annotation)
        self.stream.write(b"[\n" if self._tasks == 0 else b",\n")
        self.stream.write(dumps_line(task)[:-1])
        self._tasks += 1

    def _region(self, text: str, span: Any, region_id: str) -> dict[str, Any]:
        self._labels.setdefault(span.label)
        return {"id": region_id, "from_name": FROM_NAME, "to_name": TO_NAME, "type": "labels",
                "value": {"start": span.start, "end": span.end, "text": text[span.start:span.end],
                          "labels": [span.label]}}

    def finish(self) -> list[Path]:
        self.flush_document()
        self.stream.write(b"\n]\n" if self._tasks else b"[]\n")
        known = {label.name for label in self.project_labels}
        labels = [(label.name, label.color) for label in self.project_labels]
        labels += [(name, None) for name in self._labels if name not in known]
        try:
            self._config_part.write_text(labeling_config(labels), encoding="utf-8")
            os.replace(self._config_part, self._config)  # before the tasks: they appear last
        except OSError as exc:
            self.abort()
            raise ExportError(f"{self._config}: cannot write ({exc.strerror or exc})") from None
        return [*super().finish(), self._config]

    def abort(self) -> None:
        super().abort()
        with contextlib.suppress(OSError):
            self._config_part.unlink()
