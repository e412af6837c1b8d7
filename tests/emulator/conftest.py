"""Fixtures for the emulator tests: a fresh in-memory gateway per test, driven over HTTP.

The clock is frozen (``time_scale`` 0) so that only ``POST /_emulator/clock/advance``
moves time: every timing assertion is deterministic.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from emulator.driver import Gateway
from odiac.emulator import create_app


@pytest.fixture
def app(tmp_path: Any) -> Any:
    return create_app(data_dir=tmp_path / "data", settings={"time_scale": 0.0})


@pytest.fixture
def gw(app: Any) -> Iterator[Gateway]:
    with TestClient(app, follow_redirects=False) as client:
        yield Gateway(client)
