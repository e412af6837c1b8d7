"""Pydantic models of ``opendeploy.toml`` version 1 (desired state, pure data).

These models know nothing of HTTP. Field names are the file's key names. Each
model checks its own values (names, quantities, subdomains, env limits); rules
that relate several keys live in :mod:`odiac.config.checks`, and loading with
diagnostics in :mod:`odiac.config.loader`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from odiac.config import rules
from odiac.config.refs import REF_RE, Reference, parse_ref, ref_problem
from odiac.quantity import normalize_cpu, normalize_memory

if TYPE_CHECKING:
    from collections.abc import Callable

FORMAT_VERSION = 1
DEFAULT_GATEWAY = "https://dashboard.dev.opendeploy.dev/api"

ServiceType = Literal["web", "worker", "cron", "static"]
Engine = Literal["postgres", "mysql", "mongodb", "redis", "clickhouse"]


def _check(problem: str | None) -> None:
    if problem is not None:
        # The message travels as context so braces in it are never read as a template.
        raise PydanticCustomError("odiac", "{message}", {"message": problem})


def _dns_label(what: str) -> AfterValidator:
    def check(value: str) -> str:
        _check(rules.dns_label_problem(value, what))
        return value

    return AfterValidator(check)


def _rule(problem: Callable[[str], str | None]) -> AfterValidator:
    def check(value: str) -> str:
        _check(problem(value))
        return value

    return AfterValidator(check)


def _cpu(value: str) -> str:
    _check(rules.cpu_problem(value))
    return normalize_cpu(value)


def _memory(value: str) -> str:
    _check(rules.memory_problem(value))
    return normalize_memory(value)


def _number_to_text(value: object) -> object:
    # TOML users write cpu = 2 or cpu = 0.5; Kubernetes reads the same quantity.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (
            format(value, "f").rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
        )
    return value


def _memory_must_be_text(value: object) -> object:
    if isinstance(value, int | float) and not isinstance(value, bool):
        _check(f'write memory as a quoted quantity such as "{value}Mi" or "1Gi", not a bare number')
    return value


_CPU_PATTERN = r"^([0-9]+(\.[0-9]*)?|\.[0-9]+)m?$"
_MEMORY_PATTERN = r"^([0-9]+(\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)$"

ProjectName = Annotated[
    str,
    _dns_label("project"),
    WithJsonSchema({"type": "string", "pattern": rules.DNS_LABEL_RE.pattern}),
]
ServiceName = Annotated[
    str,
    _dns_label("service"),
    WithJsonSchema({"type": "string", "pattern": rules.DNS_LABEL_RE.pattern}),
]
DependencyName = Annotated[
    str,
    _dns_label("dependency"),
    WithJsonSchema({"type": "string", "pattern": rules.DNS_LABEL_RE.pattern}),
]
CpuQuantity = Annotated[
    str,
    BeforeValidator(_number_to_text),
    AfterValidator(_cpu),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": _CPU_PATTERN},
                {"type": "number", "exclusiveMinimum": 0},
            ]
        }
    ),
]
MemoryQuantity = Annotated[
    str,
    BeforeValidator(_memory_must_be_text),
    AfterValidator(_memory),
    WithJsonSchema({"type": "string", "pattern": _MEMORY_PATTERN}),
]
Subdomain = Annotated[
    str,
    _rule(rules.subdomain_problem),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": rules.SUBDOMAIN_RE.pattern,
            "minLength": rules.SUBDOMAIN_MIN,
            "maxLength": rules.SUBDOMAIN_MAX,
            "not": {"enum": sorted(rules.RESERVED_SUBDOMAINS)},
        }
    ),
]
EnvKey = Annotated[
    str,
    _rule(rules.env_key_problem),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 1,
            "maxLength": rules.ENV_KEY_MAX,
            "pattern": r"^[^=\s\u0000]+$",
        }
    ),
]
EnvLiteral = Annotated[str, _rule(rules.env_value_problem)]
RelativePath = Annotated[str, _rule(rules.relative_path_problem)]
GatewayUrl = Annotated[
    str,
    _rule(rules.gateway_url_problem),
    WithJsonSchema(
        {
            "type": "string",
            "anyOf": [{"const": "local"}, {"pattern": r"^https?://[^/\s?#]+(/[^\s?#]*)?/api$"}],
        }
    ),
]
RegionCode = Annotated[
    str,
    _rule(rules.region_problem),
    WithJsonSchema({"type": "string", "pattern": rules.REGION_RE.pattern}),
]
UrlPath = Annotated[
    str, _rule(lambda v: None if v.startswith("/") else f'{rules.quote(v)} must start with "/"')
]


class _Strict(BaseModel):
    # strict: TOML is typed, so "3" is not silently an integer and true is not 1.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class SecretRef(_Strict):
    """A value resolved at plan/apply time by a secret backend: ``{ secret = "env:NAME" }``."""

    secret: Annotated[
        str,
        _rule(rules.secret_ref_problem),
        Field(
            description="Reference as scheme:ref, e.g. env:STRIPE_KEY.",
            json_schema_extra={"pattern": rules.SECRET_SCHEME_RE.pattern[:-1] + ":.+$"},
        ),
    ]

    @property
    def scheme(self) -> str:
        return self.secret.split(":", 1)[0]

    @property
    def ref(self) -> str:
        return self.secret.split(":", 1)[1] if ":" in self.secret else ""


class EnvRef(_Strict):
    """A value taken from a dependency's connection variables or from another service."""

    ref: Annotated[
        str,
        _rule(ref_problem),
        Field(
            description='"<dependency>.<VARIABLE>" (a connection variable of that dependency),'
            ' "services.<name>.url" (its public URL) or "services.<name>.host" (its host'
            " on the project's private network).",
            json_schema_extra={"pattern": REF_RE.pattern},
        ),
    ]

    @property
    def target(self) -> Reference:
        """The parsed reference (valid by construction)."""
        parsed = parse_ref(self.ref)
        assert parsed is not None  # noqa: S101 - checked by the field rule
        return parsed


def _env_kind(value: Any) -> str:
    return "SecretRef" if isinstance(value, dict | SecretRef) else "literal"


def _env_value_kind(value: Any) -> str:
    if isinstance(value, EnvRef) or (isinstance(value, dict) and "ref" in value):
        return "EnvRef"
    return _env_kind(value)


EnvValue = Annotated[
    Annotated[EnvLiteral, Tag("literal")]
    | Annotated[SecretRef, Tag("SecretRef")]
    | Annotated[EnvRef, Tag("EnvRef")],
    Discriminator(_env_value_kind),
]
EnvMap = dict[EnvKey, EnvValue]

CredentialLiteral = Annotated[str, _rule(rules.credential_problem)]
PasswordLiteral = Annotated[
    str,
    _rule(rules.dependency_password_problem),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": rules.DEPENDENCY_PASSWORD_MIN,
            "pattern": r"^[^\s'\"`$\\;|&()!{}<>#~]+$",
        }
    ),
]
#: A dependency username or database name: a literal or a secret reference.
CredentialValue = Annotated[
    Annotated[CredentialLiteral, Tag("literal")] | Annotated[SecretRef, Tag("SecretRef")],
    Discriminator(_env_kind),
]
#: A dependency password: a literal (checked offline, §3.4.2) or a secret reference.
PasswordValue = Annotated[
    Annotated[PasswordLiteral, Tag("literal")] | Annotated[SecretRef, Tag("SecretRef")],
    Discriminator(_env_kind),
]


class GatewaySection(_Strict):
    """Which OpenDeploy gateway to talk to."""

    url: GatewayUrl = Field(
        DEFAULT_GATEWAY,
        description='Gateway base URL including /api, or "local" for the embedded emulator.',
    )


class ProjectSection(_Strict):
    """The OpenDeploy project this file describes."""

    name: ProjectName = Field(description="Project name: a lowercase DNS label.")
    region: RegionCode | None = Field(
        None, description="Region code such as us-east-1; default: the first active region."
    )
    description: str = Field("", description="Free text shown in the dashboard.")
    default_environment: Annotated[str, _dns_label("environment")] | None = Field(
        None,
        description="Environment used without --env (default: staging). Base file only.",
    )


class SourceSection(_Strict):
    """Where the application source comes from: a local folder or a Git repository."""

    path: RelativePath | None = Field(None, description="Folder to zip (default '.').")
    git: str | None = Field(None, description="Git URL, instead of path.")
    branch: str | None = Field(None, description="Git branch (default: the repository's).")
    token: SecretRef | None = Field(None, description="Git token for a private repository.")
    exclude: list[str] = Field(default_factory=list, description="Extra globs to leave out.")


class DependencySection(_Strict):
    """A managed database or cache."""

    type: Engine = Field(description="Engine.")
    template: str | None = Field(None, description="Non-default template id.")
    display_name: str | None = Field(None, description="Name shown in the dashboard.")
    username: CredentialValue | None = Field(
        None, description="Database user (default: generated by the gateway); set at creation."
    )
    password: PasswordValue | None = Field(
        None,
        description="Database password, best a secret reference (default: generated); "
        "set at creation. At least 8 characters, no whitespace, quotes or shell "
        "metacharacters.",
    )
    database_name: CredentialValue | None = Field(
        None, description="Database name (default: generated by the gateway); set at creation."
    )


def _size_must_be_text(value: object) -> object:
    if isinstance(value, int | float) and not isinstance(value, bool):
        _check(f'write size as a quoted quantity such as "{value}Gi", not a bare number')
    return value


VolumeName = Annotated[
    str,
    _rule(rules.volume_name_problem),
    WithJsonSchema({"type": "string", "pattern": rules.VOLUME_NAME_RE.pattern, "maxLength": 32}),
]
MountPath = Annotated[
    str,
    _rule(rules.mount_path_problem),
    WithJsonSchema({"type": "string", "pattern": "^/.+"}),
]
VolumeSize = Annotated[
    str,
    BeforeValidator(_size_must_be_text),
    _rule(rules.volume_size_problem),
    WithJsonSchema({"type": "string", "pattern": _MEMORY_PATTERN}),
]


class VolumeSection(_Strict):
    """A persistent volume mounted into the service (the service then runs 1 replica)."""

    mount_path: MountPath | None = Field(
        None, description='Absolute path inside the container, e.g. "/data".'
    )
    size: VolumeSize | None = Field(
        None, description='Size as a quoted quantity, e.g. "5Gi"; it can grow, never shrink.'
    )
    detach: bool = Field(
        False,
        description="Detach the live volume: it is kept, orphaned, and restorable for 7 days.",
    )


class ServiceSection(_Strict):
    """One deployable service of the project."""

    type: ServiceType = Field("web", description="web, worker, cron or static.")
    path: RelativePath = Field(".", description="Sub-folder of the source (monorepo).")
    port: int | None = Field(None, ge=1, le=65535, description="HTTP listener port.")
    language: str | None = Field(
        None, description='Runtime language; "auto" lets an analyzer fill it.'
    )
    framework: str | None = Field(None, description='"auto" lets an analyzer fill it.')
    cpu: CpuQuantity | None = Field(
        None, description='CPU limit, Kubernetes quantity ("1", "500m").'
    )
    cpu_request: CpuQuantity | None = Field(None, description="CPU request, at most cpu.")
    memory: MemoryQuantity | None = Field(
        None, description='Memory limit, Kubernetes quantity ("1Gi").'
    )
    memory_request: MemoryQuantity | None = Field(
        None, description="Memory request, at most memory."
    )
    replicas: int | None = Field(None, ge=0, description="Number of instances.")
    health_check_path: UrlPath | None = Field(
        None, description='HTTP path probed for health, e.g. "/healthz".'
    )
    build_command: str | None = Field(None, description="Command that builds the service.")
    start_command: str | None = Field(None, description="Command that starts the service.")
    dockerfile: RelativePath | None = Field(
        None, description="Dockerfile path inside the service folder."
    )
    dockerfile_inline: str | None = Field(
        None, description="The Dockerfile itself, instead of a dockerfile path."
    )
    build_context: RelativePath | None = Field(
        None, description="Folder sent to the Docker build, inside the source."
    )
    readiness_path: UrlPath | None = Field(
        None, description='HTTP path probed before traffic is sent, e.g. "/ready".'
    )
    auto_scaling: bool | None = Field(None, description="Let the platform add replicas.")
    internal_only: bool | None = Field(
        None, description="Reachable only by sibling services: no public URL."
    )
    depends_on: list[ServiceName] = Field(
        default_factory=list, description="Sibling services that must start first."
    )
    uses: list[DependencyName] = Field(
        default_factory=list, description="Dependencies whose connection env is injected."
    )
    subdomain: Subdomain | None = Field(None, description="Label of <label>.dev.opendeploy.run.")
    volumes: dict[VolumeName, VolumeSection] = Field(
        default_factory=dict, description="Persistent volumes by name."
    )
    env: EnvMap = Field(default_factory=dict, description="Runtime environment variables.")
    build_env: EnvMap = Field(default_factory=dict, description="Build-time environment variables.")


class Config(_Strict):
    """The whole file after the environment overlay has been merged."""

    version: Literal[1] = Field(1, description="Format version of this file.")
    gateway: GatewaySection = Field(default_factory=GatewaySection)
    project: ProjectSection
    source: SourceSection = Field(default_factory=SourceSection)
    dependencies: dict[DependencyName, DependencySection] = Field(default_factory=dict)
    services: dict[ServiceName, ServiceSection] = Field(default_factory=dict)
    environments: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Overlays deep-merged over the base, chosen with --env."
        " Empty after loading: the selected overlay is already merged.",
    )


OVERLAY_SECTIONS: tuple[str, ...] = ("gateway", "project", "source", "dependencies", "services")

# Table paths ("*" = any name) -> the model that owns the keys found there.
_TABLES: dict[tuple[str, ...], type[BaseModel]] = {
    (): Config,
    ("gateway",): GatewaySection,
    ("project",): ProjectSection,
    ("source",): SourceSection,
    ("source", "token"): SecretRef,
    ("dependencies", "*"): DependencySection,
    ("dependencies", "*", "username"): SecretRef,
    ("dependencies", "*", "password"): SecretRef,
    ("dependencies", "*", "database_name"): SecretRef,
    ("services", "*"): ServiceSection,
    ("services", "*", "volumes", "*"): VolumeSection,
    ("services", "*", "env", "*"): SecretRef,
    ("services", "*", "build_env", "*"): SecretRef,
}


def allowed_keys(table: tuple[str | int, ...]) -> list[str] | None:
    """Key names allowed in the table at ``table`` (for "did you mean" hints).

    Args:
        table: Key path of a table, e.g. ``("services", "web")`` or
            ``("environments", "production", "services", "web")``.

    Returns:
        The allowed names, or None when the table holds free-form names.
    """
    if len(table) >= 2 and table[0] == "environments":
        if len(table) == 2:
            return list(OVERLAY_SECTIONS)
        table = table[2:]
    for pattern, model in _TABLES.items():
        if len(pattern) == len(table) and all(
            p in ("*", t) for p, t in zip(pattern, table, strict=True)
        ):
            return list(model.model_fields)
    return None
