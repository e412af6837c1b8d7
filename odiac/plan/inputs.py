"""The two inputs of the planner: what the file asks for and what the gateway has.

Both are frozen pydantic models built elsewhere (the desired-state builder and
``refresh``) and consumed by :func:`odiac.plan.planner.make_plan`. Secret values
live here only in memory: every environment value is a :class:`~pydantic.SecretStr`
(masked in ``repr``) and is left out of serialisation, so a ``model_dump`` or a
traceback never shows one. Values are compared by digest.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

# One definition of contract 9.5, shared with the config checks; part of this module's API.
from odiac.config.sensitive import is_sensitive_key as is_sensitive_key
from odiac.plan import fields as service_fields
from odiac.plan.fields import FieldValue

ServiceType = Literal["web", "worker", "cron", "static"]
Engine = Literal["postgres", "mysql", "mongodb", "redis", "clickhouse"]

_DESCRIPTION_RE = re.compile(
    r"\bodiac source=(?P<source>sha256:[0-9a-f]{64}|-) config=(?P<config>sha256:[0-9a-f]{64}|-)"
)


def secret_digest(value: str, key: bytes) -> str:
    """Keyed digest of a secret value: ``hmac-sha256:<hex>`` (brute force needs the key)."""
    mac = hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"hmac-sha256:{mac}"


def format_deployment_description(source_digest: str | None, config_digest: str | None) -> str:
    """The deployment ``description`` that records which source and config it runs."""
    return f"odiac source={source_digest or '-'} config={config_digest or '-'}"


def parse_deployment_description(text: str | None) -> tuple[str | None, str | None]:
    """Read back ``(source_digest, config_digest)``; ``(None, None)`` if odiac did not write it."""
    match = _DESCRIPTION_RE.search(text or "")
    if not match:
        return None, None
    source, config = match["source"], match["config"]
    return (None if source == "-" else source), (None if config == "-" else config)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --------------------------------------------------------------------------- desired


class LiteralValue(_Frozen):
    """A value known now (plain text or a resolved secret reference)."""

    kind: Literal["literal"] = "literal"
    value: SecretStr = Field(exclude=True, description="In memory only; never serialised.")
    sensitive: bool = Field(False, description="Never show the value; compare by digest.")
    ref: str | None = Field(None, description='The reference it came from ("services.api.url").')

    @classmethod
    def of(cls, value: str, *, sensitive: bool = False, ref: str | None = None) -> LiteralValue:
        """Build a literal from plain text."""
        return cls(value=SecretStr(value), sensitive=sensitive, ref=ref)


class FromDependency(_Frozen):
    """A value taken from a dependency's connection env (``DATABASE_URL`` of ``db``).

    The planner resolves it against the live dependency; when that dependency does
    not exist yet, the value is *known after apply*.
    """

    kind: Literal["from_dependency"] = "from_dependency"
    dependency: str = Field(description="Dependency name in opendeploy.toml.")
    key: str = Field(description="Key in that dependency's env_vars.")
    sensitive: bool = True
    ref: str | None = Field(
        None, description='The reference variable it came from ("db.DATABASE_URL"), if any.'
    )


DesiredValue = Annotated[LiteralValue | FromDependency, Field(discriminator="kind")]


class DesiredProject(_Frozen):
    name: str
    region: str | None = Field(None, description="Region code; None = gateway default.")
    description: str = ""


class DesiredSource(_Frozen):
    kind: Literal["archive", "git"] = "archive"
    digest: str | None = Field(None, description="sha256:<hex> of the archive; None for git.")
    file_count: int = 0
    total_bytes: int = 0
    git_url: str | None = None
    branch: str | None = None
    files: dict[str, str] = Field(
        default_factory=dict,
        exclude=True,
        repr=False,
        description="Archive name -> content digest of every file (never contents).",
    )


class DesiredDependency(_Frozen):
    """A managed database; credentials are set at creation only (contract §3.4.2).

    ``None`` lets the gateway generate the credential. The password is always
    sensitive; a username or database name is sensitive when it came from a
    secret reference.
    """

    engine: Engine
    display_name: str | None = None
    username: LiteralValue | None = None
    password: LiteralValue | None = None
    database_name: LiteralValue | None = None

    def credentials(self) -> dict[str, LiteralValue]:
        """The credentials the file sets, by field name (``username``, ``password``, ...)."""
        fields = {
            "username": self.username,
            "password": self.password,
            "database_name": self.database_name,
        }
        return {name: value for name, value in fields.items() if value is not None}


def _table_values(data: Any) -> Any:
    """Accept table fields as keywords (``DesiredService(port=80)``) into ``values``."""
    if not isinstance(data, dict):
        return data
    names = {row.name for row in service_fields.SERVICE_FIELDS}
    moved = {k: data[k] for k in list(data) if k in names}
    if not moved:
        return data
    rest = {k: v for k, v in data.items() if k not in names}
    return {**rest, "values": {**dict(rest.get("values") or {}), **moved}}


class _TableFields(_Frozen):
    """``values`` holds the table fields; they read as attributes too (``svc.port``)."""

    values: dict[str, FieldValue] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _accept_fields(cls, data: Any) -> Any:
        return _table_values(data)

    def get(self, name: str) -> FieldValue:
        """The value of a table field (None when unset)."""
        return self.values.get(name)

    def __getattr__(self, name: str) -> FieldValue:
        values = self.__dict__.get("values")
        if values is not None and name in {r.name for r in service_fields.SERVICE_FIELDS}:
            return values.get(name)  # type: ignore[no-any-return]
        return super().__getattr__(name)  # type: ignore[misc,no-any-return]


class DesiredVolume(_Frozen):
    """A persistent volume of a service; ``detach`` asks to orphan the live one."""

    name: str
    mount_path: str | None = None
    size: str | None = None
    detach: bool = Field(False, description="Detach (orphan) it instead of keeping it.")


class DesiredService(_TableFields):
    """One service. ``values`` holds the fields of :data:`odiac.plan.fields.SERVICE_FIELDS`
    by name; an absent or ``None`` value means "not managed by the file", except for
    fields with a gateway default, where it means that default."""

    type: ServiceType = "web"
    subdomain: str | None = None
    env: dict[str, DesiredValue] = Field(default_factory=dict, description="Runtime env.")
    build_env: dict[str, DesiredValue] = Field(default_factory=dict)
    uses: list[str] = Field(default_factory=list, description="Dependency names.")
    volumes: dict[str, DesiredVolume] = Field(default_factory=dict)


class DesiredState(_Frozen):
    """Everything ``opendeploy.toml`` (plus overlay, analyzers, secrets) asks for."""

    project: DesiredProject
    source: DesiredSource = Field(default_factory=DesiredSource)
    dependencies: dict[str, DesiredDependency] = Field(default_factory=dict)
    services: dict[str, DesiredService] = Field(default_factory=dict)
    config_digest: str = Field(description="sha256:<hex> of the effective configuration.")
    environment: str = "staging"
    warnings: list[str] = Field(
        default_factory=list,
        description="Secret-backend warnings (never a value); shown with the plan, "
        "no influence on any action or digest.",
    )


# --------------------------------------------------------------------------- live


class LiveProject(_Frozen):
    id: str
    name: str
    region_id: str | None = None
    description: str = ""
    source_bound: bool = Field(False, description="project.source_path != ''.")
    bound_source_digest: str | None = Field(
        None,
        description="Source digest of the newest non-rollback deployment odiac made in the "
        "project (what update-source last bound, as far as odiac knows).",
    )
    agent_id: str | None = None


class LiveDependency(_Frozen):
    id: str
    engine: str
    status: str = "running"
    display_name: str | None = None
    env_vars: dict[str, SecretStr] = Field(default_factory=dict, exclude=True)


class LiveDeployment(_Frozen):
    id: str
    status: str
    description: str = Field("", description="Holds the odiac source/config identity.")
    created_at: str = ""
    is_rollback: bool = False
    rollback_of: str | None = None

    @property
    def identity(self) -> tuple[str | None, str | None]:
        """``(source_digest, config_digest)`` parsed from the description."""
        return parse_deployment_description(self.description)


class LiveDomain(_Frozen):
    id: str
    label: str = Field(description="Subdomain label (prefix of the FQDN).")
    type: Literal["auto", "custom"] = "auto"
    status: str = "active"


class LiveVolume(_Frozen):
    id: str
    name: str
    mount_path: str = ""
    size: str = ""
    status: str = "active"
    expires_at: str | None = None


class LiveService(_TableFields):
    """A service as the gateway reports it (``values`` by table name, as sent)."""

    id: str
    type: str
    env: dict[str, SecretStr] = Field(default_factory=dict, exclude=True)
    build_env: dict[str, SecretStr] = Field(default_factory=dict, exclude=True)
    latest_deployment: LiveDeployment | None = Field(
        None, description="Newest deployment of the service, whatever its status."
    )
    running_deployment: LiveDeployment | None = Field(
        None,
        description="Newest successful deployment (what serves traffic). For a rollback "
        "deployment without an odiac description, refresh copies the target's description.",
    )
    domains: list[LiveDomain] = Field(default_factory=list)
    volumes: dict[str, LiveVolume] = Field(
        default_factory=dict, description="Active and orphaned volumes by name."
    )

    @property
    def auto_domain(self) -> LiveDomain | None:
        """The service's auto domain row, if it exists yet."""
        return next((d for d in self.domains if d.type == "auto"), None)


class LiveState(_Frozen):
    """What the gateway has now. ``project`` is None when the project does not exist."""

    project: LiveProject | None = None
    dependencies: dict[str, LiveDependency] = Field(default_factory=dict)
    services: dict[str, LiveService] = Field(default_factory=dict)
    read_at: str | None = Field(
        None, description="UTC time of the read (RFC 3339); dates in the plan count from it."
    )

    def fingerprint(self, key: bytes = b"") -> str:
        """Stable digest of the whole state; secrets enter only as keyed digests.

        Args:
            key: HMAC key for the secret digests (the plan key); empty = unkeyed.
        """
        blob = json.dumps(self.resource_fingerprints(key), sort_keys=True).encode("utf-8")
        return "sha256:" + hashlib.sha256(blob).hexdigest()

    def resource_fingerprints(self, key: bytes = b"") -> dict[str, str]:
        """One digest per resource address (``project``, ``service.web``, ...)."""
        docs: dict[str, Any] = {"project": self.project.model_dump() if self.project else None}
        for name, dep in self.dependencies.items():
            docs[f"dependency.{name}"] = {
                **dep.model_dump(),
                "env_vars": _digest_map(dep.env_vars, key),
            }
        for name, svc in self.services.items():
            dump = svc.model_dump(exclude={"values", "volumes"})
            values = {
                **{k: svc.values.get(k) for k in _FINGERPRINT_FIELDS},
                **{k: v for k, v in svc.values.items() if v is not None},
            }
            docs[f"service.{name}"] = {
                **dump,
                **values,
                **({"volumes": svc.model_dump()["volumes"]} if svc.volumes else {}),
                "env": _digest_map(svc.env, key),
                "build_env": _digest_map(svc.build_env, key),
            }
        return {address: _sha256_json(doc) for address, doc in sorted(docs.items())}


#: Fields that enter a service's fingerprint even when unset (the first ones odiac had);
#: any other field enters only when set, so adding one leaves existing fingerprints alone.
_FINGERPRINT_FIELDS = frozenset(
    {
        "path", "port", "language", "framework", "cpu_limit", "cpu_request", "memory_limit",
        "memory_request", "replicas", "health_check_path", "build_command", "start_command",
        "dockerfile",
    }
)  # fmt: skip


def _sha256_json(doc: object) -> str:
    blob = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return "sha256:" + hashlib.sha256(blob).hexdigest()


def _digest_map(values: dict[str, SecretStr], key: bytes) -> dict[str, Any]:
    return {k: secret_digest(v.get_secret_value(), key) for k, v in sorted(values.items())}
