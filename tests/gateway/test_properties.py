"""Property tests: path canonicalisation and SSE parsing under arbitrary chunking."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
from hypothesis import given
from hypothesis import strategies as st

from gateway.gwkit import ScriptedGateway, run
from odiac.gateway.core import canonical_path

segment = st.text(alphabet="abcdef0123456789-", min_size=1, max_size=12)


@given(segment, st.sampled_from(["", "/"]))
def test_item_routes_never_end_with_a_slash_and_roots_always_do(ident: str, slash: str) -> None:
    assert canonical_path(f"/v1/projects/{ident}{slash}") == f"/v1/projects/{ident}"
    assert (
        canonical_path(f"/v1/projects/{ident}/services{slash}") == f"/v1/projects/{ident}/services/"
    )
    assert canonical_path(f"/v1/services/{ident}/{slash}") == f"/v1/services/{ident}"


@given(st.sampled_from(["/v1/projects", "/v1/regions/", "/v1/x/y/", "/v1/service-domains"]))
def test_canonical_path_is_idempotent(path: str) -> None:
    once = canonical_path(path)
    assert canonical_path(once) == once


EVENTS = [("log", {"message": f"line {i}", "n": i}) for i in range(5)] + [("end", {})]
BODY = "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in EVENTS).encode()


class Chunked(httpx.AsyncByteStream):
    def __init__(self, cuts: list[int]) -> None:
        self.cuts = sorted(set(cuts))

    async def __aiter__(self) -> AsyncIterator[bytes]:
        start = 0
        for cut in [*self.cuts, len(BODY)]:
            if cut > start:
                yield BODY[start:cut]
                start = cut


@given(st.lists(st.integers(min_value=1, max_value=len(BODY) - 1), max_size=30))
def test_sse_events_survive_any_chunking(cuts: list[int]) -> None:
    gw = ScriptedGateway()
    gw.on(
        "GET",
        "/v1/deployments/d1/logs/stream",
        lambda request: httpx.Response(
            200, stream=Chunked(cuts), headers={"content-type": "text/event-stream"}
        ),
    )

    async def collect() -> list[tuple[str, dict[str, object]]]:
        async with gw.client() as client:
            return [(e.event, e.data) async for e in client.stream_logs("d1")]

    assert run(collect()) == EVENTS
