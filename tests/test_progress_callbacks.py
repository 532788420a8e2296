"""Issue 27 §3, one progress callback signature: `on_progress(done, total)` (core/progress.py).
Anything more an operation says (a sync's stage, a training step's scores) has a callback of
its own. Read from the source (ast), in the package, the tests and the benchmarks:

- every parameter named on_progress is typed `Progress` (or `Progress | None`), imported from
  annotator.core.progress;
- every function or method named on_progress, and every callback passed as on_progress=,
  can be called as (done, total): two required positional parameters, no *args;
- every on_progress(...) call passes exactly (done, total);
- no other progress callback type is declared (the old ProgressFn aliases).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("annotator", "tests", "benchmarks")
PROGRESS_MODULE = "annotator.core.progress"
NAME = "on_progress"


def _progress_names(tree: ast.Module) -> set[str]:
    """Local names bound to core.progress.Progress by an import anywhere in the module."""
    return {alias.asname or alias.name for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == PROGRESS_MODULE
            for alias in node.names if alias.name == "Progress"}


def _is_progress(annotation: ast.expr | None, names: set[str]) -> bool:
    """Progress, Progress | None, None | Progress or Optional[Progress]."""
    if isinstance(annotation, ast.Name):
        return annotation.id in names
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        sides = (annotation.left, annotation.right)
        return any(_is_progress(s, names) for s in sides) and any(
            isinstance(s, ast.Constant) and s.value is None for s in sides)
    if isinstance(annotation, ast.Subscript) and isinstance(annotation.value, ast.Name):
        return annotation.value.id == "Optional" and _is_progress(annotation.slice, names)
    return False


def _shape_problem(args: ast.arguments, *, method: bool = False) -> str | None:
    """Why a function with these parameters cannot be called as (done, total), or None."""
    positional = [*args.posonlyargs, *args.args]
    if method and positional and positional[0].arg in ("self", "cls"):
        positional = positional[1:]
    required = len(positional) - len(args.defaults)
    if args.vararg is not None:
        return f"takes *{args.vararg.arg} instead of (done, total)"
    if required != 2:
        return f"takes {required} required positional arguments instead of (done, total)"
    if any(default is None for default in args.kw_defaults):
        return "has a required keyword-only argument"
    return None


def _parents(tree: ast.Module) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def problems(source: str, where: str) -> list[str]:
    """Every break of the module docstring's rules in one module's source."""
    tree = ast.parse(source)
    names = _progress_names(tree)
    parents = _parents(tree)
    functions: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions.setdefault(node.name, []).append(node)
    found = []

    def shape(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, what: str) -> None:
        method = isinstance(parents.get(node), ast.ClassDef)
        if (why := _shape_problem(node.args, method=method)) is not None:
            found.append(f"{where}:{node.lineno}: {what} {why}")

    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for arg in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
                if arg.arg == NAME and not _is_progress(arg.annotation, names):
                    typed = ast.unparse(arg.annotation) if arg.annotation else "nothing"
                    found.append(f"{where}:{arg.lineno}: parameter {NAME} of {node.name}() is typed "
                                 f"{typed}, not Progress from {PROGRESS_MODULE}")
            if node.name == NAME:
                shape(node, f"{NAME}()")
        elif isinstance(node, ast.Call):
            callee = node.func
            called = callee.id if isinstance(callee, ast.Name) else getattr(callee, "attr", None)
            if called == NAME and (len(node.args) != 2 or node.keywords
                                   or any(isinstance(a, ast.Starred) for a in node.args)):
                found.append(f"{where}:{node.lineno}: {ast.unparse(node)} does not pass (done, total)")
            for keyword in node.keywords:
                if keyword.arg != NAME:
                    continue
                value = keyword.value
                if isinstance(value, ast.Lambda):
                    shape(value, f"the lambda passed as {NAME}=")
                elif isinstance(value, (ast.Name, ast.Attribute)):
                    target = value.id if isinstance(value, ast.Name) else value.attr
                    for function in functions.get(target, []) if target != NAME else []:
                        shape(function, f"{target}(), passed as {NAME}=,")
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and where != "annotator/core/progress.py":
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = node.value
            if (isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name)
                    and value.value.id == "Callable"):
                for target in targets:
                    if isinstance(target, ast.Name) and "progress" in target.id.lower():
                        found.append(f"{where}:{node.lineno}: {target.id} declares another progress "
                                     "callback type; use core.progress.Progress")
    return found


def test_every_on_progress_has_the_done_total_shape() -> None:
    scanned, found = 0, []
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            scanned += 1
            found += problems(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())
    assert scanned > 300  # the whole code base was read, not an empty folder
    assert found == []


def test_the_check_catches_each_other_shape() -> None:
    bad = '''
from typing import Callable
from annotator.core.progress import Progress
ProgressFn = Callable[[str, int, int], None]

def sync(store, on_progress: ProgressFn | None = None): ...
def train(store, *, on_progress=None): ...
def fine(store, *, on_progress: Progress | None = None, other: int = 0): ...

def on_progress(step, total, info): ...

class Hooks:
    def on_progress(self, done, total): ...

def stage_progress(stage, done, total): ...

def run(on_progress: Progress) -> None:
    on_progress(1, 2)
    on_progress("labels", 1, 2)
    on_progress(*[1, 2])
    fine(None, on_progress=lambda *_a: None)
    fine(None, on_progress=lambda done, total: None)
    fine(None, on_progress=stage_progress)
    fine(None, on_progress=Hooks().on_progress)
'''
    found = problems(bad, "bad.py")
    lines = sorted(int(p.split(":")[1]) for p in found)
    assert lines == [4, 6, 7, 10, 15, 19, 20, 21], found
    assert any("ProgressFn declares another progress callback type" in p for p in found)
    assert any("typed ProgressFn | None, not Progress" in p for p in found)
    assert any("on_progress of train() is typed nothing" in p for p in found)
    assert any("takes 3 required positional arguments" in p and ":10:" in p for p in found)
    assert any("takes *_a" in p for p in found)
    assert any("stage_progress(), passed as on_progress=," in p for p in found)
