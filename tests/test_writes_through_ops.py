"""Every write goes through the core's operations (core/ops): nothing in the window, the
jobs or the command line calls a store method that writes, or reaches the connection.

Which store methods write is worked out from the store's own code, not listed by hand: a
method writes if it opens a transaction, runs an INSERT/UPDATE/DELETE, writes through
sqlite-utils, or calls a method that writes (so a new one is covered the day it is added).
Likewise the core's own functions that write through a store (notes.add_note, undo_decision,
majority.auto_accept...): found from their code, and called from above the core only
through an operation, unless CORE_WRITES_ALLOWED says why not.
"""

from __future__ import annotations

import ast
import functools
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
# The typed settings object over a store (core/settings.py): `settings(store).set(KEY, value)`.
_SETTINGS_WRITES = {"set", "set_person"}
_SETTINGS_OF_A_STORE = re.compile(r"settings\(.*store.*\)")
CORE = PACKAGE / "core"
# Core functions that write a project yet are called from above the core directly, and why.
CORE_WRITES_ALLOWED = {
    # Opening (and making or seeding) the project file, before any window watches it.
    "annotator.core.project.open_project": "opens the file",
    # Caches of what a model computed: rebuilt at will, never shown as the project's work.
    "annotator.core.learning.suggest.suggest_documents": "suggestion cache",
    "annotator.core.learning.ordering.score_uncertainty": "uncertainty cache",
    "annotator.core.learning.evaluate.evaluate": "suggestion cache",
}


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


@functools.cache
def _parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


@functools.cache
def store_write_methods() -> frozenset[str]:
    """Public methods of the store's classes (Store's mixins, the draft journal) that write."""
    methods: dict[str, ast.FunctionDef] = {}
    for path in STORE.rglob("*.py"):
        for cls in ast.walk(_parsed(path)):
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
    return frozenset(name for name in writes if not name.startswith("_"))


def write_calls(root: Path, writes: set[str]) -> list[str]:
    """`file:line: receiver.method` for each call of a store write, or use of the raw
    connection, under root. A call on `self` (the caller's own method of that name) or on a
    `project` (gui/project.py's Project, which calls the operations) is not one."""
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(_parsed(path)):
            if not isinstance(node, ast.Attribute):
                continue
            receiver = ast.unparse(node.value)
            if receiver == "self" or receiver.endswith("project"):
                continue
            if node.attr in RAW and re.search(r"store|session", receiver):
                found.append(f"{path.relative_to(root.parent)}:{node.lineno}: {receiver}.{node.attr}")
            elif node.attr in writes and re.search(r"store|session|journal|drafts", receiver):
                found.append(f"{path.relative_to(root.parent)}:{node.lineno}: {receiver}.{node.attr}")
            elif node.attr in _SETTINGS_WRITES and _SETTINGS_OF_A_STORE.search(receiver):
                found.append(f"{path.relative_to(root.parent)}:{node.lineno}: {receiver}.{node.attr}")
    return found


def _module(path: Path) -> str:
    """'annotator.core.team.notes' for a file of the package (elsewhere: its stem)."""
    if not path.is_relative_to(PACKAGE):
        return path.stem
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")


def _imported(tree: ast.Module) -> dict[str, str]:
    """Local name -> what it stands for: 'package.module' or 'package.module:function'."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("annotator"):
            names.update({a.asname or a.name: f"{node.module}:{a.name}" for a in node.names})
        elif isinstance(node, ast.Import):
            names.update({a.asname or a.name: a.name for a in node.names if a.name.startswith("annotator")})
    return names


def _callee(call: ast.Call, module: str, imported: dict[str, str]) -> str | None:
    """'package.module.function' a call names (a local function, an imported one, or
    `module.function` through an imported module), else None."""
    f = call.func
    if isinstance(f, ast.Name):
        target = imported.get(f.id)
        return target.replace(":", ".") if target and ":" in target else f"{module}.{f.id}"
    if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in imported:
        return f"{imported[f.value.id].replace(':', '.')}.{f.attr}"
    return None


def _writes_a_store(node: ast.AST, writes: frozenset[str]) -> bool:
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return False
    receiver = ast.unparse(node.func.value)
    if node.func.attr in _SETTINGS_WRITES and _SETTINGS_OF_A_STORE.search(receiver):
        return True
    return node.func.attr in writes | {"transaction"} and "store" in receiver


@functools.cache
def core_write_functions(writes: frozenset[str]) -> frozenset[str]:
    """'package.module.function' of the core's functions (outside the store and the operations)
    that call a store write, or call one of these."""
    functions: dict[str, tuple[ast.FunctionDef, str, dict[str, str]]] = {}
    for path in CORE.rglob("*.py"):
        if path.relative_to(CORE).parts[0] in ("store", "ops"):
            continue
        tree = _parsed(path)
        module, imported = _module(path), _imported(tree)
        for fn in tree.body:
            if isinstance(fn, ast.FunctionDef):
                functions[f"{module}.{fn.name}"] = (fn, module, imported)
    found = {name for name, (fn, _m, _i) in functions.items() if any(_writes_a_store(n, writes) for n in ast.walk(fn))}
    while True:
        more = {name for name, (fn, module, imported) in functions.items() if name not in found
                and any(isinstance(n, ast.Call) and _callee(n, module, imported) in found for n in ast.walk(fn))}
        if not more:
            return frozenset(found)
        found |= more


def core_write_calls(root: Path, core_writes: set[str]) -> list[str]:
    """`file:line: package.module.function` for each call under root of a core function that writes."""
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = _parsed(path)
        module, imported = _module(path), _imported(tree)
        for node in ast.walk(tree):
            callee = _callee(node, module, imported) if isinstance(node, ast.Call) else None
            if callee in core_writes and callee not in CORE_WRITES_ALLOWED:
                found.append(f"{path.relative_to(root.parent)}:{node.lineno}: {callee}")
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


def test_the_cores_writing_functions_are_found_from_its_code():
    found = core_write_functions(store_write_methods())
    # Through a store method, a transaction, or another such function (resolve -> remember).
    assert {"annotator.core.team.notes.add_note", "annotator.core.team.notes.edit_note",
            "annotator.core.team.notes.delete_note", "annotator.core.team.guidelines.set_guidelines",
            "annotator.core.team.guidelines.describe_label", "annotator.core.team.undo.undo_decision",
            "annotator.core.team.majority.auto_accept", "annotator.core.team.majority.set_min_agreement",
            "annotator.core.team.identity.remember", "annotator.core.team.identity.resolve",
            "annotator.core.team.identity.signer", "annotator.core.team.merge.merge_project",
            "annotator.core.learning.patterns.manage.save_patterns",
            "annotator.core.learning.patterns.precision.save_flag_rule",
            "annotator.core.learning.continuous.run_round", "annotator.core.hub.sync.sync"} <= found
    assert not found & {"annotator.core.team.notes.notes_for", "annotator.core.team.undo.document_versions",
                        "annotator.core.team.guidelines.label_descriptions", "annotator.core.team.majority.min_agreement"}


def test_nothing_above_the_core_calls_a_writing_core_function_except_through_the_operations():
    core_writes = core_write_functions(store_write_methods())
    offenders = [hit for root in CALLERS for hit in core_write_calls(root, core_writes)]
    assert offenders == [], "write through annotator/core/ops instead:\n" + "\n".join(offenders)


def test_the_scan_would_see_a_core_function_that_writes(tmp_path):
    (tmp_path / "caller.py").write_text(
        "from annotator.core.team import notes\n"
        "from annotator.core.team.undo import undo_decision\n"
        "from annotator.core.ops import teamwork\n"
        "def f(store):\n"
        "    notes.add_note(store, 1, 'ann', 'a note')\n"
        "    undo_decision(store, 1, 'ann')\n"
        "    teamwork.add_note(store, 1, 'ann', 'a note', by='cli')  # the operation\n", encoding="utf-8")
    hits = core_write_calls(tmp_path, core_write_functions(store_write_methods()))
    assert [h.rsplit(": ", 1)[1] for h in hits] == ["annotator.core.team.notes.add_note",
                                                     "annotator.core.team.undo.undo_decision"]


def test_the_scan_would_see_a_write(tmp_path):
    """The check is not vacuous: each way of writing we know of is caught."""
    (tmp_path / "writer.py").write_text(
        "def f(project, store, session):\n"
        "    project.store.labels.add_label('X')\n"
        "    store.settings.set_setting('a', 'b')\n"
        "    session.store.annotations.save_annotation(1, 'a', 'accept', [])\n"
        "    with session.store.transaction():\n"
        "        pass\n"
        "    project.add_label('Y')  # the Project: through the operations\n", encoding="utf-8")
    hits = write_calls(tmp_path, store_write_methods())
    assert [h.rsplit(": ", 1)[1] for h in hits] == [
        "project.store.labels.add_label", "store.settings.set_setting", "session.store.annotations.save_annotation",
        "session.store.transaction"]
