"""The embedded local gateway (``gateway = "local"``) and the one door the CLI uses.

The local gateway is the emulator running in-process behind
:class:`httpx.ASGITransport`, its state in ``.opendeploy/local-gateway.sqlite``.
Its credentials live apart from real ones, in ``.opendeploy/local-auth.json``, so a
local run can never overwrite or send a real key.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
from collections.abc import AsyncIterator, Callable, MutableMapping
from pathlib import Path
from typing import Any

import httpx

from odiac.errors import OdiacError
from odiac.gateway.auth import Credential, resolve_credential
from odiac.gateway.client import GatewayClient
from odiac.statedir import ensure_state_dir

LOCAL = "local"
LOCAL_BASE_URL = "http://local.opendeploy.invalid/api"
# Where `odiac emulator serve --db .opendeploy/local-gateway.sqlite` answers by default:
# the local gateway's dashboard pages (the claim page) are opened there.
LOCAL_SERVE_ORIGIN = "http://127.0.0.1:8787"
LOCAL_DB = Path(".opendeploy/local-gateway.sqlite")
LOCAL_AUTH_FILE = Path(".opendeploy/local-auth.json")

Message = MutableMapping[str, Any]


def is_local(gateway: str) -> bool:
    return gateway.strip().lower() == LOCAL


def local_app(workdir: Path) -> Any:
    """The emulator ASGI app persisting to ``workdir/.opendeploy/local-gateway.sqlite``."""
    try:
        # Imported on demand: the emulator pulls in starlette and sqlite.
        create_app = importlib.import_module("odiac.emulator").create_app
    except (ImportError, AttributeError) as exc:
        raise OdiacError(f"The local gateway is not available: {exc}") from None
    db_path = workdir / LOCAL_DB
    ensure_state_dir(db_path.parent)
    return create_app(db_path=str(db_path))


def local_transport(workdir: Path) -> httpx.AsyncBaseTransport:
    """An in-process transport to the local gateway of ``workdir``."""
    return httpx.ASGITransport(app=local_app(workdir))


@contextlib.asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """Run an ASGI app's lifespan startup/shutdown around the block.

    :class:`httpx.ASGITransport` does not send lifespan events, and the emulator
    starts its virtual clock and timers there.
    """
    inbox: asyncio.Queue[Message] = asyncio.Queue()
    outbox: asyncio.Queue[Message] = asyncio.Queue()

    async def receive() -> Message:
        return await inbox.get()

    async def send(message: Message) -> None:
        await outbox.put(message)

    task = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send))
    await inbox.put({"type": "lifespan.startup"})
    started = await _next_message(outbox, task)
    if started is not None and started["type"] == "lifespan.startup.failed":
        raise OdiacError(f"The local gateway failed to start: {started.get('message', '')}")
    try:
        yield
    finally:
        if started is not None and not task.done():
            await inbox.put({"type": "lifespan.shutdown"})
            await _next_message(outbox, task)
        if not task.done():
            task.cancel()
        with contextlib.suppress(BaseException):
            await task


async def _next_message(outbox: asyncio.Queue[Message], task: asyncio.Task[Any]) -> Message | None:
    """The app's next lifespan message, or None when it ended (lifespan unsupported)."""
    getter = asyncio.ensure_future(outbox.get())
    done, _ = await asyncio.wait({getter, task}, return_when=asyncio.FIRST_COMPLETED)
    if getter in done:
        return getter.result()
    getter.cancel()
    return None


@contextlib.asynccontextmanager
async def open_gateway(
    *,
    gateway: str,
    workdir: Path,
    flag_token: str | None,
    allow_register: bool,
    warn: Callable[[str], None] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    **client_options: Any,
) -> AsyncIterator[tuple[GatewayClient, Credential]]:
    """Resolve the credential and yield a ready client for ``gateway`` (URL or "local").

    Example:
        async with open_gateway(gateway=url, workdir=Path.cwd(), flag_token=None,
                                allow_register=True) as (client, credential):
            await client.list_regions()
    """
    async with contextlib.AsyncExitStack() as stack:
        if is_local(gateway):
            base_url = LOCAL_BASE_URL
            if transport is None:
                app = local_app(workdir)
                await stack.enter_async_context(lifespan(app))
                transport = httpx.ASGITransport(app=app)
            credential = await resolve_credential(
                flag_token=flag_token,
                gateway=base_url,
                workdir=workdir,
                allow_register=allow_register,
                client_factory=lambda url: GatewayClient(
                    url, None, transport=transport, **client_options
                ),
                # Real keys (OPENDEPLOY_TOKEN, OPDEPLOY_AUTH_FILE) never go to the local gateway.
                env={},
                token_env=None,
                auth_file=workdir / LOCAL_AUTH_FILE,
                warn=warn,
                ci_guard=False,
            )
        else:
            base_url = gateway
            credential = await resolve_credential(
                flag_token=flag_token,
                gateway=base_url,
                workdir=workdir,
                allow_register=allow_register,
                client_factory=lambda url: GatewayClient(
                    url, None, transport=transport, **client_options
                ),
                warn=warn,
            )
        client = GatewayClient(base_url, credential.token, transport=transport, **client_options)
        stack.push_async_callback(client.aclose)
        yield client, credential


async def claim_local_agent(workdir: Path, *, email: str) -> Credential:
    """Bind the local gateway's client agent to a local user, as the dashboard would.

    The local gateway has no dashboard to sign in to: this creates a local user
    (``email``) and binds the agent of ``.opendeploy/local-auth.json`` to it in one
    step, through the emulator's control surface. The agent keeps its key; the caps
    of an anonymous agent no longer apply. Returns the (now bound) credential.

    Raises:
        CredentialError: There is no local agent yet, or the local key is not an agent.
    """
    from odiac.errors import CredentialError

    if not (workdir / LOCAL_AUTH_FILE).exists():
        raise CredentialError(
            "there is no local client agent to claim yet",
            hint="Run `odiac apply` first: it registers one.",
        )
    app = local_app(workdir)
    async with lifespan(app):
        transport = httpx.ASGITransport(app=app)
        async with open_gateway(
            gateway=LOCAL, workdir=workdir, flag_token=None, allow_register=False,
            transport=transport,
        ) as (_client, credential):  # fmt: skip
            if credential.kind != "agent" or not credential.agent_id:
                raise CredentialError("the local credential is not a client agent")
            origin = LOCAL_BASE_URL.removesuffix("/api")
            async with httpx.AsyncClient(transport=transport, base_url=origin) as control:
                created = await control.post("/_emulator/users", json={"email": email})
                created.raise_for_status()
                user_id = created.json()["user_id"]  # its key is never read or shown
                bound = await control.post(
                    f"/_emulator/agents/{credential.agent_id}/bind", json={"user_id": user_id}
                )
                bound.raise_for_status()
    return credential
