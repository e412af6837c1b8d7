"""``odiac auth``: inspect the credential odiac would use (never shows the key)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from odiac.cli.context import GlobalOptions

if TYPE_CHECKING:
    from odiac.gateway.auth import Credential
    from odiac.gateway.client import GatewayClient

_LABELS = {
    "pat": "personal access key",
    "pending": "client agent (pending)",
    "bound": "client agent (bound)",
}
_SOURCES = {"flag": "--token", "env": "OPENDEPLOY_TOKEN", "registered": "registered now"}


@click.group(name="auth")
def group() -> None:
    """Inspect OpenDeploy credentials."""


@group.command(name="status")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead of text.")
@click.option("--token", envvar=None, default=None, help="Check this key instead of the saved one.")
@click.pass_obj
def status(options: GlobalOptions | None, as_json: bool, token: str | None) -> None:
    """Show the credential's kind, gateway and agent id, and whether the agent is bound.

    A client agent is bound once GET /v1/profile answers 200; a pending agent has
    no profile yet. The key itself is never shown.
    """
    options = options or GlobalOptions()
    report = asyncio.run(_status(options, token))
    from odiac.cli.output import echo

    if as_json:
        echo(json.dumps(report, indent=2, sort_keys=True))
        return
    echo(f"kind:     {_LABELS[report['state']]}")
    echo(f"gateway:  {report['gateway']}")
    if report["agent_id"]:
        echo(f"agent id: {report['agent_id']}")
    if report["email"]:
        echo(f"account:  {report['email']}")
    echo(f"source:   {report['source']}")


def _gateway(options: GlobalOptions) -> str:
    """The gateway the configuration targets (the one resolution order of every command)."""
    return options.resolve_gateway()


async def _status(options: GlobalOptions, token: str | None) -> dict[str, Any]:
    from odiac.gateway.local import open_gateway

    gateway = _gateway(options)
    async with open_gateway(
        gateway=gateway,
        workdir=Path.cwd(),
        flag_token=token,
        allow_register=False,
        warn=_warn,
    ) as (client, credential):
        state, email = await _probe(client, credential)
    return {
        "kind": credential.kind,
        "state": state,
        "gateway": gateway,
        "agent_id": credential.agent_id,
        "email": email,
        "source": _SOURCES.get(credential.source, str(credential.auth_file)),
    }


@group.command(name="claim")
@click.option(
    "--email",
    default="me@localhost",
    show_default=True,
    help="Local gateway only: the local user the agent is bound to.",
)
@click.pass_obj
def claim(options: GlobalOptions | None, email: str) -> None:
    """Claim this folder's client agent, which lifts the caps of an anonymous agent.

    On the local gateway it binds the agent to a local user at once (no browser,
    no server). On OpenDeploy it prints the claim URL to open and sign in at.
    """
    options = options or GlobalOptions()
    from odiac.cli.output import echo
    from odiac.gateway.local import claim_local_agent, is_local

    gateway = _gateway(options)
    if is_local(gateway):
        credential = asyncio.run(claim_local_agent(Path.cwd(), email=email))
        echo(f"Claimed: client agent {credential.agent_id} is bound to {email} (local gateway).")
        echo("The caps of an anonymous agent no longer apply; plan again to see it.")
        return
    report = asyncio.run(_status(options, None))
    if report["state"] != "pending":
        echo(f"Nothing to claim: the credential is a {_LABELS[report['state']]}.")
        return
    url = asyncio.run(_claim_url(options))
    if url is None:
        from odiac.errors import CredentialError

        raise CredentialError("the auth file holds no claim URL for this agent")
    echo("Open this URL, sign in and confirm; the caps are lifted once the agent is bound:")
    click.echo(url)  # not redacted: the URL must carry the bind signature to work


async def _claim_url(options: GlobalOptions) -> str | None:
    from odiac.gateway.local import open_gateway

    async with open_gateway(
        gateway=_gateway(options), workdir=Path.cwd(), flag_token=None, allow_register=False
    ) as (_client, credential):
        return credential.claim_url


def _warn(message: str) -> None:
    from odiac.cli.output import echo

    echo(f"Warning: {message}", err=True)


async def _probe(client: GatewayClient, credential: Credential) -> tuple[str, str | None]:
    """``(state, email)``: regions first, so a rejected key fails clearly (playbook F1)."""
    from odiac.gateway.errors import AuthenticationError

    await client.list_regions()
    try:
        profile = await client.get_profile()
    except AuthenticationError:
        if credential.kind == "agent":
            return "pending", None  # guest tenants have no profile (F2)
        raise
    return ("bound" if credential.kind == "agent" else "pat"), profile.email or None
