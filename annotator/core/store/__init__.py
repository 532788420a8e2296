"""The project store: one SQLite file is one project.

`Store` is the one facade; each concern lives in its own module and is mixed in:
connection (opening, migrations, transactions; schema_check and bounds guard every open),
documents, annotations and their history, drafts and statuses, suggestions cache, labels and
settings, reviews, trained models and patterns, notes and guidelines (teamwork/), what the
window records with a decision and learning curves (activity), the read-only queries of export and statistics, the gold policy's, the
checked reading of another's file (foreign, values), and the local side of the team hub
sync (sync_state). Only these modules speak SQLite; the hub's PostgreSQL lives in
annotator/core/hub.
"""

from __future__ import annotations

import os

from annotator.core.store.schema import MIGRATIONS, SCHEMA_VERSION
from annotator.core.store.activity import ActivityMixin
from annotator.core.store.annotations import AnnotationsMixin
from annotator.core.store.codec import default_labels, dumps, spans_from_json, spans_to_json
from annotator.core.store.connection import BUSY_TIMEOUT_S
from annotator.core.store.documents import DocumentsMixin
from annotator.core.store.drafts import DraftsMixin
from annotator.core.store.guard.foreign import ForeignMixin
from annotator.core.store.gold import GoldMixin
from annotator.core.store.labels import LabelsMixin
from annotator.core.store.models import ModelsMixin, PatternsMixin
from annotator.core.store.queries import QueriesMixin
from annotator.core.store.reviews import ReviewsMixin
from annotator.core.store.suggestions import SuggestionsMixin
from annotator.core.store.sync_state import HubState, SyncStateMixin
from annotator.core.store.teamwork.guidelines import GuidelinesMixin
from annotator.core.store.teamwork.notes import NotesMixin

__all__ = ["BUSY_TIMEOUT_S", "MIGRATIONS", "HubState", "SCHEMA_VERSION", "Store", "default_labels", "dumps",
           "spans_from_json", "spans_to_json"]


class Store(DocumentsMixin, AnnotationsMixin, DraftsMixin, SuggestionsMixin, LabelsMixin, ReviewsMixin,
            ModelsMixin, PatternsMixin, QueriesMixin, GoldMixin, ActivityMixin, ForeignMixin, SyncStateMixin,
            NotesMixin, GuidelinesMixin):
    """A project file. Open with Store(path); close() when done (or use as a context manager)."""

    def __init__(self, path: str | os.PathLike[str], *, readonly: bool = False, create: bool = True,
                 with_default_labels: bool = True, untrusted: bool = False):
        """untrusted=True for a file from elsewhere (a merge's other file): read-only, every
        query bounded, every value checked as it is read (see bounds.py and foreign.py)."""
        # MIGRATIONS is looked up here at each open, so a test can append a migration to it.
        self._open(path, MIGRATIONS, readonly=readonly, create=create,
                   with_default_labels=with_default_labels, untrusted=untrusted)
