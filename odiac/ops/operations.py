"""Rollback, redeploy and cancel as :class:`~odiac.ops.runner.Operation` s: what each
proposes, starts and returns (the runner confirms, watches and verifies)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from odiac.ops.deploys import (
    RedeployPlan,
    RollbackChoice,
    cancel_target,
    choose_rollback,
    plan_redeploy,
    read_back_cancelled,
    request_cancel,
    start_redeploy,
    start_rollback,
)
from odiac.ops.lookup import find_project, find_service, source_identity
from odiac.ops.outcomes import CancelOutcome, DeploymentState, RedeployOutcome, RollbackOutcome
from odiac.ops.runner import Operation

if TYPE_CHECKING:
    from odiac.apply.watch import OnProgress, Timing
    from odiac.gateway.client import GatewayClient
    from odiac.gateway.models import Deployment, Project


class Rollback(Operation[RollbackChoice, RollbackOutcome]):
    """Return a service to an earlier successful deployment (``to``, or the previous one)."""

    label = "rollback deployment"

    def __init__(
        self, client: GatewayClient, project: str, service: str, to: str | None = None
    ) -> None:
        super().__init__(client)
        self.project, self.service, self.to = project, service, to

    async def propose(self) -> RollbackChoice:
        project = await find_project(self.client, self.project)
        service = await find_service(self.client, project, self.service)
        return await choose_rollback(self.client, project, service, self.to)

    async def start(self, proposal: RollbackChoice) -> Deployment:
        return await start_rollback(self.client, proposal)

    def outcome(self, proposal: RollbackChoice, final: Deployment) -> RollbackOutcome:
        source, _ = source_identity(proposal.target, proposal.history)
        name = proposal.service.name
        return RollbackOutcome(
            service=name,
            from_id=proposal.current.id if proposal.current else None,
            to_id=proposal.target.id,
            source_digest=source,
            deployment=DeploymentState.of(final),
            drift_note=(
                f"Note: opendeploy.toml still describes the newer source, so `odiac plan` now "
                f"reports drift for {name} (live runs older source). To resolve it, run "
                "`odiac apply` to redeploy the file's source, or update the source and the "
                "file to what you want to keep."
            ),
        )


class Redeploy(Operation[RedeployPlan, RedeployOutcome]):
    """A fresh deployment of the bound source: no upload, same source identity."""

    def __init__(self, client: GatewayClient, project: str, service: str, environment: str):
        super().__init__(client)
        self.project, self.service, self.environment = project, service, environment
        self._project: Project | None = None

    async def propose(self) -> RedeployPlan:
        project = self._project = await find_project(self.client, self.project)
        service = await find_service(self.client, project, self.service)
        return await plan_redeploy(self.client, project, service, self.environment)

    async def start(self, proposal: RedeployPlan) -> Deployment:
        if self._project is None:
            raise RuntimeError("start() before propose()")
        return await start_redeploy(self.client, self._project, proposal)

    def outcome(self, proposal: RedeployPlan, final: Deployment) -> RedeployOutcome:
        return RedeployOutcome(
            service=proposal.service.name,
            source_digest=proposal.source_digest,
            deployment=DeploymentState.of(final),
        )


@dataclass(frozen=True)
class CancelProposal:
    """The deployment a cancel would stop, and its service's name."""

    service_name: str
    deployment: Deployment

    @property
    def question(self) -> str:
        return f"Cancel deployment {self.deployment.id}?"

    @property
    def action(self) -> str:
        return f"cancel {self.deployment.id}"


class Cancel(Operation[CancelProposal, CancelOutcome]):
    """Stop a deployment in progress (``target``: a service name or a deployment id)."""

    def __init__(self, client: GatewayClient, project: str, target: str) -> None:
        super().__init__(client)
        self.project, self.target = project, target

    async def propose(self) -> CancelProposal:
        project = await find_project(self.client, self.project)
        deployment = await cancel_target(self.client, project, self.target)
        names = {s.id: s.name for s in await self.client.list_services(project.id)}
        service = names.get(deployment.service_id, deployment.service_id or "?")
        return CancelProposal(service_name=service, deployment=deployment)

    async def start(self, proposal: CancelProposal) -> Deployment:
        await request_cancel(self.client, proposal.deployment)
        return proposal.deployment

    async def verify(
        self,
        proposal: CancelProposal,
        started: Deployment,
        *,
        timing: Timing | None = None,
        on_progress: OnProgress | None = None,
    ) -> Deployment:
        """Read the deployment back: it must be ``cancelled`` (nothing to watch)."""
        return await read_back_cancelled(self.client, started)

    def outcome(self, proposal: CancelProposal, final: Deployment) -> CancelOutcome:
        return CancelOutcome(service=proposal.service_name, deployment=DeploymentState.of(final))
