"""``odiac redeploy``: a fresh deployment of a service's current source, nothing else."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from odiac.cli.output import echo
from odiac.ops.interact import run_interruptible, warn

if TYPE_CHECKING:
    from odiac.cli.context import GlobalOptions


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
    outcome = run_interruptible(
        _redeploy(options, service=service, yes=yes, as_json=as_json, token=token),
        stopped="Stopped watching; the deployment continues on the gateway.",
    )
    if as_json:
        echo(json.dumps(outcome, indent=2, sort_keys=True))


async def _redeploy(
    options: GlobalOptions, *, service: str, yes: bool, as_json: bool, token: str | None
) -> dict[str, Any]:
    from odiac.cli.session import open_session
    from odiac.ops.deploys import plan_redeploy, start_redeploy, watch
    from odiac.ops.interact import confirm_or_refuse, note, progress_printer
    from odiac.ops.lookup import OperationError, find_project, find_service, short_digest

    async with open_session(options, flag_token=token, allow_register=False, warn=warn) as session:
        client = session.client
        project = await find_project(client, session.loaded.config.project.name)
        svc = await find_service(client, project, service)
        plan = await plan_redeploy(client, project, svc, session.loaded.environment)
        echo(
            f"Redeploy {svc.name} from the bound source ({short_digest(plan.source_digest)}), "
            "without other changes.",
            err=as_json,
        )
        if plan.latest is not None and plan.latest.is_rollback:
            echo(
                f"Note: {svc.name} currently runs a rollback; a redeploy returns it to the "
                "bound source.",
                err=as_json,
            )
        confirm_or_refuse(f"Redeploy {svc.name}?", action=f"redeploy {svc.name}", yes=yes)
        created = await start_redeploy(client, project, plan)
        loud = options.verbosity >= 0
        if loud:
            note(f"Deployment {created.id} started; watching it to its end...")
        result = await watch(client, created, on_progress=progress_printer(loud=loud))
        final = result.deployment
        if final.status != "success":
            raise OperationError(
                f"deployment {final.id} {final.status} at {final.progress}%: "
                f"{final.error_msg or final.message or 'no reason given'}",
                hint=f"See its logs: odiac logs {svc.name} --deployment {final.id}",
            )
        echo(f"Redeployed {svc.name}: deployment {final.id} is live.", err=as_json)
        return {
            "service": svc.name,
            "source_digest": plan.source_digest,
            "deployment": {"id": final.id, "status": final.status, "progress": final.progress},
        }
