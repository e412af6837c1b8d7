"""Source upload: park an archive, then bind it to a project (gateway-api 3.7.1, 3.7.2)."""

from __future__ import annotations

import re
import shutil
from typing import TYPE_CHECKING, Any, BinaryIO

from anyio import to_thread
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from odiac.emulator import bodies, fixtures, gitrepos, schemas, sources, views
from odiac.emulator.archive import is_zip
from odiac.emulator.auth import load_project, visible_projects
from odiac.emulator.decode import decode, validate
from odiac.emulator.errors import ApiError, bad_request, json_response
from odiac.emulator.tokens import new_id

if TYPE_CHECKING:
    from pathlib import Path

    from odiac.emulator.auth import Caller
    from odiac.emulator.routing import Ctx, RouteTable
    from odiac.emulator.store import Doc

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")
ACCEPTED = "Source upload accepted, extraction in progress"


def _edge_timeout() -> Response:
    return PlainTextResponse("504 Gateway Time-out", status_code=504)


def _identities(caller: Caller) -> list[str]:
    """Who may bind a temp upload: its uploader, as agent and (once bound) as user."""
    ids = [f"agent:{caller.agent_id}"] if caller.agent_id else []
    return [*ids, f"user:{caller.user_id}"] if caller.user_id else ids


async def upload_only(ctx: Ctx) -> Response:
    """POST /v1/upload/upload-only: park a ZIP or Git reference (3.7.1)."""
    world = ctx.world
    limit = int(world.settings["upload_max_bytes"])
    if bodies.declared_over(ctx.request, limit):
        return _edge_timeout()
    # The limit holds while the body streams in: a chunked body is cut off at once.
    streamed = Request(ctx.request.scope, bodies.limited(ctx.request.receive, limit))
    try:
        form = await streamed.form(max_files=4, max_fields=50)
    except bodies.BodyTooLarge:
        return _edge_timeout()
    except Exception:
        raise bad_request("invalid multipart form") from None
    try:
        return await _park(ctx, form)
    finally:
        await form.close()


def _save(source: BinaryIO, path: Path) -> None:
    with open(path, "wb") as out:
        shutil.copyfileobj(source, out)


async def _park(ctx: Ctx, form: FormData) -> Response:
    world, store = ctx.world, ctx.world.store
    limit = int(world.settings["upload_max_bytes"])
    file = form.get("project_file")
    git_url = str(form.get("git_url") or "")
    if not isinstance(file, UploadFile) and not git_url:
        raise bad_request("project_file or git_url is required")
    if not str(form.get("project_name") or ""):
        raise bad_request("project_name is required")
    region_id = str(form.get("region_id") or "")
    if not region_id:
        raise bad_request("region_id is required")
    if not fixtures.active_region(region_id):
        raise bad_request("invalid region")
    dir_id = new_id()
    row: dict[str, Any] = {
        "dir": dir_id,
        "created_at": ctx.now,
        "is_git": False,
        "git_url": "",
        "branch": "",
        "owners": _identities(ctx.me),
    }
    if isinstance(file, UploadFile):
        filename = _SAFE_NAME.sub("_", (file.filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1])
        if not filename.lower().endswith(".zip"):
            raise bad_request("only .zip archives are supported")
        await file.seek(0)
        head = await file.read(4)
        if not is_zip(head):
            raise bad_request("only .zip archives are supported")
        await file.seek(0)
        folder = world.data_dir / "uploads" / dir_id
        folder.mkdir(parents=True, exist_ok=True)
        await to_thread.run_sync(_save, file.file, folder / filename)
        size = (folder / filename).stat().st_size
        if size > limit:
            shutil.rmtree(folder, ignore_errors=True)
            return _edge_timeout()
        budget = int(world.settings["account_disk_max_bytes"])
        used = sources.account_usage(store, _identities(ctx.me), visible_projects(store, ctx.me))
        if used + size > budget:
            shutil.rmtree(folder, ignore_errors=True)
            raise ApiError(
                413, {"error": "account disk budget exceeded", "limit": budget, "used": used}
            )
        row.update(filename=filename, size=size)
    else:
        branch = gitrepos.validate(
            store,
            git_url,
            str(form.get("branch") or "") or None,
            str(form.get("git_token") or "") or None,
        )
        filename = "checkout"
        row.update(filename=filename, size=0, is_git=True, git_url=git_url, branch=branch)
    row["id"] = f"{fixtures.UPLOAD_ROOT}/{dir_id}/{filename}"
    store.put("upload", row)
    return json_response(
        {
            "temp_file_path": row["id"],
            "filename": filename if not row["is_git"] else "",
            "git_url": row["git_url"],
            "branch": row["branch"],
            "is_git": row["is_git"],
        }
    )


async def update_source(ctx: Ctx) -> Response:
    """POST /v1/upload/update-source: bind a parked upload (3.7.2)."""
    world, store, now = ctx.world, ctx.world.store, ctx.now
    values = decode(schemas.UPDATE_SOURCE, await ctx.body())
    validate(schemas.UPDATE_SOURCE, values)
    project = load_project(store, ctx.me, values["project_id"])
    upload = store.get("upload", values["temp_file_path"])
    if upload is not None and not set(upload.get("owners", [])) & set(_identities(ctx.me)):
        upload = None  # another tenant's temp file is as good as missing
    services = [
        views.service(s, world.secret) for s in store.find("service", project_id=project["id"])
    ]
    if upload is None:
        if not project.get("source_path"):
            raise bad_request("Uploaded file not found or expired, please re-upload")
        return json_response(
            {
                "project_id": project["id"],
                "source_path": project["source_path"],
                "source_status": "ready",
                "services": services,
                "message": "Project source already up to date",
            }
        )
    method, path = ctx.request.method, ctx.request.url.path
    if world.take_fault({"upload_queue_full"}, method, path):
        raise ApiError(503, {"error": "Upload queue full, please retry shortly"})
    injected = world.take_fault({"extraction_fail"}, method, path) is not None
    newer = world.settings["profile"] == "newer"
    pending: dict[str, Any] | None = None
    try:
        fields = await extract_off_loop(ctx, project, upload, injected)
    except ApiError as exc:
        if not newer:
            raise
        fields = None
        error = str(exc.body["error"]).removeprefix("failed to extract archive: ")
        pending = {"ready_at": now + sources.EXTRACTION_DELAY_S, "error": error}
    project = reloaded(ctx, project["id"], fields)
    if "analysis" in values:
        project["analyze_config"] = values["analysis"]
    project["last_activity_at"] = now
    if newer:
        if fields is not None:
            pending = {"ready_at": now + sources.EXTRACTION_DELAY_S, "fields": fields}
        sources.replace_pending(world, project, pending)
        project.update(source_status="extracting", extraction_error="", updated_at=now)
        store.put("project", project)
        return json_response(
            {
                "project_id": project["id"],
                "source_path": "",
                "source_status": "extracting",
                "services": services,
                "message": ACCEPTED,
            }
        )
    if fields is None:  # pragma: no cover - only the newer profile defers failures
        raise bad_request("failed to extract archive")
    sources.apply_bound(world, project, fields, now)
    store.put("project", project)
    return json_response(
        {
            "project_id": project["id"],
            "source_path": project["source_path"],
            "source_status": "ready",
            "services": services,
            "message": "Project source updated successfully",
        }
    )


async def extract_off_loop(ctx: Ctx, project: Doc, upload: Doc, injected: bool) -> dict[str, Any]:
    """Extract in a worker thread, within the account's remaining disk budget.

    The event loop keeps answering other clients meanwhile.
    """
    world, store = ctx.world, ctx.world.store
    budget = int(world.settings["account_disk_max_bytes"])
    used = sources.account_usage(
        store, _identities(ctx.me), visible_projects(store, ctx.me), skip=project["id"]
    )
    room = budget - used
    return await to_thread.run_sync(sources.materialise, world, project, upload, injected, room)


def reloaded(ctx: Ctx, pid: str, fields: dict[str, Any] | None) -> Doc:
    """The project as it is now (other requests ran during extraction)."""
    try:
        return load_project(ctx.world.store, ctx.me, pid)
    except ApiError:
        sources.discard(ctx.world, pid, fields)  # deleted meanwhile: keep nothing
        raise


def routes(table: RouteTable) -> None:
    """Add this module's routes."""
    table.add("POST", "/v1/upload/upload-only", upload_only)
    table.add("POST", "/v1/upload/update-source", update_source)
