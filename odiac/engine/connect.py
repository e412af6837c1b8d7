"""Open a :class:`~odiac.engine.session.Session`: load the file, resolve the credential,
connect to the gateway (or, on a first run, plan without any credential)."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from odiac.engine.plankey import load_plan_key
from odiac.engine.session import Session

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from odiac.gateway.auth import Credential
    from odiac.gateway.client import GatewayClient


@contextlib.asynccontextmanager
async def open_session(
    config_file: str | os.PathLike[str],
    *,
    environment: str | None = None,
    gateway: str | None = None,
    token: str | None = None,
    allow_register: bool = False,
    warn: Callable[[str], None] | None = None,
    client_options: dict[str, Any] | None = None,
    allow_no_credential: bool = False,
    shared: Session | None = None,
    workdir: Path | None = None,
) -> AsyncIterator[Session]:
    """Load the configuration and connect to its gateway.

    Example:
        async with open_session("opendeploy.toml", environment="production") as session:
            result = await plan(session)

    Args:
        config_file: The ``opendeploy.toml`` to load.
        environment: The environment (None: the file's default).
        gateway: A gateway URL (or "local") used instead of the file's.
        token: A gateway token given explicitly (over ``OPENDEPLOY_TOKEN``, the auth file).
        allow_register: Register a client agent when no credential exists.
        warn: Receives credential warnings.
        client_options: Extra :class:`GatewayClient` options (e.g. ``transport``).
        allow_no_credential: When no credential exists at all (no token, no token
            variable, no auth file), open a session without one instead of failing
            (a first-time user's plan). Not in CI for a remote gateway: a drift check
            without a token is a misconfiguration.
        shared: An open session whose connection (client and credential) this one
            reuses when both configurations name the same gateway (all environments).
        workdir: The folder holding ``.opendeploy/`` (default: the working directory).

    Raises:
        ConfigError: The file is invalid (every problem listed).
        CredentialError: No usable credential.
        PluginError: A plugin failed to load.
    """
    from odiac.config.loader import load_config
    from odiac.gateway.local import open_gateway
    from odiac.plugin.manager import get_plugin_manager

    overrides = {"gateway.url": gateway} if gateway else None
    loaded = load_config(Path(config_file), environment, overrides=overrides)
    plugins = get_plugin_manager()
    workdir = workdir or Path.cwd()
    url = loaded.config.gateway.url
    if shared is not None and shared.loaded.config.gateway.url == url:
        # Same connection and scratch folder (planning builds no archive there).
        yield dataclasses.replace(shared, loaded=loaded)
        return

    def session(client: GatewayClient, credential: Credential | None, scratch: str) -> Session:
        return Session(
            loaded=loaded,
            client=client,
            credential=credential,
            plugins=plugins,
            workdir=workdir,
            scratch=Path(scratch),
            hmac_key=load_plan_key(workdir),
        )

    with tempfile.TemporaryDirectory(prefix="odiac-") as scratch:
        if allow_no_credential and _first_run(url, workdir, token):
            async with _unused_client(url, client_options) as client:
                yield session(client, None, scratch)
            return
        async with open_gateway(
            gateway=url,
            workdir=workdir,
            flag_token=token,
            allow_register=allow_register,
            warn=warn,
            **(client_options or {}),
        ) as (client, credential):
            yield session(client, credential, scratch)


def _first_run(gateway: str, workdir: Path, flag_token: str | None) -> bool:
    """No credential source is set at all (a set but bad one is for resolving to judge).

    Never true in CI for a remote gateway: there resolving fails and names the token
    variable. The local gateway reads only its own auth file (and registers in CI).
    """
    from odiac.gateway.auth import TOKEN_ENV, auth_file_path
    from odiac.gateway.local import LOCAL_AUTH_FILE, is_local

    if flag_token:
        return False
    if is_local(gateway):
        return not (workdir / LOCAL_AUTH_FILE).exists()
    if os.environ.get(TOKEN_ENV) or os.environ.get("CI"):
        return False
    return not auth_file_path(workdir, os.environ).exists()


@contextlib.asynccontextmanager
async def _unused_client(
    gateway: str, client_options: dict[str, Any] | None
) -> AsyncIterator[GatewayClient]:
    """An unauthenticated client nothing is sent with (sessions without a credential)."""
    from odiac.gateway.client import GatewayClient
    from odiac.gateway.local import LOCAL_BASE_URL, is_local

    base_url = LOCAL_BASE_URL if is_local(gateway) else gateway
    client = GatewayClient(base_url, None, **(client_options or {}))
    try:
        yield client
    finally:
        await client.aclose()
