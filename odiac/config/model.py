"""Pydantic models of ``opendeploy.toml`` version 1 (desired state, pure data).

These models know nothing of HTTP. Field names are the file's key names.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_GATEWAY = "https://dashboard.dev.opendeploy.dev/api"

ServiceType = Literal["web", "worker", "cron", "static"]
Engine = Literal["postgres", "mysql", "mongodb", "redis", "clickhouse"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SecretRef(_Strict):
    """A value resolved at plan/apply time by a secret backend: ``{ secret = "env:NAME" }``."""

    secret: Annotated[str, Field(description="Reference as scheme:ref, e.g. env:STRIPE_KEY.")]

    @property
    def scheme(self) -> str:
        return self.secret.split(":", 1)[0]

    @property
    def ref(self) -> str:
        return self.secret.split(":", 1)[1] if ":" in self.secret else ""


EnvValue = str | SecretRef


class GatewaySection(_Strict):
    url: str = Field(
        DEFAULT_GATEWAY,
        description='Gateway base URL including /api, or "local" for the embedded emulator.',
    )


class ProjectSection(_Strict):
    name: str = Field(description="Project name: a lowercase DNS label.")
    region: str | None = Field(None, description="Region code such as us-east-1; default: first active.")
    description: str = ""


class SourceSection(_Strict):
    path: str | None = Field(None, description="Folder to zip (default '.').")
    git: str | None = Field(None, description="Git URL, instead of path.")
    branch: str | None = None
    token: SecretRef | None = Field(None, description="Git token for a private repository.")
    exclude: list[str] = Field(default_factory=list, description="Extra globs to leave out.")


class DependencySection(_Strict):
    type: Engine
    template: str | None = None
    display_name: str | None = None


class ServiceSection(_Strict):
    type: ServiceType = "web"
    path: str = Field(".", description="Sub-folder of the source (monorepo).")
    port: int | None = Field(None, ge=1, le=65535)
    language: str | None = None
    framework: str | None = Field(None, description='"auto" lets an analyzer fill it.')
    cpu: str | None = Field(None, description="CPU limit, Kubernetes quantity.")
    cpu_request: str | None = None
    memory: str | None = Field(None, description="Memory limit, Kubernetes quantity.")
    memory_request: str | None = None
    replicas: int | None = Field(None, ge=0)
    health_check_path: str | None = None
    build_command: str | None = None
    start_command: str | None = None
    dockerfile: str | None = None
    uses: list[str] = Field(default_factory=list, description="Dependencies whose env is injected.")
    subdomain: str | None = None
    env: dict[str, EnvValue] = Field(default_factory=dict)
    build_env: dict[str, EnvValue] = Field(default_factory=dict)


class Config(_Strict):
    """The whole file after the environment overlay has been merged."""

    version: Literal[1] = 1
    gateway: GatewaySection = Field(default_factory=GatewaySection)
    project: ProjectSection
    source: SourceSection = Field(default_factory=SourceSection)
    dependencies: dict[str, DependencySection] = Field(default_factory=dict)
    services: dict[str, ServiceSection] = Field(default_factory=dict)
    environments: dict[str, dict[str, object]] = Field(
        default_factory=dict, description="Overlays deep-merged over the base, chosen with --env."
    )
