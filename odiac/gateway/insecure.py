"""Plain ``http://`` carries the key in clear: only to this machine, unless the user says so.

Every request carries the OpenDeploy key (or registers one), so a gateway URL with
``http://`` to another host hands the key to anyone on the network path. Loopback
addresses (``localhost``, ``127.0.0.0/8``, ``::1``), names under ``.invalid``
(they never resolve) and the embedded ``local`` gateway never leave the machine and are always fine. Anything else needs the
explicit opt-in ``ODIAC_ALLOW_INSECURE_HTTP=1`` (a trusted private network).
"""

from __future__ import annotations

import ipaddress
import os
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from odiac.errors import CredentialError

if TYPE_CHECKING:
    from collections.abc import Mapping

OPT_IN = "ODIAC_ALLOW_INSECURE_HTTP"
_YES = frozenset({"1", "true", "yes", "on"})


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith((".localhost", ".invalid")):
        return True  # .invalid never resolves: such a name only reaches an in-process gateway
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_gateway_url(url: str, env: Mapping[str, str] | None = None) -> None:
    """Refuse ``http://`` to a host other than this machine unless opted in.

    Raises:
        CredentialError: The URL would send the key in clear over a network.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() != "http":
        return
    host = parts.hostname or ""
    if is_loopback(host):
        return
    opt_in = (env if env is not None else os.environ).get(OPT_IN, "")
    if opt_in.strip().lower() in _YES:
        return
    raise CredentialError(
        f"refusing to use the gateway {parts.scheme}://{parts.netloc}: plain http:// sends "
        "your OpenDeploy key unencrypted, readable by anyone on the network between "
        "here and that host",
        hint=f"Use https://. If the network is trusted (a private test network), set "
        f"{OPT_IN}=1 to allow it.",
    )
