"""Response models of the gateway client.

Permissive on purpose: unknown keys are ignored, ``null`` takes the field's
default (Go encodes empty maps and slices as ``null``), and the shape variations
the contract asks clients to tolerate are folded here (env as rows or object,
``service_id`` falling back to ``id``, deployment env snapshots as JSON text,
``domain`` falling back to ``url``). These are the client's models only.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

TERMINAL_STATUSES = frozenset({"success", "failed", "cancelled", "rolled_back"})
UP_TO_DATE_MESSAGE = "Project source already up to date"


class GatewayModel(BaseModel):
    """Base: ignore unknown keys, treat ``null`` as absent when the field has a default."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _nulls_take_defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        drop = [
            key
            for key, value in data.items()
            if value is None
            and key in cls.model_fields
            and not cls.model_fields[key].is_required()
            and cls.model_fields[key].get_default(call_default_factory=True) is not None
        ]
        return {k: v for k, v in data.items() if k not in drop} if drop else data


class Region(GatewayModel):
    id: str
    name: str = ""
    code: str = ""
    status: str = ""
    environment: str = ""

    @property
    def active(self) -> bool:
        return self.status == "active"


class Profile(GatewayModel):
    id: str = ""
    email: str = ""
    plan: str = ""
    name: str = ""


class RegisterResult(GatewayModel):
    """Answer of ``POST /v1/client-agents/register``; ``api_key`` is None on a replay."""

    api_key: str | None = None
    agent_id: str | None = None
    bind_sig: str | None = None
    claim_url: str | None = None
    gateway: str | None = None
    expires_in_seconds: int | None = None
    name: str = ""

    def __repr__(self) -> str:
        return f"RegisterResult(agent_id={self.agent_id!r}, replay={self.api_key is None})"

    __str__ = __repr__


class Project(GatewayModel):
    id: str
    name: str = ""
    description: str = ""
    repo_url: str = ""
    branch: str = ""
    region_id: str = ""
    agent_id: str | None = None
    source_path: str = ""
    source_status: str | None = None
    extraction_error: str = ""
    original_file_path: str = ""
    original_file_size: int = 0
    analyze_config: dict[str, Any] | None = None
    created_at: str | None = None
    updated_at: str | None = None
    last_activity_at: str | None = None

    @property
    def source_bound(self) -> bool:
        """Source is bound and usable (a missing ``source_status`` counts as ready)."""
        return bool(self.source_path) and self.source_status in (None, "ready")


class Service(GatewayModel):
    id: str
    project_id: str = ""
    name: str = ""
    type: str = ""
    environment: str = ""
    language: str = ""
    framework: str = ""
    port: int | None = None
    source_path: str = ""
    dockerfile: str = ""
    dockerfile_path: str = ""
    build_context: str = ""
    build_command: str = ""
    start_command: str = ""
    build_variables: dict[str, str] = Field(default_factory=dict)
    runtime_variables: dict[str, str] = Field(default_factory=dict)
    health_check_path: str = ""
    readiness_path: str = ""
    cpu_request: str = ""
    cpu_limit: str = ""
    memory_request: str = ""
    memory_limit: str = ""
    replicas: int | None = None
    auto_scaling: bool = False
    dependencies: list[str] = Field(default_factory=list)
    internal_only: bool = False
    volumes: list[dict[str, Any]] = Field(default_factory=list)
    status: str = ""
    created_at: str | None = None
    updated_at: str | None = None

    def __repr__(self) -> str:
        # Env values are secrets: show only the key names.
        return (
            f"Service(id={self.id!r}, name={self.name!r}, "
            f"runtime_keys={sorted(self.runtime_variables)!r})"
        )

    __str__ = __repr__


class CreatedService(GatewayModel):
    """Answer of service create: only an id (Q16); ``service_id`` falls back to ``id``."""

    service_id: str

    @model_validator(mode="before")
    @classmethod
    def _fallback_id(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("service_id") and data.get("id"):
            return {**data, "service_id": data["id"]}
        return data


class EnvVar(GatewayModel):
    key: str
    value: str = ""
    is_encrypted: bool = False
    source: str = ""

    def __repr__(self) -> str:
        return f"EnvVar(key={self.key!r}, is_encrypted={self.is_encrypted!r})"

    __str__ = __repr__


class Volume(GatewayModel):
    """A persistent volume (``active``, ``orphaned`` or ``deleted``)."""

    id: str
    service_id: str = ""
    name: str = ""
    mount_path: str = ""
    size: str = ""
    status: str = "active"
    orphaned_at: str | None = None
    expires_at: str | None = None


class CreatedVolume(GatewayModel):
    """Answer of volume create: its id and whether the workload was converted."""

    volume_id: str
    deployment_id: str = ""
    workload_conversion: bool = False


class DetachedVolume(GatewayModel):
    """Answer of volume delete: the new status and, for an orphan, its expiry."""

    status: str
    orphaned_at: str | None = None
    expires_at: str | None = None


class EnvSet(GatewayModel):
    """Runtime env of a service; ``variables`` arrives as rows or as an object."""

    service_id: str = ""
    variables: list[EnvVar] = Field(default_factory=list)
    count: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _object_form(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("variables"), dict):
            rows = [{"key": k, "value": v} for k, v in sorted(data["variables"].items())]
            return {**data, "variables": rows}
        return data

    def as_dict(self) -> dict[str, str]:
        return {row.key: row.value for row in self.variables}

    def __repr__(self) -> str:
        return f"EnvSet(service_id={self.service_id!r}, keys={sorted(self.as_dict())!r})"

    __str__ = __repr__


class Dependency(GatewayModel):
    """A managed database instance (create answer and status rows)."""

    id: str
    dependency_id: str = ""
    name: str = ""
    display_name: str = ""
    type: str = ""
    status: str = ""
    environment: str = ""
    env_vars: dict[str, str] = Field(default_factory=dict)
    message: str = ""
    error_msg: str = ""
    created_at: str | None = None

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(id={self.id!r}, type={self.type!r}, "
            f"status={self.status!r}, env_keys={sorted(self.env_vars)!r})"
        )

    __str__ = __repr__


class ConnectionInfo(GatewayModel):
    host: str = ""
    port: int | str | None = None
    username: str = ""
    database: str = ""


class DependencyStatus(Dependency):
    """A row of ``GET /v1/dependencies/status/{pid}``."""

    connection_info: ConnectionInfo | None = None


class CatalogEntry(GatewayModel):
    """A row of the optional dependency catalog (``GET /v1/dependencies``)."""

    id: str
    name: str = ""
    display_name: str = ""
    type: str = ""
    version: str = ""


class UploadResult(GatewayModel):
    temp_file_path: str
    filename: str = ""
    git_url: str = ""
    branch: str = ""
    is_git: bool = False


class SourceBindResult(GatewayModel):
    project_id: str = ""
    source_path: str = ""
    source_status: str | None = None
    services: list[Service] = Field(default_factory=list)
    message: str = ""

    @property
    def already_up_to_date(self) -> bool:
        """The temp upload expired and the OLD source stayed bound (Q13, playbook F15)."""
        return self.message == UP_TO_DATE_MESSAGE

    @property
    def extracting(self) -> bool:
        """Newer gateways extract asynchronously; poll the project until ready."""
        return self.source_status == "extracting"


def _json_text_map(value: Any) -> Any:
    if isinstance(value, str):
        if not value.strip():
            return {}
        try:
            return json.loads(value)
        except (ValueError, RecursionError):
            return None
    return value


class Deployment(GatewayModel):
    id: str
    project_id: str = ""
    service_id: str = ""
    environment: str = ""
    status: str = ""
    progress: int = 0
    progress_percent: int | None = None
    build_percent: int | None = None
    message: str = ""
    error_msg: str = ""
    error_context: str = ""
    source: str = ""
    branch: str = ""
    temp_file_path: str = ""
    file_name: str = ""
    source_path: str = ""
    version_type: str = ""
    description: str = ""
    strategy: str = ""
    dependencies: list[str] = Field(default_factory=list)
    is_rollback: bool = False
    rollback_of: str | None = None
    runtime_variables: dict[str, str] | None = None
    build_variables: dict[str, str] | None = None
    runtime_logs_query: str = ""
    created_at: str | None = None
    updated_at: str | None = None
    completed_at: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _tolerate(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if not data.get("id") and data.get("deployment_id"):
            data["id"] = data["deployment_id"]
        for key in ("runtime_variables", "build_variables"):
            if key in data:
                data[key] = _json_text_map(data[key])
        if not isinstance(data.get("error_context", ""), str):
            data["error_context"] = json.dumps(data["error_context"])
        return data

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES

    def __repr__(self) -> str:
        return f"Deployment(id={self.id!r}, status={self.status!r}, progress={self.progress!r})"

    __str__ = __repr__


class LogLine(GatewayModel):
    timestamp: str = ""
    level: str = ""
    source: str = ""
    message: str = ""


class LogPage(GatewayModel):
    """``logs`` is None when the deployment failed before any line was written (Q9)."""

    deployment_id: str = ""
    logs: list[LogLine] | None = None
    total: int = 0

    @property
    def lines(self) -> list[LogLine]:
        return list(self.logs or [])


class ServiceDomain(GatewayModel):
    id: str
    service_id: str = ""
    project_id: str = ""
    domain: str = ""
    environment: str = ""
    type: str = ""
    status: str = ""
    ssl_enabled: bool = False
    is_primary: bool = False
    created_at: str | None = None
    cname_target: str = ""
    error_msg: str = ""
    retry_count: int = 0
    failed_at: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _url_fallback(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("domain") and isinstance(data.get("url"), str):
            return {**data, "domain": data["url"]}
        return data

    @property
    def url(self) -> str:
        """The app URL, ``https://`` added when the gateway sent a bare host."""
        if not self.domain:
            return ""
        return self.domain if "://" in self.domain else f"https://{self.domain}"

    @property
    def label(self) -> str:
        """The subdomain label (first DNS label of the host)."""
        host = self.domain.split("://", 1)[-1]
        return host.split(".", 1)[0]


class SubdomainCheck(GatewayModel):
    available: bool
    reason: str = ""


class LogEvent(GatewayModel):
    """One Server-Sent Event of the log stream: ``log``, ``status`` or ``end``."""

    event: str = "message"
    data: dict[str, Any] = Field(default_factory=dict)
