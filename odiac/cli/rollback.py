"""``odiac rollback``: return a service to an earlier successful deployment."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

from odiac.cli.output import echo

if TYPE_CHECKING:
    from odiac.cli.context import GlobalOptions
    from odiac.engine import Session
    from odiac.ops.deploys import RollbackChoice


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
    from odiac.cli.change import run_change
    from odiac.ops.lookup import short_digest
    from odiac.ops.operations import Rollback

    def show(choice: RollbackChoice) -> None:
        _say(summary(choice, datetime.now(UTC)), as_json)

    def operation(session: Session) -> Rollback:
        return Rollback(session.client, session.loaded.config.project.name, service, to)

    outcome = run_change(
        options,
        operation,
        token=token,
        yes=yes,
        show=show,
        started=lambda d: f"Rollback deployment {d.id} started; watching it to its end...",
        stopped="Stopped watching; the rollback continues on the gateway.",
    )
    _say(
        f"Rolled back {outcome.service}: deployment {outcome.deployment.id} is live, running "
        f"the source of deployment {outcome.to_id} ({short_digest(outcome.source_digest)}).",
        as_json,
    )
    _say(outcome.drift_note, as_json)
    if as_json:
        echo(json.dumps(outcome.to_json(), indent=2, sort_keys=True))


def summary(choice: RollbackChoice, now: datetime) -> str:
    """``Roll back web from deployment … to deployment …`` (the two aligned)."""
    from odiac.ops.deploys import describe

    name = choice.service.name
    current = describe(choice.current, choice.history, now) if choice.current else "(nothing live)"
    return (
        f"Roll back {name} from {current}\n"
        f"{' ' * (10 + len(name))}   to {describe(choice.target, choice.history, now)}."
    )


def _say(text: str, as_json: bool) -> None:
    # With --json, stdout holds only the JSON document; people still read stderr.
    echo(text, err=as_json)
