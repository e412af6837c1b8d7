"""Run the real client against the in-process emulator through httpx.ASGITransport."""

from __future__ import annotations

import zipfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from odiac.emulator import create_app
from odiac.gateway.bodies import ServiceCreate
from odiac.gateway.client import GatewayClient
from odiac.gateway.local import LOCAL_BASE_URL, lifespan
from odiac.redact import register

ORIGIN = LOCAL_BASE_URL.removesuffix("/api")
#: Within every cap of a pending agent.
CAPS = {
    "port": 8080,
    "cpu_request": "500m",
    "cpu_limit": "1",
    "memory_request": "512Mi",
    "memory_limit": "1Gi",
    "replicas": 1,
}


def capped(name: str = "web", runtime: dict[str, str] | None = None, **over: Any) -> ServiceCreate:
    """A web service within the pending caps; ``over`` replaces managed fields."""
    return ServiceCreate(
        name=name, type="web", settings={**CAPS, **over}, runtime_variables=runtime or {}
    )


CAPPED = capped()


@dataclass
class Emulator:
    transport: httpx.AsyncBaseTransport
    control: httpx.AsyncClient

    def client(self, token: str | None, **options: Any) -> GatewayClient:
        return GatewayClient(LOCAL_BASE_URL, token, transport=self.transport, **options)

    async def register(self, user_agent: str | None = None) -> tuple[GatewayClient, str, str]:
        """A fresh pending agent: ``(client, api_key, agent_id)``."""
        async with self.client(None, user_agent=user_agent) as anon:
            result = await anon.register_agent()
        assert result.api_key is not None
        assert result.agent_id is not None
        return self.client(result.api_key), result.api_key, result.agent_id

    async def advance(self, seconds: float) -> None:
        response = await self.control.post("/_emulator/clock/advance", json={"seconds": seconds})
        response.raise_for_status()

    async def create_user(self, email: str) -> dict[str, Any]:
        response = await self.control.post("/_emulator/users", json={"email": email})
        response.raise_for_status()
        user: dict[str, Any] = response.json()
        register(user["api_key"])
        return user

    async def bind(self, agent_id: str, user_id: str) -> None:
        response = await self.control.post(
            f"/_emulator/agents/{agent_id}/bind", json={"user_id": user_id}
        )
        response.raise_for_status()


@asynccontextmanager
async def emulator(**settings: Any) -> AsyncIterator[Emulator]:
    """A fresh in-memory emulator with its lifespan running."""
    app = create_app(":memory:", settings=settings or None)
    async with lifespan(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=ORIGIN) as control:
            yield Emulator(transport, control)


def make_zip(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path
