"""Register a client agent and save its auth file (gateway-api 2.3-2.5, 3.1.1).

The plaintext key is returned exactly once, so the file is written immediately
after a successful register and before any other call. A replay (no ``api_key``),
or an answer without ``agent_id``/``bind_sig``, aborts without writing anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from odiac.errors import CredentialError
from odiac.gateway.authfile import AuthFileData, write_auth_file
from odiac.gateway.errors import GatewayError, RateLimited

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from odiac.gateway.auth import Credential
    from odiac.gateway.client import GatewayClient


def _wait_text(seconds: int | None) -> str:
    if seconds is None:
        return "a while"
    if seconds < 120:
        return f"{seconds} seconds"
    return f"{seconds} seconds (about {round(seconds / 60)} minutes)"


async def register_agent(
    *,
    gateway: str,
    path: Path,
    client_factory: Callable[[str], GatewayClient],
    name: str | None = None,
) -> Credential:
    """Register a fresh client agent on ``gateway`` and write its auth file to ``path``."""
    from odiac.gateway.auth import Credential, check_token, dashboard_of, normalize_gateway

    async with client_factory(gateway) as client:
        try:
            result = await client.register_agent(name)
        except RateLimited as exc:
            raise CredentialError(
                "The gateway refused to register a client agent: too many registrations "
                f"from this network. Wait {_wait_text(exc.retry_after)} before trying again.",
                hint="Or set OPENDEPLOY_TOKEN to a personal access key.",
            ) from None
        except GatewayError as exc:
            raise CredentialError(
                f"Registering a client agent failed: {exc.message}", hint=exc.hint
            ) from None

    if result.api_key is None:
        agent = f" ({result.agent_id})" if result.agent_id else ""
        raise CredentialError(
            f"The gateway returned the client agent registered earlier from this machine"
            f"{agent}, but its key is shown only once and was not saved here. "
            f"Nothing was written to {path}.",
            hint="Restore the previous .opendeploy/auth.json, set OPENDEPLOY_TOKEN to a "
            "personal access key, or wait up to 24 hours and run again.",
        )
    if not result.agent_id or not result.bind_sig:
        missing = "agent_id" if not result.agent_id else "bind_sig"
        raise CredentialError(
            f"The gateway registered a client agent but sent no {missing}; nothing was "
            f"written to {path}.",
        )
    check_token(result.api_key, "the register answer")
    adopted = result.gateway or gateway
    claim_url = result.claim_url or (
        f"{dashboard_of(adopted)}/claim/{result.agent_id}?h={result.bind_sig}"
    )
    data = AuthFileData(
        api_key=result.api_key,
        gateway=adopted,
        agent_id=result.agent_id,
        bind_sig=result.bind_sig,
        claim_url=claim_url,
    )
    write_auth_file(path, data)
    if normalize_gateway(adopted) != normalize_gateway(gateway):
        raise CredentialError(
            f"The gateway at {gateway} registered the client agent under the address "
            f"{adopted}; its credential was saved to {path}.",
            hint=f"Set the configuration's gateway to {adopted} and run again.",
        )
    return Credential(
        kind="agent",
        token=result.api_key,
        gateway=gateway,
        source="registered",
        agent_id=result.agent_id,
        bind_sig=result.bind_sig,
        claim_url=claim_url,
        auth_file=path,
        freshly_registered=True,
    )
