"""The add-on's import graph: no cycles, no imports hidden in functions to dodge one, and the
bpy-free packages (``rules``, ``client``, ``jobs``) free of Blender and of numpy (which comes with
Blender) — read from the source with ``ast``, so the check needs no Blender and sees imports that
a run might not reach."""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "tripo_blender"
#: Packages that must import, and be tested, without Blender.
BPY_FREE = ("rules", "client", "jobs")
#: The package root imports ``blender``/``console`` inside register(): the root itself must import
#: without bpy (``import tripo_blender.client`` runs it), which is not a cycle being dodged.
#: The others load the HTTP client, the job engine or the landing stack on first use (the first
#: request, job, landing or click), so that enabling the add-on, paid at every Blender start,
#: registers its classes without them (``bench/blender_rows.py``, row 6); ``post_ops`` loads the
#: mesh export and upload planning (``post_specs``) when the first post-process is sent. Their deferred imports
#: are still edges of the graph: the cycle check above covers them.
LAZY_ALLOWED = {
    "tripo_blender",
    "tripo_blender.client",
    "tripo_blender.jobs",
    "tripo_blender.rules.account",
    "tripo_blender.jobs.asset_index",
    "tripo_blender.blender.runtime",
    "tripo_blender.blender.asset_library",
    "tripo_blender.blender.post_ops",
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> list[tuple[str, bool]]:
    """(imported module of the package, inside a function?) for every import in ``path``."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    in_function = {
        id(sub)
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        for sub in ast.walk(node)
        if sub is not node
    }
    found = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                targets.append(f"{module}.{alias.name}" if f"{module}.{alias.name}" in MODULES else module)
        elif isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        found += [(t, id(node) in in_function) for t in targets if t in MODULES and t != name]
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _cycles() -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    result: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w, _ in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in GRAPH:
        if v not in index:
            visit(v)
    return result


def test_the_import_graph_has_no_cycle() -> None:
    assert _cycles() == []


def test_no_module_imports_another_inside_a_function() -> None:
    hidden = [
        (name, target) for name, edges in GRAPH.items() for target, lazy in edges if lazy and name not in LAZY_ALLOWED
    ]
    assert hidden == [], "import at module level; a cycle it dodged must be broken instead"


@pytest.mark.parametrize("package", BPY_FREE)
def test_the_bpy_free_packages_import_no_blender(package: str) -> None:
    for name, path in MODULES.items():
        if not name.startswith(f"tripo_blender.{package}"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else []
            )
            # numpy ships with Blender, not with the Python these layers also run in
            assert not any(n.split(".")[0] in ("bpy", "mathutils", "bpy_extras", "numpy") for n in names), (name, names)
        assert not any(t.startswith(("tripo_blender.blender", "tripo_blender.console")) for t, _ in GRAPH[name]), name
    assert "bpy" not in sys.modules
    importlib.import_module(f"tripo_blender.{package}")  # and it really imports here, without Blender


#: The floors, lowest first: a module imports only from its own floor and the ones below it.
#: ``rules`` is a floor of its own above ``jobs`` (its decisions read jobs and their kinds), not
#: beside it; the package root and ``console`` sit on top.
FLOORS = ("client", "jobs", "rules", "blender", "console")


def _floor(module: str) -> int:
    parts = module.split(".")
    return FLOORS.index(parts[1]) if len(parts) > 1 and parts[1] in FLOORS else len(FLOORS)


def test_each_floor_imports_only_from_itself_and_below() -> None:
    upward = [(name, target) for name, edges in GRAPH.items() for target, _ in edges if _floor(target) > _floor(name)]
    assert upward == [], "an import up the floors: " + ", ".join(f"{a} → {b}" for a, b in upward)
