"""Rollback, cancel and redeploy: choose what to act on, act once, watch or verify.

* Rollback (gateway-api 3.8.4, gateway-api 3.8.9): the target is an earlier ``success``
  deployment of the service; the gateway creates a new deployment running the
  target's source, which is watched to its end.
* Cancel (gateway-api 3.8.8): only a deployment still in progress; the result is read back.
* Redeploy (gateway-api 7.1.10 "Redeploy current source"): a new deployment of the bound
  source, no upload, keeping the source identity odiac recorded in the description.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from odiac.apply.watch import Timing, WatchResult, watch_deployment
from odiac.gateway.errors import Conflict
from odiac.ops.lookup import (
    IN_PROGRESS,
    OperationError,
    age_seconds,
    find_service,
    human_age,
    looks_like_id,
    service_deployments,
    short_digest,
    source_identity,
)
from odiac.state.refresh import gateway_environment

if TYPE_CHECKING:
    from datetime import datetime

    from odiac.apply.watch import OnProgress
    from odiac.gateway.client import GatewayClient
    from odiac.gateway.models import Deployment, Project, Service


def runs(deployment: Deployment) -> str:
    """The deployment whose source a deployment runs (a rollback runs its target's)."""
    return (
        deployment.rollback_of
        if deployment.is_rollback and deployment.rollback_of
        else (deployment.id)
    )


def describe(deployment: Deployment, others: list[Deployment], now: datetime) -> str:
    """``deployment <id> (source sha256:…, 5m old)``."""
    source, _ = source_identity(deployment, others)
    age = human_age(age_seconds(deployment.created_at, now))
    return f"deployment {deployment.id} (source {short_digest(source)}, {age} old)"


async def watch(
    client: GatewayClient,
    deployment: Deployment,
    *,
    timing: Timing | None = None,
    on_progress: OnProgress | None = None,
) -> WatchResult:
    """Poll the deployment with backoff until it ends (``timing`` injectable for tests)."""
    return await watch_deployment(
        client, deployment, timing=timing or Timing(), on_progress=on_progress
    )


# ------------------------------------------------------------------------- rollback


@dataclass(frozen=True)
class RollbackChoice:
    """What a rollback of ``service`` would do: from ``current`` to ``target``."""

    service: Service
    current: Deployment | None
    target: Deployment
    history: list[Deployment]

    @property
    def service_name(self) -> str:
        return self.service.name

    @property
    def question(self) -> str:
        return f"Roll back {self.service.name} to deployment {self.target.id}?"

    @property
    def action(self) -> str:
        return f"roll back {self.service.name}"


async def choose_rollback(
    client: GatewayClient, project: Project, service: Service, to: str | None
) -> RollbackChoice:
    """Pick the deployment to return to: ``to``, or the newest earlier success.

    Raises:
        OperationError: No earlier successful deployment, or ``to`` cannot be used.
    """
    history = await service_deployments(client, project.id, service.id)
    successes = await service_deployments(client, project.id, service.id, status="success")
    current = successes[0] if successes else None
    if to is not None:
        target = next((d for d in successes if d.id == to), None)
        if target is None:
            found = next((d for d in history if d.id == to), None)
            if found is None:
                raise OperationError(
                    f"deployment {to} is not a deployment of service {service.name}"
                )
            raise OperationError(
                f"deployment {to} is {found.status}: only successful deployments can be "
                "rolled back to"
            )
        if current is not None and runs(target) == runs(current):
            raise OperationError(
                f"service {service.name} already runs the source of deployment {to}"
            )
    else:
        live = runs(current) if current is not None else None
        candidates = [d for d in successes[1:] if runs(d) != live]
        if not candidates:
            raise OperationError(
                f"service {service.name} has no earlier successful deployment to roll back to"
            )
        target = candidates[0]
    return RollbackChoice(service=service, current=current, target=target, history=history)


async def start_rollback(client: GatewayClient, choice: RollbackChoice) -> Deployment:
    """``POST /v1/deployments/{target}/rollback``; returns the new deployment.

    Raises:
        OperationError: The gateway refused (409) or answered without a deployment id.
    """
    try:
        created = await client.rollback_deployment(choice.target.id)
    except Conflict as exc:
        raise OperationError(f"the gateway refused the rollback: {exc.message}") from exc
    if not created.id:
        raise OperationError("the gateway answered the rollback without a deployment id")
    return created


# --------------------------------------------------------------------------- cancel


async def cancel_target(client: GatewayClient, project: Project, what: str) -> Deployment:
    """The deployment ``what`` names: an id, or a service's newest one in progress.

    Raises:
        OperationError: Nothing in progress, or the deployment is elsewhere or ended.
    """
    if looks_like_id(what):
        deployment = await client.get_deployment(what)
        if deployment.project_id and deployment.project_id != project.id:
            raise OperationError(
                f'deployment {what} belongs to another project, not "{project.name}"'
            )
    else:
        service = await find_service(client, project, what)
        rows = await service_deployments(client, project.id, service.id)
        active = [d for d in rows if d.status in IN_PROGRESS]
        if not active:
            newest = (
                f"its newest deployment {rows[0].id} is {rows[0].status}"
                if rows
                else ("it has no deployments")
            )
            raise OperationError(f"nothing to cancel for service {what}: {newest}")
        deployment = active[0]
    if deployment.terminal:
        raise OperationError(
            f"deployment {deployment.id} already ended ({deployment.status}); nothing to cancel"
        )
    return deployment


async def cancel(client: GatewayClient, deployment: Deployment) -> Deployment:
    """Cancel, then read back and verify the ``cancelled`` status.

    Raises:
        OperationError: It ended before the cancel landed (409), or the read-back
            does not show it cancelled.
    """
    await request_cancel(client, deployment)
    return await read_back_cancelled(client, deployment)


async def request_cancel(client: GatewayClient, deployment: Deployment) -> None:
    """``POST /v1/deployments/{id}/cancel``.

    Raises:
        OperationError: It ended before the cancel landed (409).
    """
    try:
        await client.cancel_deployment(deployment.id)
    except Conflict as exc:
        status = exc.fields.get("status") or "finished"
        raise OperationError(
            f"deployment {deployment.id} could not be cancelled: it is already {status}"
        ) from exc


async def read_back_cancelled(client: GatewayClient, deployment: Deployment) -> Deployment:
    """The deployment read back, verified ``cancelled``.

    Raises:
        OperationError: The read-back does not show it cancelled.
    """
    back = await client.get_deployment(deployment.id)
    if back.status != "cancelled":
        raise OperationError(
            f"read-back shows deployment {deployment.id} as {back.status}, not cancelled"
        )
    return back


# ------------------------------------------------------------------------- redeploy


@dataclass(frozen=True)
class RedeployPlan:
    """The deployment a redeploy creates: same source identity, dependencies, environment."""

    service: Service
    source_digest: str | None
    description: str
    source: str
    environment: str
    dependencies: list[str]
    branch: str | None
    latest: Deployment | None

    @property
    def service_name(self) -> str:
        return self.service.name

    @property
    def question(self) -> str:
        return f"Redeploy {self.service.name}?"

    @property
    def action(self) -> str:
        return f"redeploy {self.service.name}"


async def plan_redeploy(
    client: GatewayClient, project: Project, service: Service, environment: str
) -> RedeployPlan:
    """Work out a redeploy of the project's bound source.

    Raises:
        OperationError: No source is bound (gateway-api failure 13), or a deployment is still in progress.
    """
    fresh = await client.get_project(project.id)
    if not fresh.source_bound:
        raise OperationError(
            f'project "{project.name}" has no bound source, so a redeploy would fail',
            hint="Run `odiac apply` to upload and bind the source, then deploy.",
        )
    history = await service_deployments(client, project.id, service.id)
    busy = next((d for d in history if d.status in IN_PROGRESS), None)
    if busy is not None:
        raise OperationError(
            f"deployment {busy.id} of {service.name} is still {busy.status}",
            hint=f"Wait for it (odiac logs {service.name} --follow) or cancel it first.",
        )
    latest = history[0] if history else None
    # What update-source last bound is what the newest non-rollback deployment ran.
    base = next((d for d in history if not d.is_rollback), None)
    source_digest, _ = source_identity(base, history) if base else (None, None)
    git = not fresh.repo_url.startswith("file://") and bool(fresh.repo_url)
    return RedeployPlan(
        service=service,
        source_digest=source_digest,
        description=base.description if base else "",
        source=(base.source if base and base.source else ("git" if git else "zip")),
        environment=(latest.environment if latest and latest.environment else "")
        or gateway_environment(environment),
        dependencies=list(latest.dependencies) if latest else [],
        branch=(base.branch or None) if base else (fresh.branch or None if git else None),
        latest=latest,
    )


async def start_redeploy(client: GatewayClient, project: Project, plan: RedeployPlan) -> Deployment:
    """``POST /v1/deployments/`` with the existing service and no upload."""
    return await client.create_deployment(
        project.id,
        plan.service.id,
        source=plan.source,
        temp_file_path="",
        environment=plan.environment,
        dependencies=plan.dependencies,
        description=plan.description,
        branch=plan.branch,
    )
