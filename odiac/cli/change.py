"""What ``cancel``, ``redeploy`` and ``rollback`` share on the terminal: show the
proposal, ask, note the start and progress, run :func:`odiac.ops.runner.run_operation`."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from odiac.cli.prompt import confirm_or_refuse, note, progress_printer, run_interruptible, warn
from odiac.cli.session import open_session

if TYPE_CHECKING:
    from collections.abc import Callable

    from odiac.cli.context import GlobalOptions
    from odiac.engine import Session
    from odiac.gateway.models import Deployment
    from odiac.ops.runner import Operation, Outcome, Proposal

ProposalT = TypeVar("ProposalT", bound="Proposal")
OutcomeT = TypeVar("OutcomeT", bound="Outcome")


def run_change(
    options: GlobalOptions,
    operation: Callable[[Session], Operation[ProposalT, OutcomeT]],
    *,
    token: str | None,
    yes: bool,
    show: Callable[[ProposalT], None],
    started: Callable[[Deployment], str] | None = None,
    stopped: str = "Stopped.",
) -> OutcomeT:
    """Open a session, then propose → confirm → start → watch → verify; Ctrl-C exits 130.

    Args:
        options: The global options.
        operation: Makes the operation for the open session.
        token: The ``--token`` value.
        yes: ``--yes``: confirmed in advance.
        show: Prints the proposal before the question.
        started: The note printed when the change started (then progress is shown).
        stopped: What Ctrl-C prints before exiting.
    """
    return run_interruptible(
        _run_change(options, operation, token=token, yes=yes, show=show, started=started),
        stopped=stopped,
    )


async def _run_change(
    options: GlobalOptions,
    operation: Callable[[Session], Operation[ProposalT, OutcomeT]],
    *,
    token: str | None,
    yes: bool,
    show: Callable[[ProposalT], None],
    started: Callable[[Deployment], str] | None,
) -> OutcomeT:
    from odiac.ops.runner import run_operation

    loud = options.verbosity >= 0

    def confirm(proposal: ProposalT) -> bool:
        show(proposal)
        confirm_or_refuse(proposal.question, action=proposal.action, yes=yes)
        return True

    def on_started(deployment: Deployment) -> None:
        if loud and started is not None:
            note(started(deployment))

    async with open_session(options, flag_token=token, allow_register=False, warn=warn) as session:
        return await run_operation(
            operation(session),
            confirm=confirm,
            on_started=on_started,
            on_progress=progress_printer(loud=loud and started is not None),
        )
