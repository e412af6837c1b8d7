"""Retries: idempotent reads only, bounded, with backoff; mutations are sent exactly once."""

from __future__ import annotations

import httpx
import pytest

from gateway.gwkit import ScriptedGateway, reply, run
from odiac.gateway.core import RequestRecord
from odiac.gateway.errors import (
    GatewayTransportError,
    NotFound,
    RateLimited,
    ServerError,
)

REGION = {"id": "r1", "name": "east-us-1", "code": "us-east-1", "status": "active"}


def test_get_retries_503_then_succeeds_with_exponential_backoff(gw: ScriptedGateway) -> None:
    gw.on("GET", "/v1/regions/", reply(503), reply(502), reply(504), reply(200, [REGION]))
    regions = run(gw.client(backoff=0.5).list_regions())
    assert [r.code for r in regions] == ["us-east-1"]
    assert len(gw.requests) == 4
    assert gw.sleeps == [0.5, 1.0, 2.0]


def test_get_retries_transport_errors(gw: ScriptedGateway) -> None:
    gw.on(
        "GET",
        "/v1/regions/",
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        reply(200, [REGION]),
    )
    assert len(run(gw.client().list_regions())) == 1
    assert len(gw.requests) == 3


def test_get_gives_up_after_max_read_retries(gw: ScriptedGateway) -> None:
    gw.on("GET", "/v1/regions/", reply(503))
    with pytest.raises(ServerError):
        run(gw.client(max_read_retries=2).list_regions())
    assert len(gw.requests) == 3
    assert len(gw.sleeps) == 2


def test_get_retries_a_500_then_succeeds(gw: ScriptedGateway) -> None:
    gw.on("GET", "/v1/regions/", reply(500, {"error": "boom"}), reply(200, [REGION]))
    assert len(run(gw.client().list_regions())) == 1
    assert len(gw.requests) == 2


def test_get_gives_up_on_a_persistent_500(gw: ScriptedGateway) -> None:
    gw.on("GET", "/v1/regions/", reply(500, {"error": "boom"}))
    with pytest.raises(ServerError):
        run(gw.client(max_read_retries=2).list_regions())
    assert len(gw.requests) == 3


def test_get_does_not_retry_other_4xx(gw: ScriptedGateway) -> None:
    gw.on("GET", "/v1/regions/", reply(404, {"error": "nope"}))
    with pytest.raises(NotFound):
        run(gw.client().list_regions())
    assert len(gw.requests) == 1


def test_post_never_retries_a_500(gw: ScriptedGateway) -> None:
    gw.on("POST", "/v1/projects/", reply(500, {"error": "boom"}))
    with pytest.raises(ServerError):
        run(gw.client().create_project("shop"))
    assert len(gw.requests) == 1


def test_get_429_with_retry_after_waits_that_long(gw: ScriptedGateway) -> None:
    gw.on(
        "GET",
        "/v1/regions/",
        reply(429, {"error": "rate_limited"}, headers={"Retry-After": "7"}),
        reply(200, [REGION]),
    )
    run(gw.client().list_regions())
    assert gw.sleeps == [7.0]


def test_get_429_with_a_long_retry_after_surfaces_at_once(gw: ScriptedGateway) -> None:
    gw.on(
        "GET",
        "/v1/regions/",
        reply(429, {"error": "rate_limited"}, headers={"Retry-After": "3600"}),
    )
    with pytest.raises(RateLimited) as info:
        run(gw.client(max_retry_after=30).list_regions())
    assert info.value.retry_after == 3600
    assert gw.sleeps == []


def test_get_429_without_retry_after_is_not_retried(gw: ScriptedGateway) -> None:
    gw.on("GET", "/v1/regions/", reply(429, {"error": "rate_limited"}))
    with pytest.raises(RateLimited):
        run(gw.client().list_regions())
    assert len(gw.requests) == 1


def test_503_with_retry_after_on_get_uses_the_header(gw: ScriptedGateway) -> None:
    gw.on("GET", "/v1/regions/", reply(503, headers={"Retry-After": "2"}), reply(200, [REGION]))
    run(gw.client().list_regions())
    assert gw.sleeps == [2.0]


@pytest.mark.parametrize(
    "failure",
    [
        reply(503, headers={"Retry-After": "1"}),
        reply(502),
        httpx.ReadTimeout("slow"),
        httpx.ConnectError("x"),
    ],
)
def test_f30_mutations_are_never_retried(
    gw: ScriptedGateway, failure: httpx.Response | Exception
) -> None:
    gw.on("POST", "/v1/projects/", failure, reply(201, {"id": "p1", "name": "demo"}))
    with pytest.raises((ServerError, GatewayTransportError)):
        run(gw.client().create_project("demo"))
    assert gw.paths() == ["POST /api/v1/projects/"]
    assert gw.sleeps == []


def test_on_request_sees_every_round_trip_and_round_trips_counts_them(gw: ScriptedGateway) -> None:
    seen: list[RequestRecord] = []
    gw.on("GET", "/v1/regions/", reply(502), reply(200, [REGION]))
    client = gw.client(on_request=seen.append)
    run(client.list_regions())
    assert [(r.method, r.path, r.status, r.attempt) for r in seen] == [
        ("GET", "/v1/regions/", 502, 1),
        ("GET", "/v1/regions/", 200, 2),
    ]
    assert client.round_trips == 2
