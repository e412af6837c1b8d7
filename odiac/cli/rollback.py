"""``odiac rollback``: return a service to an earlier successful deployment."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import click

from odiac.cli.output import echo
from odiac.ops.interact import run_interruptible, warn

if TYPE_CHECKING:
    from odiac.cli.context import GlobalOptions


@click.command(
    "rollback",
    epilog="Examples:\n\n\b\n  odiac rollback web\n  odiac rollback web --to <deployment-id> --yes",
)
@click.argument("service")
@click.option("--to", "to", metavar="DEPLOYMENT_ID", help="Return to this successful deployment.")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation (CI).")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
@click.option("--token", help="Gateway token (default: OPENDEPLOY_TOKEN or the auth file).")
@click.pass_obj
def command(
    options: GlobalOptions,
    service: str,
    to: str | None,
    yes: bool,
    as_json: bool,
    token: str | None,
) -> None:
    """Roll SERVICE back to its previous successful deployment (or --to one).

    Shows what changes, asks, then watches the rollback to its end. Afterwards
    `odiac plan` reports the older source as drift, by design.
    """
    outcome = run_interruptible(
        _rollback(options, service=service, to=to, yes=yes, as_json=as_json, token=token),
        stopped="Stopped watching; the rollback continues on the gateway.",
    )
    if as_json:
        echo(json.dumps(outcome, indent=2, sort_keys=True))


async def _rollback(
    options: GlobalOptions,
    *,
    service: str,
    to: str | None,
    yes: bool,
    as_json: bool,
    token: str | None,
) -> dict[str, Any]:
    from odiac.cli.session import open_session
    from odiac.ops.deploys import choose_rollback, describe, start_rollback, watch
    from odiac.ops.interact import confirm_or_refuse, note, progress_printer
    from odiac.ops.lookup import (
        OperationError,
        find_project,
        find_service,
        short_digest,
        source_identity,
    )

    async with open_session(options, flag_token=token, allow_register=False, warn=warn) as session:
        client = session.client
        project = await find_project(client, session.loaded.config.project.name)
        svc = await find_service(client, project, service)
        choice = await choose_rollback(client, project, svc, to)
        now = datetime.now(UTC)
        current = (
            describe(choice.current, choice.history, now) if choice.current else "(nothing live)"
        )
        summary = (
            f"Roll back {svc.name} from {current}\n"
            f"{' ' * (10 + len(svc.name))}   to {describe(choice.target, choice.history, now)}."
        )
        _say(summary, as_json)
        confirm_or_refuse(
            f"Roll back {svc.name} to deployment {choice.target.id}?",
            action=f"roll back {svc.name}",
            yes=yes,
        )
        created = await start_rollback(client, choice)
        loud = options.verbosity >= 0
        if loud:
            note(f"Rollback deployment {created.id} started; watching it to its end...")
        result = await watch(client, created, on_progress=progress_printer(loud=loud))
        final = result.deployment
        if final.status != "success":
            raise OperationError(
                f"rollback deployment {final.id} {final.status} at {final.progress}%: "
                f"{final.error_msg or final.message or 'no reason given'}",
                hint=f"See its logs: odiac logs {svc.name} --deployment {final.id}",
            )
        source, _ = source_identity(choice.target, choice.history)
        drift = (
            f"Note: opendeploy.toml still describes the newer source, so `odiac plan` now "
            f"reports drift for {svc.name} (live runs older source). To resolve it, run "
            "`odiac apply` to redeploy the file's source, or update the source and the "
            "file to what you want to keep."
        )
        _say(
            f"Rolled back {svc.name}: deployment {final.id} is live, running the source of "
            f"deployment {choice.target.id} ({short_digest(source)}).",
            as_json,
        )
        _say(drift, as_json)
        return {
            "service": svc.name,
            "from": choice.current.id if choice.current else None,
            "to": choice.target.id,
            "source_digest": source,
            "deployment": {"id": final.id, "status": final.status, "progress": final.progress},
            "drift_note": drift,
        }


def _say(text: str, as_json: bool) -> None:
    # With --json, stdout holds only the JSON document; people still read stderr.
    echo(text, err=as_json)
