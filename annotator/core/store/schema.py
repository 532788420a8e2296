"""Project schema and its migrations. PRAGMA user_version is the schema version.

Each migration is a list of statements run in one transaction. Never edit a released
migration: append a new one.
"""

from __future__ import annotations

# Marks a SQLite file as an annotator project (PRAGMA application_id), "ANNO" in ASCII.
APPLICATION_ID = 0x414E4E4F

_NOW = "((julianday('now') - 2440587.5) * 86400.0)"

MIGRATIONS: list[list[str]] = [
    # 1: first release
    [
        "CREATE TABLE project (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            hash TEXT NOT NULL UNIQUE,
            text TEXT NOT NULL,
            meta TEXT NOT NULL DEFAULT '{}',
            added REAL NOT NULL
        )""",
        """CREATE TABLE annotations (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id),
            annotator TEXT NOT NULL,
            answer TEXT NOT NULL CHECK (answer IN ('accept', 'reject', 'ignore', 'draft')),
            spans TEXT NOT NULL DEFAULT '[]',
            created REAL NOT NULL,
            updated REAL NOT NULL,
            UNIQUE (document_id, annotator)
        )""",
        "CREATE INDEX annotations_by_annotator ON annotations (annotator, answer)",
        """CREATE TABLE annotation_history (
            id INTEGER PRIMARY KEY,
            annotation_id INTEGER NOT NULL,
            document_id INTEGER NOT NULL,
            annotator TEXT NOT NULL,
            answer TEXT NOT NULL,
            spans TEXT NOT NULL,
            created REAL NOT NULL,
            updated REAL NOT NULL,
            replaced REAL NOT NULL
        )""",
        "CREATE INDEX annotation_history_by_document ON annotation_history (document_id, annotator)",
        # Triggers, not application code, keep history: no code path can lose a decision.
        f"""CREATE TRIGGER annotations_keep_history_on_update BEFORE UPDATE ON annotations
        BEGIN
            INSERT INTO annotation_history
                (annotation_id, document_id, annotator, answer, spans, created, updated, replaced)
            VALUES (OLD.id, OLD.document_id, OLD.annotator, OLD.answer, OLD.spans,
                    OLD.created, OLD.updated, {_NOW});
        END""",
        f"""CREATE TRIGGER annotations_keep_history_on_delete BEFORE DELETE ON annotations
        BEGIN
            INSERT INTO annotation_history
                (annotation_id, document_id, annotator, answer, spans, created, updated, replaced)
            VALUES (OLD.id, OLD.document_id, OLD.annotator, OLD.answer, OLD.spans,
                    OLD.created, OLD.updated, {_NOW});
        END""",
        # Work in progress lives apart from decisions, so a draft never overwrites an accept.
        """CREATE TABLE drafts (
            document_id INTEGER NOT NULL REFERENCES documents(id),
            annotator TEXT NOT NULL,
            spans TEXT NOT NULL,
            updated REAL NOT NULL,
            PRIMARY KEY (document_id, annotator)
        )""",
        """CREATE TABLE suggestions (
            document_id INTEGER NOT NULL REFERENCES documents(id),
            model TEXT NOT NULL,
            spans TEXT NOT NULL,
            created REAL NOT NULL,
            PRIMARY KEY (document_id, model)
        )""",
        """CREATE TABLE labels (
            name TEXT PRIMARY KEY,
            color TEXT NOT NULL,
            key TEXT,
            position INTEGER NOT NULL
        )""",
        """CREATE TABLE reviews (
            document_id INTEGER PRIMARY KEY REFERENCES documents(id),
            reviewer TEXT NOT NULL,
            spans TEXT NOT NULL,
            sources TEXT NOT NULL DEFAULT '[]',
            created REAL NOT NULL
        )""",
        """CREATE TABLE review_history (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL,
            reviewer TEXT NOT NULL,
            spans TEXT NOT NULL,
            sources TEXT NOT NULL,
            created REAL NOT NULL,
            replaced REAL NOT NULL
        )""",
        f"""CREATE TRIGGER reviews_keep_history_on_update BEFORE UPDATE ON reviews
        BEGIN
            INSERT INTO review_history (document_id, reviewer, spans, sources, created, replaced)
            VALUES (OLD.document_id, OLD.reviewer, OLD.spans, OLD.sources, OLD.created, {_NOW});
        END""",
        f"""CREATE TRIGGER reviews_keep_history_on_delete BEFORE DELETE ON reviews
        BEGIN
            INSERT INTO review_history (document_id, reviewer, spans, sources, created, replaced)
            VALUES (OLD.document_id, OLD.reviewer, OLD.spans, OLD.sources, OLD.created, {_NOW});
        END""",
        """CREATE TABLE trained_models (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL,
            base TEXT,
            created REAL NOT NULL,
            scores TEXT NOT NULL DEFAULT '{}'
        )""",
    ],
    # 2: uncertainty of each document for a model (core/learning/ordering.py), with the labels it was
    # computed for; read by the document list's "most uncertain first" order.
    [
        """CREATE TABLE uncertainty (
            document_id INTEGER NOT NULL REFERENCES documents(id),
            model TEXT NOT NULL,
            labels TEXT NOT NULL,
            score REAL NOT NULL,
            created REAL NOT NULL,
            PRIMARY KEY (model, document_id)
        )""",
    ],
    # 3: what the window records with each decision (core/store/activity.py), and learning
    # curves. Rows are only ever added (a re-decision adds a row), so a sync or a merge can
    # bring them over by id watermark and de-duplicate on the natural key.
    [
        # Active seconds from opening a document to this decision (pauses over 60 s left out).
        """CREATE TABLE decision_times (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id),
            annotator TEXT NOT NULL,
            answer TEXT NOT NULL CHECK (answer IN ('accept', 'reject', 'ignore')),
            decided REAL NOT NULL,
            seconds REAL NOT NULL CHECK (seconds >= 0),
            UNIQUE (document_id, annotator, decided)
        )""",
        # The spans suggested when the document was opened, with their source; no row when
        # nothing was suggested. The decided version itself is in annotations (or history).
        """CREATE TABLE decision_suggestions (
            decision_id INTEGER PRIMARY KEY REFERENCES decision_times(id),
            spans TEXT NOT NULL
        )""",
        """CREATE TABLE learning_curves (
            id INTEGER PRIMARY KEY,
            created REAL NOT NULL,
            settings TEXT NOT NULL DEFAULT '{}',
            points TEXT NOT NULL
        )""",
    ],
    # 4: team hub sync (core/store/sync_state.py). A change counter, not timestamps: versions merged
    # in from a file keep their old `updated`, yet they are new to the hub.
    [
        # One row per changed annotation/review, its rev renewed on every change; rows written
        # by a pull from the hub are not logged (sync_quiet holds a row inside that transaction).
        """CREATE TABLE sync_log (
            rev INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            row_id INTEGER NOT NULL,
            UNIQUE (kind, row_id)
        )""",
        "CREATE TABLE sync_quiet (on_pull INTEGER)",
        *[f"""CREATE TRIGGER {table}_sync_log_{event.lower()} AFTER {event} ON {table}
        WHEN NOT EXISTS (SELECT 1 FROM sync_quiet)
        BEGIN
            DELETE FROM sync_log WHERE kind = '{kind}' AND row_id = NEW.{key};
            INSERT INTO sync_log (kind, row_id) VALUES ('{kind}', NEW.{key});
        END""" for table, kind, key in (("annotations", "annotation", "id"),
                                          ("reviews", "review", "document_id"))
          for event in ("INSERT", "UPDATE")],
        # What a project held before this migration is new to every hub too.
        "INSERT INTO sync_log (kind, row_id) SELECT 'annotation', id FROM annotations ORDER BY id",
        "INSERT INTO sync_log (kind, row_id) SELECT 'review', document_id FROM reviews ORDER BY document_id",
        # Watermarks per hub (its hub_id, made by `hub init`) and annotator.
        """CREATE TABLE hub_state (
            hub_id TEXT NOT NULL,
            annotator TEXT NOT NULL,
            url TEXT NOT NULL,
            pushed_rev INTEGER NOT NULL DEFAULT 0,
            pushed_review_rev INTEGER NOT NULL DEFAULT 0,
            pushed_document INTEGER NOT NULL DEFAULT 0,
            pushed_annotation_history INTEGER NOT NULL DEFAULT 0,
            pushed_review_history INTEGER NOT NULL DEFAULT 0,
            pulled_xid INTEGER NOT NULL DEFAULT 0,
            pulled_all_xid INTEGER NOT NULL DEFAULT 0,
            last_sync REAL,
            PRIMARY KEY (hub_id, annotator)
        )""",
        """CREATE TABLE hub_assignments (
            hub_id TEXT NOT NULL,
            annotator TEXT NOT NULL,
            document_id INTEGER NOT NULL REFERENCES documents(id),
            expires REAL NOT NULL,
            PRIMARY KEY (hub_id, annotator, document_id)
        )""",
    ],
    # 5: drafts saved as edits after a base (core/store/journal.py); an edit goes with its draft.
    [
        """CREATE TABLE draft_edits (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL,
            annotator TEXT NOT NULL,
            edit TEXT NOT NULL,
            FOREIGN KEY (document_id, annotator) REFERENCES drafts (document_id, annotator)
                ON DELETE CASCADE
        )""",
        "CREATE INDEX draft_edits_by_draft ON draft_edits (document_id, annotator, id)",
    ],
    # 6: the window's decision records (migration 3) go to the team hub too (core/hub/sync.py):
    # each added record is logged (not those a pull from the hub writes), and a watermark per
    # hub says up to which log rev they were pushed.
    [
        """CREATE TRIGGER decision_times_sync_log_insert AFTER INSERT ON decision_times
        WHEN NOT EXISTS (SELECT 1 FROM sync_quiet)
        BEGIN
            INSERT INTO sync_log (kind, row_id) VALUES ('decision_time', NEW.id);
        END""",
        # What a project recorded before this migration is new to every hub.
        "INSERT INTO sync_log (kind, row_id) SELECT 'decision_time', id FROM decision_times ORDER BY id",
        "ALTER TABLE hub_state ADD COLUMN pushed_time_rev INTEGER NOT NULL DEFAULT 0",
    ],
    # 7: patterns and term lists (core/learning/patterns; store/models.py). A pattern is keyed by its
    # content (the same key in every project); a removal is kept as `removed` = 1 with its time,
    # so a merge or a sync carries it (the newer `changed` wins). Changes are logged for the hub
    # push, except those a pull writes; a watermark per hub says up to which log rev.
    [
        """CREATE TABLE patterns (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            label TEXT NOT NULL,
            pattern TEXT NOT NULL,
            author TEXT NOT NULL,
            changed REAL NOT NULL,
            removed INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1))
        )""",
        *[f"""CREATE TRIGGER patterns_sync_log_{event.lower()} AFTER {event} ON patterns
        WHEN NOT EXISTS (SELECT 1 FROM sync_quiet)
        BEGIN
            DELETE FROM sync_log WHERE kind = 'pattern' AND row_id = NEW.id;
            INSERT INTO sync_log (kind, row_id) VALUES ('pattern', NEW.id);
        END""" for event in ("INSERT", "UPDATE")],
        "ALTER TABLE hub_state ADD COLUMN pushed_pattern_rev INTEGER NOT NULL DEFAULT 0",
    ],
    # 8: the team's quality loop (issue 24; table names left free for users' own side tables):
    # how a review was decided (by hand, by majority, for a unanimous document), notes on
    # documents, the guidelines and label descriptions, each logged for the team hub as decisions are, and their hub watermarks.
    [
        "ALTER TABLE reviews ADD COLUMN method TEXT NOT NULL DEFAULT 'hand' "
        "CHECK (method IN ('hand', 'majority', 'unanimous'))",
        "ALTER TABLE review_history ADD COLUMN method TEXT NOT NULL DEFAULT 'hand'",
        "DROP TRIGGER reviews_keep_history_on_update",
        "DROP TRIGGER reviews_keep_history_on_delete",
        *[f"""CREATE TRIGGER reviews_keep_history_on_{event.lower()} BEFORE {event} ON reviews
        BEGIN
            INSERT INTO review_history (document_id, reviewer, spans, sources, created, replaced, method)
            VALUES (OLD.document_id, OLD.reviewer, OLD.spans, OLD.sources, OLD.created, {_NOW}, OLD.method);
        END""" for event in ("UPDATE", "DELETE")],
        # A note keeps its uid everywhere (merge, hub); deleting leaves a tombstone that travels.
        """CREATE TABLE document_notes (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            document_id INTEGER NOT NULL REFERENCES documents(id),
            author TEXT NOT NULL,
            text TEXT NOT NULL,
            created REAL NOT NULL,
            updated REAL NOT NULL,
            deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
        )""",
        "CREATE INDEX document_notes_by_document ON document_notes (document_id)",
        # subject '' is the project's guidelines (Markdown); any other is a label's description.
        """CREATE TABLE team_guidelines (
            id INTEGER PRIMARY KEY,
            subject TEXT NOT NULL UNIQUE,
            text TEXT NOT NULL,
            examples TEXT NOT NULL DEFAULT '[]',
            author TEXT NOT NULL,
            updated REAL NOT NULL
        )""",
        """CREATE TABLE team_guideline_history (
            id INTEGER PRIMARY KEY,
            subject TEXT NOT NULL,
            text TEXT NOT NULL,
            examples TEXT NOT NULL,
            author TEXT NOT NULL,
            updated REAL NOT NULL,
            replaced REAL NOT NULL
        )""",
        *[f"""CREATE TRIGGER team_guidelines_keep_history_on_{event.lower()} BEFORE {event} ON team_guidelines
        BEGIN
            INSERT INTO team_guideline_history (subject, text, examples, author, updated, replaced)
            VALUES (OLD.subject, OLD.text, OLD.examples, OLD.author, OLD.updated, {_NOW});
        END""" for event in ("UPDATE", "DELETE")],
        *[f"""CREATE TRIGGER {table}_sync_log_{event.lower()} AFTER {event} ON {table}
        WHEN NOT EXISTS (SELECT 1 FROM sync_quiet)
        BEGIN
            DELETE FROM sync_log WHERE kind = '{kind}' AND row_id = NEW.id;
            INSERT INTO sync_log (kind, row_id) VALUES ('{kind}', NEW.id);
        END""" for table, kind in (("document_notes", "note"), ("team_guidelines", "guideline"))
          for event in ("INSERT", "UPDATE")],
        "ALTER TABLE hub_state ADD COLUMN pushed_note_rev INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE hub_state ADD COLUMN pushed_guideline_rev INTEGER NOT NULL DEFAULT 0",
    ],
    # 9: the change log also says what a window must show afresh (core/ops/watch.py reads it
    # when another connection wrote): labels, settings, drafts begun or ended, hub assignments,
    # trained models and learning curves, and the rows a hub pull writes, under their own
    # kinds ('annotation_pulled'...) so that they are still never pushed back. Documents are
    # not logged: their ids only grow, so the largest id is their watermark.
    [
        *[f"""CREATE TRIGGER {table}_pull_log_{event.lower()} AFTER {event} ON {table}
        WHEN EXISTS (SELECT 1 FROM sync_quiet)
        BEGIN
            DELETE FROM sync_log WHERE kind = '{kind}_pulled' AND row_id = NEW.{key};
            INSERT INTO sync_log (kind, row_id) VALUES ('{kind}_pulled', NEW.{key});
        END""" for table, kind, key, events in (("annotations", "annotation", "id", ("INSERT", "UPDATE")),
                                                  ("reviews", "review", "document_id", ("INSERT", "UPDATE")),
                                                  ("decision_times", "decision_time", "id", ("INSERT",)))
          for event in events],
        # One row per table where the window rereads the whole (small) table: row_id 0.
        *[f"""CREATE TRIGGER {table}_change_log_{event.lower()} AFTER {event} ON {table}
        BEGIN
            DELETE FROM sync_log WHERE kind = '{kind}' AND row_id = {key};
            INSERT INTO sync_log (kind, row_id) VALUES ('{kind}', {key});
        END""" for table, kind, key, events in (
            ("labels", "label", "0", ("INSERT", "UPDATE", "DELETE")),
            ("project", "setting", "NEW.rowid", ("INSERT", "UPDATE")),
            ("drafts", "draft", "NEW.document_id", ("INSERT",)),
            ("drafts", "draft", "OLD.document_id", ("DELETE",)),
            ("hub_assignments", "assignment", "0", ("INSERT", "DELETE")),
            ("trained_models", "trained_model", "NEW.id", ("INSERT",)),
            ("learning_curves", "learning_curve", "NEW.id", ("INSERT",)))
          for event in events],
        # Patterns a hub pull writes: one row (the window rereads the pattern set). on_pull = 1:
        # add_patterns (store/models.py) keeps its own writes quiet with on_pull = 0 and logs them
        # itself as 'pattern' rows.
        *[f"""CREATE TRIGGER patterns_pull_log_{event.lower()} AFTER {event} ON patterns
        WHEN EXISTS (SELECT 1 FROM sync_quiet WHERE on_pull = 1)
        BEGIN
            DELETE FROM sync_log WHERE kind = 'pattern_pulled' AND row_id = 0;
            INSERT INTO sync_log (kind, row_id) VALUES ('pattern_pulled', 0);
        END""" for event in ("INSERT", "UPDATE")],
        # Notes and guidelines a hub pull writes (migration 8 logs local ones as 'note' and
        # 'guideline' for the push): a note by its id (the window redraws its document's ✎),
        # the guidelines as one row (the window rereads them).
        *[f"""CREATE TRIGGER {table}_pull_log_{event.lower()} AFTER {event} ON {table}
        WHEN EXISTS (SELECT 1 FROM sync_quiet)
        BEGIN
            DELETE FROM sync_log WHERE kind = '{kind}_pulled' AND row_id = {key};
            INSERT INTO sync_log (kind, row_id) VALUES ('{kind}_pulled', {key});
        END""" for table, kind, key in (("document_notes", "note", "NEW.id"), ("team_guidelines", "guideline", "0"))
          for event in ("INSERT", "UPDATE")],
    ],
]

SCHEMA_VERSION = len(MIGRATIONS)
