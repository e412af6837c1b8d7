"""Fixtures of the secret tests: a project folder and a resolver through the real hook
(the end-to-end canary tests use the suite's served ``emulator``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from odiac.plugin import SecretContext
from odiac.plugin.manager import get_plugin_manager

Resolve = Callable[[str], str]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    return root


@pytest.fixture
def resolve(project: Path) -> Resolve:
    """Resolve ``scheme:ref`` the way a plan does: the scheme picks the backend."""
    ctx = SecretContext(workdir=project, environment="staging")
    manager = get_plugin_manager()

    def run(reference: str) -> str:
        scheme, _, ref = reference.partition(":")
        return manager.secret_backend(scheme).resolve(ref, ctx)

    return run
