"""Fixtures for the day-2 command tests: a served emulator and the ``odiac`` executable.

Two emulators per test module: ``emulator`` runs at time_scale 20 (a deployment's
7 s timeline takes ~0.4 s), ``slow`` at time_scale 0.05 so that a deployment stays
in progress until a test advances the clock (``POST /_emulator/clock/advance``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from odiac.testing import EmulatorProcess, serve_emulator

from .kit import Live


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    with serve_emulator(tmp_path_factory.mktemp("emu"), extra_args=("--time-scale", "20")) as emu:
        emu.control().configure(auto_domain_delay_s=0)
        yield emu


@pytest.fixture(scope="module")
def slow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    with serve_emulator(
        tmp_path_factory.mktemp("slow"), extra_args=("--time-scale", "0.05")
    ) as emu:
        emu.control().configure(auto_domain_delay_s=0)
        yield emu


def _live(emu: EmulatorProcess, request: pytest.FixtureRequest, tmp_path: Path) -> Live:
    return Live.for_test(emu, request.node.name, tmp_path)


@pytest.fixture
def live(
    emulator: EmulatorProcess, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Live]:
    """A fresh user (PAT) and app folder on the fast emulator."""
    with _live(emulator, request, tmp_path) as handle:
        yield handle


@pytest.fixture
def slow_live(
    slow: EmulatorProcess, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Live]:
    """A fresh user (PAT) and app folder on the slow emulator."""
    with _live(slow, request, tmp_path) as handle:
        yield handle
