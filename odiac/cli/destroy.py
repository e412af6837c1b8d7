"""``odiac destroy``: delete one environment's project and everything in it.

Exit codes: 0 destroyed (or nothing to destroy), 1 refused or failed, 64 usage error.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from odiac.cli.output import echo, is_interactive
from odiac.cli.prompt import run_interruptible, warn
from odiac.errors import OdiacError

if TYPE_CHECKING:
    from odiac.cli.context import GlobalOptions
    from odiac.ops.destroy import DestroyTarget


@click.command(
    "destroy",
    epilog="Example:\n\n\b\n  odiac plan --destroy --env pr-42   # preview\n"
    "  odiac destroy --env pr-42 --auto-approve",
)
@click.option("--auto-approve", is_flag=True, help="Do not ask to type the project name (CI).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report on stdout.")
@click.option("--token", help="Gateway token (default: OPENDEPLOY_TOKEN or the auth file).")
@click.pass_obj
def command(options: GlobalOptions, auto_approve: bool, as_json: bool, token: str | None) -> None:
    """Delete the environment's project with its services, databases and domains.

    Shows everything that goes first and asks you to type the project name. Only
    that one project is deleted; a client agent not yet bound to an account, or a
    gateway that keeps deletes for the dashboard, stops it before anything happens.
    """
    if not auto_approve and not is_interactive():
        raise OdiacError(
            "refusing to destroy without confirmation: there is no terminal to ask on",
            hint="Pass --auto-approve (CI) after previewing with: odiac plan --destroy",
        )
    report = run_interruptible(_destroy(options, token, auto_approve, as_json))
    if as_json:
        echo(json.dumps(report, indent=2, sort_keys=True))


async def _destroy(
    options: GlobalOptions, token: str | None, auto_approve: bool, as_json: bool
) -> dict[str, Any]:
    from odiac.cli.session import open_session
    from odiac.ops.destroy import delete, read_target, refuse_pending_agent, render_target

    async with open_session(options, flag_token=token, allow_register=False, warn=warn) as session:
        loaded = session.loaded
        target = await read_target(session.client, loaded.config.project.name, loaded.environment)
        for line in render_target(target):
            echo(line, err=as_json)
        if not target.exists:
            return {**target.to_json(), "destroyed": False}
        try:
            await refuse_pending_agent(session.client, session.require_credential(), target)
            if not auto_approve:
                _confirm(target)
            message = await delete(session.client, target)
        except OdiacError as exc:
            if as_json:
                echo(json.dumps({**target.to_json(), "destroyed": False, "error": exc.message}))
            raise
        echo(
            f'Destroyed project "{target.project}" (environment {target.environment})'
            + (f": {message}" if message else "."),
            err=as_json,
        )
        return {**target.to_json(), "destroyed": True}


def _confirm(target: DestroyTarget) -> None:
    typed = click.prompt(
        f'Type the project name "{target.project}" to delete it',
        default="",
        show_default=False,
    )
    if typed.strip() != target.project:
        raise OdiacError("destroy cancelled: the name did not match; nothing was deleted")


def preview(target: DestroyTarget, refusal: str | None, *, as_json: bool) -> str:
    """``odiac plan --destroy``: what destroy would delete, or why it would be refused."""
    from odiac.ops.destroy import render_target

    if as_json:
        return json.dumps({**target.to_json(), "refused": refusal}, indent=2, sort_keys=True)
    lines = render_target(target)
    if refusal:
        lines += ["", f"Destroy would be refused: {refusal}"]
    elif target.exists:
        lines += ["", f"Run `odiac destroy --env {target.environment}` to delete it."]
    return "\n".join(lines)
