"""``odiac destroy``: what deleting one environment's project takes with it, and the delete.

Only one call ever deletes anything: ``DELETE /v1/projects/{pid}`` on the project
whose name the environment resolves to, found by exact name among the projects
the credential sees. The gateway cascades it (services, deployments, databases,
domains). A pending client agent may not delete, and some gateways keep deletes
for the dashboard: both are told before anything happens, with the dashboard link.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from odiac.errors import OdiacError
from odiac.gateway.auth import dashboard_of
from odiac.gateway.errors import AuthenticationError, PermissionDenied
from odiac.state.refresh import gateway_environment

if TYPE_CHECKING:
    from odiac.gateway.auth import Credential
    from odiac.gateway.client import GatewayClient


class DestroyRefused(OdiacError):
    """The credential may not delete: the user must do it in the dashboard."""


@dataclass(frozen=True)
class DestroyTarget:
    """One environment's project and everything that goes with it."""

    environment: str
    project: str
    project_id: str | None
    dashboard_url: str | None
    services: list[str] = field(default_factory=list)
    databases: list[dict[str, str]] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)

    @property
    def exists(self) -> bool:
        return self.project_id is not None

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "exists": self.exists}


async def read_target(client: GatewayClient, project_name: str, environment: str) -> DestroyTarget:
    """Read the environment's project (by exact name) and its services, databases, domains."""
    projects = await client.list_projects()
    project = next((p for p in projects if p.name == project_name), None)
    if project is None:
        return DestroyTarget(environment, project_name, None, None)
    services, deps = await asyncio.gather(
        client.list_services(project.id), client.list_dependencies_status(project.id)
    )
    env = gateway_environment(environment)
    rows = await asyncio.gather(*(client.list_domains(s.id, environment=env) for s in services))
    domains = sorted({d.domain for found in rows for d in found if d.domain})
    return DestroyTarget(
        environment=environment,
        project=project.name,
        project_id=project.id,
        dashboard_url=project_link(client.base_url, project.id),
        services=sorted(s.name for s in services),
        databases=sorted(
            ({"name": d.display_name or d.name or d.id, "type": d.type or ""} for d in deps),
            key=lambda d: d["name"],
        ),
        domains=domains,
    )


def project_link(base_url: str, project_id: str) -> str:
    """The project's page in the dashboard."""
    return f"{dashboard_of(base_url)}/projects/{project_id}"


async def refuse_pending_agent(
    client: GatewayClient, credential: Credential, target: DestroyTarget
) -> None:
    """Stop before anything happens when the credential is a pending client agent.

    Raises:
        DestroyRefused: The agent is not bound to an account yet.
    """
    if credential.kind != "agent":
        return
    try:
        await client.get_profile()
    except AuthenticationError:
        raise _refusal(
            target, "a client agent not yet bound to an account may not delete"
        ) from None
    return


async def delete(client: GatewayClient, target: DestroyTarget) -> str:
    """Delete the target's project (the one call that deletes anything).

    Raises:
        DestroyRefused: The gateway keeps deletes for the dashboard.
    """
    if target.project_id is None:
        raise OdiacError(f'project "{target.project}" does not exist; nothing to destroy')
    try:
        return await client.delete_project(target.project_id)
    except PermissionDenied as exc:
        if exc.is_delete_forbidden:
            raise _refusal(target, "this gateway keeps deletes for the dashboard") from None
        raise


def _refusal(target: DestroyTarget, why: str) -> DestroyRefused:
    link = target.dashboard_url or "the OpenDeploy dashboard"
    return DestroyRefused(
        f'cannot destroy environment "{target.environment}": {why}; nothing was deleted',
        hint=f'Delete project "{target.project}" in the dashboard: {link}',
    )


def render_target(target: DestroyTarget) -> list[str]:
    """What destroying the target deletes, for people."""
    head = f'Environment "{target.environment}", project "{target.project}"'
    if not target.exists:
        return [f"{head}: the project does not exist; nothing to destroy."]
    lines = [f"{head} ({target.project_id}) will be deleted with everything in it:", ""]
    lines += [f"  - service  {name}" for name in target.services] or ["  (no services)"]
    lines += [f"  - database {d['name']} ({d['type']})" for d in target.databases]
    lines += [f"  - domain   {domain}" for domain in target.domains]
    if target.databases:
        lines += [
            "",
            "WARNING: the databases above and ALL THEIR DATA are deleted; this cannot be undone.",
        ]
    lines += ["", "Nothing outside this project is touched."]
    return lines
