"""``odiac redeploy``: a fresh deployment of a service's current source, nothing else."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from odiac.cli.output import echo

if TYPE_CHECKING:
    from odiac.cli.context import GlobalOptions
    from odiac.engine import Session
    from odiac.ops.deploys import RedeployPlan


@click.command(
    "redeploy", epilog="Examples:\n\n\b\n  odiac redeploy web\n  odiac redeploy web --yes"
)
@click.argument("service")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation (CI).")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
@click.option("--token", help="Gateway token (default: OPENDEPLOY_TOKEN or the auth file).")
@click.pass_obj
def command(
    options: GlobalOptions, service: str, yes: bool, as_json: bool, token: str | None
) -> None:
    """Redeploy SERVICE from the source already bound to the project.

    No upload and no other change: the new deployment keeps the source identity
    of the previous one, so `odiac plan` stays as it was. Useful to restart a
    service or retry after a transient failure.
    """
    from odiac.cli.change import run_change
    from odiac.ops.lookup import short_digest
    from odiac.ops.operations import Redeploy

    def show(plan: RedeployPlan) -> None:
        name = plan.service.name
        echo(
            f"Redeploy {name} from the bound source ({short_digest(plan.source_digest)}), "
            "without other changes.",
            err=as_json,
        )
        if plan.latest is not None and plan.latest.is_rollback:
            echo(
                f"Note: {name} currently runs a rollback; a redeploy returns it to the "
                "bound source.",
                err=as_json,
            )

    def operation(session: Session) -> Redeploy:
        loaded = session.loaded
        return Redeploy(session.client, loaded.config.project.name, service, loaded.environment)

    outcome = run_change(
        options,
        operation,
        token=token,
        yes=yes,
        show=show,
        started=lambda d: f"Deployment {d.id} started; watching it to its end...",
        stopped="Stopped watching; the deployment continues on the gateway.",
    )
    echo(
        f"Redeployed {outcome.service}: deployment {outcome.deployment.id} is live.",
        err=as_json,
    )
    if as_json:
        echo(json.dumps(outcome.to_json(), indent=2, sort_keys=True))
