"""Fixtures for the emulator tests: a fresh in-memory gateway per test, driven over HTTP.

The clock is frozen (``time_scale`` 0) so that only ``POST /_emulator/clock/advance``
moves time: every timing assertion is deterministic.
"""

from __future__ import annotations

import socket
import threading
import time
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from helpers.e2e import e2e_fixture

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


@e2e_fixture()
def served(tmp_path: Any) -> Iterator[str]:
    """The emulator on a real loopback socket (free port), frozen clock."""
    app = create_app(
        data_dir=tmp_path / "data", settings={"time_scale": 0.0, "stream_poll_s": 0.02}
    )
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="error", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:  # poll a condition, bounded
        assert time.monotonic() < deadline, "the emulator did not start"
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()
