"""Typed async client for the OpenDeploy gateway: one method per endpoint odiac uses.

Example:
    async with GatewayClient("https://dashboard.dev.opendeploy.dev/api", token) as gw:
        regions = await gw.list_regions()

Mutating calls are sent exactly once: a failure that may have committed carries
``ambiguous=True`` and the caller reads back before deciding to retry.
"""

from __future__ import annotations

import json
import platform
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import quote

import httpx

from odiac.gateway.core import HTTPCore, RequestRecord, Sleep, canonical_path
from odiac.gateway.decode import M, parse, parse_list
from odiac.gateway.errors import GatewayHTTPError, GatewayProtocolError
from odiac.gateway.insecure import check_gateway_url
from odiac.gateway.models import (
    CatalogEntry,
    CreatedService,
    CreatedVolume,
    Dependency,
    DependencyStatus,
    Deployment,
    DetachedVolume,
    EnvSet,
    EnvVar,
    LogEvent,
    LogPage,
    Profile,
    Project,
    Region,
    RegisterResult,
    Service,
    ServiceDomain,
    SourceBindResult,
    SubdomainCheck,
    UploadResult,
    Volume,
)
from odiac.redact import register

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterable
    from pathlib import Path
    from types import TracebackType

    from odiac.gateway.bodies import ServiceCreate, ServiceUpdate

INVALID_DEPENDENCY_ID = "Invalid dependency_id format"
_ENGINE_ALIASES = {"mongo": "mongodb"}
UPLOAD_TIMEOUT = 300.0


def _q(value: str) -> str:
    """Quote an id for use as one path segment (an id can never add a segment)."""
    return quote(str(value), safe="")


class GatewayClient:
    """Async client for one gateway base URL (including ``/api``) and one token."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
        user_agent: str | None = None,
        max_read_retries: int = 3,
        on_request: Callable[[RequestRecord], None] | None = None,
        sleep: Sleep | None = None,
        backoff: float = 0.5,
        max_retry_after: float = 30.0,
    ) -> None:
        if transport is None or isinstance(transport, httpx.AsyncHTTPTransport):
            check_gateway_url(base_url)  # over a network: never the key in clear
        self._timeout = timeout
        self._core = HTTPCore(
            base_url,
            token,
            transport=transport,
            timeout=timeout,
            user_agent=user_agent,
            max_read_retries=max_read_retries,
            on_request=on_request,
            sleep=sleep,
            backoff=backoff,
            max_retry_after=max_retry_after,
        )

    def __repr__(self) -> str:
        return f"GatewayClient({self.base_url!r})"

    @property
    def base_url(self) -> str:
        return self._core.base_url

    @property
    def round_trips(self) -> int:
        """HTTP round trips made so far (retries included)."""
        return self._core.round_trips

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._core.aclose()

    # -- plumbing ----------------------------------------------------------------

    async def _call(self, method: str, path: str, **kwargs: Any) -> tuple[Any, str]:
        body = await self._core.request(method, path, **kwargs)
        return body, canonical_path(path)

    async def _one(self, model: type[M], method: str, path: str, **kwargs: Any) -> M:
        body, shown = await self._call(method, path, **kwargs)
        return parse(model, body, method, shown)

    async def _many(
        self, model: type[M], path: str, *, key: str = "data", **kwargs: Any
    ) -> list[M]:
        body, shown = await self._call("GET", path, **kwargs)
        return parse_list(model, body, "GET", shown, key=key)

    # -- client agents, regions, profile ------------------------------------------

    async def register_agent(self, name: str | None = None) -> RegisterResult:
        """Register a client agent (anonymous; never retried, 429 surfaces as RateLimited)."""
        body: dict[str, Any] = {"source_hint": f"odiac/{platform.system() or 'unknown'}"}
        if name:
            body["name"] = name
        result = await self._one(
            RegisterResult,
            "POST",
            "/v1/client-agents/register",
            json_body=body,
            authenticated=False,
        )
        register(result.api_key)
        register(result.bind_sig)
        return result

    async def list_regions(self) -> list[Region]:
        """All regions (the credential sanity check: 401 here means a rejected key)."""
        return await self._many(Region, "/v1/regions/")

    async def get_profile(self) -> Profile:
        """The user profile; 401 for a pending agent (that is the "not bound" signal)."""
        return await self._one(Profile, "GET", "/v1/profile")

    # -- projects -------------------------------------------------------------------

    async def list_projects(self) -> list[Project]:
        return await self._many(Project, "/v1/projects/")

    async def get_project(self, pid: str) -> Project:
        return await self._one(Project, "GET", f"/v1/projects/{_q(pid)}")

    async def delete_project(self, pid: str) -> str:
        """Delete a project and everything in it (irreversible; never retried).

        Call only after the user confirmed. Returns the gateway's message. A pending
        agent (or any token on a gateway that keeps deletes for the dashboard) gets
        :class:`PermissionDenied` with ``code == "agent_delete_forbidden"``.
        """
        body, _ = await self._call("DELETE", f"/v1/projects/{_q(pid)}")
        message = body.get("message") if isinstance(body, dict) else None
        return message if isinstance(message, str) else ""

    async def create_project(
        self,
        name: str,
        *,
        region_id: str | None = None,
        description: str = "",
        repo_url: str = "file://upload",
        branch: str | None = None,
        git_token: str | None = None,
    ) -> Project:
        """Create a project; ``skip_validation`` is sent exactly for ``file://`` URLs."""
        register(git_token)
        body: dict[str, Any] = {"name": name, "repo_url": repo_url, "description": description}
        if region_id:
            body["region_id"] = region_id
        if branch:
            body["branch"] = branch
        if git_token:
            body["token"] = git_token
        if repo_url.startswith("file://"):
            body["skip_validation"] = True
        return await self._one(Project, "POST", "/v1/projects/", json_body=body)

    # -- dependencies -------------------------------------------------------------------

    async def list_dependency_catalog(self) -> list[CatalogEntry]:
        """The optional catalog (``GET /v1/dependencies``); NotFound on gateways without it."""
        return await self._many(CatalogEntry, "/v1/dependencies", key="dependencies")

    async def list_dependencies_status(self, pid: str) -> list[DependencyStatus]:
        return await self._many(
            DependencyStatus, f"/v1/dependencies/status/{_q(pid)}", key="dependencies"
        )

    async def create_dependency(
        self,
        pid: str,
        engine: str,
        *,
        environment: str = "staging",
        display_name: str | None = None,
        template_id: str | None = None,
        username: str | None = None,
        password: str | None = None,
        database_name: str | None = None,
    ) -> Dependency:
        """Create a managed database by engine name.

        A gateway that wants catalog ids answers 400 ``Invalid dependency_id format``;
        the id is then looked up in the catalog and the create retried once (gateway-api failure 33).
        ``username``, ``password`` and ``database_name`` are generated by the gateway
        when omitted (gateway-api 3.4.2); the password never reaches a log (traffic scrubs it).
        """
        body: dict[str, Any] = {
            "project_id": pid,
            "dependency_id": engine,
            "environment": environment,
        }
        if display_name:
            body["display_name"] = display_name
        if template_id:
            body["template_id"] = template_id
        credentials = {"username": username, "password": password, "database_name": database_name}
        body.update({k: v for k, v in credentials.items() if v is not None})
        path = "/v1/dependencies/create"
        try:
            return await self._one(Dependency, "POST", path, json_body=body)
        except GatewayHTTPError as exc:
            if exc.status != 400 or exc.gateway_message != INVALID_DEPENDENCY_ID:
                raise
            catalog_id = await self._catalog_id(engine)
            if catalog_id is None or catalog_id == engine:
                raise
        return await self._one(
            Dependency, "POST", path, json_body={**body, "dependency_id": catalog_id}
        )

    async def _catalog_id(self, engine: str) -> str | None:
        wanted = _ENGINE_ALIASES.get(engine, engine)
        try:
            catalog = await self.list_dependency_catalog()
        except GatewayHTTPError:
            return None
        for entry in catalog:
            if wanted in (entry.name, entry.type):
                return entry.id
        return None

    # -- services and env -------------------------------------------------------------------

    async def list_services(self, pid: str) -> list[Service]:
        return await self._many(Service, f"/v1/projects/{_q(pid)}/services/")

    async def get_service(self, sid: str) -> Service:
        return await self._one(Service, "GET", f"/v1/services/{_q(sid)}")

    async def create_service(self, pid: str, request: ServiceCreate) -> str:
        """Create a service; returns its id (``service_id``, falling back to ``id``)."""
        created = await self._one(
            CreatedService, "POST", f"/v1/projects/{_q(pid)}/services/", json_body=request.body()
        )
        return created.service_id

    async def update_service(self, sid: str, request: ServiceUpdate) -> Service:
        """Partial update (resize without redeploy): only the fields set are sent."""
        return await self._one(Service, "PUT", f"/v1/services/{_q(sid)}", json_body=request.body())

    # -- volumes -------------------------------------------------------------------------

    async def list_volumes(self, sid: str) -> list[Volume]:
        """Active and orphaned volumes of a service."""
        return await self._many(Volume, f"/v1/services/{_q(sid)}/volumes", key="volumes")

    async def create_volume(self, sid: str, name: str, mount_path: str, size: str) -> CreatedVolume:
        """Attach a new volume (the first one on a running service converts its workload)."""
        return await self._one(
            CreatedVolume,
            "POST",
            f"/v1/services/{_q(sid)}/volumes",
            json_body={"name": name, "mount_path": mount_path, "size": size},
        )

    async def resize_volume(self, vid: str, size: str) -> Volume:
        """Grow a volume (the gateway refuses a smaller size)."""
        return await self._one(
            Volume, "PATCH", f"/v1/volumes/{_q(vid)}/size", json_body={"size": size}
        )

    async def detach_volume(self, vid: str) -> DetachedVolume:
        """Detach a volume: it becomes orphaned and is kept for 7 days."""
        return await self._one(DetachedVolume, "DELETE", f"/v1/volumes/{_q(vid)}")

    async def restore_volume(self, vid: str) -> Volume:
        """Attach an orphaned volume again."""
        return await self._one(Volume, "POST", f"/v1/volumes/{_q(vid)}/restore")

    async def get_env(self, pid: str, sid: str) -> dict[str, str]:
        """The runtime env of a service (decrypted values)."""
        env = await self._one(EnvSet, "GET", f"/v1/projects/{_q(pid)}/services/{_q(sid)}/env")
        return env.as_dict()

    async def get_env_rows(self, pid: str, sid: str) -> list[EnvVar]:
        """The runtime env of a service as rows (each says whether it is stored encrypted)."""
        env = await self._one(EnvSet, "GET", f"/v1/projects/{_q(pid)}/services/{_q(sid)}/env")
        return list(env.variables)

    async def put_env(self, pid: str, sid: str, variables: dict[str, str]) -> dict[str, str]:
        """Replace the WHOLE runtime env (keys absent from ``variables`` are deleted)."""
        env = await self._one(
            EnvSet,
            "PUT",
            f"/v1/projects/{_q(pid)}/services/{_q(sid)}/env",
            json_body={"variables": dict(variables)},
        )
        return env.as_dict()

    # -- source ---------------------------------------------------------------------------------

    async def upload_archive(
        self,
        *,
        project_name: str,
        region_id: str,
        archive_path: Path,
        filename: str = "source.zip",
    ) -> UploadResult:
        """Park a ZIP archive in the temporary upload area (streamed as multipart)."""
        with archive_path.open("rb") as handle:
            return await self._one(
                UploadResult,
                "POST",
                "/v1/upload/upload-only",
                data={"project_name": project_name, "region_id": region_id},
                files={"project_file": (filename, handle, "application/zip")},
                timeout=max(self._timeout, UPLOAD_TIMEOUT),
            )

    async def upload_git(
        self,
        *,
        project_name: str,
        region_id: str,
        git_url: str,
        branch: str | None = None,
        git_token: str | None = None,
    ) -> UploadResult:
        """Park a Git reference in the temporary upload area."""
        register(git_token)
        form = {"project_name": project_name, "region_id": region_id, "git_url": git_url}
        if branch:
            form["branch"] = branch
        if git_token:
            form["git_token"] = git_token
        # (None, value) parts force multipart/form-data without a file part.
        return await self._one(
            UploadResult,
            "POST",
            "/v1/upload/upload-only",
            files={key: (None, value) for key, value in form.items()},
        )

    async def update_source(
        self, pid: str, temp_file_path: str, analysis: dict[str, Any] | None = None
    ) -> SourceBindResult:
        """Bind an uploaded source to the project (required before deploying new source)."""
        body: dict[str, Any] = {"project_id": pid, "temp_file_path": temp_file_path}
        if analysis is not None:
            body["analysis"] = analysis
        return await self._one(SourceBindResult, "POST", "/v1/upload/update-source", json_body=body)

    # -- deployments ---------------------------------------------------------------------------

    async def create_deployment(
        self,
        pid: str,
        sid: str,
        *,
        source: str = "zip",
        temp_file_path: str = "",
        environment: str = "staging",
        dependencies: Iterable[str] = (),
        description: str = "",
        branch: str | None = None,
    ) -> Deployment:
        """Create a deployment. ``resources`` is never sent: the service row is authoritative."""
        body: dict[str, Any] = {
            "project_id": pid,
            "service_id": sid,
            "source": source,
            "temp_file_path": temp_file_path,
            "environment": environment,
            "dependencies": list(dependencies),
        }
        if description:
            body["description"] = description
        if branch:
            body["branch"] = branch
        return await self._one(Deployment, "POST", "/v1/deployments/", json_body=body)

    async def get_deployment(self, did: str) -> Deployment:
        """The only status poll route."""
        return await self._one(Deployment, "GET", f"/v1/deployments/{_q(did)}")

    async def list_deployments(
        self, pid: str, *, service_id: str | None = None, status: str | None = None
    ) -> list[Deployment]:
        """Deployments of one project, newest first."""
        return await self._many(
            Deployment,
            f"/v1/projects/{_q(pid)}/deployments",
            params={"service_id": service_id, "status": status},
        )

    async def get_logs(
        self, did: str, *, tail: int | None = None, since: str | None = None
    ) -> LogPage:
        return await self._one(
            LogPage, "GET", f"/v1/deployments/{_q(did)}/logs", params={"tail": tail, "since": since}
        )

    async def stream_logs(self, did: str) -> AsyncIterator[LogEvent]:
        """Follow the Server-Sent Events log stream until the server closes it."""
        path = f"/v1/deployments/{_q(did)}/logs/stream"
        async with self._core.stream(path) as response:
            event, data_lines = "message", []
            async for line in response.aiter_lines():
                if line.startswith(":"):
                    continue
                if line:
                    field, _, value = line.partition(":")
                    value = value.removeprefix(" ")
                    if field == "event":
                        event = value
                    elif field == "data":
                        data_lines.append(value)
                    continue
                if data_lines:
                    yield _sse_event(event, "\n".join(data_lines), path)
                event, data_lines = "message", []
            if data_lines:
                yield _sse_event(event, "\n".join(data_lines), path)

    async def cancel_deployment(self, did: str) -> Deployment:
        return await self._one(Deployment, "POST", f"/v1/deployments/{_q(did)}/cancel")

    async def rollback_deployment(self, did: str) -> Deployment:
        """Roll back to the earlier successful deployment ``did``; returns the NEW deployment."""
        return await self._one(Deployment, "POST", f"/v1/deployments/{_q(did)}/rollback")

    # -- service domains ----------------------------------------------------------------------

    async def list_domains(
        self, sid: str, *, environment: str | None = None, type: str | None = None
    ) -> list[ServiceDomain]:
        return await self._many(
            ServiceDomain,
            "/v1/service-domains",
            params={"service_id": sid, "environment": environment, "type": type},
        )

    async def check_subdomain(self, label: str) -> SubdomainCheck:
        return await self._one(
            SubdomainCheck, "GET", f"/v1/service-domains/check-subdomain/{_q(label)}"
        )

    async def rename_subdomain(self, domain_id: str, label: str) -> ServiceDomain:
        return await self._one(
            ServiceDomain,
            "PUT",
            f"/v1/service-domains/{_q(domain_id)}/subdomain",
            json_body={"subdomain": label},
        )

    async def get_domain(self, domain_id: str) -> ServiceDomain:
        return await self._one(ServiceDomain, "GET", f"/v1/service-domains/{_q(domain_id)}")


def _sse_event(event: str, data: str, path: str) -> LogEvent:
    try:
        payload = json.loads(data) if data.strip() else {}
    except (ValueError, RecursionError):
        raise GatewayProtocolError(
            f"GET {path} sent an event whose data is not JSON", method="GET", path=path
        ) from None
    if not isinstance(payload, dict):
        payload = {"value": payload}
    return LogEvent(event=event, data=payload)
