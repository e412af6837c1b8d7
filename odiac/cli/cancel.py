"""``odiac cancel``: stop a deployment that is still in progress (the build is dropped)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from odiac.cli.output import echo

if TYPE_CHECKING:
    from odiac.cli.context import GlobalOptions
    from odiac.ops.operations import CancelProposal


@click.command(
    "cancel",
    epilog="Examples:\n\n\b\n  odiac cancel web\n  odiac cancel <deployment-id> --yes",
)
@click.argument("target", metavar="SERVICE|DEPLOYMENT_ID")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation (CI).")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
@click.option("--token", help="Gateway token (default: OPENDEPLOY_TOKEN or the auth file).")
@click.pass_obj
def command(
    options: GlobalOptions, target: str, yes: bool, as_json: bool, token: str | None
) -> None:
    """Cancel SERVICE's deployment in progress, or the deployment DEPLOYMENT_ID.

    Asks first (the build is dropped), then reads the deployment back to verify
    that it is cancelled.
    """
    from odiac.cli.change import run_change
    from odiac.ops.operations import Cancel

    def show(proposal: CancelProposal) -> None:
        deployment = proposal.deployment
        echo(
            f"Deployment {deployment.id} of {proposal.service_name} is {deployment.status} "
            f"({deployment.progress}%). Cancelling drops its build.",
            err=as_json,
        )

    outcome = run_change(
        options,
        lambda session: Cancel(session.client, session.loaded.config.project.name, target),
        token=token,
        yes=yes,
        show=show,
    )
    back = outcome.deployment
    echo(
        f"Cancelled deployment {back.id} of {outcome.service} at {back.progress}% "
        "(verified by reading it back).",
        err=as_json,
    )
    if as_json:
        echo(json.dumps(outcome.to_json(), indent=2, sort_keys=True))
