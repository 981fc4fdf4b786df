"""No import cycles in ecocomp: the module graph from every `import`, read with `ast`, not by importing.

Edges: every `import ecocomp.x` and `from ecocomp.x import y` anywhere in a file (also inside
functions), relative imports resolved; `from ecocomp.x import y` with `y` a submodule is an edge to
`ecocomp.x.y`. Imports under `if TYPE_CHECKING:` are not edges (they never run). A package's
`__init__.py` is the node `ecocomp.pkg`; an import of `ecocomp.a.b` is an edge to `ecocomp.a.b`
only, not to its parent packages.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT = "ecocomp"
MAX_CYCLES = 100  # listed per failure; enough to see every knot

Graph = dict[str, set[str]]


def module_names(src: Path = SRC) -> dict[str, Path]:
    """Every module of the package by dotted name (a package's __init__ is the package)."""
    names: dict[str, Path] = {}
    for path in sorted((src / ROOT).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _is_type_checking(test: ast.expr) -> bool:
    """`if TYPE_CHECKING:` or `if typing.TYPE_CHECKING:`."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _imports(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement below `node`, skipping the bodies of `if TYPE_CHECKING:`."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for other in child.orelse:
                yield from _imports(ast.Module(body=[other], type_ignores=[]))
        else:
            yield from _imports(child)


def _base(module: str, is_package: bool, statement: ast.ImportFrom) -> str:
    """The absolute module a `from ... import` names (relative levels resolved)."""
    if not statement.level:
        return statement.module or ""
    parts = module.split(".") if is_package else module.split(".")[:-1]
    parts = parts[: len(parts) - (statement.level - 1)]
    return ".".join([*parts, *([statement.module] if statement.module else [])])


def edges_of(module: str, source: str, known: Mapping[str, object], is_package: bool = False) -> set[str]:
    """The ecocomp modules that `source` (the text of `module`) imports when it runs."""
    targets: set[str] = set()
    for statement in _imports(ast.parse(source)):
        if isinstance(statement, ast.Import):
            targets |= {a.name for a in statement.names if a.name.split(".")[0] == ROOT}
            continue
        base = _base(module, is_package, statement)
        if base.split(".")[0] != ROOT:
            continue
        for alias in statement.names:
            submodule = f"{base}.{alias.name}"
            targets.add(submodule if submodule in known else base)
    return {t for t in targets if t != module}


def import_graph(src: Path = SRC) -> Graph:
    """The module graph of the package under `src`."""
    known = module_names(src)
    return {
        name: edges_of(name, path.read_text("utf-8"), known, path.name == "__init__.py")
        for name, path in known.items()
    }


def strongly_connected(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Tarjan's components of more than one module (or of one importing itself), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def cycles(graph: Mapping[str, set[str]], limit: int = MAX_CYCLES) -> list[list[str]]:
    """The elementary cycles (each from its smallest module), by a DFS within each component."""
    found: list[list[str]] = []
    for component in strongly_connected(graph):
        members = set(component)
        for start in component:
            allowed = {m for m in members if m >= start}
            path, pending = [start], [iter(sorted(graph[start] & allowed))]
            while pending and len(found) < limit:
                target = next(pending[-1], None)
                if target is None:
                    pending.pop()
                    path.pop()
                elif target == start:
                    found.append([*path, start])
                elif target not in path:
                    path.append(target)
                    pending.append(iter(sorted(graph[target] & allowed)))
    return found


def test_no_import_cycles() -> None:
    found = cycles(import_graph())
    assert not found, "import cycles in ecocomp:\n" + "\n".join(" -> ".join(c) for c in found)


def test_the_graph_reads_every_kind_of_import() -> None:
    known = dict.fromkeys(["ecocomp", "ecocomp.a", "ecocomp.a.b", "ecocomp.a.c", "ecocomp.d"])
    source = (
        "from typing import TYPE_CHECKING\n"
        "import ecocomp.a.b\n"
        "from ecocomp.a import c, helper\n"
        "if TYPE_CHECKING:\n    from ecocomp import d\nelse:\n    import json\n"
        "def f():\n    from . import d\n"
    )
    assert edges_of("ecocomp.x", source, known) == {"ecocomp.a.b", "ecocomp.a.c", "ecocomp.a", "ecocomp.d"}
    assert edges_of("ecocomp.a.c", "from .b import x\nfrom .. import d\n", known) == {
        "ecocomp.a.b",
        "ecocomp.d",
    }
    assert edges_of("ecocomp.a", "from . import b\n", known, is_package=True) == {"ecocomp.a.b"}


def test_cycles_are_found_and_listed() -> None:
    graph = {"a": {"b"}, "b": {"a", "c"}, "c": {"b"}, "d": {"d"}, "e": {"a"}}
    assert strongly_connected(graph) == [["a", "b", "c"], ["d"]]
    assert cycles(graph) == [["a", "b", "a"], ["b", "c", "b"], ["d", "d"]]
