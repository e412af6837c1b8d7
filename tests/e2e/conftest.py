"""End-to-end fixtures: a real ``odiac emulator serve`` process on a free loopback port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers.e2e import e2e_fixture

from odiac.testing import EmulatorProcess, serve_emulator


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/e2e runs real processes: mark it ``e2e``."""
    for item in items:
        if "tests/e2e/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


@e2e_fixture()
def emulator(tmp_path) -> Iterator[EmulatorProcess]:
    """A served emulator of the test's own with in-memory state, stopped after the test
    (these tests restart, signal and reconfigure the server itself)."""
    with serve_emulator(tmp_path / "server") as emu:
        yield emu
