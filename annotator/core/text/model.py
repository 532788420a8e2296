"""Plain records passed between the store, importers, exporters and the GUI."""

from __future__ import annotations

import hashlib
import operator
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any



class Answer(str, Enum):
    """What a person decided about a document (a draft is work not yet decided). A str, so a
    stored or typed "accept" is Answer.ACCEPT; every list of answers derives from this one."""

    ACCEPT = "accept"
    REJECT = "reject"
    IGNORE = "ignore"  # "skip" in the window
    DRAFT = "draft"

    def __str__(self) -> str:
        return self.value


ANSWERS = tuple(a.value for a in Answer)
DECISIONS = (Answer.ACCEPT.value, Answer.REJECT.value, Answer.IGNORE.value)

# Where a suggested span came from; gold spans carry no source.
SOURCE_MODEL = "model"
SOURCE_GOLD = "gold"
SOURCE_PROPAGATED = "propagated"  # another occurrence, in the same document, of a phrase the person labelled
SOURCE_PATTERN = "pattern"  # a match of the project's patterns or term lists (core/learning/patterns)


def text_hash(text: str) -> str:
    """Stable de-duplication key of a document's text (exact text, no normalisation)."""
    try:
        data = text.encode("utf-8")  # the fast path: "surrogatepass" costs a third more
    except UnicodeEncodeError:
        data = text.encode("utf-8", "surrogatepass")  # same bytes for valid text
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, order=True, slots=True)
class Span:
    """An entity span in Python code points, end exclusive. Slots: a 100,000-span document
    is 100,000 objects, not 200,000 (memory, and the garbage collector's passes)."""

    start: int
    end: int
    label: str
    source: str | None = field(default=None, compare=False)

    def to_dict(self, with_source: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"start": self.start, "end": self.end, "label": self.label}
        if with_source and self.source:
            out["source"] = self.source
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Span":
        """A span as the store writes it; TypeError for offsets that are not integers or a
        label that is not text (never converted: 0.5, true or "3" are not offsets)."""
        start, end, label = data["start"], data["end"], data["label"]
        if type(start) is not int or type(end) is not int or type(label) is not str:
            raise TypeError(f"span {data!r} is not {{start, end, label}} with integer offsets")
        return cls(start, end, label, data.get("source"))

    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end

    def with_label(self, label: str) -> "Span":
        return replace(self, label=label)


# Span.key, and the key with the source too (Span equality ignores it), as C-level getters for
# passes over tens of thousands of spans; both give tuples.
SPAN_KEY = operator.attrgetter("start", "end", "label")
FULL_KEY = operator.attrgetter("start", "end", "label", "source")


@dataclass(frozen=True)
class Document:
    id: int
    hash: str
    text: str
    meta: dict[str, Any]
    added: float


@dataclass(frozen=True)
class Annotation:
    document_id: int
    annotator: str
    answer: str
    spans: tuple[Span, ...]
    created: float
    updated: float


@dataclass(frozen=True)
class Label:
    name: str
    color: str
    key: str | None = None
    position: int = 0


# How a review was decided (reviews.method): by a person in the review, by the majority of
# three or more annotators (core/team/majority.py), or saved for a unanimous document.
REVIEW_HAND = "hand"
REVIEW_MAJORITY = "majority"
REVIEW_UNANIMOUS = "unanimous"
REVIEW_METHODS = (REVIEW_HAND, REVIEW_MAJORITY, REVIEW_UNANIMOUS)


@dataclass(frozen=True)
class Review:
    """The adjudicated final version of a document, with the versions it came from."""

    document_id: int
    reviewer: str
    spans: tuple[Span, ...]
    sources: tuple[str, ...]
    created: float
    method: str = REVIEW_HAND


@dataclass(frozen=True)
class Note:
    """A note on a document (core/team/notes.py). `uid` is the same in every project and on
    the hub; a deleted note stays as a tombstone (deleted, empty text) so the deletion
    travels with merge and sync."""

    id: int
    uid: str
    document_id: int
    author: str
    text: str
    created: float
    updated: float
    deleted: bool = False


@dataclass(frozen=True)
class Guideline:
    """The project's guidelines (subject "", Markdown) or a label's description with example
    phrases (subject = the label's name); core/team/guidelines.py."""

    subject: str
    text: str
    examples: tuple[str, ...]
    author: str
    updated: float


# Per-annotator document status shown in the document list.
STATUS_NEW = "new"
STATUS_DRAFT = "draft"
STATUS_ACCEPTED = "accepted"
STATUS_REJECTED = "rejected"
STATUS_SKIPPED = "skipped"
STATUSES = (STATUS_NEW, STATUS_DRAFT, STATUS_ACCEPTED, STATUS_REJECTED, STATUS_SKIPPED)
ANSWER_TO_STATUS = {Answer.ACCEPT: STATUS_ACCEPTED, Answer.REJECT: STATUS_REJECTED, Answer.IGNORE: STATUS_SKIPPED,
                    Answer.DRAFT: STATUS_DRAFT}


@dataclass(frozen=True)
class TimedDecision:
    """A decision made in the window, with its active time and what was suggested when the
    document was opened (core/report/timing.py, store/activity.py). `decided_spans` are the spans the
    decision saved (None when that version is not in the file: a hand-edited file)."""

    id: int
    document_id: int
    annotator: str
    answer: str
    decided: float
    seconds: float
    suggested: tuple[Span, ...]
    decided_spans: tuple[Span, ...] | None = None
