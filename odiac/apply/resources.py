"""Apply steps for the project, dependencies, services and their env.

Each step looks the resource up by its stable name before creating it (gateway-api failure 7),
never duplicates after an ambiguous failure (gateway-api failure 30), and reads back what it wrote:
a read-back that differs from the plan fails the action with a clear message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from odiac.apply.retry import create_once, mutate_once
from odiac.config.sensitive import is_sensitive_key
from odiac.errors import ApplyError
from odiac.gateway.bodies import ServiceCreate, ServiceUpdate
from odiac.gateway.errors import Conflict, GatewayHTTPError
from odiac.plan.credentials import CREDENTIAL_ENV_KEYS
from odiac.plan.normalise import desired_fields, live_fields
from odiac.redact import register

if TYPE_CHECKING:
    from odiac.apply.runtime import Runtime
    from odiac.gateway.models import Dependency, Project, Service
    from odiac.plan.inputs import DesiredService
    from odiac.plan.model import (
        CreateDependency,
        CreateProject,
        CreateService,
        SetEnv,
        UpdateService,
    )


def _name_taken(exc: GatewayHTTPError) -> bool:
    # A 409 without project_id is "name already exists": adopt (gateway-api failure 7). With
    # project_id it is the pending-agent project cap (gateway-api failure 6): never adopt silently.
    return isinstance(exc, Conflict) and exc.project_id is None


async def resolve_region(rt: Runtime, code: str | None) -> str:
    """The region id for a code, or the first active region (gateway-api 3.2.1, gateway-api failure 11)."""
    if rt.region_id and code is None:
        return rt.region_id
    regions = await rt.client.list_regions()
    active = [r for r in regions if r.active]
    if code is None:
        if not active:
            raise ApplyError("the gateway lists no active region")
        return active[0].id
    match = next((r for r in active if code in (r.code, r.name)), None)
    if match is None:
        known = ", ".join(r.code for r in active) or "none"
        raise ApplyError(
            f"project.region {code!r} is not an active region (active: {known})",
            hint="Pick an active region code in opendeploy.toml.",
        )
    return match.id


async def create_project(rt: Runtime, action: CreateProject) -> str:
    client = rt.client
    source = rt.desired.source
    region_id = await resolve_region(rt, action.region) if action.region else None

    async def lookup() -> Project | None:
        return next((p for p in await client.list_projects() if p.name == action.name), None)

    async def create() -> Project:
        if source.kind == "git" and source.git_url:
            return await client.create_project(
                action.name,
                region_id=region_id,
                description=action.description,
                repo_url=source.git_url,
                branch=source.branch,
                git_token=rt.git_token,
            )
        return await client.create_project(
            action.name, region_id=region_id, description=action.description
        )

    project, adopted = await create_once(create, lookup, adopt_on=_name_taken)
    back = await client.get_project(project.id)
    if back.name != action.name:
        raise ApplyError(f"read-back of project {project.id} shows name {back.name!r}")
    rt.project_id, rt.region_id = back.id, back.region_id or region_id
    return f"adopted existing project {back.id}" if adopted else f"created {back.id}"


async def create_dependency(rt: Runtime, action: CreateDependency) -> str:
    client, pid = rt.client, rt.require_project()
    label = action.display_name or action.name

    async def lookup() -> Dependency | None:
        rows = await client.list_dependencies_status(pid)
        return next((r for r in rows if r.display_name == label), None)

    desired = rt.desired.dependencies.get(action.name)
    credentials = desired.credentials() if desired is not None else {}
    want = {field: value.value.get_secret_value() for field, value in credentials.items()}

    async def create() -> Dependency:
        return await client.create_dependency(
            pid, action.engine, environment=rt.environment, display_name=label, **want
        )

    created, adopted = await create_once(create, lookup)
    back = await lookup()
    if back is None or back.id != created.id:
        raise ApplyError(f"read-back of dependency {label!r} did not find {created.id}")
    engine = "mongodb" if back.type == "mongo" else back.type
    if engine != action.engine:
        raise ApplyError(f"dependency {label!r} is {engine!r}, planned {action.engine!r}")
    if back.status == "failed":
        raise ApplyError(
            f"dependency {label!r} failed to provision",
            hint="Delete it in the dashboard, then run apply again.",
        )
    env = dict(back.env_vars or created.env_vars)
    for key, value in env.items():
        # Credentials only: masking a port such as 5432 would mangle ordinary lines.
        if is_sensitive_key(key):
            register(value)
    _verify_credentials(label, engine, want, env)
    rt.dependency_ids[action.name] = back.id
    rt.dependency_env[action.name] = env
    return f"adopted existing {back.id}" if adopted else f"created {back.id}"


def _verify_credentials(label: str, engine: str, want: dict[str, str], env: dict[str, str]) -> None:
    """The connection env must carry the credentials the file set (gateway-api 3.4.2).

    An adopted dependency (it existed already) may have others; the message names the
    keys, never a value.
    """
    keys = CREDENTIAL_ENV_KEYS.get(engine, {})
    differing = sorted(
        keys[field]
        for field, value in want.items()
        if field in keys and keys[field] in env and env[keys[field]] != value
    )
    if differing:
        raise ApplyError(
            f"dependency {label!r}: read-back of {', '.join(differing)} does not match"
            " opendeploy.toml",
            hint="The gateway cannot change the credentials of an existing dependency: "
            "change them in the dashboard, or remove them from opendeploy.toml.",
        )


def service_request(rt: Runtime, name: str) -> ServiceCreate:
    """The create request of a service: every managed field, resources explicit, env merged."""
    svc = rt.desired.services[name]
    return ServiceCreate(
        name=name,
        type=svc.type,
        environment=rt.environment,
        settings=desired_fields(svc),
        runtime_variables=rt.env_values(name),
        build_variables=rt.env_values(name, build=True),
    )


async def create_service(rt: Runtime, action: CreateService) -> str:
    client, pid = rt.client, rt.require_project()
    request = service_request(rt, action.name)

    async def lookup() -> str | None:
        rows = await client.list_services(pid)
        return next((s.id for s in rows if s.name == action.name), None)

    async def create() -> str:
        return await client.create_service(pid, request)

    sid, adopted = await create_once(create, lookup, adopt_on=_name_taken)
    back = await client.get_service(sid)
    env = {"runtime": request.runtime_variables, "build": request.build_variables}
    _verify_service(action.name, rt.desired.services[action.name], back, env)
    rt.service_ids[action.name] = sid
    return f"adopted existing {sid}" if adopted else f"created {sid}"


def _verify_service(
    name: str, svc: DesiredService, back: Service, env: dict[str, dict[str, str]]
) -> None:
    from odiac.plan.inputs import LiveService
    from odiac.state.refresh import live_values

    if back.type != svc.type:
        raise ApplyError(f"service {name}: read-back type {back.type!r}, planned {svc.type!r}")
    live = live_fields(LiveService(id=back.id, type=back.type, values=live_values(back)))
    _compare(name, desired_fields(svc), live)
    _compare_env(name, "runtime env", env["runtime"], back.runtime_variables)
    _compare_env(name, "build env", env["build"], back.build_variables)


def _compare(name: str, want: dict[str, Any], got: dict[str, Any]) -> None:
    differing = sorted(k for k, v in want.items() if got.get(k) != v)
    if differing:
        shown = ", ".join(f"{k}: planned {want[k]!r}, read back {got.get(k)!r}" for k in differing)
        raise ApplyError(f"service {name}: read-back differs from the plan ({shown})")


def _compare_env(name: str, what: str, want: dict[str, str], got: dict[str, str]) -> None:
    if want == got:
        return
    keys = sorted(k for k in set(want) | set(got) if want.get(k) != got.get(k))
    raise ApplyError(
        f"service {name}: read-back {what} differs from the plan for {', '.join(keys)}"
    )


async def update_service(rt: Runtime, action: UpdateService) -> str:
    client = rt.client
    sid = action.service_id
    svc = rt.desired.services[action.name]
    want = desired_fields(svc)
    paths = {c.path for c in action.changes}
    settings = {p: want.get(p) for p in sorted(paths) if not p.startswith("build_env.")}
    build = any(p.startswith("build_env.") for p in paths)
    request = ServiceUpdate(
        settings=settings, build_variables=rt.env_values(action.name, build=True) if build else None
    )
    await mutate_once(lambda: client.update_service(sid, request))
    back = await client.get_service(sid)
    # Only what this update wrote is compared for env; the rest must match the plan.
    written = request.build_variables
    env = {
        "runtime": back.runtime_variables,
        "build": back.build_variables if written is None else written,
    }
    _verify_service(action.name, svc, back, env)
    return "updated " + ", ".join(request.sent())


async def set_env(rt: Runtime, action: SetEnv) -> str:
    client, pid = rt.client, rt.require_project()
    sid = action.service_id
    variables = rt.env_values(action.name)
    if sorted(variables) != sorted(action.keys):
        raise ApplyError(f"service {action.name}: env keys changed since the plan was made")

    async def settled() -> dict[str, str] | None:
        current = await client.get_env(pid, sid)
        return current if current == variables else None

    await mutate_once(lambda: client.put_env(pid, sid, variables), settled)
    back = await client.get_env(pid, sid)
    _compare_env(action.name, "runtime env", variables, back)
    return f"replaced env ({len(variables)} keys)"
