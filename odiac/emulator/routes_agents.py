"""Client agents, regions and profile (gateway-api 3.1, 3.2, 3.11)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from odiac.emulator import accounts, schemas, tokens
from odiac.emulator.clock import rfc3339
from odiac.emulator.decode import decode, validate
from odiac.emulator.errors import ApiError, bad_request, gateway_error, json_response, not_found
from odiac.emulator.fixtures import (
    GC_HORIZON_S,
    RATE_LIMIT,
    RATE_WINDOW_S,
    REGIONS,
    REPLAY_WINDOW_S,
)

if TYPE_CHECKING:
    from starlette.responses import Response

    from odiac.emulator.routing import Ctx, RouteTable
    from odiac.emulator.world import World


def origin(world: World, ctx: Ctx) -> str:
    """The dashboard origin: the configured public URL or scheme + Host of the request."""
    if world.public_base_url:
        return world.public_base_url.removesuffix("/api")
    host = ctx.request.headers.get("host") or ctx.request.url.netloc
    return f"{ctx.request.url.scheme}://{host}"


def source_ip(world: World, ctx: Ctx) -> str:
    """TCP peer, or the first X-Forwarded-For entry when trusted (gateway-api 3.1.1)."""
    if world.settings["trust_forwarded_for"]:
        forwarded = ctx.request.headers.get("x-forwarded-for", "")
        first = forwarded.split(",")[0].strip()
        if first:
            return first
    client = ctx.request.client
    return client.host if client else "unknown"


async def register(ctx: Ctx) -> Response:
    """POST /v1/client-agents/register: mint, or replay, a pending agent (3.1.1)."""
    world, store, now = ctx.world, ctx.world.store, ctx.now
    values = decode(schemas.REGISTER, await ctx.body(), allow_empty=True)
    name = values.get("name", "").strip()
    if len(name) > 64:
        raise bad_request("name must be at most 64 characters")
    ip = source_ip(world, ctx)
    user_agent = ctx.request.headers.get("user-agent", "")
    stored: dict[str, list[float]] = store.meta_get("register_hits", {})
    # Only hits inside the sliding window matter; older ones are dropped for every IP.
    hits = {
        key: kept
        for key, times in stored.items()
        if (kept := [t for t in times if t > now - RATE_WINDOW_S])
    }
    recent = hits.get(ip, [])
    if len(recent) >= RATE_LIMIT:
        wait = max(1, math.ceil(min(recent) + RATE_WINDOW_S - now))
        raise gateway_error(
            429,
            "rate_limited",
            "Too many register attempts from this IP. Wait before retrying.",
            headers={"Retry-After": str(wait)},
            reason="ip_over_quota_retry",
            retry_after_seconds=wait,
        )
    with store.transaction():
        hits[ip] = [*recent, now]
        store.meta_set("register_hits", hits)
        replay = _replayable(world, ip, user_agent, now)
        token: str | None = None
        if replay is None:
            agent, token = accounts.new_agent(store, name, ip, user_agent, now)
        else:
            agent = replay
    base = origin(world, ctx)
    sig = tokens.bind_signature(world.secret, agent["id"])
    body: dict[str, Any] = {}
    if token is not None:
        body["api_key"] = token
    body.update(
        agent_id=agent["id"],
        bind_sig=sig,
        claim_url=f"{base}/claim/{agent['id']}?h={sig}",
        gateway=world.public_base_url if world.public_base_url else f"{base}/api",
        expires_in_seconds=GC_HORIZON_S,
        name=agent["name"],
    )
    if world.public_base_url and not body["gateway"].endswith("/api"):
        body["gateway"] += "/api"
    return json_response(body)


def _replayable(world: World, ip: str, user_agent: str, now: float) -> dict[str, Any] | None:
    rows = world.store.find("agent", ip=ip, ua=user_agent, state="pending")
    fresh = [a for a in rows if a["created_at"] + REPLAY_WINDOW_S > now]
    return max(fresh, key=lambda a: a["created_at"]) if fresh else None


def _check_sig(world: World, agent_id: str, sig: str | None) -> None:
    expected = tokens.bind_signature(world.secret, agent_id)
    if not sig or not tokens.same(expected, sig.lower()):
        raise ApiError(403, {"error": "invalid signature"})


async def agent_status(ctx: Ctx) -> Response:
    """GET /v1/client-agents/{aid}/status?h=: bind state, signature-authenticated (3.1.2)."""
    store = ctx.world.store
    agent = store.get("agent", ctx.params["aid"])
    if agent is None:
        raise not_found("agent")
    _check_sig(ctx.world, agent["id"], ctx.query("h"))
    projects = store.find("project", agent_id=agent["id"])
    deployments = [d for p in projects for d in store.find("deployment", project_id=p["id"])]
    last_deployed = max((d["created_at"] for d in deployments), default=None)
    expires = None
    live = [p for p in projects if p.get("user_id") is None]
    if agent["state"] == "pending" and live:
        expires = max(p["last_activity_at"] for p in live) + GC_HORIZON_S
    return json_response(
        {
            "agent_id": agent["id"],
            "state": agent["state"],
            "name": agent["name"],
            "created_at": rfc3339(agent["created_at"]),
            "last_deployed_at": rfc3339(last_deployed),
            "expires_at": rfc3339(expires),
        }
    )


async def dashboard_bind(ctx: Ctx) -> Response:
    """POST /v1/client-agents/{aid}/bind: dashboard sign-in only (3.1.3)."""
    if ctx.request.headers.get("authorization"):
        raise gateway_error(401, "unauthorized", "dashboard sign-in required")
    user_id = ctx.request.headers.get("x-emulator-user", "")
    if not user_id or ctx.world.store.get("user", user_id) is None:
        raise gateway_error(401, "unauthorized", "dashboard sign-in required")
    values = decode(schemas.BIND, await ctx.body())
    validate(schemas.BIND, values)
    agent = ctx.world.store.get("agent", ctx.params["aid"])
    if agent is None:
        raise not_found("agent")
    _check_sig(ctx.world, agent["id"], values["sig"])
    result = accounts.bind_agent(ctx.world.store, agent["id"], user_id, ctx.now, values.get("name"))
    bound = result["agent"]
    return json_response(
        {
            "agent_id": bound["id"],
            "bound_at": rfc3339(bound["bound_at"]),
            "name": bound["name"],
            "project_ids": result["project_ids"],
        }
    )


async def dashboard_only(ctx: Ctx) -> Response:
    """Routes that need a dashboard session: any Bearer caller gets 401."""
    raise gateway_error(401, "unauthorized", "dashboard sign-in required")


async def regions(ctx: Ctx) -> Response:
    """GET /v1/regions/: the region fixtures as a bare array (3.2.1)."""
    return json_response(REGIONS)


async def profile(ctx: Ctx) -> Response:
    """GET /v1/profile: the user behind a PAT or bound agent (3.2.2)."""
    if ctx.me.pending:
        raise gateway_error(401, "unauthorized", "guest tenants have no user profile")
    user = ctx.world.store.get("user", ctx.me.user_id or "")
    if user is None:
        raise gateway_error(401, "unauthorized", "user no longer exists")
    return json_response(
        {"id": user["id"], "email": user["email"], "plan": user["plan"], "name": user["name"]}
    )


def routes(table: RouteTable) -> None:
    """Add this module's routes."""
    table.add("POST", "/v1/client-agents/register", register, anonymous=True)
    table.add("GET", "/v1/client-agents/{aid}/status", agent_status, anonymous=True)
    table.add("POST", "/v1/client-agents/{aid}/bind", dashboard_bind, anonymous=True)
    table.add("POST", "/v1/user/api-key", dashboard_only, anonymous=True)
    table.add("GET", "/v1/regions/", regions)
    table.add("GET", "/v1/profile", profile)
