"""The client over real HTTP against ``odiac emulator serve`` on loopback (real timeouts)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gateway.gwkit import run
from odiac.gateway.client import GatewayClient
from odiac.gateway.errors import GatewayTransportError


def test_real_http_register_regions_and_an_ambiguous_timeout(
    tmp_path: Path, emulator_server: Any
) -> None:
    with emulator_server(tmp_path) as emu, emu.control() as control:
        control.configure(timeout_hold_s=5)
        control.fault("timeout", match={"method": "POST", "path": "/v1/projects/"})

        async def scenario() -> None:
            async with GatewayClient(emu.base_url, None) as anon:
                result = await anon.register_agent()
            assert result.api_key is not None
            assert result.gateway == emu.base_url
            async with GatewayClient(emu.base_url, result.api_key, timeout=0.5) as client:
                assert len(await client.list_regions()) == 2
                with pytest.raises(GatewayTransportError) as info:
                    await client.create_project("demo")
                assert info.value.ambiguous
                assert "timed out" in str(info.value)
                assert client.round_trips == 2

        run(scenario())
        posts = [
            r
            for r in control.requests()
            if r["method"] == "POST" and r["path"] == "/api/v1/projects/"
        ]
        assert len(posts) <= 1  # the client sent the create once and never retried it
