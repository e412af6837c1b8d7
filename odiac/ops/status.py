"""What ``odiac status`` reports: per service its size, latest deployment, URL and
dependencies, read with concurrent requests and returned as plain data.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from odiac.ops.lookup import age_seconds, human_age, newest_first, short_digest, source_identity
from odiac.state.refresh import gateway_environment

if TYPE_CHECKING:
    from datetime import datetime

    from odiac.gateway.client import GatewayClient
    from odiac.gateway.models import (
        DependencyStatus,
        Deployment,
        Service,
        ServiceDomain,
        Volume,
    )


@dataclass(frozen=True)
class DeploymentInfo:
    """One deployment as status shows it."""

    id: str
    status: str
    progress: int
    created_at: str | None
    age_seconds: int | None
    source_digest: str | None
    config_digest: str | None
    is_rollback: bool = False
    rollback_of: str | None = None
    error: str = ""


@dataclass(frozen=True)
class DependencyInfo:
    name: str
    type: str
    status: str


@dataclass(frozen=True)
class VolumeInfo:
    name: str
    mount_path: str
    size: str
    status: str
    expires_at: str | None = None


@dataclass(frozen=True)
class ServiceStatus:
    name: str
    type: str
    status: str
    cpu: str
    memory: str
    replicas: int | None
    url: str | None
    latest: DeploymentInfo | None
    dependencies: list[DependencyInfo] = field(default_factory=list)
    volumes: list[VolumeInfo] = field(default_factory=list)
    internal_only: bool = False


@dataclass(frozen=True)
class ProjectStatus:
    """The whole report; ``project_id`` is None when the project does not exist."""

    project: str
    environment: str
    project_id: str | None
    services: list[ServiceStatus] = field(default_factory=list)
    dependencies: list[DependencyInfo] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


async def gather_status(
    client: GatewayClient, project_name: str, environment: str, *, now: datetime
) -> ProjectStatus:
    """Read the project's services, deployments, dependencies and domains.

    Args:
        client: An open gateway client.
        project_name: ``[project].name``.
        environment: The overlay name (domains are read for its gateway environment).
        now: The time ages are measured against.
    """
    project = next((p for p in await client.list_projects() if p.name == project_name), None)
    if project is None:
        return ProjectStatus(project=project_name, environment=environment, project_id=None)
    services, deps, deployments = await asyncio.gather(
        client.list_services(project.id),
        client.list_dependencies_status(project.id),
        client.list_deployments(project.id),
    )
    env = gateway_environment(environment)
    domain_lists, volume_lists = await asyncio.gather(
        asyncio.gather(*(client.list_domains(s.id, environment=env) for s in services)),
        asyncio.gather(*(client.list_volumes(s.id) for s in services)),
    )
    ordered = newest_first(deployments)
    dep_infos = {d.id: _dependency(d) for d in deps}
    rows = [
        _service(svc, domains, ordered, dep_infos, now, volumes)
        for svc, domains, volumes in zip(services, domain_lists, volume_lists, strict=True)
    ]
    return ProjectStatus(
        project=project_name,
        environment=environment,
        project_id=project.id,
        services=sorted(rows, key=lambda r: r.name),
        dependencies=sorted(dep_infos.values(), key=lambda d: d.name),
    )


def _dependency(row: DependencyStatus) -> DependencyInfo:
    return DependencyInfo(
        name=row.display_name or row.name or row.id, type=row.type, status=row.status
    )


def deployment_info(dep: Deployment, others: list[Deployment], now: datetime) -> DeploymentInfo:
    """Status facts of one deployment (``others``: its siblings, to resolve rollbacks)."""
    source, config = source_identity(dep, others)
    return DeploymentInfo(
        id=dep.id,
        status=dep.status,
        progress=dep.progress,
        created_at=dep.created_at,
        age_seconds=age_seconds(dep.created_at, now),
        source_digest=source,
        config_digest=config,
        is_rollback=dep.is_rollback,
        rollback_of=dep.rollback_of,
        error=dep.error_msg or (dep.message if dep.status == "failed" else ""),
    )


def _service(
    svc: Service,
    domains: list[ServiceDomain],
    deployments: list[Deployment],
    deps: dict[str, DependencyInfo],
    now: datetime,
    volumes: list[Volume] | None = None,
) -> ServiceStatus:
    mine = [d for d in deployments if d.service_id == svc.id]
    latest = mine[0] if mine else None
    auto = next((d for d in domains if d.type == "auto"), None)
    primary = next((d for d in domains if d.is_primary), auto or (domains[0] if domains else None))
    used = [deps[i] for i in (latest.dependencies if latest else []) if i in deps]
    return ServiceStatus(
        name=svc.name,
        type=svc.type,
        status=svc.status,
        cpu=svc.cpu_limit,
        memory=svc.memory_limit,
        replicas=svc.replicas,
        url=primary.url if primary is not None and not svc.internal_only else None,
        latest=deployment_info(latest, deployments, now) if latest else None,
        dependencies=used,
        volumes=[
            VolumeInfo(v.name, v.mount_path, v.size, v.status, v.expires_at)
            for v in sorted(volumes or [], key=lambda v: v.name)
            if v.status != "deleted"
        ],
        internal_only=svc.internal_only,
    )


def render_status(report: ProjectStatus, plan_line: str | None) -> str:
    """The human report (plain text; the CLI prints it)."""
    if report.project_id is None:
        lines = [
            f'Project "{report.project}" does not exist on this gateway yet.',
            "Create it with: odiac apply",
        ]
        return "\n".join(lines) + "\n"
    lines = [f'Project "{report.project}" (environment {report.environment})', ""]
    for svc in report.services:
        lines.append(f"{svc.name} ({svc.type}, {svc.status or 'unknown'})")
        replicas = "?" if svc.replicas is None else str(svc.replicas)
        noun = "replica" if svc.replicas == 1 else "replicas"
        lines.append(
            f"  size:         cpu {svc.cpu or '?'}, memory {svc.memory or '?'}, {replicas} {noun}"
        )
        lines.append(f"  deployment:   {_deployment_line(svc.latest)}")
        if svc.latest is not None and svc.latest.error:
            lines.append(f"  error:        {svc.latest.error}")
        lines.append(f"  url:          {svc.url or _no_url(svc)}")
        used = ", ".join(f"{d.name} ({d.type}, {d.status})" for d in svc.dependencies)
        lines.append(f"  dependencies: {used or '(none)'}")
        for volume in svc.volumes:
            lines.append(f"  volume:       {_volume_line(volume)}")
        lines.append("")
    if not report.services:
        lines += ["No services yet.", ""]
    if report.dependencies:
        lines.append("Dependencies:")
        lines += [f"  {d.name}: {d.type}, {d.status}" for d in report.dependencies]
        lines.append("")
    if plan_line:
        lines.append(plan_line)
    return "\n".join(lines).rstrip("\n") + "\n"


def _no_url(svc: ServiceStatus) -> str:
    return "(none: internal only)" if svc.internal_only else "(none yet)"


def _volume_line(volume: VolumeInfo) -> str:
    text = f"{volume.name} at {volume.mount_path}, {volume.size}, {volume.status}"
    if volume.status == "orphaned" and volume.expires_at:
        text += f" (restorable until {volume.expires_at[:10]})"
    return text


def _deployment_line(info: DeploymentInfo | None) -> str:
    if info is None:
        return "(never deployed)"
    rollback = f", rollback to {info.rollback_of}" if info.is_rollback and info.rollback_of else ""
    return (
        f"{info.id} {info.status} {info.progress}%, {human_age(info.age_seconds)} ago, "
        f"source {short_digest(info.source_digest)}{rollback}"
    )
