"""The project store: one SQLite file is one project.

`Store` is small repositories over one connection (`Database`, connection.py: opening,
schema check, migrations, the one transaction). Each repository is one concern and its
SQL: documents, annotations (and their history), drafts (and statuses), suggestions,
labels, settings, reviews, models, patterns, queries (counts for export and statistics),
gold (the gold policy's reads), activity (what the window records with a decision),
notes, guidelines, sync (the local side of the team hub) and foreign (the checked reading
of a teammate's file). A repository that needs another's rows is handed it here, so the
dependencies are written once, below. A write that spans repositories runs in the one
transaction: `with store.transaction():` around repository calls makes theirs savepoints.

sqlite-utils serves where it fits: single-row upserts and updates by key (settings,
labels) and table introspection; hot paths are one `executemany`, and migrations stay plain
SQL because their text is what the schema check compares a file against (schema.py).
Only this package speaks SQLite; the hub's PostgreSQL lives in annotator/core/hub.
"""

from __future__ import annotations

import os

from annotator.core.store.schema import MIGRATIONS, SCHEMA_VERSION
from annotator.core.store.activity import Activity
from annotator.core.store.annotations import Annotations
from annotator.core.store.codec import default_labels, dumps, spans_from_json, spans_to_json
from annotator.core.store.connection import BUSY_TIMEOUT_S, Database, Repository
from annotator.core.store.documents import Documents
from annotator.core.store.drafts import Drafts
from annotator.core.store.guard.foreign import Foreign
from annotator.core.store.gold import Gold
from annotator.core.store.labels import Labels, Settings
from annotator.core.store.models import Models, Patterns
from annotator.core.store.queries import Queries
from annotator.core.store.reviews import Reviews
from annotator.core.store.suggestions import Suggestions
from annotator.core.store.sync_state import HubState, Sync
from annotator.core.store.teamwork.guidelines import Guidelines
from annotator.core.store.teamwork.notes import Notes
from annotator.core.text.labels import check_name

__all__ = ["BUSY_TIMEOUT_S", "MIGRATIONS", "HubState", "SCHEMA_VERSION", "Store", "default_labels", "dumps",
           "spans_from_json", "spans_to_json"]


class Store(Repository):
    """A project file. Open with Store(path); close() when done (or use as a context manager).
    It is the root over the one Database (its path, connection and transaction) and holds the
    repositories; reads and writes go through them: `store.documents.add_documents(...)`,
    `store.labels.all()`, `store.drafts.statuses(name)`..."""

    def __init__(self, path: str | os.PathLike[str], *, readonly: bool = False, create: bool = True,
                 with_default_labels: bool = True, untrusted: bool = False):
        """untrusted=True for a file from elsewhere (a merge's other file): read-only, every
        query bounded, every value checked as it is read (see bounds.py and foreign.py)."""
        # MIGRATIONS is looked up here at each open, so a test can append a migration to it.
        db = Database(path, MIGRATIONS, readonly=readonly, create=create,
                      with_default_labels=with_default_labels, untrusted=untrusted)
        super().__init__(db)
        self.settings = Settings(db)
        self.labels = Labels(db)
        self.documents = Documents(db)
        self.annotations = Annotations(db, self.documents, self.labels)
        self.drafts = Drafts(db, self.annotations)
        self.reviews = Reviews(db, self.documents, self.annotations)
        self.suggestions = Suggestions(db)
        self.queries = Queries(db)
        self.gold = Gold(db, self.documents, self.annotations, self.reviews)
        self.activity = Activity(db, self.documents, self.annotations)
        self.models = Models(db)
        self.patterns = Patterns(db)
        self.notes = Notes(db, self.documents)
        self.guidelines = Guidelines(db)
        self.sync = Sync(db, self.settings)
        self.foreign = Foreign(db)

    # ---- the connection's own (path, conn, db and transaction(): Repository's) --------------
    @property
    def readonly(self) -> bool:
        return self.database.readonly

    @property
    def untrusted(self) -> bool:
        return self.database.untrusted

    def data_version(self) -> int:
        return self.database.data_version()

    def set_busy_wait(self, timeout_s: float, retries: int) -> None:
        self.database.set_busy_wait(timeout_s, retries)

    def integrity_check(self) -> str:
        return self.database.integrity_check()

    def close(self) -> None:
        self.database.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- writes that span repositories ----------------------------------------------------
    def rename_label(self, old: str, new: str, author: str = "") -> None:
        """Rename a label everywhere, in one transaction: label set, annotations (history
        keeps the old), drafts, reviews, its description and patterns (each removed under the
        old name and added under the new, by `author`)."""
        new = check_name(new)
        with self.transaction() as c:
            self.labels.rename_in_set(c, old, new)
            self.patterns.relabel(c, old, new, author)
            self.drafts.fold_all_drafts(c)  # labels in draft edits too
            self.labels.relabel_spans(c, old, new)



