"""Find what a day-2 command acts on: the project, a service, its deployments.

Also the small facts every command shows about a deployment: which source it
runs (parsed from the ``odiac source=… config=…`` description odiac writes, or
from the target of a rollback) and how old it is.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from odiac.errors import OdiacError
from odiac.plan.inputs import parse_deployment_description

if TYPE_CHECKING:
    from collections.abc import Sequence

    from odiac.gateway.client import GatewayClient
    from odiac.gateway.models import Deployment, Project, Service

IN_PROGRESS = frozenset({"pending", "analyzing", "pending_review", "building", "deploying"})
_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class OperationError(OdiacError):
    """A day-2 operation cannot be done (nothing to act on, refused, or it failed)."""


def looks_like_id(text: str) -> bool:
    """Whether ``text`` is shaped like a gateway id (lowercase UUID)."""
    return bool(_UUID_RE.match(text.strip().lower()))


async def find_project(client: GatewayClient, name: str) -> Project:
    """The project called ``name`` among those the credential can see.

    Raises:
        OperationError: No such project (the message lists the visible ones).
    """
    projects = await client.list_projects()
    for project in projects:
        if project.name == name:
            return project
    visible = ", ".join(sorted(p.name for p in projects)) or "none"
    raise OperationError(
        f'project "{name}" does not exist on this gateway (visible projects: {visible})',
        hint="Create it with `odiac apply`, or check --gateway and the credential.",
    )


async def find_service(client: GatewayClient, project: Project, name: str) -> Service:
    """The service called ``name`` in ``project``.

    Raises:
        OperationError: No such service (the message lists the live ones).
    """
    services = await client.list_services(project.id)
    for service in services:
        if service.name == name:
            return service
    live = ", ".join(sorted(s.name for s in services)) or "none"
    raise OperationError(f'project "{project.name}" has no service "{name}" (services: {live})')


def newest_first(deployments: Sequence[Deployment]) -> list[Deployment]:
    """Deployments sorted newest first (the gateway's order is kept on ties)."""
    return sorted(deployments, key=lambda d: d.created_at or "", reverse=True)


async def service_deployments(
    client: GatewayClient, project_id: str, service_id: str, *, status: str | None = None
) -> list[Deployment]:
    """Deployments of one service, newest first (gateway-api 3.8.4)."""
    rows = await client.list_deployments(project_id, service_id=service_id, status=status)
    return newest_first([d for d in rows if d.service_id in ("", service_id)])


def source_identity(
    deployment: Deployment, others: Sequence[Deployment] = ()
) -> tuple[str | None, str | None]:
    """``(source_digest, config_digest)`` a deployment runs, if odiac recorded it.

    A rollback runs its target's source, so its identity is read from the target
    when the rollback itself carries none.
    """
    found = parse_deployment_description(deployment.description)
    if found == (None, None) and deployment.rollback_of:
        target = next((d for d in others if d.id == deployment.rollback_of), None)
        if target is not None:
            return parse_deployment_description(target.description)
    return found


def short_digest(digest: str | None) -> str:
    """``sha256:0123456789ab`` (12 hex digits), or ``unknown``."""
    if not digest:
        return "unknown"
    algo, _, hexpart = digest.partition(":")
    return f"{algo}:{hexpart[:12]}" if hexpart else digest[:19]


def parse_time(text: str | None) -> datetime | None:
    """An RFC 3339 timestamp as an aware datetime (None when absent or unreadable)."""
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def age_seconds(created_at: str | None, now: datetime) -> int | None:
    """Seconds since ``created_at`` (never negative: clocks may disagree a little)."""
    when = parse_time(created_at)
    if when is None:
        return None
    return max(0, int((now - when).total_seconds()))


def human_age(seconds: int | None) -> str:
    """``42s``, ``5m``, ``3h``, ``2d`` (or ``?``)."""
    if seconds is None:
        return "?"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
