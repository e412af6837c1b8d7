"""Projects and managed dependencies (gateway-api 3.3, 3.4)."""

from __future__ import annotations

import re
import secrets
from typing import TYPE_CHECKING, Any

from odiac.emulator import envvars, fixtures, gitrepos, schemas, views
from odiac.emulator.auth import load_project, visible_projects
from odiac.emulator.decode import decode, validate
from odiac.emulator.errors import bad_request, conflict, gateway_error, json_response
from odiac.emulator.fixtures import CATALOG, GUEST_NAMESPACE
from odiac.emulator.lifecycle import delete_project
from odiac.emulator.tokens import new_id

if TYPE_CHECKING:
    from starlette.responses import Response

    from odiac.emulator.routing import Ctx, RouteTable

_BAD_PASSWORD = re.compile(r"""[\s'"`$\\;|&()!{}<>#~]""")


def _project_cap(ctx: Ctx) -> int:
    return 10 if ctx.world.settings["profile"] == "newer" else 1


async def create_project(ctx: Ctx) -> Response:
    """POST /v1/projects/: the agent cap runs before validation (3.3.1, 1.7)."""
    store, caller, now = ctx.world.store, ctx.me, ctx.now
    values = decode(schemas.CREATE_PROJECT, await ctx.body())
    if caller.pending:
        live = sorted(
            store.find("project", agent_id=caller.agent_id, user_id=None),
            key=lambda p: p["created_at"],
        )
        if len(live) >= _project_cap(ctx):
            raise gateway_error(
                409,
                "agent_project_limit",
                "a pending agent may own one live project",
                project_id=live[0]["id"],
            )
    validate(schemas.CREATE_PROJECT, values)
    region_id = values.get("region_id") or fixtures.DEFAULT_REGION
    if not fixtures.active_region(region_id):
        raise bad_request("invalid region")
    repo_url = values["repo_url"]
    branch = values.get("branch") or "main"
    if not values.get("skip_validation"):
        if repo_url.startswith("file://"):
            raise gitrepos.failure(
                "invalid_repo_url", "file:// sources need skip_validation", [], ""
            )
        branch = gitrepos.validate(store, repo_url, values.get("branch"), values.get("token"))
    if any(p["name"] == values["name"] for p in visible_projects(store, caller)):
        raise conflict("project name already exists")
    row: dict[str, Any] = {
        "id": new_id(),
        "name": values["name"],
        "description": values.get("description", ""),
        "repo_url": repo_url,
        "branch": branch,
        "region_id": region_id,
        "agent_id": caller.agent_id,
        "user_id": caller.user_id,
        "created_by": caller.user_id,
        "tenant_id": caller.user_id or "guest",
        "source_path": "",
        "source_status": None,
        "analyze_config": None,
        "build_config": values.get("build_config", ""),
        "deploy_config": values.get("deploy_config", ""),
        "created_at": now,
        "updated_at": now,
        "last_activity_at": now,
    }
    store.put("project", row)
    return json_response(views.project(row), 201)


async def list_projects(ctx: Ctx) -> Response:
    """GET /v1/projects/: visible projects, newest first (3.3.2)."""
    rows = sorted(
        visible_projects(ctx.world.store, ctx.me), key=lambda p: p["created_at"], reverse=True
    )
    return json_response({"data": [views.project(r) for r in rows], "total": len(rows)})


async def get_project(ctx: Ctx) -> Response:
    """GET /v1/projects/{pid} (3.3.3)."""
    row = load_project(ctx.world.store, ctx.me, ctx.params["pid"])
    return json_response(views.project(row))


async def delete_project_route(ctx: Ctx) -> Response:
    """DELETE /v1/projects/{pid}: cascade (3.3.4)."""
    row = load_project(ctx.world.store, ctx.me, ctx.params["pid"])
    with ctx.world.store.transaction():
        delete_project(ctx.world, row["id"])
    return json_response({"message": "Project deleted successfully"})


async def catalog(ctx: Ctx) -> Response:
    """GET /v1/dependencies: the engine catalog (3.4.1)."""
    return json_response({"dependencies": fixtures.catalog_list()})


def _namespace(project: dict[str, Any]) -> str:
    return GUEST_NAMESPACE if project.get("user_id") is None else f"user-{project['user_id'][:8]}"


async def create_dependency(ctx: Ctx) -> Response:
    """POST /v1/dependencies/create: engine name, alias or catalog id (3.4.2)."""
    store, now = ctx.world.store, ctx.now
    values = decode(schemas.CREATE_DEPENDENCY, await ctx.body())
    validate(schemas.CREATE_DEPENDENCY, values)
    engine = fixtures.engine_for(values["dependency_id"])
    if engine is None:
        raise bad_request("Invalid dependency_id format")
    environment = values.get("environment") or "staging"
    if environment not in ("staging", "production"):
        raise bad_request("invalid environment")
    password = values.get("password")
    if (
        password is not None
        and password != ""
        and (len(password) < 8 or _BAD_PASSWORD.search(password))
    ):
        raise bad_request(
            "invalid password: at least 8 characters, no whitespace, quotes or shell metacharacters"
        )
    project = load_project(store, ctx.me, values["project_id"])
    taken = {d["name"] for d in store.find("dependency", project_id=project["id"])}
    name = f"{project['name']}-{engine}"
    suffix = 2
    while name in taken:
        name, suffix = f"{project['name']}-{engine}-{suffix}", suffix + 1
    _cat_id, display, _version, port = CATALOG[engine]
    host = f"{name}.{_namespace(project)}.svc.cluster.local"
    user = values.get("username") or "app"
    password = password or secrets.token_urlsafe(18).replace("-", "x").replace("_", "y")
    database = values.get("database_name") or "app"
    fail = ctx.world.take_fault({"dependency_fail"}, ctx.request.method, ctx.request.url.path)
    row = {
        "id": new_id(),
        "project_id": project["id"],
        "dependency_id": values["dependency_id"],
        "name": name,
        "display_name": values.get("display_name") or display,
        "type": engine,
        "environment": environment,
        "host": host,
        "port": port,
        "username": user,
        "database_name": database,
        "env_vars": envvars.seal(
            _env_vars(engine, host, port, user, password, database),
            ctx.world.secret,
            encrypt_all=True,
        ),
        "fail": fail is not None,
        "created_at": now,
        "ready_at": now + float(ctx.world.settings["dependency_ready_s"]),
    }
    store.put("dependency", row)
    body = views.dependency(row, now, ctx.world.secret)
    body["status"] = "provisioning"
    body["message"] = "Dependency created successfully"
    del body["connection_info"], body["error_msg"], body["created_at"]
    return json_response(body)


def _env_vars(engine: str, host: str, port: int, user: str, pw: str, db: str) -> dict[str, str]:
    p = str(port)
    if engine == "postgres":
        return {
            "DATABASE_URL": f"postgresql://{user}:{pw}@{host}:{p}/{db}",
            "POSTGRES_USER": user, "POSTGRES_PASSWORD": pw, "POSTGRES_HOST": host,
            "POSTGRES_PORT": p, "POSTGRES_DB": db,
        }  # fmt: skip
    if engine == "mysql":
        url = f"mysql://{user}:{pw}@{host}:{p}/{db}"
        return {
            "DATABASE_URL": url, "MYSQL_URL": url, "MYSQL_USER": user, "MYSQL_PASSWORD": pw,
            "MYSQL_HOST": host, "MYSQL_PORT": p, "MYSQL_DATABASE": db,
        }  # fmt: skip
    if engine == "mongodb":
        return {
            "MONGODB_URI": f"mongodb://{user}:{pw}@{host}:{p}/{db}",
            "MONGO_USER": user, "MONGO_PASSWORD": pw, "MONGO_HOST": host,
            "MONGO_PORT": p, "MONGO_DATABASE": db,
        }  # fmt: skip
    if engine == "redis":
        return {
            "REDIS_URL": f"redis://:{pw}@{host}:{p}/0",
            "REDIS_HOST": host, "REDIS_PORT": p, "REDIS_PASSWORD": pw,
        }  # fmt: skip
    return {
        "CLICKHOUSE_URL": f"clickhouse://{user}:{pw}@{host}:{p}/{db}",
        "CLICKHOUSE_HOST": host, "CLICKHOUSE_PORT": p, "CLICKHOUSE_USER": user,
        "CLICKHOUSE_PASSWORD": pw, "CLICKHOUSE_DB": db,
    }  # fmt: skip


async def dependency_status(ctx: Ctx) -> Response:
    """GET /v1/dependencies/status/{pid} (3.4.3)."""
    project = load_project(ctx.world.store, ctx.me, ctx.params["pid"])
    rows = ctx.world.store.find("dependency", project_id=project["id"])
    return json_response(
        {"dependencies": [views.dependency(r, ctx.now, ctx.world.secret) for r in rows]}
    )


def routes(table: RouteTable) -> None:
    """Add this module's routes."""
    table.add("POST", "/v1/projects/", create_project)
    table.add("GET", "/v1/projects/", list_projects)
    table.add("GET", "/v1/projects/{pid}", get_project)
    table.add("DELETE", "/v1/projects/{pid}", delete_project_route)
    table.add("GET", "/v1/dependencies", catalog)
    table.add("POST", "/v1/dependencies/create", create_dependency)
    table.add("GET", "/v1/dependencies/status/{pid}", dependency_status)
