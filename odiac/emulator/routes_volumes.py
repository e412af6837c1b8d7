"""Volumes (optional, contract 3.10, 4.6). Error bodies use the code as ``error``."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from odiac.emulator.auth import load_child
from odiac.emulator.clock import rfc3339
from odiac.emulator.decode import parse_json
from odiac.emulator.errors import ApiError, json_response
from odiac.emulator.quantity import QuantityError, memory_bytes
from odiac.emulator.tokens import new_id

if TYPE_CHECKING:
    from starlette.responses import Response

    from odiac.emulator.routing import Ctx, RouteTable
    from odiac.emulator.store import Doc

ORPHAN_TTL_S = 7 * 86_400
CONVERSION_S = 30.0
GUEST_VOLUME_BYTES = 5 * 2**30  # total volume size allowed to a pending agent
_NAME_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$")
_SYSTEM_DIRS = ("/etc", "/usr", "/bin", "/sbin", "/lib", "/lib64", "/boot", "/dev", "/proc", "/sys", "/root", "/var/run", "/run")  # fmt: skip


def _err(status: int, code: str) -> ApiError:
    return ApiError(status, {"error": code})


def _status(row: Doc, now: float) -> str:
    if row["status"] == "orphaned" and now >= row["expires_at"]:
        return "deleted"
    return str(row["status"])


def view(row: Doc, now: float) -> dict[str, Any]:
    """The Volume object."""
    return {
        "id": row["id"],
        "service_id": row["service_id"],
        "name": row["name"],
        "mount_path": row["mount_path"],
        "size": row["size"],
        "status": _status(row, now),
        "k8s_pvc_name": row["k8s_pvc_name"],
        "orphaned_at": rfc3339(row.get("orphaned_at")),
        "expires_at": rfc3339(row.get("expires_at")),
        "owner_uid": row["owner_uid"],
    }


async def _object(ctx: Ctx) -> dict[str, Any]:
    body = parse_json(await ctx.body(), allow_empty=True)
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ApiError(400, {"error": "invalid_body"})
    return body


def _size(value: object) -> int:
    if not isinstance(value, str) or not value:
        raise _err(400, "volume size is required")
    try:
        size = memory_bytes(value)
    except QuantityError:
        raise _err(400, "invalid_size") from None
    if size <= 0:
        raise _err(400, "invalid_size")
    return size


def _check_quota(ctx: Ctx, project: Doc, extra: int, exclude: str | None = None) -> None:
    if not ctx.me.pending:
        return
    used = sum(
        memory_bytes(v["size"])
        for v in ctx.world.store.find("volume", project_id=project["id"])
        if v["id"] != exclude and _status(v, ctx.now) != "deleted"
    )
    if used + extra > GUEST_VOLUME_BYTES:
        raise _err(403, "quota_exceeded")


async def list_volumes(ctx: Ctx) -> Response:
    """GET /v1/services/{sid}/volumes."""
    service, _project = load_child(ctx.world.store, ctx.me, "service", ctx.params["sid"], "service")
    rows = ctx.world.store.find("volume", service_id=service["id"])
    return json_response(
        {"volumes": [view(r, ctx.now) for r in rows if _status(r, ctx.now) != "deleted"]}
    )


async def create_volume(ctx: Ctx) -> Response:
    """POST /v1/services/{sid}/volumes."""
    store, now = ctx.world.store, ctx.now
    body = await _object(ctx)
    name, mount = body.get("name"), body.get("mount_path")
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise _err(400, "invalid_name")
    if not isinstance(mount, str) or not mount.startswith("/") or ".." in mount.split("/"):
        raise _err(400, "invalid_mount_path")
    clean = "/" + mount.strip("/")
    if clean == "/" or any(clean == d or clean.startswith(d + "/") for d in _SYSTEM_DIRS):
        raise _err(400, "invalid_mount_path")
    size = _size(body.get("size"))
    service, project = load_child(store, ctx.me, "service", ctx.params["sid"], "service")
    _check_quota(ctx, project, size)
    active = [
        v for v in store.find("volume", service_id=service["id"]) if _status(v, now) == "active"
    ]
    if any(v["name"] == name for v in active):
        raise _err(409, "duplicate_name")
    if any(v["mount_path"] == clean for v in active):
        raise _err(409, "duplicate_mount")
    if service.get("converting_until", 0) > now:
        raise _err(409, "conversion_in_progress")
    live_id = (service.get("live_deployments") or {}).get(service.get("environment") or "staging")
    conversion = not active and live_id is not None
    deployment_id = _rollout(ctx, store.get("deployment", live_id) if live_id else None)
    row = {
        "id": new_id(),
        "service_id": service["id"],
        "project_id": project["id"],
        "name": name,
        "mount_path": clean,
        "size": body["size"],
        "status": "active",
        "k8s_pvc_name": f"pvc-{service['name']}-{name}",
        "orphaned_at": None,
        "expires_at": None,
        "owner_uid": ctx.me.user_id or ctx.me.agent_id,
        "created_at": now,
    }
    if conversion:
        service["converting_until"] = now + CONVERSION_S
    service["replicas"] = 1
    service["volumes"] = [
        *service.get("volumes", []),
        {"name": name, "mount_path": clean, "size": body["size"]},
    ]
    with store.transaction():
        store.put("volume", row)
        store.put("service", service)
    return json_response(
        {"volume_id": row["id"], "deployment_id": deployment_id, "workload_conversion": conversion},
        201,
    )


def _rollout(ctx: Ctx, live: Doc | None) -> str:
    """Roll the live workload to attach the volume; no build needed."""
    if live is None:
        return ""
    row = {
        **{
            k: v
            for k, v in live.items()
            if k not in ("message", "error_msg", "completed_at", "progress", "status")
        },
        "id": new_id(),
        # The same build rolled again: it keeps the description its client gave it.
        "plan": {"mode": "rollback", "rollback_of": live["id"]},
        "finished": False,
        "created_at": ctx.now,
        "updated_at": ctx.now,
    }
    ctx.world.store.put("deployment", row)
    return str(row["id"])


async def resize(ctx: Ctx) -> Response:
    """PATCH /v1/volumes/{id}/size: grow only."""
    body = await _object(ctx)
    size = _size(body.get("size"))
    row, project = load_child(ctx.world.store, ctx.me, "volume", ctx.params["id"], "volume")
    if _status(row, ctx.now) != "active":
        raise _err(400, "not_active")
    if size < memory_bytes(row["size"]):
        raise _err(400, "cannot_shrink")
    _check_quota(ctx, project, size, exclude=row["id"])
    row["size"] = body["size"]
    ctx.world.store.put("volume", row)
    return json_response(view(row, ctx.now))


async def delete_volume(ctx: Ctx) -> Response:
    """DELETE /v1/volumes/{id}[?force=true]: orphan, or delete an orphan."""
    row, _project = load_child(ctx.world.store, ctx.me, "volume", ctx.params["id"], "volume")
    status = _status(row, ctx.now)
    if ctx.query("force") == "true":
        if status != "orphaned":
            raise _err(400, "force_requires_orphaned")
        row["status"] = "deleted"
    elif status == "active":
        row.update(status="orphaned", orphaned_at=ctx.now, expires_at=ctx.now + ORPHAN_TTL_S)
        _detach(ctx, row)
    ctx.world.store.put("volume", row)
    return json_response(
        {
            "status": _status(row, ctx.now),
            "orphaned_at": rfc3339(row["orphaned_at"]),
            "expires_at": rfc3339(row["expires_at"]),
        }
    )


def _detach(ctx: Ctx, row: Doc) -> None:
    service = ctx.world.store.get("service", row["service_id"])
    if service is not None:
        service["volumes"] = [v for v in service.get("volumes", []) if v.get("name") != row["name"]]
        ctx.world.store.put("service", service)


async def restore(ctx: Ctx) -> Response:
    """POST /v1/volumes/{id}/restore: owner only, within 7 days."""
    row, _project = load_child(ctx.world.store, ctx.me, "volume", ctx.params["id"], "volume")
    status = _status(row, ctx.now)
    if status == "deleted" and row["status"] == "orphaned":
        raise _err(410, "orphan_expired")
    if status != "orphaned":
        raise _err(400, "not_orphaned")
    if row["owner_uid"] not in (ctx.me.user_id, ctx.me.agent_id):
        raise _err(403, "owner_mismatch")
    row.update(status="active", orphaned_at=None, expires_at=None)
    service = ctx.world.store.get("service", row["service_id"])
    if service is not None:
        service["volumes"] = [
            *service.get("volumes", []),
            {"name": row["name"], "mount_path": row["mount_path"], "size": row["size"]},
        ]
        ctx.world.store.put("service", service)
    ctx.world.store.put("volume", row)
    return json_response(view(row, ctx.now))


def routes(table: RouteTable) -> None:
    """Add this module's routes."""
    table.add("GET", "/v1/services/{sid}/volumes", list_volumes)
    table.add("POST", "/v1/services/{sid}/volumes", create_volume)
    table.add("PATCH", "/v1/volumes/{id}/size", resize)
    table.add("DELETE", "/v1/volumes/{id}", delete_volume)
    table.add("POST", "/v1/volumes/{id}/restore", restore)
