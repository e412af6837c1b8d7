"""TLS is set up only for https gateways, and never weakened for them."""

from __future__ import annotations

import asyncio
import ssl

import httpx
import pytest

from odiac.gateway.core import ShardedPool, needs_tls


@pytest.mark.parametrize(
    ("url", "tls"),
    [
        ("http://127.0.0.1:8787/api", False),
        ("HTTP://local.opendeploy.invalid/api", False),
        ("https://gateway.example/api", True),
        ("gateway.example/api", True),  # no scheme: fail safe
    ],
)
def test_only_plain_http_gateways_skip_tls(url: str, tls: bool) -> None:
    assert needs_tls(url) is tls


def test_an_https_pool_verifies_against_the_ca_bundle() -> None:
    context = ShardedPool(shards=1).ssl_context
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 0


def test_an_http_pool_loads_no_ca_and_still_verifies() -> None:
    context = ShardedPool(shards=1, tls=False).ssl_context
    assert context.cert_store_stats()["x509_ca"] == 0  # trusts nobody
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname


def test_an_http_pool_refuses_https_requests() -> None:
    async def scenario() -> None:
        pool = ShardedPool(shards=1, tls=False)
        async with httpx.AsyncClient(transport=pool) as client:
            with pytest.raises(httpx.UnsupportedProtocol, match="http:// only"):
                await client.get("https://gateway.example/api/v1/regions/")
        assert pool.in_flight == [0]

    asyncio.run(scenario())
