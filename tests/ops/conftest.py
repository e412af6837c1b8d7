"""Fixtures for the day-2 command tests: a user and app folder on a served emulator.

``live`` works on the suite's ``emulator`` (time_scale 20: a deployment's 7 s
timeline takes ~0.4 s), ``slow_live`` on ``slow_emulator`` (time_scale 0.05: a
deployment stays in progress until a test advances the clock with
``POST /_emulator/clock/advance``). Both are shared by the test process; each test
gets its own user and project.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from odiac.testing import EmulatorProcess

from .kit import Live


def _live(emu: EmulatorProcess, request: pytest.FixtureRequest, tmp_path: Path) -> Live:
    return Live.for_test(emu, request.node.nodeid, tmp_path)


@pytest.fixture
def live(
    emulator: EmulatorProcess, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Live]:
    """A fresh user (PAT) and app folder on the fast emulator."""
    with _live(emulator, request, tmp_path) as handle:
        yield handle


@pytest.fixture
def slow_live(
    slow_emulator: EmulatorProcess, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Live]:
    """A fresh user (PAT) and app folder on the slow emulator."""
    with _live(slow_emulator, request, tmp_path) as handle:
        yield handle
