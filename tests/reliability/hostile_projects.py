"""Hostile project files, each crafted from a real project with plain SQL or bytes (issue 19).

`opens`: whether the file passes the schema check (the damage is in a value, so a project
opened as your own finds it only where that value is read); `expect`: what the one-line
refusal of a merge or `annotator check` must say.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from annotator.core.text.model import Span
from annotator.core.store import Store

TEXT = "Ada Lovelace met Charles Babbage in London, where they talked about engines for a long time."


def make_base(path: Path) -> Path:
    """A real project: 300 documents, two annotators, earlier versions, a review and its history,
    a draft, cached suggestions and an extra label; checkpointed, so no -wal is left."""
    with Store(path) as s:
        ids, _ = s.documents.add_documents([(f"{TEXT} Story {i}: " + "filler words " * 20, {"n": i}) for i in range(300)])
        s.labels.add_label("WORK_OF_ART", "#123456")
        for doc in ids[:40]:
            s.annotations.save_annotation(doc, "alice", "accept", [Span(0, 12, "PERSON")], timestamp=100.0)
            s.annotations.save_annotation(doc, "alice", "accept", [Span(0, 12, "PERSON"), Span(36, 42, "GPE")], timestamp=200.0)
            s.annotations.save_annotation(doc, "bob", "accept", [Span(17, 32, "PERSON")], timestamp=150.0)
        s.reviews.save_review(ids[0], "carol", [Span(0, 12, "PERSON")], ["alice", "bob"])
        s.reviews.save_review(ids[0], "carol", [Span(0, 12, "PERSON"), Span(17, 32, "PERSON")], ["alice", "bob"])
        s.drafts.save_draft(ids[50], "alice", [Span(0, 3, "ORG")])
        s.suggestions.save_suggestions("m@1", [(ids[60], [Span(0, 12, "PERSON", "model")])])
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _sql(*statements: str, writable_schema: bool = False) -> Callable[[Path], None]:
    def craft(path: Path) -> None:
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            if writable_schema:  # how a crafted file slips past SQLite's own constraints
                version = conn.execute("PRAGMA schema_version").fetchone()[0]
                conn.execute("PRAGMA writable_schema = ON")
            for sql in statements:
                conn.execute(sql)
            if writable_schema:
                conn.execute(f"PRAGMA schema_version = {version + 1}")
        finally:
            conn.close()
    return craft


def _spans(raw: str) -> Callable[[Path], None]:
    """One annotation's spans cell set to `raw` (SQL), the history trigger out of the way and
    put back exactly as it was: only that cell changes, as in a file edited by hand."""
    def craft(path: Path) -> None:
        conn = sqlite3.connect(path)
        trigger = conn.execute("SELECT sql FROM sqlite_master WHERE name = "
                               "'annotations_keep_history_on_update'").fetchone()[0]
        conn.close()
        _sql("DROP TRIGGER annotations_keep_history_on_update",
             f"UPDATE annotations SET spans = {raw} WHERE id = (SELECT min(id) FROM annotations)", trigger)(path)
    return craft


def _null_annotator(path: Path) -> None:
    """NULL in a NOT NULL column: the constraint dropped from the stored schema, the cell
    changed, the constraint put back, so the schema check itself sees annotator's schema."""
    _sql("UPDATE sqlite_master SET sql = replace(sql, 'annotator TEXT NOT NULL,', 'annotator TEXT,') "
         "WHERE name = 'annotations'", writable_schema=True)(path)
    _spans("spans, annotator = NULL")(path)
    _sql("UPDATE sqlite_master SET sql = replace(sql, 'annotator TEXT,', 'annotator TEXT NOT NULL,') "
         "WHERE name = 'annotations'", writable_schema=True)(path)


def _damaged(path: Path) -> None:
    """Pages in the middle overwritten, as a bad sector or a half-synced copy leaves them."""
    data = bytearray(path.read_bytes())
    start = len(data) // 3 // 4096 * 4096
    data[start:start + 16 * 4096] = b"\xff" * (16 * 4096)
    path.write_bytes(bytes(data))


FIFTY_MB = '[' + ','.join(['{"start": 0, "end": 12, "label": "PERSON"}'] * 1_250_000) + ']'


@dataclass(frozen=True)
class Hostile:
    name: str
    craft: Callable[[Path], None]
    expect: str
    opens: bool = False


def cases() -> list[Hostile]:
    return [
        Hostile("view-instead-of-table", _sql("ALTER TABLE annotations RENAME TO kept",
                                              "CREATE VIEW annotations AS SELECT * FROM kept"),
                "annotations is a view, not a table"),
        Hostile("endless-recursive-view", _sql(
            "DROP TABLE annotations",
            "CREATE VIEW annotations AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
            "SELECT x AS id, 1 AS document_id, 'eve' AS annotator, 'accept' AS answer, '[]' AS spans, "
            "0.0 AS created, 0.0 AS updated FROM c"), "annotations is a view, not a table"),
        Hostile("extra-trigger", _sql("CREATE TRIGGER evil AFTER INSERT ON annotations BEGIN DELETE FROM documents; END"),
                "trigger evil on table annotations is not annotator's"),
        Hostile("changed-trigger", _sql("DROP TRIGGER annotations_keep_history_on_update",
                                        "CREATE TRIGGER annotations_keep_history_on_update BEFORE UPDATE ON annotations "
                                        "BEGIN SELECT 1; END"),
                "trigger annotations_keep_history_on_update on table annotations is missing or changed"),
        Hostile("virtual-table", _sql("DROP TABLE documents",
                                      "CREATE VIRTUAL TABLE documents USING fts5(hash, text, meta, added)"),
                "documents is a virtual table, not a table"),
        Hostile("wrong-column-type", _sql("UPDATE sqlite_master SET sql = replace(sql, 'spans TEXT NOT NULL', "
                                          "'spans BLOB NOT NULL') WHERE name = 'annotations'", writable_schema=True),
                "column spans is BLOB, expected TEXT"),
        Hostile("unique-index", _sql("CREATE UNIQUE INDEX evil ON documents (added, id)"),
                "index evil on table documents is not annotator's"),
        Hostile("unknown-schema-version", _sql("PRAGMA user_version = 99"), "made by a newer annotator"),
        Hostile("wrong-application-id", _sql("PRAGMA application_id = 1234"), "not an annotator project"),
        Hostile("zero-byte", lambda p: p.write_bytes(b""), "the file is empty (0 bytes)"),
        Hostile("damaged-page", _damaged, "damaged", opens=True),
        Hostile("blob-in-text-column", _spans("X'5B5D'"), "spans are a blob, not text", opens=True),
        Hostile("null-label-name", _sql("INSERT INTO labels (name, color, key, position) VALUES (NULL, '#123456', NULL, 50)"),
                "label name is NULL, not text", opens=True),
        Hostile("null-in-not-null-column", _null_annotator, "annotator is NULL, not text", opens=True),
        Hostile("truncated-json", _spans("'[{\"start\": 0, \"end\": 12, \"lab'"), "spans are not valid JSON", opens=True),
        Hostile("deeply-nested-json", _spans("'" + "[" * 100_000 + "]" * 100_000 + "'"),
                "spans are not valid JSON (depth limit exceeded)", opens=True),
        Hostile("fifty-mb-spans-cell", _spans("'" + FIFTY_MB + "'"),
                "spans is larger than 32 MiB: refused, not loaded", opens=True),
        Hostile("text-hash-mismatch", _sql("UPDATE documents SET text = 'Somebody else entirely.' WHERE id = 7"),
                "document 7: its text does not match its hash", opens=True),
        Hostile("negative-offset", _spans("'[{\"start\": -5, \"end\": 12, \"label\": \"PERSON\"}]'"),
                "span [-5, 12, PERSON] is out of range", opens=True),
        Hostile("out-of-range-offset", _spans("'[{\"start\": 0, \"end\": 99999, \"label\": \"PERSON\"}]'"),
                "span [0, 99999, PERSON] is out of range", opens=True),
        Hostile("bad-label-name", _sql("INSERT INTO labels (name, color, key, position) VALUES ('NEW LABEL', '#123456', NULL, 50)"),
                "label name 'NEW LABEL' must not contain spaces", opens=True),
        Hostile("bad-colour", _sql("UPDATE labels SET color = 'red; font-size: 900px' WHERE name = 'ORG'"),
                "is not a hex colour", opens=True),
        Hostile("orphan-annotation", _sql("UPDATE annotations SET document_id = 99999 WHERE id = (SELECT max(id) FROM annotations)"),
                "its document 99999 is not in the file", opens=True),
        Hostile("truncated-review-sources", _sql("UPDATE reviews SET sources = '[\"alice\"'"),
                "sources are not valid JSON", opens=True),
    ]


def make_cases(root: Path) -> dict[str, tuple[Hostile, Path]]:
    """Every case crafted from one real project, as files under root."""
    base = make_base(root / "base.db")
    out = {}
    for case in cases():
        path = root / f"{case.name}.db"
        path.write_bytes(base.read_bytes())
        case.craft(path)
        for extra in ("-wal", "-shm"):
            assert not path.with_name(path.name + extra).exists(), (case.name, extra)
        out[case.name] = (case, path)
    return out
