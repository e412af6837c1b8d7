"""Watch a deployment to its end, and wait for a service's auto domain.

Polling is adaptive: fast while a deployment has just started (the no-source
failure of contract gateway-api quirk 9 lands within 2 s), backing off to at most 5 s (the
contract's poll interval, gateway-api 3.8.2). ``sleep`` and ``clock`` are injectable so
that tests drive virtual time instead of waiting.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from odiac.gateway.models import TERMINAL_STATUSES

if TYPE_CHECKING:
    from odiac.gateway.client import GatewayClient
    from odiac.gateway.models import Deployment, ServiceDomain

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]
OnProgress = Callable[["Deployment"], None]

FIRST_DELAY_S = 0.25
BACKOFF = 1.5
MAX_DELAY_S = 5.0
DOMAIN_TIMEOUT_S = 30.0
DOMAIN_INTERVAL_S = 2.0


@dataclass
class Timing:
    """Injectable time: the real event loop by default, virtual time in tests."""

    sleep: Sleep = asyncio.sleep
    clock: Clock = time.monotonic
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def pause(self, seconds: float) -> bool:
        """Sleep ``seconds`` unless a stop was requested; True when stopped."""
        if self.stop.is_set():
            return True
        await self.sleep(seconds)
        return self.stop.is_set()


def poll_delays(first: float = FIRST_DELAY_S, cap: float = MAX_DELAY_S) -> Callable[[], float]:
    """A generator of delays: ``first``, then x1.5 each time, capped at ``cap``."""
    delay = first / BACKOFF

    def next_delay() -> float:
        nonlocal delay
        delay = min(cap, delay * BACKOFF)
        return delay

    return next_delay


@dataclass
class WatchResult:
    """The last state seen, and the phases it went through (for the playbook hint)."""

    deployment: Deployment
    phases: list[str]
    interrupted: bool = False

    @property
    def succeeded(self) -> bool:
        return self.deployment.status == "success"


async def watch_deployment(
    client: GatewayClient,
    deployment: Deployment,
    *,
    timing: Timing,
    on_progress: OnProgress | None = None,
) -> WatchResult:
    """Poll ``GET /v1/deployments/{did}`` until a terminal status (gateway-api 4.1).

    ``pending_review`` and unknown statuses are treated as non-terminal. A stop
    request (Ctrl-C) returns early with ``interrupted`` set; the deployment itself
    keeps running on the gateway.
    """
    current = deployment
    phases = [current.status]
    delays = poll_delays()
    if on_progress:
        on_progress(current)
    while current.status not in TERMINAL_STATUSES:
        if await timing.pause(delays()):
            return WatchResult(current, phases, interrupted=True)
        current = await client.get_deployment(current.id)
        if current.status != phases[-1]:
            phases.append(current.status)
        if on_progress:
            on_progress(current)
    return WatchResult(current, phases)


async def wait_for_auto_domain(
    client: GatewayClient,
    service_id: str,
    *,
    environment: str,
    timing: Timing,
    timeout: float = DOMAIN_TIMEOUT_S,
    interval: float = DOMAIN_INTERVAL_S,
) -> ServiceDomain | None:
    """Poll for the service's auto domain row: up to 30 s, every 2 s (gateway-api 8, gateway-api failure 25).

    Returns None when it did not appear in time (or on a stop request).
    """
    deadline = timing.clock() + timeout
    while True:
        rows = await client.list_domains(service_id, environment=environment, type="auto")
        if rows:
            return rows[0]
        if timing.clock() + interval > deadline or await timing.pause(interval):
            return None
