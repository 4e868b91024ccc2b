"""The layout keeps the pipeline's shape (docs/architecture.md).

Walks every import statement in ``src/detente`` (module level and inside functions; imports
under ``if TYPE_CHECKING:`` never run and are left out) and checks that arrows point down the
floors, that there are no cycles, and that each lazy import says why.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

import detente

PACKAGE = Path(detente.__file__).parent
TESTS = Path(__file__).parent

#: The floor of each top-level part of the package (docs/architecture.md draws them).
FLOORS = {
    "errors": 0,
    "limits": 0,
    "model": 1,
    "engine": 1,
    "words": 1,
    "space": 2,
    "io": 2,
    "cases": 3,
    "analyses": 4,
    "render": 5,
    "report": 6,
    "registry": 6,
    "cli": 7,
    "web": 7,
    "": 7,  # detente/__init__.py: the public API gathers every floor
}

#: A lazy import's comment must say why it is lazy; these words are how it says so.
LAZY_WORDS = ("lazy", "import time", "start-up", "startup", "cycle", "optional", "only when")


@dataclass(frozen=True)
class Import:
    source: str  # importing module, e.g. "detente.analyses.paths"
    target: str  # imported module
    line: int
    in_function: bool
    comment: str  # the comment on the import's line or the line above


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _known(name: str) -> str:
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def _comment_above(lines: list[str], node: ast.stmt) -> str:
    """The comment just above ``node``, or above the run of imports it belongs to (one
    comment may explain a group of lazy imports)."""
    row = node.lineno - 2
    while row >= 0:
        line = lines[row].strip()
        if line.startswith("#"):
            comment = []
            while row >= 0 and lines[row].strip().startswith("#"):
                comment.append(lines[row].strip())
                row -= 1
            return " ".join(reversed(comment))
        if not line.startswith(("from ", "import ")) and not (
            line.endswith(",") or line == ")"
        ):
            return ""
        row -= 1
    return ""


def _imports_of(module: str, path: Path) -> list[Import]:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    tree = ast.parse(text)
    skipped: set[int] = set()
    in_function: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for n in ast.walk(node))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            in_function.update(id(n) for n in ast.walk(node))
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package[: len(package) - node.level + 1]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            targets = [f"{base}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            continue
        comment = lines[node.lineno - 1].partition("#")[2] + " " + _comment_above(lines, node)
        for target in targets:
            if not target.startswith("detente"):
                continue
            target = _known(target)
            if target != module:
                found.append(Import(module, target, node.lineno, id(node) in in_function, comment))
    return found


IMPORTS = [imp for module, path in MODULES.items() for imp in _imports_of(module, path)]


def _floor(module: str) -> int:
    part = module.split(".")[1] if "." in module else ""
    return FLOORS[part]


def test_every_part_has_a_floor() -> None:
    unknown = sorted({m.split(".")[1] for m in MODULES if "." in m} - set(FLOORS))
    assert not unknown, f"give these a floor in FLOORS and docs/architecture.md: {unknown}"


def test_arrows_point_down() -> None:
    upward = [
        f"{imp.source}:{imp.line} imports {imp.target}"
        for imp in IMPORTS
        if _floor(imp.target) > _floor(imp.source)
    ]
    assert not upward, "imports that run back up the floors:\n" + "\n".join(upward)


def test_no_import_cycles() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for imp in IMPORTS:
        graph[imp.source].add(imp.target)
    # Tarjan's strongly connected components, iteratively (Tarjan 1972).
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = []
    for root in sorted(MODULES):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
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
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
    assert not cycles, f"import cycles: {cycles}"


def test_lazy_imports_say_why() -> None:
    silent = [
        f"{imp.source}:{imp.line} imports {imp.target} inside a function"
        for imp in IMPORTS
        if imp.in_function and not any(word in imp.comment.lower() for word in LAZY_WORDS)
    ]
    assert not silent, "say why each of these is lazy, in a comment:\n" + "\n".join(silent)


@pytest.mark.parametrize("path", sorted(TESTS.rglob("test_*.py")), ids=lambda p: p.name)
def test_tests_import_helpers_not_tests(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            last = node.module.rsplit(".", 1)[-1]
            assert not last.startswith("test_"), (
                f"{path.name}:{node.lineno} imports the test module {node.module}; "
                "move what it needs into tests/reference.py or tests/conflicts.py"
            )


def test_the_walk_sees_the_layout() -> None:
    # Guards the walker itself: a known downward arrow and a known lazy import are found.
    assert any(
        imp.source == "detente.analyses.paths" and imp.target.startswith("detente.space")
        for imp in IMPORTS
    )
    assert len(IMPORTS) > 100
