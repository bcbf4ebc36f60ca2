"""The dependency rules of docs/architecture.md, checked on the source (every import, also inside functions).

- No module imports another domain's routes (helpers used by several domains live in ``core``).
- ``core`` imports no domain (only ``extensions`` and ``storage``, which import no domain either).
- No import cycle: neither between packages (``accounts`` → ``audit`` → ``accounts``) nor between modules.

Imports under ``if TYPE_CHECKING:`` are ignored: they never run and exist for type checkers only.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"
INFRASTRUCTURE = {"core", "extensions", "storage", "jobs"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    return (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING") or \
        (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST, modules: set[str]):
    """(line, imported module) for every runtime import of an app module."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                # "from app.x import y": y may be a module (app.x.y) or a name in app.x.
                candidate = f"{node.module}.{alias.name}"
                yield node.lineno, candidate if candidate in modules else node.module
        stack.extend(ast.iter_child_nodes(node))


def import_graph() -> dict[str, dict[str, int]]:
    paths = {_module_name(p): p for p in APP.rglob("*.py")}
    graph: dict[str, dict[str, int]] = defaultdict(dict)
    for name, path in paths.items():
        for line, target in _imports(ast.parse(path.read_text()), set(paths)):
            while target not in paths and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in paths and target != name and target.startswith("app."):
                graph[name].setdefault(target, line)
    return graph


def package_of(module: str) -> str:
    """The layer a module belongs to: its package under app/ (``app/extensions.py`` belongs to core)."""
    parts = module.split(".")
    name = parts[1] if len(parts) > 1 else parts[0]
    return "core" if name == "extensions" else name


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in graph.get(node, ()):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_domain_imports_another_domains_routes():
    offenders = [f"{source} imports {target} (line {line})"
                 for source, targets in import_graph().items() for target, line in targets.items()
                 if target.rsplit(".", 1)[-1].endswith("routes") and package_of(source) != package_of(target)]
    assert offenders == []


def test_core_imports_no_domain():
    offenders = [f"{source} imports {target} (line {line})"
                 for source, targets in import_graph().items() if package_of(source) in INFRASTRUCTURE
                 for target, line in targets.items() if package_of(target) not in INFRASTRUCTURE]
    assert offenders == []


def test_no_import_cycle_between_packages():
    packages: dict[str, set[str]] = defaultdict(set)
    for source, targets in import_graph().items():
        for target in targets:
            if package_of(source) != package_of(target):
                packages[package_of(source)].add(package_of(target))
    assert _cycles(packages) == []


def test_no_import_cycle_between_modules():
    graph = {source: set(targets) for source, targets in import_graph().items()}
    # A package's __init__ registering its own submodules is how blueprints and CLI load; it is not a cycle of
    # meaning (the submodule needs the package's blueprint object, the package names its submodules).
    for source in graph:
        graph[source] = {t for t in graph[source] if not (t.startswith(source + ".") or source.startswith(t + "."))}
    assert _cycles(graph) == []


def test_the_checker_sees_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
