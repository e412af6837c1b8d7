"""Fixtures of the secret tests: a project folder, a resolver through the real hook, and
a served emulator for the end-to-end canary tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from odiac.plugin import SecretContext
from odiac.plugin.manager import get_plugin_manager
from odiac.testing import EmulatorProcess, serve_emulator

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


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """One ``odiac emulator serve`` on a free loopback port for the module."""
    with serve_emulator(
        tmp_path_factory.mktemp("emulator"), extra_args=("--time-scale", "20")
    ) as emu:
        emu.control().configure(auto_domain_delay_s=0)
        yield emu
