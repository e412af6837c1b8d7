"""Fixtures for analysis tests: the plugin manager and a tiny-tree writer."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from odiac.analysis.result import ProjectAnalysisResult
from odiac.plugin.manager import PluginManager, get_plugin_manager

Tree = Callable[..., Path]


@pytest.fixture
def pm() -> PluginManager:
    return get_plugin_manager()


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    """Write ``{relative path: text}`` under a fresh folder named ``app`` (or ``name``)."""

    def write(files: dict[str, str], name: str = "app") -> Path:
        root = tmp_path / name
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"))
        root.mkdir(parents=True, exist_ok=True)
        return root

    return write


@pytest.fixture
def analyze(pm: PluginManager, tree: Tree) -> Callable[..., ProjectAnalysisResult]:
    """Analyse a tiny tree given as ``{path: text}``."""

    def run(files: dict[str, str], name: str = "app") -> ProjectAnalysisResult:
        return pm.analyze(tree(files, name))

    return run
