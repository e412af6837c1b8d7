"""Service create and update requests: the JSON the emulator receives is the contract's.

The emulator app is wrapped in a recorder that keeps the raw body of every service
create (``POST /v1/projects/{pid}/services/``) and update (``PUT /v1/services/{sid}``),
so the assertions are on the bytes that crossed the transport, not on our models.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from gateway.emukit import CAPS
from gateway.gwkit import run
from odiac.emulator import create_app
from odiac.gateway.bodies import ServiceCreate, ServiceUpdate
from odiac.gateway.client import GatewayClient
from odiac.gateway.local import LOCAL_BASE_URL, lifespan
from odiac.plan import fields
from odiac.plan.fields import FieldValue, ServiceField

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
App = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
    Awaitable[None],
]

#: The create fields of the contract's service create table, with their JSON types.
CONTRACT_CREATE: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "type": str,
    "environment": str,
    "language": str,
    "framework": str,
    "port": int,
    "source_path": str,
    "dockerfile": str,
    "dockerfile_path": str,
    "build_context": str,
    "build_command": str,
    "start_command": str,
    "build_variables": dict,
    "runtime_variables": dict,
    "health_check_path": str,
    "readiness_path": str,
    "cpu_request": str,
    "cpu_limit": str,
    "memory_request": str,
    "memory_limit": str,
    "replicas": int,
    "auto_scaling": bool,
    "internal_only": bool,
    "dependencies": list,
    "volumes": list,
}
#: A partial update may send any create field except these.
NOT_UPDATABLE = {"name", "type"}

#: One value per managed field, valid for a pending agent (within every cap).
SAMPLES: dict[str, FieldValue] = {
    **CAPS,
    "path": "api",
    "language": "python",
    "framework": "fastapi",
    "health_check_path": "/healthz",
    "readiness_path": "/ready",
    "build_command": "make build",
    "start_command": "uvicorn app:app",
    "dockerfile": "docker/Dockerfile",
    "dockerfile_inline": "FROM python:3.12-slim\n",
    "build_context": "api",
    "internal_only": True,
    "auto_scaling": False,
    "depends_on": ["worker"],
}
CANARY = "CANARY-env-value-7f3a"


class Recorder:
    """ASGI middleware keeping the raw JSON body of every service create and update."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.bodies: list[tuple[str, Any]] = []

    async def __call__(
        self,
        scope: Scope,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        path = str(scope.get("path", ""))
        is_service = path.endswith("/services/") or path.startswith("/api/v1/services/")
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT") or not is_service:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = bool(message.get("more_body"))
        raw = b"".join(chunks)
        self.bodies.append((scope["method"], json.loads(raw)))
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": raw, "more_body": False}

        await self.app(scope, replay, send)


@asynccontextmanager
async def recorded_client() -> AsyncIterator[tuple[GatewayClient, Recorder, str]]:
    """A pending agent's client on a fresh emulator, a recorder and a project id."""
    app = create_app(":memory:")
    recorder = Recorder(app)
    async with lifespan(app):
        transport = httpx.ASGITransport(app=recorder)
        async with GatewayClient(LOCAL_BASE_URL, None, transport=transport) as anon:
            key = (await anon.register_agent()).api_key
        async with GatewayClient(LOCAL_BASE_URL, key, transport=transport) as client:
            project = await client.create_project("bodies")
            yield client, recorder, project.id


def _assert_contract(body: dict[str, Any], *, update: bool) -> None:
    allowed = set(CONTRACT_CREATE) - (NOT_UPDATABLE if update else set())
    assert set(body) <= allowed, sorted(set(body) - allowed)
    for key, value in body.items():
        assert isinstance(value, CONTRACT_CREATE[key]), (key, value)
    for key in ("build_variables", "runtime_variables"):
        assert all(isinstance(v, str) for v in body.get(key, {}).values())
    assert all(isinstance(v, str) for v in body.get("dependencies", []))


def test_every_table_field_has_a_sample() -> None:
    assert sorted(SAMPLES) == sorted(row.name for row in fields.SERVICE_FIELDS)


def test_create_sends_every_table_field_under_its_gateway_name() -> None:
    request = ServiceCreate(
        name="web",
        type="web",
        settings=SAMPLES,
        runtime_variables={"API_TOKEN": CANARY},
        build_variables={"NODE_ENV": "production"},
    )

    async def scenario() -> None:
        async with recorded_client() as (client, recorder, pid):
            sid = await client.create_service(pid, request)
            back = await client.get_service(sid)
        [(method, body)] = recorder.bodies
        assert method == "POST"
        _assert_contract(body, update=False)
        assert body == {
            "name": "web",
            "type": "web",
            "environment": "staging",
            **{row.wire: SAMPLES[row.name] for row in fields.SERVICE_FIELDS},
            "runtime_variables": {"API_TOKEN": CANARY},
            "build_variables": {"NODE_ENV": "production"},
        }
        assert body["source_path"] == "api"  # path -> source_path
        assert body["dependencies"] == ["worker"]  # depends_on -> dependencies
        assert body["dockerfile_path"] == "docker/Dockerfile"  # dockerfile -> dockerfile_path
        for row in fields.SERVICE_FIELDS:
            assert getattr(back, row.wire) == SAMPLES[row.name], row.name
        assert back.runtime_variables == {"API_TOKEN": CANARY}

    run(scenario())


def test_create_leaves_the_gateway_default_path_unsent() -> None:
    request = ServiceCreate(name="web", type="web", settings={**CAPS, "path": "."})

    async def scenario() -> None:
        async with recorded_client() as (client, recorder, pid):
            sid = await client.create_service(pid, request)
            assert (await client.get_service(sid)).source_path == ""
        [(_, body)] = recorder.bodies
        assert "source_path" not in body
        assert body["runtime_variables"] == {}
        assert body["build_variables"] == {}

    run(scenario())


def test_q52_update_sends_only_what_was_set() -> None:
    """A partial update: absent fields are unchanged (the pending caps check them as current)."""

    async def scenario() -> None:
        async with recorded_client() as (client, recorder, pid):
            sid = await client.create_service(
                pid, ServiceCreate(name="web", type="web", settings=CAPS)
            )
            resized = await client.update_service(
                sid, ServiceUpdate(settings={"cpu_limit": "1000m", "path": "api"})
            )
            cleared = await client.update_service(
                sid, ServiceUpdate(settings={"health_check_path": None}, build_variables={})
            )
        updates = [body for method, body in recorder.bodies if method == "PUT"]
        assert updates == [
            {"cpu_limit": "1000m", "source_path": "api"},
            {"health_check_path": None, "build_variables": {}},
        ]
        for body in updates:
            _assert_contract({k: v for k, v in body.items() if v is not None}, update=True)
        assert (resized.cpu_limit, resized.source_path, resized.memory_limit) == (
            "1000m",
            "api",
            "1Gi",
        )
        assert cleared.cpu_limit == "1000m"
        assert cleared.replicas == 1

    run(scenario())


def test_a_row_added_to_the_table_reaches_the_wire(monkeypatch: pytest.MonkeyPatch) -> None:
    """Request bodies read the field table: a new row needs no edit in the gateway client."""
    row = ServiceField("grace", "grace", "termination_grace_seconds", "rolling restart")
    with pytest.raises(ValidationError, match="not a managed service field: grace"):
        ServiceUpdate(settings={"grace": 30})
    monkeypatch.setattr(fields, "SERVICE_FIELDS", (*fields.SERVICE_FIELDS, row))

    async def scenario() -> None:
        async with recorded_client() as (client, recorder, pid):
            request = ServiceCreate(name="web", type="web", settings={**CAPS, "grace": 30})
            sid = await client.create_service(pid, request)
            await client.update_service(sid, ServiceUpdate(settings={"grace": 45}))
        (_, created), (_, updated) = recorder.bodies
        assert created["termination_grace_seconds"] == 30
        assert "grace" not in created
        assert updated == {"termination_grace_seconds": 45}

    run(scenario())


def test_gateway_names_are_not_accepted_as_settings() -> None:
    # Only the gateway layer speaks wire names; a caller using one is refused up front.
    with pytest.raises(ValidationError, match="not a managed service field: source_path"):
        ServiceCreate(name="web", type="web", settings={"source_path": "api"})
    with pytest.raises(ValidationError):
        ServiceUpdate(settings={"cpu_limit": "1"}, name="web")  # type: ignore[call-arg]


def test_env_values_never_show_in_repr_or_validation_errors() -> None:
    request = ServiceCreate(name="web", type="web", runtime_variables={"API_TOKEN": CANARY})
    update = ServiceUpdate(build_variables={"NPM_TOKEN": CANARY})
    assert CANARY not in repr(request)
    assert CANARY not in str(request)
    assert "API_TOKEN" in repr(request)
    assert CANARY not in repr(update)
    assert "NPM_TOKEN" in repr(update)
    with pytest.raises(ValidationError) as info:
        ServiceCreate(name="web", type="web", runtime_variables={"A": [CANARY]})  # type: ignore[dict-item]
    assert CANARY not in str(info.value)
