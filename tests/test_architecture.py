"""The shape of the code: imports run one way, and nothing imports in a circle.

The one-way rule is written as import-linter contracts in pyproject.toml
(``lint-imports`` checks them); the cycle check walks the same import graph.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("cli", "web", "tasks", "intake", "verification")


def test_imports_run_one_way_and_verification_is_plain_python():
    result = subprocess.run(
        [Path(sys.executable).with_name("lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_no_module_imports_another_that_imports_it_back():
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)

    cycles = [sorted(group) for group in strongly_connected(graph) if len(group) > 1]

    assert cycles == []


def test_every_import_of_our_own_names_something_that_exists():
    # An import inside a function only runs when the function does: after a
    # module moves, a stale one would fail in production and nowhere else.
    missing = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for path in sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))
        for line, name in _own_imports(path)
        if not _exists(name)
    ]

    assert missing == []


def test_the_import_check_finds_a_moved_module(tmp_path):
    source = tmp_path / "stale.py"
    source.write_text("def poll():\n    from intake.mail import inbound\n    return inbound\n")

    assert [name for _, name in _own_imports(source) if not _exists(name)] == [
        "intake.mail.inbound"
    ]


def _own_imports(path: Path) -> list[tuple[int, str]]:
    """``(line, dotted name)`` of every import of one of our packages in a
    file, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return [(line, name) for line, name in found if name.split(".")[0] in PACKAGES]


def _exists(name: str) -> bool:
    """Whether ``name`` is a module, or an attribute of the module above it."""
    try:
        if importlib.util.find_spec(name) is not None:
            return True
    except ImportError:  # its parent is missing, or is a module, not a package
        pass
    module, _, attribute = name.rpartition(".")
    try:
        return bool(module) and hasattr(importlib.import_module(module), attribute)
    except ImportError:
        return False


def test_the_cycle_check_finds_a_cycle():
    graph = grimp.ImportGraph()
    for module in ("a", "b", "c"):
        graph.add_module(module)
    graph.add_import(importer="a", imported="b")
    graph.add_import(importer="b", imported="a")
    graph.add_import(importer="b", imported="c")

    assert [sorted(g) for g in strongly_connected(graph) if len(g) > 1] == [["a", "b"]]


def strongly_connected(graph: grimp.ImportGraph) -> list[set[str]]:
    """Tarjan's strongly connected components of the module import graph
    (iterative: no recursion limit on a deep graph)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, _imported_by(graph, root))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, _imported_by(graph, child)))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                groups.append(group)
    return groups


def _imported_by(graph: grimp.ImportGraph, module: str):
    return iter(sorted(graph.find_modules_directly_imported_by(module)))
