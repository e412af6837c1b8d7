"""The engine's public API is pinned: callers outside the CLI build on it."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import odiac.engine

ENGINE = Path(odiac.engine.__file__).parent


def test_exported_names_are_pinned() -> None:
    assert sorted(odiac.engine.__all__) == [
        "ApplyOutcome",
        "PlanResult",
        "Session",
        "apply",
        "load_plan_key",
        "open_session",
        "plan",
        "refuse_on_errors",
        "save_plan",
        "saved_plan",
    ]
    for name in odiac.engine.__all__:
        assert getattr(odiac.engine, name).__module__.startswith("odiac.engine.")


def test_signatures_of_the_steps() -> None:
    params = {
        name: list(inspect.signature(getattr(odiac.engine, name)).parameters)
        for name in ("plan", "save_plan", "saved_plan", "apply")
    }
    assert params == {
        "plan": ["session", "plan_file", "allow_detach_volumes", "with_checks"],
        "save_plan": ["result", "path"],
        "saved_plan": ["session", "result", "plan_file"],
        "apply": [
            "session",
            "result",
            "plan",
            "plan_file",
            "reporter",
            "parallelism",
            "follow_logs",
            "timing",
        ],
    }


def test_the_engine_has_no_terminal_io_and_no_cli() -> None:
    """No click, no rich, no print/input: results and callbacks only."""
    for path in sorted(ENGINE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                names += [alias.name for alias in node.names]
                bad = [n for n in names if n.split(".")[0] in ("click", "rich") or _is_cli(n)]
                assert not bad, f"{path.name} imports {bad}"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("print", "input"), f"{path.name} calls {node.func.id}"


def test_every_engine_module_is_small() -> None:
    for path in ENGINE.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 300, path.name


def _is_cli(module: str) -> bool:
    return module == "odiac.cli" or module.startswith("odiac.cli.")
