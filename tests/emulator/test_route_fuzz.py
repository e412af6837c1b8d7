"""No body can crash a route or leave the store changed by a refused request.

Invalid strings (lone UTF-16 surrogates such as ``"run \\ud800"``) used to be
stored and then break every later read of the row with a 500. They are refused
with 400 before anything is stored, on every route; the fuzz test below sends
hypothesis-made bodies (surrogates, huge numbers, wrong types, deep nesting) to
every route of the table and to the control surface, and checks after each
answer that nothing answered 5xx and that a 4xx left ``/_emulator/state`` as it was.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.driver import Gateway

_SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
_TEXT = st.text(st.characters(codec=None) | _SURROGATES, max_size=8)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**200), 2**200)
    | st.floats()
    | _TEXT
    | st.sampled_from(["web", "run \ud800", "\udfff", "500m", "1Gi", "zip", "primary"])
)
_KEYS = st.sampled_from(
    [
        "name", "type", "repo_url", "skip_validation", "cpu_limit", "replicas", "port",
        "variables", "runtime_variables", "resources", "project_id", "service_id", "source",
        "dependencies", "analysis", "temp_file_path", "subdomain", "dependency_id", "env_vars",
        "start_command", "description", "size", "size_gb", "mount_path", "domain", "email",
        "user_id", "seconds", "kind", "count", "match", "url", "branches", "profile",
        "delete_gate", "dependency_ready_s", "temp_file_ttl_s", "archive_max_bytes",
        "total_size", "part_size", "total_parts", "total_sha256", "region_id",
    ]
)  # fmt: skip
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS | _TEXT, inner, max_size=3),
    max_leaves=10,
)


def _deep(depth: int, opener: str) -> bytes:
    closer = {"[": "]", '{"a":': "}"}[opener]
    return (opener * depth + "1" + closer * depth).encode()


_STRING_KEYS = st.sampled_from(
    ["name", "description", "start_command", "build_command", "email", "url", "mount_path",
     "domain", "subdomain", "project_name", "source_path", "dockerfile", "plan"]
)  # fmt: skip
_BAD_TEXT = st.sampled_from(["run \ud800", "\udfff", "a\udc80b", "\ud83d"])


def _with_bad_text(keys: list[str], bad: str) -> bytes:
    return json.dumps(dict.fromkeys(keys, bad)).encode()  # ASCII: surrogates become \\uXXXX


_RAW = st.one_of(
    st.dictionaries(_KEYS, _JSON, max_size=6).map(json.dumps).map(str.encode),
    st.builds(
        _with_bad_text, st.lists(_STRING_KEYS, min_size=1, max_size=3, unique=True), _BAD_TEXT
    ),
    st.dictionaries(_KEYS, st.integers(2**63, 2**300) | st.floats(allow_nan=True), min_size=1)
    .map(json.dumps)
    .map(str.encode),
    _JSON.map(json.dumps).map(str.encode),
    st.builds(_deep, st.integers(1, 3000), st.sampled_from(["[", '{"a":'])),
    st.binary(max_size=40),
)


@pytest.fixture
def world(gw: Gateway) -> dict[str, str]:
    pat = str(gw.user("fuzz@example.test")["api_key"])
    reg = gw.register("odiac/fuzz-agent")
    pid, sid = gw.stack(pat)
    did = gw.deploy(pat, pid, sid)["id"]
    gw.advance(30)
    return {"pat": pat, "pid": pid, "sid": sid, "did": did, "aid": reg["agent_id"]}


def _routes(gw: Gateway, ids: dict[str, str]) -> list[tuple[str, str]]:
    table = gw.client.app.state.gateway.table  # type: ignore[attr-defined]
    values = {"pid": ids["pid"], "sid": ids["sid"], "did": ids["did"], "aid": ids["aid"]}
    out = []
    for route in table.routes:
        if route.method == "DELETE" or route.path.endswith("/stream"):
            continue  # deletes would empty the world; streams never end on their own
        path = route.path
        for name in ("pid", "sid", "did", "aid", "id", "upload_id", "label", "n"):
            path = path.replace("{" + name + "}", values.get(name, "1"))
        out.append((route.method, "/api" + path))
    control = ["config", "users", "faults", "clock/advance", "git/repos",
               f"agents/{ids['aid']}/bind"]  # fmt: skip
    out += [("POST", f"/_emulator/{name}") for name in control]
    out.append(("POST", f"/claim/{ids['aid']}"))
    return out


def _state(gw: Gateway) -> Any:
    r = gw.client.get("/_emulator/state")
    assert r.status_code == 200, r.text
    return r.json()


def test_lone_surrogate_is_refused_before_anything_is_stored(gw: Gateway) -> None:
    pat = str(gw.user()["api_key"])
    pid, sid = gw.stack(pat)
    before = _state(gw)
    attempts = [
        ("PUT", f"/api/v1/services/{sid}", '{"start_command": "run \\ud800"}'),
        ("POST", "/api/v1/projects/", '{"name": "x", "description": "\\udc00", "repo_url": "file://upload", "skip_validation": true}'),
        ("PUT", f"/api/v1/projects/{pid}/services/{sid}/env", '{"variables": {"A": "\\ud83d"}}'),
        ("POST", "/_emulator/users", '{"email": "\\ud800@example.test"}'),
    ]  # fmt: skip
    for method, path, body in attempts:
        r = gw.request(
            method, path, pat, content=body, headers={"Content-Type": "application/json"}
        )
        assert r.status_code == 400, (path, r.text)
        assert "surrogate" in r.json()["error"]
    assert _state(gw) == before
    assert gw.get(f"/api/v1/services/{sid}", pat).status_code == 200
    assert gw.get(f"/api/v1/projects/{pid}/services/", pat).status_code == 200


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    running = asyncio.new_event_loop()
    yield running
    running.close()


async def _exercise(app: Any, routes: list[tuple[str, str]], pat: str, raw: bytes) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gw.test") as client:

        async def state() -> Any:
            r = await client.get("/_emulator/state")
            assert r.status_code == 200, r.text
            return r.json()

        baseline = await state()
        for method, path in routes:
            headers = {
                "Content-Type": "application/json",
                "Idempotency-Key": str(uuid.uuid4()),
                "Authorization": f"Bearer {pat}",
            }
            r = await client.request(method, path, content=raw, headers=headers)
            assert r.status_code < 500, (method, path, raw[:200], r.text[:300])
            after = await state()
            if 400 <= r.status_code < 500:
                assert after == baseline, (method, path, raw[:200], r.status_code)
            baseline = after


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=_RAW)
def test_no_body_answers_5xx_and_refusals_change_nothing(
    gw: Gateway, world: dict[str, str], loop: asyncio.AbstractEventLoop, raw: bytes
) -> None:
    routes = _routes(gw, world)
    loop.run_until_complete(_exercise(gw.client.app, routes, world["pat"], raw))
