"""The ASGI application: one origin for ``/api``, ``/claim`` and ``/_emulator``.

The request pipeline follows gateway-api 1.7 exactly: trailing-slash redirect,
anonymous routes, Bearer authentication, DELETE gate, tier gate, route lookup
(plain-text 404), then the handler (whose quota checks run before body
validation). Fault injection wraps the handler; latency wraps every ``/api``
answer.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route as StarletteRoute
from starlette.routing import WebSocketRoute

from odiac.emulator import (
    claim,
    routes_agents,
    routes_control,
    routes_deployments,
    routes_domains,
    routes_logs,
    routes_multipart,
    routes_projects,
    routes_services,
    routes_upload,
    routes_volumes,
)
from odiac.emulator.auth import authenticate
from odiac.emulator.clock import rfc3339
from odiac.emulator.errors import ApiError, gateway_error, json_response, plain_not_found
from odiac.emulator.lifecycle import tick
from odiac.emulator.logs import access_log, install_filter
from odiac.emulator.routing import Ctx, Handler, RouteTable, tier_gated
from odiac.emulator.settings import delete_gate
from odiac.emulator.world import HTTP_FAULTS, World, log

if TYPE_CHECKING:
    from collections.abc import Mapping

    from starlette.requests import Request

_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def build_table() -> RouteTable:
    """Every gateway route."""
    table = RouteTable()
    for module in (
        routes_agents,
        routes_projects,
        routes_services,
        routes_upload,
        routes_multipart,
        routes_deployments,
        routes_logs,
        routes_domains,
        routes_volumes,
    ):
        module.routes(table)
    return table


class Gateway:
    """Request pipeline bound to one :class:`World`."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.table = build_table()

    async def handle(self, request: Request) -> Response:
        """Answer one HTTP request."""
        path = request.url.path
        started = time.monotonic()
        if path == "/_emulator" or path.startswith("/_emulator/"):
            return await routes_control.handle(self.world, request)
        if path.startswith("/claim/"):
            response = await claim.handle(self.world, request)
        elif path.startswith("/api/"):
            response = await self._api(request, path[len("/api") :])
            await self._latency()
        else:
            response = plain_not_found()
        self._record(request, response.status_code, started)
        return response

    async def _api(self, request: Request, path: str) -> Response:
        method = request.method
        target = self.table.redirect_target(path)
        if target is not None:
            query = request.url.query
            location = "/api" + target + (f"?{query}" if query else "")
            return RedirectResponse(location, status_code=301)
        now = tick(self.world)
        found = self.table.lookup(method, path)
        if found is not None and found[0].anonymous:
            ctx = Ctx(request, self.world, None, found[1], now)
            return await self._run(ctx, found[0].handler)
        try:
            caller = authenticate(self.world.store, request.headers.get("authorization"))
        except ApiError as exc:
            return exc.response()
        try:
            if method == "DELETE" and (caller.pending or delete_gate(self.world.settings) == "all"):
                raise gateway_error(
                    403,
                    "agent_delete_forbidden",
                    "DELETE is not available to this credential; use the dashboard.",
                    method="DELETE",
                    path=request.url.path,
                )
            if caller.pending and tier_gated(method, path):
                raise gateway_error(
                    403,
                    "bind_required",
                    "Bind this client agent to an OpenDeploy account to use this feature.",
                )
            if found is None:
                response = plain_not_found()
            else:
                self._check_consent(request, found[0].consent)
                ctx = Ctx(request, self.world, caller, found[1], now)
                response = await self._run(ctx, found[0].handler)
        except ApiError as exc:
            response = exc.response()
        response.headers["X-Tenant-Type"] = caller.tenant_type
        return response

    def _check_consent(self, request: Request, kind: str) -> None:
        """Newer profile: live-service and custom-domain actions need explicit consent."""
        if not kind or self.world.settings["profile"] != "newer":
            return
        given = request.headers.get("x-opendeploy-consent", "")
        if kind not in {part.strip() for part in given.split(",")}:
            raise gateway_error(
                403,
                "consent_required",
                f"This action needs X-OpenDeploy-Consent: {kind}",
                required_consent=kind,
                next_action="ask_user",
            )

    async def _run(self, ctx: Ctx, handler: Handler) -> Response:
        request = ctx.request
        fault = self.world.take_fault(HTTP_FAULTS, request.method, request.url.path)
        if fault is not None and fault.startswith("http_"):
            status = int(fault.removeprefix("http_"))
            return json_response({"error": "injected fault", "message": f"HTTP {status}"}, status)
        if fault == "timeout":
            await self._hold(request)
            return PlainTextResponse("504 Gateway Timeout", status_code=504)
        try:
            response = await handler(ctx)
        except ApiError as exc:
            response = exc.response()
        except Exception:
            log.exception("handler failed for %s %s", request.method, request.url.path)
            response = json_response({"error": "internal server error"}, 500)
        if fault == "drop_after_commit":
            return PlainTextResponse("502 Bad Gateway", status_code=502)
        return response

    async def _hold(self, request: Request) -> None:
        deadline = time.monotonic() + float(self.world.settings["timeout_hold_s"])
        while (remaining := deadline - time.monotonic()) > 0:
            if await request.is_disconnected():
                return
            await asyncio.sleep(min(0.05, remaining))

    async def _latency(self) -> None:
        base = int(self.world.settings["latency_ms"])
        jitter = int(self.world.settings["latency_jitter_ms"])
        delay = base + (random.randint(0, jitter) if jitter else 0)  # noqa: S311 - not crypto
        if delay > 0:
            await asyncio.sleep(delay / 1000)

    def _record(self, request: Request, status: int, started: float) -> None:
        entry = {
            "method": request.method,
            "path": request.url.path,
            "status": status,
            "time": rfc3339(self.world.now()),
            "duration_ms": round((time.monotonic() - started) * 1000, 3),
        }
        self.world.record_request(entry)
        access_log(request.method, request.url.path, status)


def create_app(
    db_path: str | os.PathLike[str] = ":memory:",
    *,
    data_dir: str | os.PathLike[str] | None = None,
    key: str | None = None,
    public_base_url: str | None = None,
    settings: Mapping[str, object] | None = None,
) -> Starlette:
    """Build the emulator ASGI app over the SQLite database at ``db_path``.

    Args:
        db_path: SQLite file, or ``":memory:"``.
        data_dir: where archives and sources live; defaults to ``<db dir>/<db stem>-data``
            for a file and a fresh temporary directory for memory.
        key: when set, ``/_emulator/*`` requires ``X-Emulator-Key: <key>``.
        public_base_url: origin reported by register (``gateway``, ``claim_url``).
        settings: initial settings, same keys as ``POST /_emulator/config``.
    """
    install_filter()
    world = World(
        os.fspath(db_path),
        os.fspath(data_dir) if data_dir is not None else None,
        key,
        public_base_url,
        settings,
    )
    gateway = Gateway(world)
    app = Starlette(
        routes=[
            WebSocketRoute(
                "/api/v1/deployments/{did}/build-logs/stream", routes_logs.build_logs_socket
            ),
            StarletteRoute("/{path:path}", gateway.handle, methods=_METHODS),
        ]
    )
    app.state.world = world
    app.state.gateway = gateway
    return app
