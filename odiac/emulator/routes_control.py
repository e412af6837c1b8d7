"""The emulator control surface at ``/_emulator/*`` (gateway-api 3.13).

Never part of the gateway: guarded by ``X-Emulator-Key`` when a key is set,
closed to browsers (foreign ``Origin``, non-JSON bodies), and ``od_*`` tokens
are not accepted here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from odiac.emulator import accounts, bodies, control_guard, gitrepos
from odiac.emulator.clock import rfc3339
from odiac.emulator.decode import DecodeError, parse_json
from odiac.emulator.errors import ApiError, bad_request, json_response, not_found
from odiac.emulator.lifecycle import tick
from odiac.emulator.world import FAULT_KINDS, World

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response


_MAX_ADVANCE = 10 * 365 * 86_400  # keeps every timestamp printable


async def handle(world: World, request: Request) -> Response:
    """Answer one control request (after the guards of :mod:`control_guard`)."""
    refused = control_guard.refusal(world, request)
    if refused is not None:
        return refused
    path = request.url.path.removeprefix("/_emulator").rstrip("/") or "/"
    method = request.method
    try:
        return await _route(world, request, method, path)
    except ApiError as exc:
        return exc.response()


async def _json(request: Request, limit: int) -> dict[str, Any]:
    raw = await bodies.read(request, limit)
    if not raw.strip():
        return {}
    try:
        value = parse_json(raw)
    except DecodeError as exc:
        raise bad_request(f"malformed JSON: {exc.body['error']}") from None
    if not isinstance(value, dict):
        raise bad_request("expected a JSON object")
    return value


async def _route(world: World, request: Request, method: str, path: str) -> Response:
    parts = path.strip("/").split("/")
    store = world.store
    if (method, path) == ("POST", "/reset"):
        world.reset()
        return json_response({"reset": True})
    if (method, path) == ("GET", "/state"):
        tick(world)
        return json_response(_state(world))
    if (method, path) == ("POST", "/clock/advance"):
        body = await _json(request, int(world.settings["json_body_max_bytes"]))
        seconds = body.get("seconds")
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, int | float)
            or not 0 <= seconds <= _MAX_ADVANCE
        ):
            raise bad_request(f"seconds must be a number between 0 and {_MAX_ADVANCE}")
        world.clock.advance(float(seconds))
        now = tick(world)
        return json_response({"now": rfc3339(now), "epoch": now})
    if (method, path) == ("GET", "/clock"):
        now = world.now()
        return json_response({"now": rfc3339(now), "epoch": now, "time_scale": world.clock.scale})
    if path == "/config":
        if method == "POST":
            world.configure(await _json(request, int(world.settings["json_body_max_bytes"])))
        return json_response(world.settings)
    if (method, path) == ("POST", "/users"):
        body = await _json(request, int(world.settings["json_body_max_bytes"]))
        email = body.get("email")
        if not isinstance(email, str) or "@" not in email:
            raise bad_request("email is required")
        user, pat = accounts.create_user(store, email, str(body.get("plan") or "free"), world.now())
        return json_response({"user_id": user["id"], "email": user["email"], "api_key": pat}, 201)
    if method == "POST" and len(parts) == 3 and parts[0] == "users" and parts[2] == "rotate-pat":
        if store.get("user", parts[1]) is None:
            raise not_found("user")
        return json_response(
            {"user_id": parts[1], "api_key": accounts.issue_pat(store, parts[1], world.now())}
        )
    if method == "POST" and len(parts) == 3 and parts[0] == "agents":
        if parts[2] == "bind":
            body = await _json(request, int(world.settings["json_body_max_bytes"]))
            result = accounts.bind_agent(store, parts[1], str(body.get("user_id", "")), tick(world))
            return json_response(
                {"agent_id": parts[1], "state": "bound", "project_ids": result["project_ids"]}
            )
        if parts[2] == "revoke":
            accounts.revoke_agent(store, parts[1], world.now())
            return json_response({"agent_id": parts[1], "state": "revoked"})
    if (method, path) == ("POST", "/faults"):
        return _add_fault(world, await _json(request, int(world.settings["json_body_max_bytes"])))
    if (method, path) == ("GET", "/faults"):
        return json_response({"faults": store.meta_get("faults", [])})
    if (method, path) == ("GET", "/requests"):
        return json_response({"requests": list(world.requests)})
    if (method, path) == ("POST", "/requests/clear"):
        world.requests.clear()
        return json_response({"cleared": True})
    if (method, path) == ("POST", "/git/repos"):
        return _add_repo(world, await _json(request, int(world.settings["json_body_max_bytes"])))
    return json_response({"error": "unknown emulator route"}, 404)


def _add_fault(world: World, body: dict[str, Any]) -> Response:
    kind = body.get("kind")
    if not isinstance(kind, str) or kind not in FAULT_KINDS:
        raise bad_request(f"kind must be one of {', '.join(sorted(FAULT_KINDS))}")
    count = body.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise bad_request("count must be a positive integer")
    match = body.get("match") or {}
    if (
        not isinstance(match, dict)
        or set(match) - {"method", "path"}
        or not all(isinstance(v, str) for v in match.values())
    ):
        raise bad_request("match takes only method and path, as strings")
    world.add_fault(str(kind), count, match)
    return json_response({"kind": kind, "count": count, "match": match}, 201)


def _add_repo(world: World, body: dict[str, Any]) -> Response:
    url, branches = body.get("url"), body.get("branches")
    if not isinstance(url, str) or not url:
        raise bad_request("url is required")
    if (
        not isinstance(branches, list)
        or not branches
        or not all(isinstance(b, str) for b in branches)
    ):
        raise bad_request("branches must be a non-empty list of strings")
    default = body.get("default_branch") or branches[0]
    gitrepos.add_repo(world.store, url, branches, str(default), bool(body.get("private", False)))
    return json_response({"url": url, "branches": branches, "default_branch": default}, 201)


def _state(world: World) -> dict[str, Any]:
    store = world.store
    out: dict[str, Any] = {"now": rfc3339(world.now()), "settings": world.settings}
    for kind in store.kinds():
        out[kind] = store.find(kind)
    out["faults"] = store.meta_get("faults", [])
    return out
