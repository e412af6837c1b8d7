"""Multipart upload for large archives (optional, gateway-api 3.7.3).

Parts are written under ``data_dir/multipart/<upload_id>/``; ``complete``
assembles them, checks the SHA-256 and binds the source like update-source.
"""

from __future__ import annotations

import hashlib
import math
import re
import shutil
from typing import TYPE_CHECKING, Any

from anyio import to_thread

from odiac.emulator import fixtures, schemas, sources, views
from odiac.emulator.auth import load_project, owns, visible_projects
from odiac.emulator.clock import rfc3339
from odiac.emulator.decode import decode, validate
from odiac.emulator.errors import (
    ApiError,
    access_denied,
    bad_request,
    conflict,
    json_response,
    not_found,
)
from odiac.emulator.routes_upload import ACCEPTED, extract_off_loop, reloaded
from odiac.emulator.tokens import new_id

if TYPE_CHECKING:
    from pathlib import Path

    from starlette.responses import Response

    from odiac.emulator.routing import Ctx, RouteTable
    from odiac.emulator.store import Doc

EXPIRY_S = 86_400
MAX_TOTAL = 5 * 2**30
MAX_PARTS = 10_000
MAX_OPEN_PER_PROJECT = 3
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def _idempotency_key(ctx: Ctx) -> str:
    key = ctx.request.headers.get("idempotency-key", "").strip()
    if not key:
        raise bad_request("Idempotency-Key header is required")
    return key


def _caller_id(ctx: Ctx) -> str:
    return str(ctx.me.user_id or ctx.me.agent_id)


def _folder(ctx: Ctx, upload_id: str) -> Path:
    return ctx.world.data_dir / "multipart" / upload_id


def _load(ctx: Ctx) -> Doc:
    row = ctx.world.store.get("mpupload", ctx.params["upload_id"])
    if row is None:
        raise not_found("upload")
    project = ctx.world.store.get("project", row["project_id"])
    if project is None:
        raise not_found("upload")
    if not owns(ctx.me, project):
        raise access_denied()
    if row["status"] == "open" and row["last_activity"] + EXPIRY_S <= ctx.now:
        row["status"] = "expired"
    return row


async def init(ctx: Ctx) -> Response:
    """POST /v1/upload/multipart/init (idempotent on Idempotency-Key)."""
    store = ctx.world.store
    key = _idempotency_key(ctx)
    cache: dict[str, Any] = store.meta_get("multipart_init_keys", {})
    cached = cache.get(f"{_caller_id(ctx)}:{key}")
    if cached is not None:
        return json_response(cached)
    values = decode(schemas.MULTIPART_INIT, await ctx.body())
    validate(schemas.MULTIPART_INIT, values)
    total, part, parts = values["total_size"], values["part_size"], values["total_parts"]
    if total <= 0 or part <= 0 or parts != math.ceil(total / part):
        raise bad_request("total_parts must equal ceil(total_size / part_size)")
    if not _HEX64.match(values["total_sha256"]):
        raise bad_request("total_sha256 must be 64 lowercase hex characters")
    if not fixtures.active_region(values["region_id"]):
        raise bad_request("invalid region")
    project = load_project(store, ctx.me, values["project_id"])
    if total > MAX_TOTAL:
        raise conflict("upload exceeds the maximum total size", limit=MAX_TOTAL)
    if parts > MAX_PARTS:
        raise conflict("too many parts", limit=MAX_PARTS)
    budget = int(ctx.world.settings["account_disk_max_bytes"])
    identities = [f"agent:{ctx.me.agent_id}"] if ctx.me.agent_id else []
    identities += [f"user:{ctx.me.user_id}"] if ctx.me.user_id else []
    used = sources.account_usage(store, identities, visible_projects(store, ctx.me))
    if used + total > budget:
        raise conflict("upload exceeds the account disk budget", limit=budget, used=used)
    open_uploads = [u for u in store.find("mpupload", project_id=project["id"], status="open")]
    if len(open_uploads) >= MAX_OPEN_PER_PROJECT:
        raise conflict("too many concurrent uploads", limit=MAX_OPEN_PER_PROJECT)
    row = {
        "id": new_id(),
        "project_id": project["id"],
        "project_name": values["project_name"],
        "total_size": total,
        "part_size": part,
        "total_parts": parts,
        "total_sha256": values["total_sha256"],
        "parts": {},
        "status": "open",
        "keys": {},
        "created_at": ctx.now,
        "last_activity": ctx.now,
    }
    body = {"upload_id": row["id"], "part_size": part, "expires_at": rfc3339(ctx.now + EXPIRY_S)}
    cache[f"{_caller_id(ctx)}:{key}"] = body
    with store.transaction():
        store.put("mpupload", row)
        store.meta_set("multipart_init_keys", cache)
    return json_response(body)


async def put_part(ctx: Ctx) -> Response:
    """PUT /v1/upload/multipart/{upload_id}/parts/{n}: raw bytes, SHA-checked."""
    row = _load(ctx)
    text = ctx.params["n"]
    number = int(text) if text.isdigit() else 0
    if not 1 <= number <= row["total_parts"]:
        return json_response(
            {"error": "part number out of range", "total_parts": row["total_parts"]}, 416
        )
    if row["status"] != "open":
        raise conflict("upload is not open", status=row["status"])
    expected = row["part_size"]
    if number == row["total_parts"]:
        expected = row["total_size"] - row["part_size"] * (row["total_parts"] - 1)
    declared = ctx.request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > row["part_size"]:
        return json_response({"error": "part too large", "limit": row["part_size"]}, 413)
    # Never buffer more than a single-shot upload may hold, whatever part_size says.
    ceiling = min(row["part_size"], int(ctx.world.settings["upload_max_bytes"]))
    data = await ctx.body(limit=ceiling, message="part too large")
    row = _load(ctx)  # fresh: other parts may have landed while the body streamed in
    if row["status"] != "open":
        raise conflict("upload is not open", status=row["status"])
    if len(data) > row["part_size"]:
        return json_response({"error": "part too large", "limit": row["part_size"]}, 413)
    if len(data) != expected:
        raise bad_request("part size mismatch", expected=expected, received=len(data))
    digest = hashlib.sha256(data).hexdigest()
    claimed = ctx.request.headers.get("x-part-sha256", "").strip().lower()
    if not claimed or claimed != digest:
        raise bad_request("part sha256 mismatch")
    folder = _folder(ctx, row["id"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / str(number)).write_bytes(data)
    row["parts"][str(number)] = digest
    row["last_activity"] = ctx.now
    ctx.world.store.put("mpupload", row)
    return json_response({"received": True, "part_number": number})


async def complete(ctx: Ctx) -> Response:
    """POST /v1/upload/multipart/{upload_id}/complete: assemble, check, bind."""
    world, store, now = ctx.world, ctx.world.store, ctx.now
    key = _idempotency_key(ctx)
    raw = await ctx.body()  # read before loading: no await between the checks and the write
    row = _load(ctx)
    if key in row["keys"]:
        return json_response(row["keys"][key])
    values = decode(schemas.MULTIPART_COMPLETE, raw)
    validate(schemas.MULTIPART_COMPLETE, values)
    if row["status"] != "open":
        raise conflict("upload is not open", status=row["status"])
    if values["total_sha256"] != row["total_sha256"]:
        raise bad_request("total_sha256 does not match the upload")
    missing = [n for n in range(1, row["total_parts"] + 1) if str(n) not in row["parts"]]
    if missing:
        raise conflict("missing parts", missing_parts=missing)
    if world.take_fault({"upload_queue_full"}, ctx.request.method, ctx.request.url.path):
        raise ApiError(503, {"error": "Upload queue full, please retry shortly"})
    folder = _folder(ctx, row["id"])
    assembled = world.data_dir / "uploads" / row["id"] / "archive.zip"
    digest = await to_thread.run_sync(_assemble, folder, row["total_parts"], assembled)
    if digest != row["total_sha256"]:
        raise bad_request("sha256 mismatch")
    project = load_project(store, ctx.me, row["project_id"])
    upload = {"dir": row["id"], "filename": "archive.zip", "is_git": False}
    injected = (
        world.take_fault({"extraction_fail"}, ctx.request.method, ctx.request.url.path) is not None
    )
    row["status"] = "finalizing"
    fields = await extract_off_loop(ctx, project, upload, injected)
    project = reloaded(ctx, project["id"], fields)
    if "analysis" in values:
        project["analyze_config"] = values["analysis"]
    project["last_activity_at"] = now
    services = [
        views.service(s, world.secret) for s in store.find("service", project_id=project["id"])
    ]
    if world.settings["profile"] == "newer":
        pending = {"ready_at": now + sources.EXTRACTION_DELAY_S, "fields": fields}
        sources.replace_pending(world, project, pending)
        project.update(source_status="extracting", updated_at=now)
        body = {"project_id": project["id"], "source_path": "", "source_status": "extracting",
                "services": services, "message": ACCEPTED}  # fmt: skip
    else:
        sources.apply_bound(world, project, fields, now)
        body = {"project_id": project["id"], "source_path": project["source_path"], "source_status": "ready",
                "services": services, "message": "Project source updated successfully"}  # fmt: skip
    row.update(status="complete", last_activity=now)
    row["keys"][key] = body
    with store.transaction():
        store.put("project", project)
        store.put("mpupload", row)
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(assembled.parent, ignore_errors=True)  # the project keeps its own copy
    return json_response(body)


async def abort(ctx: Ctx) -> Response:
    """POST /v1/upload/multipart/{upload_id}/abort."""
    key = _idempotency_key(ctx)
    row = _load(ctx)
    if key in row["keys"]:
        return json_response(row["keys"][key])
    if row["status"] in ("complete", "finalizing"):
        raise conflict(f"upload is {row['status']}")
    body = {"aborted": True}
    row.update(status="aborted", last_activity=ctx.now)
    row["keys"][key] = body
    ctx.world.store.put("mpupload", row)
    shutil.rmtree(_folder(ctx, row["id"]), ignore_errors=True)
    return json_response(body)


def _assemble(folder: Path, total_parts: int, assembled: Path) -> str:
    """Join the parts into one archive (in a worker thread); return its SHA-256."""
    assembled.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with open(assembled, "wb") as out:
        for n in range(1, total_parts + 1):
            with open(folder / str(n), "rb") as part:
                while chunk := part.read(1024 * 1024):
                    digest.update(chunk)
                    out.write(chunk)
    return digest.hexdigest()


def routes(table: RouteTable) -> None:
    """Add this module's routes."""
    table.add("POST", "/v1/upload/multipart/init", init)
    table.add("PUT", "/v1/upload/multipart/{upload_id}/parts/{n}", put_part)
    table.add("POST", "/v1/upload/multipart/{upload_id}/complete", complete)
    table.add("POST", "/v1/upload/multipart/{upload_id}/abort", abort)
