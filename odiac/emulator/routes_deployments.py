"""Deployments: create, read, list, cancel, roll back (gateway-api 3.8.1 - 3.8.4, 3.8.8, 3.8.9)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from odiac.emulator import buildcheck, envvars, schemas, sources, timeline, views
from odiac.emulator.auth import load_child, load_project, visible_projects
from odiac.emulator.decode import decode, validate
from odiac.emulator.errors import ApiError, bad_request, conflict, json_response, not_found
from odiac.emulator.tokens import new_id

if TYPE_CHECKING:
    from starlette.responses import Response

    from odiac.emulator.routing import Ctx, RouteTable
    from odiac.emulator.store import Doc


async def create_deployment(ctx: Ctx) -> Response:
    """POST /v1/deployments/: create; the plan is fixed now (3.8.1)."""
    world, store, now = ctx.world, ctx.world.store, ctx.now
    values = decode(schemas.CREATE_DEPLOYMENT, await ctx.body())
    validate(schemas.CREATE_DEPLOYMENT, values)
    if values.get("strategy") and values["strategy"] not in ("rolling", "recreate"):
        raise bad_request("invalid strategy")
    if "env_vars" in values:
        envvars.check(values["env_vars"])
    project = load_project(store, ctx.me, values["project_id"])
    service = store.get("service", values["service_id"])
    if service is None:
        raise not_found("service")
    if service["project_id"] != project["id"]:
        raise bad_request("service does not belong to project")
    known = {d["id"] for d in store.find("dependency", project_id=project["id"])}
    for dep_id in values.get("dependencies", []):
        if dep_id not in known:
            raise bad_request(f"unknown dependency {dep_id}")
    if project.get("source_status") == "extracting":
        raise ApiError(409, {"error": "source extraction in progress"}, {"Retry-After": "5"})
    if project.get("source_status") == "failed":
        raise ApiError(
            422,
            {
                "error": "source extraction failed",
                "extraction_error": project.get("extraction_error", ""),
            },
        )
    plan = _plan(ctx, project, service)
    runtime = envvars.plain(service.get("runtime_variables", {}), world.secret)
    runtime.update(values.get("env_vars", {}))
    row = {
        "id": new_id(),
        "project_id": project["id"],
        "service_id": service["id"],
        "environment": values.get("environment") or "staging",
        "source": values["source"],
        "branch": values.get("branch", ""),
        "temp_file_path": values.get("temp_file_path", ""),
        "file_name": values.get("file_name", ""),
        "source_path": project.get("source_path", ""),
        "version_type": values.get("version_type", ""),
        "description": values.get("description", ""),
        "strategy": values.get("strategy") or "rolling",
        "dependencies": values.get("dependencies", []),
        "is_rollback": False,
        "rollback_of": None,
        "runtime_snapshot": envvars.seal(runtime, world.secret, encrypt_all=True),
        "build_snapshot": envvars.seal(
            envvars.plain(service.get("build_variables", {}), world.secret),
            world.secret,
            encrypt_all=True,
        ),
        "source_code_info": {
            "builder": plan.get("builder", ""),
            "source_kind": project.get("source_kind", ""),
        },
        "plan": plan,
        "finished": False,
        "created_at": now,
        "updated_at": now,
    }
    project["last_activity_at"] = now
    with store.transaction():
        store.put("deployment", row)
        store.put("project", project)
    return json_response(views.deployment(row, now, ctx.world.secret), 201)


def _plan(ctx: Ctx, project: Doc, service: Doc) -> dict[str, Any]:
    if not project.get("source_path"):
        return {"mode": "nosource"}
    facts = buildcheck.inspect(sources.source_dir(ctx.world, project), service)
    plan: dict[str, Any] = {"mode": "normal", **facts}
    if "fail" not in plan:
        method, path = ctx.request.method, ctx.request.url.path
        fault = ctx.world.take_fault({"build_fail", "deploy_fail"}, method, path)
        if fault is not None:
            phase = fault.removesuffix("_fail")
            plan.update(fail=phase, fail_text=f"injected {phase} failure")
    return plan


async def get_deployment(ctx: Ctx) -> Response:
    """GET /v1/deployments/{did}: the status poll route (3.8.2)."""
    row, _project = load_child(
        ctx.world.store, ctx.me, "deployment", ctx.params["did"], "deployment"
    )
    return json_response(views.deployment(row, ctx.now, ctx.world.secret))


def _listing(ctx: Ctx, projects: list[Doc]) -> Response:
    service_id, status = ctx.query("service_id"), ctx.query("status")
    rows = [d for p in projects for d in ctx.world.store.find("deployment", project_id=p["id"])]
    out = []
    for row in sorted(rows, key=lambda d: (d["created_at"], d["id"]), reverse=True):
        view = views.deployment(row, ctx.now, ctx.world.secret)
        if service_id and view["service_id"] != service_id:
            continue
        if status and view["status"] != status:
            continue
        out.append(view)
    return json_response({"data": out, "total": len(out)})


async def list_deployments(ctx: Ctx) -> Response:
    """GET /v1/deployments/?project_id=: newest first, in ``data`` (3.8.3)."""
    pid = ctx.query("project_id")
    if pid:
        return _listing(ctx, [load_project(ctx.world.store, ctx.me, pid)])
    return _listing(ctx, visible_projects(ctx.world.store, ctx.me))


async def list_project_deployments(ctx: Ctx) -> Response:
    """GET /v1/projects/{pid}/deployments (3.8.4)."""
    return _listing(ctx, [load_project(ctx.world.store, ctx.me, ctx.params["pid"])])


async def cancel(ctx: Ctx) -> Response:
    """POST /v1/deployments/{did}/cancel: body ignored (3.8.8)."""
    store, now = ctx.world.store, ctx.now
    row, _project = load_child(store, ctx.me, "deployment", ctx.params["did"], "deployment")
    status, progress = views.deployment_state(row, now)
    if status in timeline.TERMINAL:
        raise conflict("deployment is not cancellable", status=status)
    row["plan"]["cancelled_at"] = now - row["created_at"]
    row.update(
        finished=True, status="cancelled", progress=progress, completed_at=now, updated_at=now,
        message="Deployment cancelled",
    )  # fmt: skip
    store.put("deployment", row)
    return json_response(views.deployment(row, now, ctx.world.secret))


async def rollback(ctx: Ctx) -> Response:
    """POST /v1/deployments/{did}/rollback: a build-less deployment of the target (3.8.9)."""
    store, now = ctx.world.store, ctx.now
    target, project = load_child(store, ctx.me, "deployment", ctx.params["did"], "deployment")
    status, _progress = views.deployment_state(target, now)
    if status != "success":
        raise conflict("only successful deployments can be rolled back to")
    plan: dict[str, Any] = {"mode": "rollback", "rollback_of": target["id"]}
    method, path = ctx.request.method, ctx.request.url.path
    if ctx.world.take_fault({"deploy_fail"}, method, path):
        plan.update(fail="deploy", fail_text="injected deploy failure")
    row = {
        **{
            k: v
            for k, v in target.items()
            if k not in ("message", "error_msg", "completed_at", "progress")
        },
        "id": new_id(),
        "is_rollback": True,
        "rollback_of": target["id"],
        "description": f"rollback to {target['id']}",
        "plan": plan,
        "finished": False,
        "status": "pending",
        "created_at": now,
        "updated_at": now,
    }
    project["last_activity_at"] = now
    with store.transaction():
        store.put("deployment", row)
        store.put("project", project)
    body = views.deployment(row, now, ctx.world.secret)
    body["deployment_id"] = row["id"]
    return json_response(body, 201)


def routes(table: RouteTable) -> None:
    """Add this module's routes."""
    table.add("POST", "/v1/deployments/", create_deployment)
    table.add("GET", "/v1/deployments/", list_deployments)
    table.add("GET", "/v1/deployments/{did}", get_deployment)
    table.add("GET", "/v1/projects/{pid}/deployments", list_project_deployments)
    table.add("POST", "/v1/deployments/{did}/cancel", cancel, consent="live_service_change")
    table.add("POST", "/v1/deployments/{did}/rollback", rollback, consent="live_service_change")
