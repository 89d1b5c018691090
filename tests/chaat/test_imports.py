"""The apps import each other at module top and without a cycle (issue 19: a cycle hidden in an
import inside a function is still a cycle)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "chaat", "friends", "matching", "messaging", "notifications", "translation")


def _modules() -> dict[str, ast.Module]:
    modules = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            modules[name] = ast.parse(path.read_text())
    return modules


def _imported(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and not node.level:
        return [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return []


def test_the_apps_import_each_other_without_a_cycle():
    modules = _modules()
    imports = {name: {target for node in tree.body for target in _imported(node)
                      if target in modules and target != name} for name, tree in modules.items()}
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            raise AssertionError("import cycle: " + " -> ".join([*path[path.index(name):], name]))
        if name not in done:
            for target in sorted(imports[name]):
                visit(target, [*path, name])
            done.add(name)

    for name in sorted(modules):
        visit(name, [])


def test_the_apps_import_each_other_inside_functions_only_in_app_configs():
    # An AppConfig module is loaded before any models are, so what it uses in ready() it imports there.
    inside = sorted(
        f"{name}:{node.lineno}"
        for name, tree in _modules().items() if not name.endswith(".apps")
        for function in ast.walk(tree) if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function) if any(target.split(".")[0] in APPS for target in _imported(node))
    )
    assert inside == []
