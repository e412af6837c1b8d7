"""Services and their environment (gateway-api 3.5, 3.6)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from odiac.emulator import envvars, schemas, views
from odiac.emulator.auth import load_child, load_project, owns
from odiac.emulator.decode import decode, validate
from odiac.emulator.errors import bad_request, conflict, json_response, not_found
from odiac.emulator.quotas import CREATE_DEFAULTS, check_pending_caps, check_quantities
from odiac.emulator.tokens import new_id

if TYPE_CHECKING:
    from starlette.responses import Response

    from odiac.emulator.routing import Ctx, RouteTable
    from odiac.emulator.store import Doc

_VARIABLE_FIELDS = ("build_variables", "runtime_variables")


def _check_common(values: dict[str, Any]) -> None:
    check_quantities(values)
    for field in _VARIABLE_FIELDS:
        if field in values:
            envvars.check(values[field])
    port = values.get("port")
    if port is not None and not 0 <= port <= 65535:
        raise bad_request("port must be between 0 and 65535")
    if values.get("volumes"):
        values["replicas"] = 1  # services with volumes are pinned to one replica


async def create_service(ctx: Ctx) -> Response:
    """POST /v1/projects/{pid}/services/: caps before validation (3.5.1, 5.1)."""
    store, caller, now = ctx.world.store, ctx.me, ctx.now
    values = decode(schemas.CREATE_SERVICE, await ctx.body())
    filled = {**CREATE_DEFAULTS, **values}
    if caller.pending:
        project = store.get("project", ctx.params["pid"])
        count = None
        if (
            project is not None
            and owns(caller, project)
            and ctx.world.settings["profile"] == "primary"
        ):
            count = len(store.find("service", project_id=project["id"])) + 1
        check_pending_caps(filled, count)
    validate(schemas.CREATE_SERVICE, values)
    _check_common(filled)
    project = load_project(store, caller, ctx.params["pid"])
    if store.find("service", project_id=project["id"], name=values["name"]):
        raise conflict("service name already exists in this project")
    row: dict[str, Any] = {
        "id": new_id(),
        "project_id": project["id"],
        "environment": "staging",
        "language": "",
        "framework": "",
        "port": 0,
        "source_path": "",
        "dockerfile": "",
        "dockerfile_path": "",
        "build_context": "",
        "build_command": "",
        "start_command": "",
        "health_check_path": "",
        "readiness_path": "",
        "auto_scaling": False,
        "internal_only": False,
        "dependencies": [],
        "volumes": [],
        **filled,
        "status": "created",
        "created_at": now,
        "updated_at": now,
    }
    for field in _VARIABLE_FIELDS:
        row[field] = envvars.seal(values.get(field, {}), ctx.world.secret, encrypt_all=False)
    store.put("service", row)
    return json_response({"message": "Service created successfully", "service_id": row["id"]}, 201)


async def list_services(ctx: Ctx) -> Response:
    """GET /v1/projects/{pid}/services/ (3.5.2)."""
    project = load_project(ctx.world.store, ctx.me, ctx.params["pid"])
    rows = sorted(
        ctx.world.store.find("service", project_id=project["id"]), key=lambda s: s["created_at"]
    )
    data = [views.service(r, ctx.world.secret) for r in rows]
    return json_response({"data": data, "total": len(data)})


async def get_service(ctx: Ctx) -> Response:
    """GET /v1/services/{sid}: decrypted variables (3.5.3)."""
    row, _project = load_child(ctx.world.store, ctx.me, "service", ctx.params["sid"], "service")
    return json_response(views.service(row, ctx.world.secret))


async def update_service(ctx: Ctx) -> Response:
    """PUT /v1/services/{sid}: partial update, caps on merged values (3.5.4)."""
    store, caller = ctx.world.store, ctx.me
    values = decode(schemas.UPDATE_SERVICE, await ctx.body())
    current = store.get("service", ctx.params["sid"])
    if caller.pending and current is not None:
        project = store.get("project", current["project_id"])
        if project is not None and owns(caller, project):
            check_pending_caps({**current, **values}, None)
    validate(schemas.UPDATE_SERVICE, values)
    _check_common(values)
    row, _project = load_child(store, caller, "service", ctx.params["sid"], "service")
    for field, value in values.items():
        if field in _VARIABLE_FIELDS:
            row[field] = envvars.seal(value, ctx.world.secret, encrypt_all=False)
        else:
            row[field] = value
    row["updated_at"] = ctx.now
    store.put("service", row)
    return json_response(views.service(row, ctx.world.secret))


def _service_in_project(ctx: Ctx) -> Doc:
    project = load_project(ctx.world.store, ctx.me, ctx.params["pid"])
    row = ctx.world.store.get("service", ctx.params["sid"])
    if row is None or row["project_id"] != project["id"]:
        raise not_found("service")
    return row


async def get_env(ctx: Ctx) -> Response:
    """GET /v1/projects/{pid}/services/{sid}/env (3.6.1)."""
    row = _service_in_project(ctx)
    return json_response(views.env(row, ctx.world.secret))


async def put_env(ctx: Ctx) -> Response:
    """PUT /v1/projects/{pid}/services/{sid}/env: full replace (3.6.2)."""
    values = decode(schemas.UPDATE_ENV, await ctx.body())
    validate(schemas.UPDATE_ENV, values)
    envvars.check(values["variables"])
    row = _service_in_project(ctx)
    row["runtime_variables"] = envvars.seal(values["variables"], ctx.world.secret, encrypt_all=True)
    row["updated_at"] = ctx.now
    ctx.world.store.put("service", row)
    return json_response(views.env(row, ctx.world.secret))


def routes(table: RouteTable) -> None:
    """Add this module's routes."""
    table.add("POST", "/v1/projects/{pid}/services/", create_service)
    table.add("GET", "/v1/projects/{pid}/services/", list_services)
    table.add("GET", "/v1/services/{sid}", get_service)
    table.add("PUT", "/v1/services/{sid}", update_service)
    table.add("GET", "/v1/projects/{pid}/services/{sid}/env", get_env)
    table.add("PUT", "/v1/projects/{pid}/services/{sid}/env", put_env)
