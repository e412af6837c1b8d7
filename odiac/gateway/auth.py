"""Find, or mint, the credential odiac uses (gateway-api 2.5).

Order: ``--token`` > ``OPENDEPLOY_TOKEN`` > ``OPDEPLOY_AUTH_FILE`` >
``./.opendeploy/auth.json``. With none of them and a command that changes
something, a client agent is registered and its auth file written at once,
before any other call; in CI (``CI`` set) odiac refuses and asks for
``OPENDEPLOY_TOKEN`` instead. Every token and bind signature is registered with
:mod:`odiac.redact` the moment it is read.
"""

from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import quote, urlsplit

from odiac.errors import CredentialError
from odiac.gateway.authfile import (
    AuthFileData,
    loose_mode,
    read_auth_file,
    repair_mode,
)
from odiac.redact import register

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from odiac.gateway.client import GatewayClient

TOKEN_ENV = "OPENDEPLOY_TOKEN"  # noqa: S105 - a variable name, not a secret
AUTH_FILE_ENV = "OPDEPLOY_AUTH_FILE"  # sic: the contract spells it without "EN"
DEFAULT_AUTH_FILE = Path(".opendeploy/auth.json")
TOKEN_RE = re.compile(r"^od_[ka][0-9A-Za-z]{43}$")

Kind = Literal["pat", "agent"]
Source = Literal["flag", "env", "file", "registered"]


class CredentialWarning(UserWarning):
    """Something about the credential was repaired (e.g. file permissions)."""


@dataclass(frozen=True, repr=False)
class Credential:
    """A resolved credential. ``repr``/``str`` never show the token or bind signature."""

    kind: Kind
    token: str
    gateway: str
    source: Source
    agent_id: str | None = None
    bind_sig: str | None = None
    claim_url: str | None = None
    auth_file: Path | None = None
    freshly_registered: bool = False

    def __repr__(self) -> str:
        agent = f", agent_id={self.agent_id!r}" if self.agent_id else ""
        return (
            f"Credential(kind={self.kind!r}, gateway={self.gateway!r}, "
            f"source={self.source!r}{agent}, token=[redacted])"
        )

    __str__ = __repr__


def kind_of(token: str) -> Kind:
    """``pat`` for ``od_k`` keys, ``agent`` for ``od_a`` client-agent keys."""
    return "agent" if token.startswith("od_a") else "pat"


def normalize_gateway(url: str) -> str:
    """Comparable form of a gateway base URL (scheme and host lower-cased, no trailing /)."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    if not parts.scheme or not parts.netloc:
        return url.strip().rstrip("/")
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}"


def dashboard_of(gateway: str) -> str:
    """The dashboard origin of a gateway: the base URL without its final ``/api``."""
    base = gateway.rstrip("/")
    return base.removesuffix("/api")


def claim_url_with_app(claim_url: str, app_url: str) -> str:
    """Append ``url=<percent-encoded app URL>`` with ``&`` or ``?`` (gateway-api 2.4)."""
    joiner = "&" if "?" in claim_url else "?"
    return f"{claim_url}{joiner}url={quote(app_url, safe='')}"


def auth_file_path(workdir: Path, env: Mapping[str, str]) -> Path:
    """Where the auth file lives: ``OPDEPLOY_AUTH_FILE`` or ``./.opendeploy/auth.json``."""
    override = env.get(AUTH_FILE_ENV)
    if override:
        path = Path(override).expanduser()
        return path if path.is_absolute() else workdir / path
    return workdir / DEFAULT_AUTH_FILE


def _warn(message: str) -> None:
    warnings.warn(message, CredentialWarning, stacklevel=3)


async def resolve_credential(
    *,
    flag_token: str | None,
    gateway: str,
    workdir: Path,
    allow_register: bool,
    client_factory: Callable[[str], GatewayClient],
    env: Mapping[str, str] | None = None,
    auth_file: Path | None = None,
    warn: Callable[[str], None] | None = None,
    agent_name: str | None = None,
    ci_guard: bool = True,
    token_env: str | None = TOKEN_ENV,
) -> Credential:
    """Resolve the credential for ``gateway`` (gateway-api 2.5).

    Args:
        flag_token: value of ``--token``, if given.
        gateway: the base URL the configuration targets.
        workdir: directory holding ``.opendeploy/``.
        allow_register: the command changes something, so a client agent may be
            registered when no credential exists.
        client_factory: builds an anonymous client for a base URL (used to register).
        env: environment (default ``os.environ``).
        auth_file: explicit auth file (skips ``OPDEPLOY_AUTH_FILE``).
        warn: receives warnings (default: :func:`warnings.warn`).
        agent_name: display name sent when registering.
        ci_guard: refuse to register when ``CI`` is set.
        token_env: environment variable holding a token (None: do not read one).

    Raises:
        CredentialError: no usable credential, a bad auth file, a refused register,
            or a credential issued by another gateway.
    """
    env = os.environ if env is None else env
    warn = warn or _warn
    for token, source, where in (
        (flag_token, "flag", "--token"),
        (env.get(token_env) if token_env else None, "env", token_env or ""),
    ):
        if token:
            register(token)
            check_token(token, where)
            return Credential(kind=kind_of(token), token=token, gateway=gateway, source=source)  # type: ignore[arg-type]

    path = auth_file or auth_file_path(workdir, env)
    data = read_auth_file(path)
    if data is not None:
        if (mode := loose_mode(path)) is not None:
            repair_mode(path)
            warn(f"{path} was readable by others (mode {mode:04o}); odiac changed it to 0600.")
        check_token(data.api_key, str(path))
        if data.gateway and normalize_gateway(data.gateway) != normalize_gateway(gateway):
            raise CredentialError(
                f"The credential in {path} belongs to the gateway {data.gateway}, but the "
                f"configuration targets {gateway}.",
                hint="Point the configuration at the credential's gateway, or use another "
                f"auth file ({AUTH_FILE_ENV}) or token ({TOKEN_ENV}) for this gateway.",
            )
        return Credential(
            kind=kind_of(data.api_key),
            token=data.api_key,
            gateway=gateway,
            source="file",
            agent_id=data.agent_id,
            bind_sig=data.bind_sig,
            claim_url=data.claim_url or _rebuilt_claim_url(gateway, data),
            auth_file=path,
        )

    if not allow_register:
        checked = ", ".join(["--token", *([token_env] if token_env else [])])
        advice = f"Set {token_env} to a personal access key, or run" if token_env else "Run"
        raise CredentialError(
            f"No OpenDeploy credential: none of {checked} or {path} is set.",
            hint=f"{advice} a command that changes something (odiac apply) to register "
            "a client agent.",
        )
    if ci_guard and env.get("CI"):
        raise CredentialError(
            f"No OpenDeploy credential, and CI is set: odiac does not register client "
            f"agents in CI. Set {TOKEN_ENV} to a personal access key.",
        )
    from odiac.gateway.register import register_agent

    return await register_agent(
        gateway=gateway, path=path, client_factory=client_factory, name=agent_name
    )


def check_token(token: str, where: str) -> None:
    if not TOKEN_RE.match(token):
        raise CredentialError(
            f"The token from {where} is not an OpenDeploy key (expected od_k or od_a "
            "followed by 43 letters and digits).",
        )


def _rebuilt_claim_url(gateway: str, data: AuthFileData) -> str | None:
    if data.agent_id and data.bind_sig:
        base = data.gateway or gateway
        return f"{dashboard_of(base)}/claim/{data.agent_id}?h={data.bind_sig}"
    return None
