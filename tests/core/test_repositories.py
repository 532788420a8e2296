"""The Store is small repositories over one connection (issue 27 §5), not a class of mixins:
each concern is its own object, they share one Database and one transaction, and a write
across them commits or rolls back as one."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from annotator.core.store import MIGRATIONS, Store
from annotator.core.store.connection import Database, Repository
from annotator.core.store.documents import Documents
from annotator.core.store.labels import Labels
from annotator.core.text.labels import LabelError
from annotator.core.text.model import Span

STORE = Path(__file__).resolve().parents[2] / "annotator" / "core" / "store"


def _repositories(store: Store) -> dict[str, Repository]:
    return {name: value for name, value in vars(store).items() if isinstance(value, Repository)}


def test_every_repository_shares_the_one_database(tmp_path):
    with Store(tmp_path / "p.db") as store:
        repos = _repositories(store)
        assert set(repos) == {"settings", "labels", "documents", "annotations", "drafts", "reviews",
                              "suggestions", "queries", "gold", "activity", "models", "patterns", "notes",
                              "guidelines", "sync", "foreign"}
        assert all(repo.database is store.database and repo.conn is store.conn for repo in repos.values())


def test_no_class_of_the_store_is_made_of_mixins():
    """Each repository (and the Store, their root) derives from Repository alone."""
    repositories = 0
    for path in STORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = [ast.unparse(b) for b in node.bases]
                assert not node.name.endswith("Mixin"), f"{path.name}: {node.name}"
                if "Repository" in bases:
                    assert bases == ["Repository"], f"{path.name}: {node.name}({', '.join(bases)})"
                    repositories += 1
    assert repositories == 16 + 1  # and the Store: the root, the one Database's path, conn and transaction


def test_a_repository_works_alone_over_a_database(tmp_path):
    """What a repository needs is what it is given: documents and labels need nothing else."""
    db = Database(tmp_path / "p.db", MIGRATIONS, readonly=False, create=True, with_default_labels=False)
    try:
        documents, labels = Documents(db), Labels(db)
        (doc_id,), added = documents.add_documents([("Ada Lovelace wrote notes.", {"src": "a"})])
        assert added == 1 and documents.get_document(doc_id).meta == {"src": "a"}
        labels.add_label("PERSON")
        assert labels.label_names() == ["PERSON"]
    finally:
        db.close()


def test_one_transaction_spans_repositories(tmp_path):
    """Writes of several repositories inside store.transaction() commit together or not at all;
    an inner one is a savepoint: its failure undoes only itself."""
    path = tmp_path / "p.db"
    with Store(path) as store:
        with pytest.raises(RuntimeError):
            with store.transaction():
                doc_id, _ = store.documents.add_document("Grace Hopper")
                store.labels.add_label("SHIP")
                store.annotations.save_annotation(doc_id, "ann", "accept", [Span(0, 5, "PERSON")])
                raise RuntimeError("the person pressed Cancel")
        assert store.documents.count_documents() == 0 and "SHIP" not in store.labels.label_names()
        with store.transaction():
            doc_id, _ = store.documents.add_document("Grace Hopper")
            with pytest.raises(LabelError):
                store.labels.add_label("PERSON")  # exists: refused, the outer write goes on
            store.settings.set_setting("doc_order", "disputed")
    with Store(path) as again:
        assert again.documents.count_documents() == 1
        assert again.settings.get_setting("doc_order") == "disputed"


def test_renaming_a_label_spans_repositories_in_one_transaction(tmp_path):
    """Store.rename_label is the write across labels, patterns, drafts, annotations and
    reviews; a rename the label rule refuses leaves every one of them as it was."""
    from annotator.core.learning.patterns.records import Pattern

    with Store(tmp_path / "p.db") as store:
        doc_id, _ = store.documents.add_document("Ada met Grace.")
        store.annotations.save_annotation(doc_id, "ann", "accept", [Span(0, 3, "PERSON")])
        store.drafts.save_draft(doc_id, "bob", [Span(8, 13, "PERSON")])
        store.patterns.add_patterns([Pattern("PERSON", "Ada")], "ann")
        with pytest.raises(LabelError):
            store.rename_label("PERSON", "ORG")  # ORG exists
        assert "PERSON" in store.labels.label_names()
        store.rename_label("PERSON", "PER", author="ann")
        assert store.annotations.get_annotation(doc_id, "ann").spans[0].label == "PER"
        assert store.drafts.get_draft(doc_id, "bob")[0].label == "PER"
        assert [(p.label, p.pattern) for p in store.patterns.all()] == [("PER", "Ada")]
        assert "PERSON" not in store.labels.label_names()


def test_sqlite_utils_writes_keep_the_hub_watermarks(tmp_path):
    """hub_state is written by sqlite-utils (upsert by its key, update by its key): a new URL
    for the same hub and annotator keeps the watermarks already reached."""
    with Store(tmp_path / "p.db") as store:
        state = store.sync.hub_state("h1", "ann", "postgresql://ann@host/db")
        store.sync.save_hub_state(state, pushed_rev=7, pulled_xid=3)
        again = store.sync.hub_state("h1", "ann", "postgresql://ann@other/db")
        assert (again.url, again.pushed_rev, again.pulled_xid) == ("postgresql://ann@other/db", 7, 3)
        assert store.settings.get_setting("hub_url") == "postgresql://ann@other/db"


def test_a_lone_surrogate_is_refused_by_the_admission_not_by_sqlite(tmp_path):
    """Documents.add_documents hashes through the admission (admitted_hash): a text SQLite
    cannot store is refused in the admission's words, and nothing of the batch is added."""
    from annotator.core.text.admission import AdmissionError

    with Store(tmp_path / "p.db") as store:
        with pytest.raises(AdmissionError, match="lone surrogate U\\+D800"):
            store.documents.add_documents([("fine text", {}), ("bad \ud800 text", {})])
        assert store.documents.count_documents() == 0
