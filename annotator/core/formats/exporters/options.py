"""What an export is asked for, checked once: the command line and the window's Export dialog
both build an ExportChoice and get the same refusal, in the same words, for a combination that
makes no sense (ops/exporting.export checks the values again for callers from code)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from annotator.core.formats.exporters.base import ExportError
from annotator.core.text.model import ANSWERS

ALL_ANSWERS = "all"  # every decision, whatever its answer
EXPORT_ANSWERS = (*ANSWERS, ALL_ANSWERS)
DEFAULT_ANSWER = "accept"


class ExportChoiceError(ExportError):
    """A combination of export options that cannot be honoured (a usage error, not a data one)."""


@dataclass(frozen=True)
class ExportChoice:
    """An export request as a person states it. `gold`: --gold asked for; `versions`:
    --all-versions asked for; neither: the format's default."""

    fmt: str
    annotator: str | None = None
    answer: str | None = None
    reviewed: bool = False
    gold: bool = False
    versions: bool = False
    tokens: bool = True
    as_predictions: bool = False

    def check(self) -> None:
        """Raise ExportChoiceError naming the options that do not go together."""
        from annotator.core.formats.exporters import EXPORTERS

        if self.fmt not in EXPORTERS:
            raise ExportChoiceError(f"unknown export format {self.fmt!r}; choose one of {', '.join(EXPORTERS)}")
        if self.answer is not None and self.answer not in EXPORT_ANSWERS:
            raise ExportChoiceError(f"unknown answer {self.answer!r}; choose one of {', '.join(EXPORT_ANSWERS)}")
        if self.reviewed and self.answer not in (None, DEFAULT_ANSWER, ALL_ANSWERS):
            raise ExportChoiceError("--reviewed exports the final versions, which have no --answer; drop --answer")
        if self.gold and (self.versions or self.annotator or self.reviewed or self.answer):
            raise ExportChoiceError("--gold is one version per document: it excludes --all-versions, "
                                    "--annotator, --answer and --reviewed")
        if not self.tokens and self.fmt != "jsonl":
            raise ExportChoiceError("--no-tokens applies to --format jsonl only")
        if self.as_predictions and self.fmt != "label-studio":
            raise ExportChoiceError("--as-predictions applies to --format label-studio only")

    def gold_mode(self) -> bool | None:
        """export()'s `gold`: True, False (versions), or None for the format's default."""
        if self.gold:
            return True
        return False if (self.versions or self.answer) else None

    def exporter_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {} if self.tokens else {"tokens": False}
        if self.as_predictions:
            options["as_predictions"] = True
        return options

    def arguments(self) -> dict[str, Any]:
        """Keyword arguments of ops/exporting.export, after check()."""
        self.check()
        return {"annotator": self.annotator, "answer": self.answer or DEFAULT_ANSWER, "reviewed": self.reviewed,
                "gold": self.gold_mode(), "options": self.exporter_options()}
