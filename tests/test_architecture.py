"""The layout keeps its arrows: dawg → chat → generation → infra, never back up, no circles."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("dawg", "chat", "generation", "infra")
# Higher imports lower, never the other way (infra offers hooks the apps register into).
LAYER = {"infra": 0, "generation": 1, "chat": 2, "dawg": 3}
ENGINE = "generation.engine"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[_module_name(path)] = path
    return modules


def _imported(name: str, path: Path, tree: ast.AST) -> set[str]:
    """Every module this one imports, at the top or inside a function, relative ones resolved."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            # `from pkg import module` imports pkg.module when it is one.
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def import_graph() -> dict[str, set[str]]:
    """Project module → the project modules it imports (package __init__s left out)."""
    modules = _project_modules()
    graph = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        graph[name] = {m for m in _imported(name, path, tree) if m in modules and m != name}
    packages = {n for n, p in modules.items() if p.name == "__init__.py"}
    return {n: deps - packages for n, deps in graph.items()}


def _layer(module: str) -> int:
    return LAYER[module.split(".")[0]]


def test_no_arrow_runs_back_up_a_layer():
    back_up = sorted(
        f"{name} -> {dep}"
        for name, deps in import_graph().items()
        for dep in deps
        if _layer(dep) > _layer(name)
    )
    assert back_up == []


def test_the_engine_imports_nothing_of_django_or_the_apps():
    modules = _project_modules()
    offending = []
    for name, path in modules.items():
        if name != ENGINE and not name.startswith(ENGINE + "."):
            continue
        for imported in _imported(name, path, ast.parse(path.read_text())):
            top = imported.split(".")[0]
            if top == "django" or (top in PACKAGES and not imported.startswith(ENGINE)):
                offending.append(f"{name} -> {imported}")
    assert offending == []


def test_generation_imports_nothing_from_chat():
    graph = import_graph()
    assert (
        sorted(
            f"{n} -> {d}"
            for n, deps in graph.items()
            if n.startswith("generation")
            for d in deps
            if d.startswith("chat")
        )
        == []
    )


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for dep in sorted(graph.get(node, ())):
            if dep not in index:
                visit(dep)
                low[node] = min(low[node], low[dep])
            elif dep in on_stack:
                low[node] = min(low[node], index[dep])
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


def test_no_import_circles():
    assert _cycles(import_graph()) == []


def test_the_checks_themselves_catch_an_arrow_up_and_a_circle():
    graph = {"infra.a": {"chat.b"}, "chat.b": {"infra.a"}}
    assert _cycles(graph) == [["chat.b", "infra.a"]]
    assert any(_layer(d) > _layer(n) for n, deps in graph.items() for d in deps)
