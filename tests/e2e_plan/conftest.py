"""Fixtures of the end-to-end plan/apply tests: one ``odiac emulator serve`` per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from odiac.testing import EmulatorProcess, serve_emulator


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    workdir = tmp_path_factory.mktemp("emulator")
    with serve_emulator(workdir, extra_args=("--time-scale", "20")) as emu:
        emu.control().configure(auto_domain_delay_s=0)
        yield emu


@pytest.fixture
def token(emulator: EmulatorProcess, request: pytest.FixtureRequest) -> str:
    user = emulator.control().create_user(f"{request.node.name[:40]}@example.test")
    return str(user["api_key"])
