"""End-to-end fixtures: a real ``odiac emulator serve`` process on a free loopback port."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from odiac.testing import EmulatorProcess, serve_emulator

# Make tests/helpers importable whatever pytest's import mode is.
_TESTS_DIR = str(Path(__file__).resolve().parents[1])
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/e2e runs real processes: mark it ``e2e``."""
    for item in items:
        if "tests/e2e/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def emulator(tmp_path) -> Iterator[EmulatorProcess]:
    """A served emulator with in-memory state, stopped after the test."""
    with serve_emulator(tmp_path / "server") as emu:
        yield emu
