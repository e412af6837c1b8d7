"""Read the live state of one project with concurrent requests.

Round trips, for a project with N services (the critical path is three deep):

1. ``GET /v1/projects/`` - find the project by name (the list carries
   ``source_path``, so no ``GET /v1/projects/{pid}`` is needed).
2. In parallel: ``GET /v1/projects/{pid}/services/``,
   ``GET /v1/dependencies/status/{pid}`` and one
   ``GET /v1/projects/{pid}/deployments`` (newest first, grouped per service here).
3. As soon as the service list arrives, per service in parallel:
   ``GET /v1/service-domains?service_id=&environment=`` (the list already carries
   every Service object with its decrypted runtime and build variables, contract
   §3.5 and §9.6, so ``GET /v1/services/{sid}`` or ``GET .../env`` per service
   would be redundant), and, in the same round, ``GET /v1/services/{sid}/volumes``
   for a service that has volumes or whose file declares some (only that route
   shows orphaned volumes, their ids and expiry).

Total: ``4 + N + V`` requests (V services with volumes), or 1 when the project
does not exist yet.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from pydantic import SecretStr

from odiac.plan import fields as table
from odiac.plan.inputs import (
    LiveDependency,
    LiveDeployment,
    LiveDomain,
    LiveProject,
    LiveService,
    LiveState,
    LiveVolume,
    parse_deployment_description,
)

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping, Sequence

    from odiac.gateway.client import GatewayClient
    from odiac.gateway.models import (
        DependencyStatus,
        Deployment,
        Project,
        Service,
        ServiceDomain,
        Volume,
    )
    from odiac.plan.fields import FieldValue
    from odiac.plan.inputs import DesiredDependency

#: The gateway's own ``environment`` field. It is not odiac's environment (each odiac
#: environment is a project of its own): the client sends ``staging`` as the primary
#: flow prescribes, and reads domains with the same value, whatever ``--env`` says.
GATEWAY_ENVIRONMENT = "staging"


def gateway_environment(environment: str) -> str:
    """The gateway ``environment`` value used for an odiac environment (always the same)."""
    del environment
    return GATEWAY_ENVIRONMENT


@dataclass(frozen=True)
class ProjectRef:
    """A project visible to the credential (for the one-project rule, contract §5.4)."""

    id: str
    name: str


@dataclass(frozen=True)
class Snapshot:
    """The live state plus what the plan-time checks need from the same reads."""

    live: LiveState
    visible_projects: list[ProjectRef] = field(default_factory=list)


async def refresh(
    client: GatewayClient,
    desired_project_name: str,
    environment: str,
    *,
    dependencies: Mapping[str, DesiredDependency] | None = None,
    volume_services: Collection[str] = (),
) -> LiveState:
    """Read everything a plan needs about one project.

    Args:
        client: An open gateway client.
        desired_project_name: The environment's project name.
        environment: The odiac environment (domains are read for the gateway's own value).
        dependencies: Desired dependencies, used to give live ones their file names.
        volume_services: Services whose file declares volumes (their volumes are read
            even when none is attached live, to find orphans).

    Returns:
        The live state; ``project`` is None when no project has that name.
    """
    snapshot = await read_snapshot(
        client,
        desired_project_name,
        environment,
        dependencies=dependencies,
        volume_services=volume_services,
    )
    return snapshot.live


async def read_snapshot(
    client: GatewayClient,
    desired_project_name: str,
    environment: str,
    *,
    dependencies: Mapping[str, DesiredDependency] | None = None,
    volume_services: Collection[str] = (),
    projects: Sequence[Project] | None = None,
) -> Snapshot:
    """Like :func:`refresh`, also returning the projects visible to the credential.

    ``projects``: the project list when the caller already read it (one read serves
    every environment of ``--all-envs``).
    """
    if projects is None:
        projects = await client.list_projects()
    visible = [ProjectRef(id=p.id, name=p.name) for p in projects]
    project = next((p for p in projects if p.name == desired_project_name), None)
    if project is None:
        return Snapshot(live=LiveState(), visible_projects=visible)

    env = gateway_environment(environment)
    services_task = _read_services(client, project.id, env, volume_services)
    deps_task = client.list_dependencies_status(project.id)
    deployments_task = client.list_deployments(project.id)
    (services, domains, volumes), live_deps, deployments = await asyncio.gather(
        services_task, deps_task, deployments_task
    )
    ordered = _newest_first(deployments)
    history = _History(ordered)
    live_services = {
        svc.name: _live_service(svc, domains.get(svc.id, []), history, volumes.get(svc.id, ()))
        for svc in services
    }
    live = LiveState(
        project=LiveProject(
            id=project.id,
            name=project.name,
            region_id=project.region_id or None,
            description=project.description or "",
            source_bound=bool(project.source_path),
            bound_source_digest=_bound_source_digest(ordered),
            agent_id=project.agent_id or None,
        ),
        dependencies=_name_dependencies(live_deps, dependencies or {}),
        services=live_services,
        read_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    return Snapshot(live=live, visible_projects=visible)


async def _read_services(
    client: GatewayClient, pid: str, environment: str, volume_services: Collection[str] = ()
) -> tuple[list[Service], dict[str, list[ServiceDomain]], dict[str, list[Volume]]]:
    listed = await client.list_services(pid)
    ids = [svc.id for svc in listed]
    with_volumes = [s.id for s in listed if s.volumes or s.name in volume_services]
    domain_lists, volume_lists = await asyncio.gather(
        asyncio.gather(*(client.list_domains(sid, environment=environment) for sid in ids)),
        asyncio.gather(*(client.list_volumes(sid) for sid in with_volumes)),
    )
    return (
        list(listed),
        dict(zip(ids, domain_lists, strict=True)),
        dict(zip(with_volumes, volume_lists, strict=True)),
    )


def _newest_first(deployments: Sequence[Deployment]) -> list[Deployment]:
    # The gateway already answers newest first; a stable sort keeps its order on ties.
    return sorted(deployments, key=lambda d: d.created_at or "", reverse=True)


class _History:
    """The project's deployments, newest first, indexed by service and by id.

    Built once per refresh so that matching N services against D deployments
    costs O(N + D), not O(N x D).
    """

    def __init__(self, newest_first: Sequence[Deployment]) -> None:
        self.by_service: dict[str, list[Deployment]] = {}
        self.by_id: dict[str, Deployment] = {}
        for dep in newest_first:
            self.by_service.setdefault(dep.service_id, []).append(dep)
            self.by_id.setdefault(dep.id, dep)


def _live_service(
    svc: Service,
    domains: Sequence[ServiceDomain],
    history: _History,
    volumes: Sequence[Volume] = (),
) -> LiveService:
    mine = history.by_service.get(svc.id, [])
    latest = mine[0] if mine else None
    running = next((d for d in mine if d.status == "success"), None)
    return LiveService(
        id=svc.id,
        type=svc.type,
        values=live_values(svc),
        env=_secret_map(svc.runtime_variables),
        build_env=_secret_map(svc.build_variables),
        latest_deployment=_live_deployment(latest, history) if latest else None,
        running_deployment=_live_deployment(running, history) if running else None,
        domains=[_live_domain(d) for d in domains],
        volumes=live_volumes(volumes),
    )


def live_values(svc: Service) -> dict[str, FieldValue]:
    """The table fields of a gateway Service, by table name (None when unset)."""
    return {row.name: row.live(getattr(svc, row.wire, None)) for row in table.SERVICE_FIELDS}


def live_volumes(rows: Sequence[Volume]) -> dict[str, LiveVolume]:
    """Active and orphaned volumes by name; an active one wins over an older orphan."""
    found: dict[str, LiveVolume] = {}
    for row in rows:
        if row.status not in ("active", "orphaned"):
            continue
        if row.name in found and found[row.name].status == "active":
            continue
        found[row.name] = LiveVolume(
            id=row.id,
            name=row.name,
            mount_path=row.mount_path,
            size=row.size,
            status=row.status,
            expires_at=row.expires_at or None,
        )
    return found


def _live_deployment(dep: Deployment, history: _History) -> LiveDeployment:
    description = dep.description or ""
    if dep.is_rollback and parse_deployment_description(description) == (None, None):
        # A rollback runs its target's source; odiac's identity lives on the target.
        target = history.by_id.get(dep.rollback_of) if dep.rollback_of is not None else None
        if target is not None:
            description = target.description or ""
    return LiveDeployment(
        id=dep.id,
        status=dep.status,
        description=description,
        created_at=dep.created_at or "",
        is_rollback=bool(dep.is_rollback),
        rollback_of=dep.rollback_of or None,
    )


def _live_domain(row: ServiceDomain) -> LiveDomain:
    fqdn = (row.domain or "").removeprefix("https://").removeprefix("http://")
    return LiveDomain(
        id=row.id,
        label=fqdn.split(".", 1)[0],
        type="custom" if row.type == "custom" else "auto",
        status=row.status or "",
    )


def _bound_source_digest(deployments: Sequence[Deployment]) -> str | None:
    for dep in deployments:
        if dep.is_rollback:
            continue
        source, _ = parse_deployment_description(dep.description)
        if source:
            return source
    return None


def _secret_map(values: Mapping[str, str] | None) -> dict[str, SecretStr]:
    return {key: SecretStr(value) for key, value in (values or {}).items()}


def _name_dependencies(
    live: Sequence[DependencyStatus], desired: Mapping[str, DesiredDependency]
) -> dict[str, LiveDependency]:
    """Give each live dependency its name in the file.

    odiac creates a dependency with ``display_name`` = the file's display name or, when
    unset, its key; that is the stable identity. A live row whose display name matches
    nothing takes the one desired entry of the same engine still unmatched, else keeps
    its own display name (the plan then shows it as not in the file).
    """
    wanted = {name: (dep.display_name or name) for name, dep in desired.items()}
    by_label = {label: name for name, label in wanted.items()}
    named: dict[str, LiveDependency] = {}
    unmatched: list[DependencyStatus] = []
    for row in live:
        name = by_label.get(row.display_name or "")
        if name is not None and name not in named:
            named[name] = _live_dependency(row)
        else:
            unmatched.append(row)
    for row in unmatched:
        engine = _engine(row.type)
        candidates = [n for n, dep in desired.items() if dep.engine == engine and n not in named]
        same_engine_live = [r for r in unmatched if _engine(r.type) == engine]
        if len(candidates) == 1 and len(same_engine_live) == 1:
            named[candidates[0]] = _live_dependency(row)
        else:
            label = row.display_name or row.name or row.id
            named[label if label not in named else f"{label}-{row.id[:8]}"] = _live_dependency(row)
    return named


def _engine(value: str | None) -> str:
    return "mongodb" if value == "mongo" else (value or "")


def _live_dependency(row: DependencyStatus) -> LiveDependency:
    return LiveDependency(
        id=row.id,
        engine=_engine(row.type),
        status=row.status or "",
        display_name=row.display_name or None,
        env_vars=_secret_map(row.env_vars),
    )
