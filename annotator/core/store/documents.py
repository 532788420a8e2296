"""Documents: added once per text (de-duplicated by hash), listed, searched and streamed."""

from __future__ import annotations

import itertools
import sqlite3
import time
from typing import Any, Iterable, Iterator, Sequence

from annotator.core.text.admission import admit_meta_json, admit_text, admitted_hash
from annotator.core.errors import ProjectError
from annotator.core.text.model import Document
from annotator.core.store.codec import loads
from annotator.core.store.connection import Repository


def _meta(raw: Any) -> Any:
    return loads(raw, "meta")


class Documents(Repository):
    """The project's texts: added once per text (by hash), listed, searched, streamed."""

    def decode_row(self, row: Sequence[Any]) -> Document:
        """A Document from (id, hash, text, meta, added), its meta checked as read."""
        return Document(row[0], row[1], row[2], self._value(f"document {row[0]}", _meta, row[3]), row[4])

    def add_document(self, text: str, meta: dict[str, Any] | None = None) -> tuple[int, bool]:
        """Add one document; returns (id, added). The same text twice is stored once."""
        ids, added = self.add_documents([(text, meta or {})])
        return ids[0], bool(added)

    def add_documents(self, records: Iterable[tuple[str, dict[str, Any]]], *,
                      with_ids: bool = True, hashes: Sequence[str] | None = None) -> tuple[list[int], int]:
        """Add documents in one transaction; returns (id of each record, number newly added).
        Each text and meta passes the one admission (core/text/admission.py): AdmissionError,
        and nothing added, when one does not.

        with_ids=False skips looking the ids up, returning ([], added); hashes are the texts'
        text_hash when already computed.
        """
        digests: list[str] = []
        texts: list[str] = []
        metas: list[str] = []
        for i, (text, meta) in enumerate(records):
            if not isinstance(text, str):
                raise TypeError("document text must be a string")
            texts.append(admit_text(text))
            digests.append(admitted_hash(text) if hashes is None else hashes[i])
            metas.append(admit_meta_json(meta or {}))
        with self.transaction():  # the import's write, in a transaction (or savepoint) of its own
            return self.add_admitted_documents(digests, texts, metas, with_ids=with_ids)

    def add_admitted_documents(self, hashes: Sequence[str], texts: Sequence[str], metas: Sequence[str],
                               *, with_ids: bool) -> tuple[list[int], int]:
        """The import's hot path: texts already admitted and hashed, metas already admitted as
        the JSON stored (admission.admitted_hash, admit_meta_json, in its reader thread), so no
        row can fail to bind. Written inside the caller's transaction (an import file's: it is
        the unit that rolls back), without a savepoint of its own: a savepoint makes SQLite copy
        every index page the batch touches once more.
        Up to 1,000 rows (and about 8 million characters) per INSERT statement, in order, so
        the same rows win and the same duplicates are ignored as with one INSERT per row: sqlite3
        releases the GIL for a whole statement, so the reader thread parses while SQLite writes.
        With one row per step, this thread had to win the GIL back after every row from a
        reader holding it, and the two ran in turn (issue 27)."""
        if not self.database.in_transaction:
            raise ProjectError(f"{self.path}: add_admitted_documents needs the caller's transaction")
        c = self.conn
        before = c.total_changes
        now = time.time()
        most_rows = max(1, min(1000, c.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // 4))
        start, total = 0, len(hashes)
        while start < total:
            end, chars = start, 0  # the bound values are copied once more while a statement runs
            while end < total and end - start < most_rows and chars < 1 << 23:
                chars += len(texts[end])
                end += 1
            rows = zip(hashes[start:end], texts[start:end], metas[start:end], itertools.repeat(now))
            c.execute("INSERT OR IGNORE INTO documents (hash, text, meta, added) VALUES "
                      + ", ".join(["(?, ?, ?, ?)"] * (end - start)), [value for row in rows for value in row])
            start = end
        added = c.total_changes - before
        if not with_ids:
            return [], added
        ids = self.ids_for_hashes(hashes)
        return [ids[h] for h in hashes], added

    def document_hashes_after(self, after: int) -> list[tuple[int, str]]:
        """(id, text hash) of the documents with id > after, in id order."""
        return self.conn.execute("SELECT id, hash FROM documents WHERE id > ? ORDER BY id", (after,)).fetchall()

    def ids_for_hashes(self, hashes: Sequence[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for i in range(0, len(hashes), 500):
            chunk = list(hashes[i:i + 500])
            marks = ",".join("?" * len(chunk))
            out.update(self.conn.execute(
                f"SELECT hash, id FROM documents WHERE hash IN ({marks})", chunk).fetchall())
        return out

    def get_document(self, doc_id: int) -> Document:
        row = self.conn.execute("SELECT id, hash, text, meta, added FROM documents WHERE id = ?",
                                (doc_id,)).fetchone()
        if row is None:
            raise KeyError(doc_id)
        return self.decode_row(row)

    def document_by_hash(self, digest: str) -> Document | None:
        row = self.conn.execute("SELECT id, hash, text, meta, added FROM documents WHERE hash = ?",
                                (digest,)).fetchone()
        return self.decode_row(row) if row else None

    def count_documents(self) -> int:
        return self.conn.execute("SELECT count(*) FROM documents").fetchone()[0]

    # The document list's previews, without loading whole texts.
    def document_previews(self, doc_ids: Sequence[int], length: int = 200
                          ) -> dict[int, tuple[str, dict[str, Any]]]:
        """{id: (first `length` characters, meta)} for the given ids, in one query per 500."""
        out: dict[int, tuple[str, dict[str, Any]]] = {}
        ids = list(doc_ids)
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            # Bytes, not substr(text): SQLite's text functions stop at a NUL character.
            for doc_id, head, meta in self.conn.execute(
                    f"SELECT id, substr(CAST(text AS BLOB), 1, ?), meta FROM documents WHERE id IN ({marks})",
                    [length * 4, *chunk]):
                out[doc_id] = (bytes(head).decode("utf-8", "ignore")[:length],
                               self._value(f"document {doc_id}", _meta, meta))
        return out

    def document_ids(self, search: str | None = None) -> list[int]:
        """All document ids in project order, optionally only those whose text contains `search`
        (case-insensitive)."""
        if search and not search.isascii():
            rows = self.conn.execute("SELECT id FROM documents WHERE contains_folded(text, ?) ORDER BY id",
                                     (search.casefold(),))
        elif search:
            rows = self.conn.execute("SELECT id FROM documents WHERE instr(lower(text), lower(?)) > 0 "
                                     "ORDER BY id", (search,))
        else:
            rows = self.conn.execute("SELECT id FROM documents ORDER BY id")
        return [r[0] for r in rows]

    def iter_documents(self, batch_size: int = 1000) -> Iterator[Document]:
        """Stream every document in id order without holding them all in memory."""
        last = -1
        while True:
            rows = self.conn.execute(
                "SELECT id, hash, text, meta, added FROM documents WHERE id > ? ORDER BY id LIMIT ?",
                (last, batch_size)).fetchall()
            if not rows:
                return
            for row in rows:
                yield self.decode_row(row)
            last = rows[-1][0]
