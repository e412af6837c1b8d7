"""Apply steps for the source, deployments and subdomains.

Order per the contract: upload-only -> update-source (verified by reading the
project back: ``source_path`` must be set) -> one deployment per service, watched
to its end -> on success the auto domain -> rename. A failed deployment stops its
service's dependents (no rename after a failure, gateway-api failure 35).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from odiac.apply.playbook import deployment_hint
from odiac.apply.resources import resolve_region
from odiac.apply.retry import is_ambiguous, mutate_once, repeat_if_unsent
from odiac.apply.watch import WatchResult, wait_for_auto_domain, watch_deployment
from odiac.errors import ApplyError, OdiacError
from odiac.gateway.errors import GatewayError
from odiac.plan.normalise import deployment_description

if TYPE_CHECKING:
    from odiac.apply.runtime import Runtime
    from odiac.gateway.models import Deployment, ServiceDomain
    from odiac.plan.model import BindSource, Deploy, RenameSubdomain, UploadSource

LOG_TAIL = 300
EXTRACT_POLL_S = 2.0
EXTRACT_TIMEOUT_S = 300.0
#: Service types that get an auto domain (workers and cron jobs serve no HTTP).
DOMAIN_TYPES = ("web", "static")


class DeploymentFailed(ApplyError):
    """A deployment ended without success; carries the log tail and the playbook hint."""

    def __init__(self, message: str, *, hint: str | None, log_tail: list[str]) -> None:
        super().__init__(message, hint=hint)
        self.log_tail = log_tail


async def upload_source(rt: Runtime, action: UploadSource) -> str:
    client = rt.client
    region_id = await resolve_region(rt, None)
    name = rt.desired.project.name
    if action.source_kind == "git":
        src = rt.desired.source
        result = await mutate_once(
            lambda: client.upload_git(
                project_name=name,
                region_id=region_id,
                git_url=src.git_url or "",
                branch=src.branch,
                git_token=rt.git_token,
            )
        )
        rt.temp_file_path = result.temp_file_path
        return f"parked {src.git_url}"
    if rt.archive_path is None:
        raise ApplyError("no source archive was built for this run")
    archive = rt.archive_path
    # upload-only changes no project state, so repeating it after a failure is safe.
    result = await mutate_once(
        lambda: client.upload_archive(project_name=name, region_id=region_id, archive_path=archive)
    )
    rt.temp_file_path = result.temp_file_path
    return f"uploaded {action.file_count} files ({action.total_bytes} bytes)"


async def bind_source(rt: Runtime, action: BindSource) -> str:
    client, pid = rt.client, rt.require_project()
    if not rt.temp_file_path:
        raise ApplyError("nothing was uploaded to bind")
    result = await mutate_once(lambda: client.update_source(pid, rt.temp_file_path))
    if result.already_up_to_date:
        raise ApplyError(
            'the gateway kept the previously bound source ("Project source already up to '
            'date"): the new source was NOT bound',
            hint="The temporary upload expired; run apply again to re-upload and bind.",
        )
    project = await client.get_project(pid)
    deadline = rt.timing.clock() + EXTRACT_TIMEOUT_S
    while project.source_status == "extracting" and rt.timing.clock() < deadline:
        # Newer gateways extract asynchronously (gateway-api 10.2).
        if await rt.timing.pause(EXTRACT_POLL_S):
            raise ApplyError("interrupted while the gateway extracted the source")
        project = await client.get_project(pid)
    if project.source_status == "failed":
        raise ApplyError(
            f"the gateway could not extract the source: {project.extraction_error}",
            hint="Fix the archive and run apply again.",
        )
    if not project.source_path:
        raise ApplyError(
            "read-back shows no source bound to the project (source_path is empty)",
            hint="Run apply again to re-upload and bind the source.",
        )
    return "bound"


async def deploy(rt: Runtime, action: Deploy) -> str:
    client, pid = rt.client, rt.require_project()
    sid = rt.require_service(action.name)
    description = deployment_description(rt.desired, action.name)
    live_svc = rt.live.services.get(action.name)
    known = live_svc.latest_deployment.id if live_svc and live_svc.latest_deployment else None
    dependency_ids = [rt.dependency_ids[d] for d in action.uses if d in rt.dependency_ids]

    async def find_new() -> Deployment | None:
        rows = await client.list_deployments(pid, service_id=sid)
        newest = rows[0] if rows else None
        if newest is not None and newest.id != known and newest.description == description:
            return newest
        return None

    async def create() -> Deployment:
        return await client.create_deployment(
            pid,
            sid,
            source="git" if rt.desired.source.kind == "git" else "zip",
            temp_file_path=rt.temp_file_path,
            environment=rt.environment,
            dependencies=dependency_ids,
            description=description,
            branch=rt.desired.source.branch,
        )

    # A deployment has no name to look up first; after an ambiguous failure the
    # newest deployment of the service, if new and ours, is adopted (gateway-api failure 30).
    try:
        created = await repeat_if_unsent(create)
    except GatewayError as exc:
        if not is_ambiguous(exc):
            raise
        found = await find_new()
        created = found if found is not None else await create()
    rt.deployments[action.name] = created
    async with rt.slots.released():
        result = await _watch(rt, action.name, created)
    if result.interrupted:
        raise ApplyError(f"stopped watching deployment {created.id} (it continues on the gateway)")
    final = result.deployment
    rt.deployments[action.name] = final
    if not result.succeeded:
        page = await client.get_logs(final.id, tail=LOG_TAIL)
        hint = deployment_hint(final, result.phases, page.logs)
        tail = [f"{line.timestamp} {line.source}: {line.message}" for line in page.lines]
        reason = final.error_msg or final.message or final.status
        raise DeploymentFailed(
            f"deployment {final.id} {final.status} at {final.progress}%: {reason}",
            hint=str(hint),
            log_tail=tail,
        )
    wanted = rt.desired.services[action.name]
    if wanted.type in DOMAIN_TYPES and not wanted.get("internal_only"):
        async with rt.slots.released():
            domain = await wait_for_auto_domain(
                client, sid, environment=rt.environment, timing=rt.timing
            )
        if domain is None:
            rt.reporter.note(
                f"service {action.name}: deployed, but no auto domain appeared within 30 s "
                "(ingress is slow; run apply again later to finish)"
            )
        else:
            rt.domains[action.name] = domain
    return f"deployment {final.id} success"


async def _watch(rt: Runtime, name: str, created: Deployment) -> WatchResult:
    follower: asyncio.Task[None] | None = None
    if rt.follow_logs:
        follower = asyncio.create_task(_follow(rt, name, created.id))
    try:
        return await watch_deployment(
            rt.client,
            created,
            timing=rt.timing,
            on_progress=lambda d: rt.reporter.deployment(name, d),
        )
    finally:
        if follower is not None:
            follower.cancel()
            with contextlib.suppress(asyncio.CancelledError, OdiacError):
                await follower


async def _follow(rt: Runtime, name: str, did: str) -> None:
    async for event in rt.client.stream_logs(did):
        if event.event == "log":
            data = event.data
            rt.reporter.log_line(name, f"{data.get('source', '')}: {data.get('message', '')}")
        elif event.event == "end":
            return


async def rename_subdomain(rt: Runtime, action: RenameSubdomain) -> str:
    client = rt.client
    sid = rt.require_service(action.name)
    domain_id = action.domain_id or rt.known_domain_ids.get(action.name)
    if action.name in rt.domains:
        domain_id = rt.domains[action.name].id
    if domain_id is None:
        row = await wait_for_auto_domain(client, sid, environment=rt.environment, timing=rt.timing)
        if row is None:
            raise ApplyError(
                f"service {action.name} has no auto domain yet",
                hint="The row appears after the first successful deployment; "
                "run apply again shortly.",
            )
        domain_id = row.id
    check = await client.check_subdomain(action.label)
    if not check.available:
        current = await client.get_domain(domain_id)
        if current.label != action.label:
            raise ApplyError(
                f"subdomain {action.label!r} is not available ({check.reason})",
                hint="Choose another label in opendeploy.toml.",
            )

    async def settled() -> ServiceDomain | None:
        row = await client.get_domain(domain_id)
        return row if row.label == action.label else None

    await mutate_once(lambda: client.rename_subdomain(domain_id, action.label), settled)
    back = await client.get_domain(domain_id)
    if back.label != action.label:
        raise ApplyError(f"read-back of domain {domain_id} shows {back.domain!r}")
    rt.domains[action.name] = back
    return f"renamed to {back.url}"
