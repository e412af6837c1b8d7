"""The state one apply run builds up while it walks the plan.

Ids learnt from creates (project, dependencies, services), the temporary upload
path, deployments and domains live here. Actions run concurrently on one event
loop, so plain attributes suffice; each action writes only its own entries.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from odiac.config.sensitive import is_sensitive_key
from odiac.errors import ApplyError
from odiac.plan.inputs import FromDependency
from odiac.redact import register

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    from odiac.apply.events import Reporter
    from odiac.apply.watch import Timing
    from odiac.gateway.client import GatewayClient
    from odiac.gateway.models import Deployment, ServiceDomain
    from odiac.plan.inputs import DesiredState, DesiredValue, LiveState


class Slots:
    """At most ``size`` actions work at once; waiting on a deployment gives a slot back.

    ``--parallelism`` bounds the requests odiac has in flight, not how many
    deployments may build at the same time on the gateway: a watch only polls.
    """

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("parallelism must be at least 1")
        self._sem = asyncio.Semaphore(size)

    @contextlib.asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        async with self._sem:
            yield

    @contextlib.asynccontextmanager
    async def released(self) -> AsyncIterator[None]:
        """Give the held slot back for the duration of the block (a long wait)."""
        self._sem.release()
        try:
            yield
        finally:
            await self._sem.acquire()


@dataclass
class Runtime:
    """Inputs of the run plus everything learnt so far."""

    client: GatewayClient
    desired: DesiredState
    live: LiveState
    environment: str
    timing: Timing
    reporter: Reporter
    archive_path: Path | None = None
    git_token: str | None = None
    follow_logs: bool = False
    slots: Slots = field(default_factory=lambda: Slots(4))
    project_id: str | None = None
    region_id: str | None = None
    dependency_ids: dict[str, str] = field(default_factory=dict)
    dependency_env: dict[str, dict[str, str]] = field(default_factory=dict)
    service_ids: dict[str, str] = field(default_factory=dict)
    temp_file_path: str = ""
    deployments: dict[str, Deployment] = field(default_factory=dict)
    domains: dict[str, ServiceDomain] = field(default_factory=dict)

    known_domain_ids: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Seed with the ids the live state already knows.
        live = self.live
        if live.project is not None:
            self.project_id = live.project.id
            self.region_id = live.project.region_id
        for name, dep in live.dependencies.items():
            self.dependency_ids[name] = dep.id
            self.dependency_env[name] = {k: v.get_secret_value() for k, v in dep.env_vars.items()}
        for name, svc in live.services.items():
            self.service_ids[name] = svc.id
            auto = svc.auto_domain
            if auto is not None:
                self.known_domain_ids[name] = auto.id

    def require_project(self) -> str:
        if not self.project_id:
            raise ApplyError("the project does not exist yet (its creation did not finish)")
        return self.project_id

    def require_service(self, name: str) -> str:
        sid = self.service_ids.get(name)
        if not sid:
            raise ApplyError(f"service {name!r} does not exist yet (its creation did not finish)")
        return sid

    def value(self, item: DesiredValue, *, where: str) -> str:
        """The concrete value of a desired env entry (dependency values resolved now)."""
        if not isinstance(item, FromDependency):
            return item.value.get_secret_value()
        env = self.dependency_env.get(item.dependency)
        if env is None or item.key not in env:
            raise ApplyError(
                f"{where}: dependency {item.dependency!r} has no {item.key} "
                "(it was not created or did not report its connection env)"
            )
        if is_sensitive_key(item.key) or (item.ref is not None and item.sensitive):
            register(env[item.key])  # credentials only, not ports (see resources.py)
        return env[item.key]

    def env_values(self, service: str, *, build: bool = False) -> dict[str, str]:
        """The full runtime (or build) env map of a desired service."""
        svc = self.desired.services[service]
        table = svc.build_env if build else svc.env
        kind = "build_env" if build else "env"
        return {
            key: self.value(item, where=f"services.{service}.{kind}.{key}")
            for key, item in sorted(table.items())
        }
