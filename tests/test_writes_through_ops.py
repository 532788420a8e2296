"""Every write goes through the core's operations (core/ops): nothing in the window, the
jobs or the command line calls a store method that writes, or reaches the connection.

Which store methods write is worked out from the store's own code, not listed by hand: a
method writes if it opens a transaction, runs an INSERT/UPDATE/DELETE, writes through
sqlite-utils, or calls a method that writes (so a new one is covered the day it is added).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "annotator"
STORE = PACKAGE / "core" / "store"
# Where writes are called from outside the core: they must go through core/ops instead.
CALLERS = [PACKAGE / "gui", PACKAGE / "jobs", PACKAGE / "cli"]
# The connection itself: whoever holds it can write anything.
RAW = {"conn", "db", "transaction", "hub_pull_transaction"}
_SQL_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
_DB_WRITES = {"insert", "insert_all", "upsert", "upsert_all", "update", "delete", "delete_where"}


def _writes_directly(fn: ast.FunctionDef) -> bool:
    for node in ast.walk(fn):
        if isinstance(node, ast.Attribute) and node.attr in ("transaction", "hub_pull_transaction"):
            return True
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _SQL_WRITE.match(node.value):
            return True
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _DB_WRITES
                and isinstance(node.func.value, ast.Subscript)):  # self.db["labels"].insert(...)
            return True
    return False


def _calls(fn: ast.FunctionDef) -> set[str]:
    return {n.func.attr for n in ast.walk(fn) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)}


def store_write_methods() -> set[str]:
    """Public methods of the store's classes (Store's mixins, the draft journal) that write."""
    methods: dict[str, ast.FunctionDef] = {}
    for path in STORE.rglob("*.py"):
        for cls in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(cls, ast.ClassDef):
                for fn in cls.body:
                    if isinstance(fn, ast.FunctionDef):
                        methods[fn.name] = fn
    writes = {name for name, fn in methods.items() if _writes_directly(fn)}
    while True:  # and whatever calls one of them
        more = {name for name, fn in methods.items() if name not in writes and _calls(fn) & writes}
        if not more:
            break
        writes |= more
    return {name for name in writes if not name.startswith("_")}


def write_calls(root: Path, writes: set[str]) -> list[str]:
    """`file:line: receiver.method` for each call of a store write, or use of the raw
    connection, under root. A call on `self` (the caller's own method of that name) or on a
    `project` (gui/project.py's Project, which calls the operations) is not one."""
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Attribute):
                continue
            receiver = ast.unparse(node.value)
            if receiver == "self" or receiver.endswith("project"):
                continue
            if node.attr in RAW and re.search(r"store|session", receiver):
                found.append(f"{path.relative_to(root.parent)}:{node.lineno}: {receiver}.{node.attr}")
            elif node.attr in writes and re.search(r"store|session|journal|drafts", receiver):
                found.append(f"{path.relative_to(root.parent)}:{node.lineno}: {receiver}.{node.attr}")
    return found


def test_the_store_writes_are_found_from_its_code():
    writes = store_write_methods()
    # The derivation finds the writes we know, through calls too (ensure_labels -> add_label).
    assert {"save_annotation", "save_timed_decision", "add_documents", "add_document", "add_label",
            "ensure_labels", "rename_label", "set_setting", "save_review", "merge_annotation",
            "record_trained_model", "set_hub_assignments", "save_draft", "save_draft_edit", "save"} <= writes
    # ... and leaves the reads out.
    assert not writes & {"labels", "get_setting", "get_document", "document_ids", "statuses", "status",
                         "read_change_log", "data_version", "change_mark", "annotations_for_document"}


def test_nothing_above_the_core_writes_except_through_the_operations():
    writes = store_write_methods()
    offenders = [hit for root in CALLERS for hit in write_calls(root, writes)]
    assert offenders == [], "write through annotator/core/ops instead:\n" + "\n".join(offenders)


def test_the_scan_would_see_a_write(tmp_path):
    """The check is not vacuous: each way of writing we know of is caught."""
    (tmp_path / "writer.py").write_text(
        "def f(project, store, session):\n"
        "    project.store.add_label('X')\n"
        "    store.set_setting('a', 'b')\n"
        "    session.store.save_annotation(1, 'a', 'accept', [])\n"
        "    with session.store.transaction():\n"
        "        pass\n"
        "    project.add_label('Y')  # the Project: through the operations\n", encoding="utf-8")
    hits = write_calls(tmp_path, store_write_methods())
    assert [h.rsplit(": ", 1)[1] for h in hits] == [
        "project.store.add_label", "store.set_setting", "session.store.save_annotation", "session.store.transaction"]
