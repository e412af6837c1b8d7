"""``ProjectAnalysisResult``: the §9 payload plus odiac's plan-side companions.

:meth:`ProjectAnalysisResult.payload` emits exactly the fields of
analysis-rules §9.2 (JSON-mode discipline, §9.1); the evidence ledger and the
review items travel alongside and are never part of the payload.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from odiac.analysis.evidence import Decision, Refusal, ReviewItem

ProjectType = Literal["web", "worker", "cron", "static"]


class EnvVarSpec(BaseModel):
    """A variable the service reads: name, whether it must be set, a safe default."""

    model_config = ConfigDict(frozen=True)

    name: str
    required: bool = False
    default: str = ""


class AiConfig(BaseModel):
    """AI provider usage (§7.4 last paragraph)."""

    model_config = ConfigDict(frozen=True)

    requires_ai_api_key: bool = False
    detected_providers: list[str] = Field(default_factory=list)
    api_key_vars: list[str] = Field(default_factory=list)
    base_url_vars: list[str] = Field(default_factory=list)


class ServiceAnalysis(BaseModel):
    """One service of the payload; field names and types are §9.2's."""

    model_config = ConfigDict(frozen=True)

    name: str
    source_path: str = "."
    language: str = ""
    language_version: str = ""
    framework: str = ""
    build_tool: str = ""
    package_manager: str = ""
    package_manager_version: str = ""
    lockfile: str = ""
    dependency_resolution: str = ""
    project_type: ProjectType = "web"
    port: int | None = None
    entry_point: str = ""
    output_directory: str = ""
    scripts_build: str = ""
    scripts_start: str = ""
    database_type: str = ""
    dependencies: list[str] = Field(default_factory=list)
    runtime_vars: list[EnvVarSpec] = Field(default_factory=list)
    build_time_vars: list[EnvVarSpec] = Field(default_factory=list)
    ai_config: AiConfig = Field(default_factory=AiConfig)


class VolumeSuggestion(BaseModel):
    """A writable data directory the app clearly needs (§6.7): proposed, never declared."""

    model_config = ConfigDict(frozen=True)

    name: str
    mount_path: str
    evidence: str


class ServiceExtras(BaseModel):
    """Plan-side facts about a service that are not payload fields."""

    model_config = ConfigDict(frozen=True)

    deploy_mode: Literal["autodetect", "dockerfile", "image"] = "autodetect"
    dockerfile: str = ""
    release_commands: list[str] = Field(default_factory=list)
    health_check_path: str = ""
    watch_paths: list[str] = Field(default_factory=list)
    env_aliases: dict[str, str] = Field(default_factory=dict)  # name -> "<dependency>.<VAR>"
    late_bound_vars: list[str] = Field(default_factory=list)
    optional_vars: list[str] = Field(default_factory=list)
    config_vars: list[str] = Field(default_factory=list)  # settings: plain values, never secrets
    default_origins: dict[str, str] = Field(default_factory=dict)  # name -> code|compose|example
    volumes: list[VolumeSuggestion] = Field(default_factory=list)
    storage: list[str] = Field(default_factory=list)


class ExternalService(BaseModel):
    """A compose service odiac will not build (unsupported dependency, sidecar)."""

    model_config = ConfigDict(frozen=True)

    name: str
    image: str
    kind: Literal["external", "sidecar", "proxy", "tooling"]
    evidence: str


class ProjectAnalysisResult(BaseModel):
    """Everything one analysis produced."""

    model_config = ConfigDict(frozen=True)

    project_name: str
    services: list[ServiceAnalysis] = Field(default_factory=list)
    extras: dict[str, ServiceExtras] = Field(default_factory=dict)
    ledger: list[Decision] = Field(default_factory=list)
    review: list[ReviewItem] = Field(default_factory=list)
    external: list[ExternalService] = Field(default_factory=list)
    refusal: Refusal | None = None
    complexity: str = ""
    files_walked: int = 0
    files_read: int = 0

    def payload(self) -> dict[str, Any]:
        """The §9 JSON: one object for one service, ``{"services": [...]}`` for several.

        A refused analysis returns the §11 refusal object instead.
        """
        if self.refusal is not None:
            return self.refusal.model_dump(mode="json")
        items = [svc.model_dump(mode="json") for svc in self.services]
        if len(items) == 1:
            return items[0]
        return {"services": items}

    def service(self, name: str) -> ServiceAnalysis:
        """The service called ``name`` (KeyError when absent)."""
        for svc in self.services:
            if svc.name == name:
                return svc
        raise KeyError(name)

    @property
    def databases(self) -> list[str]:
        """Every engine any service needs, in §6.5 order."""
        from odiac.analysis.databases import ENGINE_ORDER

        wanted = {dep for svc in self.services for dep in svc.dependencies}
        return [e for e in ENGINE_ORDER if e in wanted]
