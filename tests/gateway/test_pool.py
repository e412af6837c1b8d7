"""The sharded connection pool: concurrency, connection reuse and slot accounting.

A barrier server on a free loopback port answers nothing until the expected
number of requests has arrived, so a pool that cannot carry them all at once
hangs (and fails on the bounded wait) instead of passing by luck.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import re
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpcore._synchronization as httpcore_sync
import httpx
import pytest

from gateway.gwkit import run
from odiac.gateway.client import GatewayClient
from odiac.gateway.core import ShardedPool

WAIT_S = 10.0
_OK = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]"


class BarrierServer:
    """Holds every answer until ``expected`` requests are in; counts connections."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.requests = 0
        self.connections = 0
        self._all_in = asyncio.Event()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                try:
                    await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                self.requests += 1
                if self.requests >= self.expected:
                    self._all_in.set()
                await self._all_in.wait()
                writer.write(_OK)
                await writer.drain()
        finally:
            writer.close()


@asynccontextmanager
async def barrier(expected: int) -> AsyncIterator[tuple[BarrierServer, str]]:
    server = BarrierServer(expected)
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    async with listener:
        yield server, f"http://127.0.0.1:{port}"


def _connections(pool: ShardedPool) -> list[int]:
    return [len(p._pool.connections) for p in pool._pools]


def test_a_burst_runs_at_once_across_small_pools_and_stays_warm() -> None:
    async def scenario() -> None:
        pool = ShardedPool(shards=4, per_shard=2)
        async with barrier(8) as (server, url), httpx.AsyncClient(transport=pool) as client:
            burst = asyncio.gather(*(client.get(f"{url}/r{i}") for i in range(8)))
            responses = await asyncio.wait_for(burst, WAIT_S)
            assert [r.status_code for r in responses] == [200] * 8
            assert pool.in_flight == [0, 0, 0, 0]
            assert _connections(pool) == [2, 2, 2, 2]  # every idle connection kept alive
            await client.get(f"{url}/again")
            assert server.connections == 8  # reused, not reopened

    run(scenario())


def test_sequential_requests_reuse_one_connection() -> None:
    async def scenario() -> None:
        pool = ShardedPool(shards=4, per_shard=2)
        async with barrier(1) as (server, url), httpx.AsyncClient(transport=pool) as client:
            for index in range(5):
                assert (await client.get(f"{url}/s{index}")).status_code == 200
            assert server.connections == 1
            assert _connections(pool) == [1, 0, 0, 0]

    run(scenario())


def test_a_streamed_body_holds_its_slot_until_closed() -> None:
    async def scenario() -> None:
        pool = ShardedPool(shards=2, per_shard=1)
        async with barrier(1) as (_, url), httpx.AsyncClient(transport=pool) as client:
            async with client.stream("GET", f"{url}/stream") as response:
                assert pool.in_flight == [1, 0]
                await response.aread()
            assert pool.in_flight == [0, 0]

    run(scenario())


def test_a_failed_connect_frees_its_slot() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound but not listening: connection refused

        async def scenario() -> None:
            pool = ShardedPool(shards=2, per_shard=1)
            async with httpx.AsyncClient(transport=pool) as client:
                with pytest.raises(httpx.ConnectError):
                    await client.get(f"http://127.0.0.1:{port}/")
            assert pool.in_flight == [0, 0]

        run(scenario())


def test_gateway_client_carries_a_fifty_service_refresh_fan_out_at_once() -> None:
    """A refresh asks one domain list per service at once; none may wait for a slot."""

    async def scenario() -> None:
        async with barrier(50) as (server, url):
            async with GatewayClient(f"{url}/api", "odk_" + "a" * 40) as client:
                burst = asyncio.gather(*(client.list_regions() for _ in range(50)))
                assert await asyncio.wait_for(burst, WAIT_S) == [[]] * 50
            assert server.connections == 50

    run(scenario())


def test_httpcore_finds_sniffio_so_its_per_request_probe_stays_a_lookup() -> None:
    """httpcore asks ``import sniffio`` per lock, event and shield: odiac ships the package.

    Without it every probe would search the whole ``sys.path`` (bench/gateway_calls.py).
    """
    requirements = importlib.metadata.requires("odiac") or []
    assert any(re.match(r"sniffio\b", line) for line in requirements)

    async def scenario() -> None:
        async with barrier(1) as (_, url), GatewayClient(f"{url}/api", "odk_" + "a" * 40) as gw:
            await gw.list_regions()
            assert httpcore_sync.current_async_library() == "asyncio"

    run(scenario())
    module = sys.modules.get("sniffio")
    assert module is not None
    assert module.__spec__ is not None
    assert module.__spec__.origin is not None
