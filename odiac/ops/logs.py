"""Deployment logs: one page (``GET .../logs``) or a live stream (Server-Sent Events).

Lines carry their phase: the gateway's ``source`` is ``system``, ``buildctl``
(build phase) or ``deploy``. Secret values of the service and of its
dependencies are registered with :mod:`odiac.redact` before any line is shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from odiac.config.sensitive import is_sensitive_key
from odiac.gateway.models import LogLine
from odiac.ops.lookup import OperationError, newest_first, parse_time
from odiac.redact import redact, register

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from odiac.gateway.client import GatewayClient
    from odiac.gateway.models import Deployment, Project, Service

MAX_TAIL = 5000  # the gateway's upper bound for ?tail= (gateway-api 3.8.5)
BUILD_SOURCE = "buildctl"
PHASES = {"system": "system", "buildctl": "build", "deploy": "deploy"}
_DURATION_PART = re.compile(r"(\d+)([smhd])")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> timedelta:
    """``30s``, ``10m``, ``2h``, ``1d`` or combinations such as ``1h30m``.

    Raises:
        ValueError: Anything else (the message says what is accepted).
    """
    cleaned = text.strip().lower()
    parts = _DURATION_PART.findall(cleaned)
    if not cleaned or "".join(n + u for n, u in parts) != cleaned:
        raise ValueError(f"{text!r} is not a duration; use e.g. 30s, 10m, 2h, 1d or 1h30m")
    return timedelta(seconds=sum(int(n) * _UNITS[u] for n, u in parts))


def rfc3339(when: datetime) -> str:
    """UTC timestamp with a ``Z`` suffix, as the gateway expects for ``since``."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def phase(line: LogLine) -> str:
    """``build``, ``deploy``, ``system`` (or the raw source when unknown)."""
    return PHASES.get(line.source, line.source or "?")


def format_line(line: LogLine) -> str:
    """``<timestamp> <phase> [LEVEL] <message>``, redacted."""
    level = "" if line.level in ("", "info") else f"{line.level.upper()} "
    return redact(f"{line.timestamp} {phase(line):<6} {level}{line.message}")


def line_json(line: LogLine) -> dict[str, Any]:
    """A log line for ``--json`` (redacted message)."""
    return {
        "type": "log",
        "timestamp": line.timestamp,
        "phase": phase(line),
        "source": line.source,
        "level": line.level,
        "message": redact(line.message),
    }


@dataclass(frozen=True)
class LogFilter:
    """Which lines to show: at or after ``since``, and only build lines if ``build_only``."""

    since: datetime | None = None
    build_only: bool = False

    def keep(self, line: LogLine) -> bool:
        if self.build_only and line.source != BUILD_SOURCE:
            return False
        if self.since is not None:
            when = parse_time(line.timestamp)
            return when is None or when >= self.since
        return True


async def register_service_secrets(
    client: GatewayClient, project: Project, service: Service
) -> None:
    """Register the service's sensitive env values and its dependencies' credentials.

    Logs are application output: an app that prints its ``DATABASE_URL`` must not
    leak it through odiac.
    """
    detail = await client.get_service(service.id)
    for values in (detail.runtime_variables, detail.build_variables):
        for key, value in values.items():
            if is_sensitive_key(key):
                register(value)
    for dep in await client.list_dependencies_status(project.id):
        # Only the credentials: masking a port such as 5432 would mangle ordinary lines.
        for key, value in dep.env_vars.items():
            if is_sensitive_key(key):
                register(value)


async def pick_deployment(
    client: GatewayClient, project: Project, service: Service, deployment_id: str | None
) -> Deployment:
    """``deployment_id`` (checked to belong to the service) or the service's newest one.

    Raises:
        OperationError: The service has no deployment, or the id belongs elsewhere.
    """
    if deployment_id:
        deployment = await client.get_deployment(deployment_id)
        if deployment.service_id and deployment.service_id != service.id:
            raise OperationError(
                f"deployment {deployment_id} belongs to another service, not {service.name}"
            )
        return deployment
    rows = newest_first(await client.list_deployments(project.id, service_id=service.id))
    rows = [d for d in rows if d.service_id in ("", service.id)]
    if not rows:
        raise OperationError(f"service {service.name} has no deployments yet")
    return rows[0]


@dataclass(frozen=True)
class LogPageResult:
    """Lines to show, how many the gateway holds, and whether it had none at all (gateway-api quirk 9)."""

    lines: list[LogLine]
    total: int
    never_logged: bool


async def fetch_lines(
    client: GatewayClient,
    deployment_id: str,
    *,
    tail: int | None,
    filters: LogFilter,
    whole: bool = False,
) -> LogPageResult:
    """One page of logs; ``tail`` applies after the ``--build`` filter.

    Args:
        whole: Read every line (filters applied here only), so that ``total`` counts
            all the lines the stream will replay (used before :func:`follow`).
    """
    since = None if whole or filters.since is None else rfc3339(filters.since)
    # The gateway's tail counts every phase: fetch all, filter, then keep the tail here.
    ask = MAX_TAIL if filters.build_only or whole else tail
    page = await client.get_logs(deployment_id, tail=ask, since=since)
    kept = [line for line in page.lines if filters.keep(line)]
    if tail is not None:
        kept = kept[-tail:] if tail > 0 else []
    return LogPageResult(lines=kept, total=page.total, never_logged=page.logs is None)


@dataclass(frozen=True)
class StreamItem:
    """One item of a followed stream: a log line or a status change."""

    line: LogLine | None = None
    status: str | None = None
    progress: int | None = None


async def follow(
    client: GatewayClient, deployment_id: str, *, filters: LogFilter, skip: int = 0
) -> AsyncIterator[StreamItem]:
    """Stream lines and status changes until the deployment ends and the server closes.

    Args:
        skip: Log events to drop first: the stream replays existing lines, and the
            caller may already have shown them from a page (lines are append-only).
    """
    seen = 0
    async for event in client.stream_logs(deployment_id):
        if event.event == "log":
            seen += 1
            if seen <= skip:
                continue
            line = LogLine.model_validate(event.data)
            if filters.keep(line):
                yield StreamItem(line=line)
        elif event.event == "status":
            progress = event.data.get("progress")
            yield StreamItem(
                status=str(event.data.get("status", "")),
                progress=progress if isinstance(progress, int) else None,
            )
        elif event.event == "end":
            return
