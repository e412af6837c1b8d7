"""Which account ``odiac init`` writes sizes for: an unclaimed agent, or an account.

No credential yet, or a pending (unclaimed) client agent, means the deploy runs
under the anonymous limits (1 CPU, 1Gi memory, 1 replica, one service per
project); a personal access key or a claimed agent means an account. Nothing is
registered here: with no credential, nothing is sent anywhere.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True)
class Target:
    """``account`` is True for a key or a claimed agent; ``why`` says how it was told."""

    account: bool
    why: str


def detect(workdir: Path, gateway: str) -> Target:
    """Decide from the credential apply would use for ``gateway`` in ``workdir``."""
    from odiac.gateway.auth import auth_file_path
    from odiac.gateway.local import LOCAL_AUTH_FILE, is_local

    local = is_local(gateway)
    if not local and os.environ.get("OPENDEPLOY_TOKEN"):
        return Target(True, "OPENDEPLOY_TOKEN is set")
    saved = workdir / LOCAL_AUTH_FILE if local else auth_file_path(workdir, os.environ)
    if not saved.is_file():
        return Target(False, "no credential yet: the first apply registers an unclaimed agent")
    try:
        state = asyncio.run(_state(workdir, gateway))
    except Exception as exc:
        from odiac.errors import CredentialError

        if isinstance(exc, CredentialError):
            return Target(False, "no credential yet: the first apply registers an unclaimed agent")
        return Target(False, "the saved agent could not be checked, so it is taken as unclaimed")
    if state == "pending":
        return Target(False, "the saved client agent is not claimed yet")
    return Target(True, "the saved credential belongs to an account")


async def _state(workdir: Path, gateway: str) -> str:
    from odiac.cli.auth import _probe
    from odiac.gateway.local import open_gateway

    async with open_gateway(
        gateway=gateway, workdir=workdir, flag_token=None, allow_register=False, warn=_quiet
    ) as (client, credential):
        if credential.kind == "pat":
            return "pat"
        state, _email = await _probe(client, credential)
        return state


def _quiet(message: str) -> None:
    del message
