"""Built-in plugins: declared as entry points, importable, never imported by core."""

from __future__ import annotations

import ast
import importlib
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from odiac.plugin.manager import ENTRY_POINT_GROUP, get_plugin_manager

REPO = Path(__file__).resolve().parents[2]
PLUGINS = REPO / "plugins"


def _declared() -> dict[str, str]:
    data = tomllib.loads((REPO / "pyproject.toml").read_text())
    table: dict[str, str] = data["project"]["entry-points"][ENTRY_POINT_GROUP]
    return table


def _builtin_modules() -> set[str]:
    found = set()
    for path in PLUGINS.glob("odiac_*/*.py"):
        if path.name == "__init__.py" or path.name.startswith("_"):
            continue
        found.add(f"{path.parent.name}.{path.stem}")
    return found


def test_every_builtin_module_is_declared() -> None:
    assert _builtin_modules() == set(_declared().values())


def test_declarations_are_installed() -> None:
    installed = {ep.name: ep.value for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}
    for name, value in _declared().items():
        assert installed.get(name) == value, f"run pip install -e . ({name})"


@pytest.mark.parametrize("target", sorted(_declared().values()))
def test_every_declaration_imports_and_implements_a_hook(target: str) -> None:
    module = importlib.import_module(target)
    hooks = [
        n
        for n in dir(module)
        if n.startswith("odiac_") and hasattr(getattr(module, n), "odiac_impl")
    ]
    assert hooks, f"{target} implements no odiac hook"


def test_core_never_imports_builtin_plugins() -> None:
    packages = {p.name for p in PLUGINS.iterdir() if p.is_dir() and p.name.startswith("odiac_")}
    offenders = []
    for path in (REPO / "odiac").rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                # importlib.import_module("odiac_x...") spelled as a string
                dotted = "." in node.value and " " not in node.value
                names = [node.value] if dotted else []
            offenders += [
                f"{path.relative_to(REPO)}: {n}" for n in names if n.split(".")[0] in packages
            ]
    assert offenders == []


def test_builtin_records_are_all_loaded() -> None:
    rows = get_plugin_manager().listing()
    assert {r.distribution for r in rows} == {"odiac"}
    assert ("env", "secret-backend") in {(r.name, r.kind) for r in rows}
