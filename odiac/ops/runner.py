"""One runner for the day-2 changes of a deployment: propose → confirm → start →
watch → verify → typed outcome.

Example::

    from odiac.ops.operations import Rollback
    from odiac.ops.runner import run_operation

    outcome = await run_operation(
        Rollback(client, "shop", "web"),
        confirm=lambda proposal: input(proposal.question + " [y/N] ") == "y",
    )
    print(outcome.to_json())

The runner never prints or asks: ``confirm`` receives the typed proposal (show it,
then answer), ``on_started`` the started deployment and ``on_progress`` each
status read while watching.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from odiac.ops.deploys import watch
from odiac.ops.lookup import OperationError

if TYPE_CHECKING:
    from collections.abc import Callable

    from odiac.apply.watch import OnProgress, Timing
    from odiac.gateway.client import GatewayClient
    from odiac.gateway.models import Deployment


class Proposal(Protocol):
    """What an operation would do, shown before it is confirmed."""

    @property
    def service_name(self) -> str: ...

    @property
    def question(self) -> str:
        """The confirmation question ("Roll back web to deployment …?")."""
        ...

    @property
    def action(self) -> str:
        """What is confirmed, for messages ("roll back web")."""
        ...


class Outcome(Protocol):
    def to_json(self) -> dict[str, Any]: ...


ProposalT = TypeVar("ProposalT", bound=Proposal)
OutcomeT = TypeVar("OutcomeT", bound=Outcome)


class Operation(ABC, Generic[ProposalT, OutcomeT]):
    """One change of one deployment. Subclasses say what to propose, how to start,
    and what the outcome is; by default the started deployment is watched to its
    end and must succeed."""

    #: How a failure names the watched deployment ("rollback deployment").
    label = "deployment"

    def __init__(self, client: GatewayClient) -> None:
        self.client = client

    @abstractmethod
    async def propose(self) -> ProposalT:
        """Read what the change would do (nothing is changed yet)."""

    @abstractmethod
    async def start(self, proposal: ProposalT) -> Deployment:
        """Make the change; returns the deployment to verify."""

    @abstractmethod
    def outcome(self, proposal: ProposalT, final: Deployment) -> OutcomeT:
        """The typed result once ``final`` is verified."""

    async def verify(
        self,
        proposal: ProposalT,
        started: Deployment,
        *,
        timing: Timing | None = None,
        on_progress: OnProgress | None = None,
    ) -> Deployment:
        """Watch ``started`` to its end and require success.

        Raises:
            OperationError: The deployment ended in another status.
        """
        final = (
            await watch(self.client, started, timing=timing, on_progress=on_progress)
        ).deployment
        if final.status != "success":
            raise OperationError(
                f"{self.label} {final.id} {final.status} at {final.progress}%: "
                f"{final.error_msg or final.message or 'no reason given'}",
                hint=f"See its logs: odiac logs {proposal.service_name} --deployment {final.id}",
            )
        return final


async def run_operation(
    operation: Operation[ProposalT, OutcomeT],
    *,
    confirm: Callable[[ProposalT], bool],
    on_started: Callable[[Deployment], None] | None = None,
    on_progress: OnProgress | None = None,
    timing: Timing | None = None,
) -> OutcomeT:
    """Propose, confirm, start, verify; return the typed outcome.

    Args:
        operation: The change (:mod:`odiac.ops.operations`).
        confirm: Shown the proposal; True lets the change go ahead. It may raise
            to refuse with its own message.
        on_started: Receives the deployment the change started.
        on_progress: Receives each status read while watching.
        timing: Sleep and clock of the watch (injectable for tests).

    Raises:
        OperationError: Nothing to do, not confirmed, refused by the gateway, or
            the change did not verify.
    """
    proposal = await operation.propose()
    if not confirm(proposal):
        raise OperationError(f"did not {proposal.action}: not confirmed; nothing was changed")
    started = await operation.start(proposal)
    if on_started is not None:
        on_started(started)
    final = await operation.verify(proposal, started, timing=timing, on_progress=on_progress)
    return operation.outcome(proposal, final)
