"""A mutation that could not even connect is repeated once; nothing is duplicated."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from odiac.apply import retry
from odiac.gateway.client import GatewayClient

from .harness import BASE_URL, VirtualTime, apply_config, running_emulator, write_app
from .test_applier import CONFIG


class RefuseFirstConnect(httpx.AsyncBaseTransport):
    """Fails the first attempt of each mutating route as if the gateway were down."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.refused: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key = f"{request.method} {request.url.path}"
        if request.method != "GET" and key not in self.refused:
            self.refused.append(key)
            raise httpx.ConnectError("connection refused", request=request)
        return await self.inner.handle_async_request(request)


def test_unsent_creates_and_uploads_are_repeated_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retry, "UNSENT_RETRY_DELAY_S", 0.0)
    config = write_app(tmp_path / "app", CONFIG)

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emu:
            token = await emu.user_token()
            flaky = RefuseFirstConnect(emu.transport)
            client = GatewayClient(BASE_URL, token, transport=flaky)
            _, result = await apply_config(client, config, tmp_path / "s", VirtualTime(emu))
            assert result.ok, [r.detail for r in result.results]
            assert {
                "POST /api/v1/projects/",
                "POST /api/v1/dependencies/create",
                "POST /api/v1/upload/upload-only",
                "POST /api/v1/upload/update-source",
                "POST /api/v1/deployments/",
            } <= set(flaky.refused)
            projects = await client.list_projects()
            assert [p.name for p in projects] == ["shop"]
            pid = projects[0].id
            assert len(await client.list_services(pid)) == 1
            assert len(await client.list_dependencies_status(pid)) == 1
            assert len(await client.list_deployments(pid)) == 1
            await client.aclose()

    asyncio.run(scenario())


def test_a_mutation_that_may_have_landed_is_not_blindly_repeated() -> None:
    """Only 'could not connect' is repeated; a lost connection goes through read-back."""
    sent = retry.GatewayTransportError("POST /v1/projects/ lost the connection", ambiguous=True)
    unsent = retry.GatewayTransportError("POST /v1/projects/ could not connect", ambiguous=False)
    assert not retry.was_never_sent(sent)
    assert retry.was_never_sent(unsent)
