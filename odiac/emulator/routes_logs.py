"""Deployment logs: one-shot, Server-Sent Events, and the build-log WebSocket (3.8.5 - 3.8.7)."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

from starlette.responses import PlainTextResponse, Response, StreamingResponse

from odiac.emulator import timeline, views
from odiac.emulator.auth import authenticate, load_child
from odiac.emulator.clock import parse_rfc3339, rfc3339
from odiac.emulator.errors import ApiError, bad_request, json_response
from odiac.emulator.lifecycle import tick

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from starlette.websockets import WebSocket

    from odiac.emulator.routing import Ctx, RouteTable
    from odiac.emulator.store import Doc
    from odiac.emulator.world import World

MAX_TAIL = 5000


def visible_lines(row: Doc, now: float) -> list[dict[str, Any]]:
    """Log lines written so far, as LogLine objects."""
    plan = row["plan"]
    limit = now - row["created_at"]
    if row.get("finished") and row.get("completed_at") is not None:
        limit = min(limit, row["completed_at"] - row["created_at"])
    found = [line for line in timeline.lines(plan) if line.offset <= limit]
    if row.get("status") == "cancelled":
        found.append(timeline.Line(limit, "warn", "system", "Deployment cancelled"))
    return [
        {
            "timestamp": rfc3339(row["created_at"] + line.offset),
            "level": line.level,
            "source": line.source,
            "message": line.message,
            "_at": row["created_at"] + line.offset,
        }
        for line in found
    ]


def _public(line: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in line.items() if k != "_at"}


async def get_logs(ctx: Ctx) -> Response:
    """GET /v1/deployments/{did}/logs?tail=&since= (3.8.5)."""
    row, _project = load_child(
        ctx.world.store, ctx.me, "deployment", ctx.params["did"], "deployment"
    )
    tail = _int_param(ctx.query("tail"), 100)
    since_text = ctx.query("since")
    lines = visible_lines(row, ctx.now)
    status, _progress = views.deployment_state(row, ctx.now)
    if not lines and status == "failed":
        return json_response({"deployment_id": row["id"], "logs": None, "total": 0})
    if since_text:
        try:
            since = parse_rfc3339(since_text)
        except ValueError:
            raise bad_request("invalid since: expected an RFC 3339 timestamp") from None
        lines = [line for line in lines if line["_at"] >= since - 0.0005]
    total = len(lines)
    shown = lines[-tail:] if tail else []
    return json_response(
        {"deployment_id": row["id"], "logs": [_public(x) for x in shown], "total": total}
    )


def _int_param(text: str | None, default: int) -> int:
    if text is None or text == "":
        return default
    if not text.isdigit() or int(text) > MAX_TAIL:
        raise bad_request(f"invalid tail: expected an integer between 0 and {MAX_TAIL}")
    return int(text)


async def stream_logs(ctx: Ctx) -> Response:
    """GET /v1/deployments/{did}/logs/stream: Server-Sent Events (3.8.6)."""
    row, _project = load_child(
        ctx.world.store, ctx.me, "deployment", ctx.params["did"], "deployment"
    )
    return StreamingResponse(
        _events(ctx.world, row["id"]),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _event(name: str, data: object) -> str:
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


async def _events(world: World, did: str) -> AsyncIterator[str]:
    sent = 0
    last_status: str | None = None
    while True:
        now = tick(world)
        row = world.store.get("deployment", did)
        if row is None:  # collected while streaming
            yield _event("end", {})
            return
        status, progress = views.deployment_state(row, now)
        lines = visible_lines(row, now)
        for line in lines[sent:]:
            yield _event("log", _public(line))
        sent = len(lines)
        if status != last_status:
            yield _event("status", {"status": status, "progress": progress})
            last_status = status
        if status in timeline.TERMINAL:
            yield _event("end", {})
            return
        await asyncio.sleep(float(world.settings["stream_poll_s"]))


async def build_logs_http(ctx: Ctx) -> Response:
    """A plain GET on the WebSocket route: refused like a failed upgrade."""
    load_child(ctx.world.store, ctx.me, "deployment", ctx.params["did"], "deployment")
    return PlainTextResponse("websocket upgrade required", status_code=400)


async def build_logs_socket(websocket: WebSocket) -> None:
    """Build-phase lines, one text frame each; close 1000 when the build phase ends."""
    world: World = websocket.app.state.world
    now = tick(world)
    try:
        caller = authenticate(world.store, websocket.headers.get("authorization"))
        row, _project = load_child(
            world.store, caller, "deployment", websocket.path_params["did"], "deployment"
        )
    except ApiError as exc:
        await _deny(websocket, exc.status, str(exc.body.get("error", "")))
        return
    status, _progress = views.deployment_state(row, now)
    if not _build_lines(row, now) and status == "failed":
        await _deny(websocket, 400, "deployment failed before any build log line was written")
        return
    await websocket.accept()
    sent = 0
    while True:
        now = tick(world)
        current = world.store.get("deployment", row["id"])
        if current is None:
            break
        lines = _build_lines(current, now)
        for line in lines[sent:]:
            await websocket.send_text(json.dumps(line, separators=(",", ":")))
        sent = len(lines)
        status, _progress = views.deployment_state(current, now)
        if status not in ("pending", "building"):
            break
        await asyncio.sleep(float(world.settings["stream_poll_s"]))
    await websocket.close(code=1000)


def _build_lines(row: Doc, now: float) -> list[dict[str, Any]]:
    return [_public(x) for x in visible_lines(row, now) if x["source"] == "buildctl"]


async def _deny(websocket: WebSocket, status: int, text: str) -> None:
    try:
        await websocket.send_denial_response(PlainTextResponse(text, status_code=status))
    except RuntimeError:  # server without the denial-response extension
        await websocket.close(code=1008)


def routes(table: RouteTable) -> None:
    """Add this module's routes."""
    table.add("GET", "/v1/deployments/{did}/logs", get_logs)
    table.add("GET", "/v1/deployments/{did}/logs/stream", stream_logs)
    table.add("GET", "/v1/deployments/{did}/build-logs/stream", build_logs_http)
