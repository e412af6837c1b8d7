"""In-process harness: the real emulator app behind httpx.ASGITransport, the real client.

Time is virtual: :class:`VirtualTime` is a ``Timing`` whose ``sleep`` advances the
emulator's clock (``POST /_emulator/clock/advance``) instead of waiting, so a
deployment's 7 s timeline or a 30 s domain wait costs milliseconds.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from helpers.e2e import write_app  # noqa: F401 - re-exported for the in-process tests

from odiac.apply import SilentReporter, Timing, apply_plan
from odiac.apply.events import ApplyResult
from odiac.config.loader import load_config
from odiac.desired import (
    build_desired,
    desired_dependencies,
    source_excludes,
    source_root,
    volume_services,
)
from odiac.gateway.client import GatewayClient
from odiac.gateway.local import lifespan
from odiac.plan.inputs import DesiredState, LiveState
from odiac.plan.model import Plan
from odiac.plan.planner import make_plan
from odiac.plugin.manager import get_plugin_manager
from odiac.redact import register
from odiac.state.refresh import read_snapshot

ORIGIN = "http://emulator.test"
BASE_URL = f"{ORIGIN}/api"
HMAC_KEY = b"k" * 32


def create_emulator_app(db_path: Path, settings: dict[str, Any] | None = None) -> Any:
    try:
        from odiac.emulator import create_app
    except ImportError:  # the package re-export may land after app.py
        from odiac.emulator.app import create_app
    return create_app(db_path, settings=settings or {})


@dataclass
class Emulator:
    """One in-process emulator and helpers for its control surface."""

    app: Any
    transport: httpx.ASGITransport
    control: httpx.AsyncClient
    clients: list[GatewayClient] = field(default_factory=list)

    async def call(self, method: str, path: str, body: Any = None) -> Any:
        response = await self.control.request(method, path, json=body)
        response.raise_for_status()
        return response.json() if response.content else None

    async def user_token(self, email: str = "dev@example.test") -> str:
        user = await self.call("POST", "/_emulator/users", {"email": email})
        register(user["api_key"])
        return str(user["api_key"])

    async def advance(self, seconds: float) -> None:
        await self.call("POST", "/_emulator/clock/advance", {"seconds": seconds})

    async def fault(self, kind: str, *, count: int = 1, **match: str) -> None:
        body: dict[str, Any] = {"kind": kind, "count": count}
        if match:
            body["match"] = match
        await self.call("POST", "/_emulator/faults", body)

    async def configure(self, **settings: Any) -> None:
        await self.call("POST", "/_emulator/config", settings)

    async def requests(self) -> list[dict[str, Any]]:
        data = await self.call("GET", "/_emulator/requests")
        rows = data.get("requests", data) if isinstance(data, dict) else data
        return [r for r in rows if str(r.get("path", "")).startswith("/api/")]

    async def clear_requests(self) -> None:
        await self.call("POST", "/_emulator/requests/clear")

    async def state(self) -> dict[str, Any]:
        return dict(await self.call("GET", "/_emulator/state"))

    def client(self, token: str | None, **options: Any) -> GatewayClient:
        client = GatewayClient(BASE_URL, token, transport=self.transport, **options)
        self.clients.append(client)
        return client


@contextlib.asynccontextmanager
async def running_emulator(
    tmp_path: Path, settings: dict[str, Any] | None = None
) -> AsyncIterator[Emulator]:
    app = create_emulator_app(tmp_path / "gateway.sqlite", settings)
    transport = httpx.ASGITransport(app=app)
    async with lifespan(app), httpx.AsyncClient(transport=transport, base_url=ORIGIN) as control:
        emulator = Emulator(app=app, transport=transport, control=control)
        try:
            yield emulator
        finally:
            for client in emulator.clients:
                await client.aclose()


class VirtualTime(Timing):
    """Sleeping advances the emulator's virtual clock; the clock reads a counter."""

    def __init__(self, emulator: Emulator) -> None:
        super().__init__()
        self.emulator = emulator
        self.now = 0.0
        self.sleeps: list[float] = []
        self.sleep = self._sleep
        self.clock = lambda: self.now

    async def _sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await self.emulator.advance(seconds)
        await asyncio.sleep(0)


@dataclass
class Planned:
    desired: DesiredState
    live: LiveState
    plan: Plan
    archive_path: Path | None


async def plan_for(
    client: GatewayClient,
    config_path: Path,
    scratch: Path,
    environment: str = "staging",
    *,
    allow_detach_volumes: bool = False,
) -> Planned:
    """Load, archive, refresh, build the desired state and plan, like ``odiac plan``."""
    from odiac.source import build_archive

    loaded = load_config(config_path, environment)
    config = loaded.config
    scratch.mkdir(parents=True, exist_ok=True)
    archive = (
        None
        if config.source.git
        else build_archive(
            source_root(config, config_path),
            exclude=source_excludes(config, config_path),
            dest_dir=scratch,
        )
    )
    snapshot = await read_snapshot(
        client,
        config.project.name,
        environment,
        dependencies=desired_dependencies(config),
        volume_services=volume_services(config),
    )
    desired = build_desired(
        config,
        config_path=config_path,
        config_digest=loaded.digest,
        environment=environment,
        source=archive,
        live_dependencies=snapshot.live.dependencies,
        plugins=get_plugin_manager(),
    )
    plan = make_plan(
        desired, snapshot.live, hmac_key=HMAC_KEY, allow_detach_volumes=allow_detach_volumes
    )
    return Planned(desired, snapshot.live, plan, archive.path if archive else None)


async def apply_config(
    client: GatewayClient,
    config_path: Path,
    scratch: Path,
    timing: Timing,
    *,
    parallelism: int = 4,
    reporter: SilentReporter | None = None,
    allow_detach_volumes: bool = False,
) -> tuple[Planned, ApplyResult]:
    """Plan then apply, like ``odiac apply --auto-approve``."""
    planned = await plan_for(
        client, config_path, scratch, allow_detach_volumes=allow_detach_volumes
    )
    result = await apply_plan(
        planned.plan,
        client=client,
        desired=planned.desired,
        live=planned.live,
        archive_path=planned.archive_path,
        reporter=reporter or SilentReporter(),
        parallelism=parallelism,
        timing=timing,
    )
    return planned, result
