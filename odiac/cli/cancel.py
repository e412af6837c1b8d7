"""``odiac cancel``: stop a deployment that is still in progress (the build is dropped)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from odiac.cli.output import echo
from odiac.ops.interact import run_interruptible, warn

if TYPE_CHECKING:
    from odiac.cli.context import GlobalOptions


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
    outcome = run_interruptible(
        _cancel(options, target=target, yes=yes, as_json=as_json, token=token)
    )
    if as_json:
        echo(json.dumps(outcome, indent=2, sort_keys=True))


async def _cancel(
    options: GlobalOptions, *, target: str, yes: bool, as_json: bool, token: str | None
) -> dict[str, Any]:
    from odiac.cli.session import open_session
    from odiac.ops.deploys import cancel, cancel_target
    from odiac.ops.interact import confirm_or_refuse
    from odiac.ops.lookup import find_project

    async with open_session(options, flag_token=token, allow_register=False, warn=warn) as session:
        client = session.client
        project = await find_project(client, session.loaded.config.project.name)
        deployment = await cancel_target(client, project, target)
        names = {s.id: s.name for s in await client.list_services(project.id)}
        service = names.get(deployment.service_id, deployment.service_id or "?")
        echo(
            f"Deployment {deployment.id} of {service} is {deployment.status} "
            f"({deployment.progress}%). Cancelling drops its build.",
            err=as_json,
        )
        confirm_or_refuse(
            f"Cancel deployment {deployment.id}?", action=f"cancel {deployment.id}", yes=yes
        )
        back = await cancel(client, deployment)
        echo(
            f"Cancelled deployment {back.id} of {service} at {back.progress}% "
            "(verified by reading it back).",
            err=as_json,
        )
        return {
            "service": service,
            "deployment": {"id": back.id, "status": back.status, "progress": back.progress},
        }
