"""The shape of the code, checked: no import cycles (in the window's package above all), no
file over 500 lines. The Qt boundary itself is checked by import-linter (pyproject.toml,
run by .ci/run) and tests/core/test_qt_free.py."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "annotator"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports, anywhere in the file (function bodies and
    TYPE_CHECKING blocks included: a cycle hidden there is still a cycle of concerns)."""
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in files}
    for mod, path in files.items():
        package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            for target in targets:
                while target and target not in files:
                    target = target.rpartition(".")[0]
                if target and target != mod and not mod.startswith(target + "."):
                    graph[mod].add(target)
    return graph


def cycles(graph: dict[str, set[str]], within: str) -> list[list[str]]:
    """Every module of `within` that can reach itself, with the path found."""
    nodes = {m for m in graph if m == within or m.startswith(within + ".")}
    found = []
    for start in sorted(nodes):
        stack, seen = [(start, [start])], set()
        while stack:
            mod, path = stack.pop()
            for nxt in graph[mod] & nodes:
                if nxt == start:
                    found.append(path + [start])
                    stack.clear()
                    break
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, path + [nxt]))
    return found


@pytest.mark.slow
def test_the_window_package_has_no_import_cycle():
    assert cycles(import_graph(), "annotator.gui") == []


@pytest.mark.slow
def test_the_whole_package_has_no_import_cycle():
    assert cycles(import_graph(), "annotator") == []


@pytest.mark.slow
def test_the_graph_sees_real_imports():
    """The checker itself: the window imports the project model, which the core never does."""
    graph = import_graph()
    assert "annotator.gui.project" in graph["annotator.gui.main_window"]
    assert not any(m.startswith("annotator.gui") for m in graph["annotator.core.team.gold"])


def test_no_file_is_longer_than_500_lines():
    long = {str(p.relative_to(PACKAGE.parent)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert long == {}, f"split by concern: {long}"


def test_no_folder_holds_more_than_15_modules():
    """Domain packages, not one flat folder: a folder that grows past 15 modules is split."""
    crowded = {}
    for folder in [PACKAGE, *(p for p in PACKAGE.rglob("*") if p.is_dir() and p.name != "__pycache__")]:
        modules = [p for p in folder.glob("*.py") if p.name != "__init__.py"]
        if len(modules) > 15:
            crowded[str(folder.relative_to(PACKAGE.parent))] = len(modules)
    assert crowded == {}
