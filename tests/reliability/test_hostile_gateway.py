"""Hostile gateway answers: every client method fails with a GatewayError, never a crash.

Arbitrary JSON (wrong types, missing fields), huge strings, HTML error pages,
truncated and binary bodies, with any status, reach every public method of
:class:`GatewayClient` through ``httpx.MockTransport``. The only acceptable
outcomes are a parsed result or a :class:`GatewayError` whose message names the
request and stays short enough to print (contract §1.5: show the error, never
ignore a non-2xx; F30: an ambiguous mutation says so).
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odiac.gateway.bodies import ServiceCreate, ServiceUpdate
from odiac.gateway.client import GatewayClient
from odiac.gateway.errors import GatewayError, GatewayHTTPError, GatewayProtocolError

BASE = "https://gateway.test/api"
MAX_MESSAGE = 2_000  # a printed error must stay readable even for a 1 MB body
HUGE = "x" * 1_000_000

Call = Callable[[GatewayClient, Path], Awaitable[Any]]


async def _drain(client: GatewayClient, did: str) -> list[Any]:
    return [event async for event in client.stream_logs(did)]


# Every public coroutine method of GatewayClient with plausible arguments.
CALLS: dict[str, Call] = {
    "register_agent": lambda c, _: c.register_agent("ci"),
    "list_regions": lambda c, _: c.list_regions(),
    "get_profile": lambda c, _: c.get_profile(),
    "list_projects": lambda c, _: c.list_projects(),
    "get_project": lambda c, _: c.get_project("p1"),
    "create_project": lambda c, _: c.create_project("shop", region_id="r1"),
    "delete_project": lambda c, _: c.delete_project("p1"),
    "list_dependency_catalog": lambda c, _: c.list_dependency_catalog(),
    "list_dependencies_status": lambda c, _: c.list_dependencies_status("p1"),
    "create_dependency": lambda c, _: c.create_dependency("p1", "postgres", display_name="db"),
    "list_services": lambda c, _: c.list_services("p1"),
    "get_service": lambda c, _: c.get_service("s1"),
    "create_service": lambda c, _: c.create_service("p1", ServiceCreate(name="web", type="web")),
    "update_service": lambda c, _: c.update_service("s1", ServiceUpdate(settings={"replicas": 1})),
    "get_env": lambda c, _: c.get_env("p1", "s1"),
    "get_env_rows": lambda c, _: c.get_env_rows("p1", "s1"),
    "put_env": lambda c, _: c.put_env("p1", "s1", {"A": "1"}),
    "upload_archive": lambda c, zip_path: c.upload_archive(
        project_name="shop", region_id="r1", archive_path=zip_path
    ),
    "upload_git": lambda c, _: c.upload_git(
        project_name="shop", region_id="r1", git_url="https://git.test/a.git"
    ),
    "update_source": lambda c, _: c.update_source("p1", "/tmp/source.zip"),
    "create_deployment": lambda c, _: c.create_deployment("p1", "s1", temp_file_path="/t.zip"),
    "get_deployment": lambda c, _: c.get_deployment("d1"),
    "list_deployments": lambda c, _: c.list_deployments("p1"),
    "get_logs": lambda c, _: c.get_logs("d1", tail=10),
    "stream_logs": lambda c, _: _drain(c, "d1"),
    "cancel_deployment": lambda c, _: c.cancel_deployment("d1"),
    "rollback_deployment": lambda c, _: c.rollback_deployment("d1"),
    "list_domains": lambda c, _: c.list_domains("s1"),
    "check_subdomain": lambda c, _: c.check_subdomain("shop"),
    "rename_subdomain": lambda c, _: c.rename_subdomain("dom1", "shop"),
    "get_domain": lambda c, _: c.get_domain("dom1"),
    "list_volumes": lambda c, _: c.list_volumes("s1"),
    "create_volume": lambda c, _: c.create_volume("s1", "data", "/data", "1Gi"),
    "resize_volume": lambda c, _: c.resize_volume("v1", "2Gi"),
    "restore_volume": lambda c, _: c.restore_volume("v1"),
    "detach_volume": lambda c, _: c.detach_volume("v1"),
}

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64)
    | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=20,
)

# Keys the real answers use, so that wrong *types* under right names get exercised.
KNOWN_KEYS = [
    "id", "name", "data", "error", "message", "error_code", "status", "project_id",
    "service_id", "api_key", "bind_sig", "agent_id", "variables", "dependencies",
    "env_vars", "temp_file_path", "progress", "url", "available", "logs", "region_id",
    "type", "domain", "subdomain", "retryable", "next_action", "count", "created_at",
]  # fmt: skip

shaped_objects = st.dictionaries(st.sampled_from(KNOWN_KEYS), json_values, max_size=8)

HTML_PAGE = (
    "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
    "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
)


@st.composite
def hostile_bodies(draw: st.DrawFn) -> tuple[bytes, str]:
    """A body and its content type: JSON of any shape, HTML, truncated, huge or binary."""
    kind = draw(st.sampled_from(["json", "shaped", "html", "truncated", "huge", "binary", "empty"]))
    if kind == "json":
        return json.dumps(draw(json_values)).encode(), "application/json"
    if kind == "shaped":
        body = draw(shaped_objects)
        if draw(st.booleans()):
            body = {"data": [body]}
        return json.dumps(body).encode(), "application/json"
    if kind == "html":
        return HTML_PAGE.encode(), draw(st.sampled_from(["text/html", "application/json"]))
    if kind == "truncated":
        text = json.dumps(draw(shaped_objects) or {"data": [{"id": "x"}]})
        cut = draw(st.integers(min_value=1, max_value=max(1, len(text) - 1)))
        return text[:cut].encode(), "application/json"
    if kind == "huge":
        # A marker, expanded in the test: a 1 MB example would flood hypothesis' report.
        return b"HUGE:" + draw(st.sampled_from(KNOWN_KEYS)).encode(), "application/json"
    if kind == "binary":
        return draw(st.binary(min_size=1, max_size=64)), "application/octet-stream"
    return b"", draw(st.sampled_from(["application/json", "text/plain"]))


statuses = st.sampled_from([200, 200, 200, 201, 202, 204, 301, 400, 401, 403, 404, 409, 429])
statuses |= st.sampled_from([500, 502, 503, 504])


def test_every_public_coroutine_method_is_exercised() -> None:
    """A new client method must join CALLS, or this suite silently stops covering it."""
    public = {
        name
        for name, member in inspect.getmembers(GatewayClient)
        if not name.startswith("_")
        and (inspect.iscoroutinefunction(member) or inspect.isasyncgenfunction(member))
        and name not in ("aclose",)
    }
    assert public == set(CALLS)


def _run(name: str, status: int, body: bytes, content_type: str, zip_path: Path) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": content_type}
        if status == 301:
            headers["location"] = "/api/elsewhere/"
        return httpx.Response(status, content=body, headers=headers)

    async def no_sleep(_: float) -> None:
        return None

    async def go() -> Any:
        async with GatewayClient(
            BASE, "od_a" + "A" * 43, transport=httpx.MockTransport(handler), sleep=no_sleep
        ) as client:
            return await CALLS[name](client, zip_path)

    return asyncio.run(go())


@pytest.fixture(scope="module")
def zip_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("archive") / "source.zip"
    path.write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    return path


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.sampled_from(sorted(CALLS)), status=statuses, payload=hostile_bodies())
def test_hostile_answer_is_a_gateway_error_or_a_result(
    name: str, status: int, payload: tuple[bytes, str], zip_path: Path
) -> None:
    body, content_type = payload
    huge = body.startswith(b"HUGE:")
    if huge:
        body = json.dumps({body[5:].decode(): HUGE}).encode()
    try:
        _run(name, status, body, content_type, zip_path)
    except GatewayError as exc:
        # The length of a message echoing a huge error text is pinned separately below.
        _assert_clear(exc, status, short=not (huge and status >= 400))
    # Any other exception type propagates and fails the test: that is a crash.


def _assert_clear(exc: GatewayError, status: int, *, short: bool = True) -> None:
    message = str(exc)
    assert message.strip(), "empty error message"
    if short:
        assert len(message) <= MAX_MESSAGE, f"{len(message)}-character message"
    assert exc.method, exc.path
    assert exc.path.startswith("/v1/"), exc.path
    assert exc.path in message or exc.method in message
    if isinstance(exc, GatewayHTTPError):
        assert exc.status == status
    if status >= 400:
        assert isinstance(exc, GatewayHTTPError)


# stream_logs reads Server-Sent Events, where lines without a field name are ignored
# by the format itself: an HTML page yields no events rather than an error.
@pytest.mark.parametrize("name", sorted(n for n in CALLS if n != "stream_logs"))
def test_html_error_page_on_2xx_is_a_protocol_error(name: str, zip_path: Path) -> None:
    """An HTML page with a 200 (a proxy in the way) names the request and says 'HTML'."""
    with pytest.raises(GatewayProtocolError) as caught:
        _run(name, 200, HTML_PAGE.encode(), "text/html", zip_path)
    assert "instead of JSON" in str(caught.value) or "does not understand" in str(caught.value)
    _assert_clear(caught.value, 200)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_huge_strings_in_a_2xx_body_never_reach_the_message(name: str, zip_path: Path) -> None:
    """Shape errors name fields, never echo their (possibly secret, possibly huge) values."""
    body = json.dumps({k: HUGE for k in KNOWN_KEYS}).encode()
    try:
        _run(name, 200, body, "application/json", zip_path)
    except GatewayError as exc:
        caught: GatewayError | None = exc
    else:
        caught = None
    if caught is not None:
        _assert_clear(caught, 200)
        assert HUGE[:100] not in str(caught)


@pytest.mark.parametrize("status", [400, 500])
def test_huge_error_text_is_cut_short(status: int, zip_path: Path) -> None:
    """A 1 MB error text must not become a 1 MB message (it floods a CI log)."""
    body = json.dumps({"error": "quota", "message": HUGE}).encode()
    with pytest.raises(GatewayHTTPError) as caught:
        _run("get_project", status, body, "application/json", zip_path)
    _assert_clear(caught.value, status)


@pytest.mark.parametrize("name", sorted(n for n in CALLS if n != "stream_logs"))
def test_truncated_json_is_a_protocol_error_naming_the_request(name: str, zip_path: Path) -> None:
    with pytest.raises(GatewayProtocolError) as caught:
        _run(name, 200, b'{"data": [{"id": "p1", "na', "application/json", zip_path)
    _assert_clear(caught.value, 200)


DEEP_JSON = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize("status", [200, 502])
def test_deeply_nested_json_is_a_gateway_error(status: int, zip_path: Path) -> None:
    with pytest.raises(GatewayError) as caught:
        _run("list_projects", status, DEEP_JSON, "application/json", zip_path)
    _assert_clear(caught.value, status)
