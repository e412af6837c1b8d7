"""Typed request bodies of the service endpoints.

Callers name a service's managed fields as odiac does (the rows of
:data:`odiac.plan.fields.SERVICE_FIELDS`: ``path``, ``dockerfile``, ``depends_on``);
only here do they become the gateway's JSON field names (``source_path``,
``dockerfile_path``, ``dependencies``), read from the same table. A row added to the
table therefore reaches the wire with no edit here, and a name the table does not
know is refused before anything is sent.

Example:
    request = ServiceCreate(name="web", type="web", settings={"path": "api", "port": 8000})
    service_id = await client.create_service(project_id, request)
    await client.update_service(service_id, ServiceUpdate(settings={"cpu_limit": "1"}))
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from odiac.plan import fields as table
from odiac.plan.fields import FieldValue


def _table_fields(settings: dict[str, FieldValue]) -> dict[str, FieldValue]:
    unknown = sorted(set(settings) - {row.name for row in table.SERVICE_FIELDS})
    if unknown:
        raise ValueError(f"not a managed service field: {', '.join(unknown)}")
    return settings


#: Managed service fields by their odiac name; None is sent as JSON null.
Settings = Annotated[dict[str, FieldValue], AfterValidator(_table_fields)]


class RequestModel(BaseModel):
    """Base of request bodies: no unknown keys, immutable once built.

    A validation error never quotes the input: it may hold an env value.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


def _env_keys(variables: dict[str, str]) -> list[str]:
    return sorted(variables)


class ServiceCreate(RequestModel):
    """Body of ``POST /v1/projects/{pid}/services/``.

    Attributes:
        name: Service name (a DNS label, unique in the project).
        type: ``web``, ``worker``, ``cron`` or ``static``.
        environment: ``staging`` or ``production``.
        settings: Managed fields by odiac name; a value equal to the field's
            ``omit_at_create`` is left to the gateway.
        runtime_variables: The complete runtime env (secret values: never shown).
        build_variables: The complete build-time env (secret values: never shown).
    """

    name: str
    type: str
    environment: str = "staging"
    settings: Settings = Field(default_factory=dict)
    runtime_variables: dict[str, str] = Field(default_factory=dict, repr=False)
    build_variables: dict[str, str] = Field(default_factory=dict, repr=False)

    def body(self) -> dict[str, Any]:
        """The JSON object sent, under the gateway's field names."""
        body: dict[str, Any] = {"name": self.name, "type": self.type}
        body["environment"] = self.environment
        for name, value in self.settings.items():
            row = table.field(name)
            if value != row.omit_at_create:
                body[row.wire] = value
        body["runtime_variables"] = dict(self.runtime_variables)
        body["build_variables"] = dict(self.build_variables)
        return body

    def __repr_args__(self) -> Any:
        yield from super().__repr_args__()
        yield "runtime_keys", _env_keys(self.runtime_variables)
        yield "build_keys", _env_keys(self.build_variables)


class ServiceUpdate(RequestModel):
    """Body of ``PUT /v1/services/{sid}``: a partial update, only what was set is sent.

    Attributes:
        settings: The managed fields to change, by odiac name (None sends null).
        build_variables: The complete build-time env; None leaves it unchanged.
    """

    settings: Settings = Field(default_factory=dict)
    build_variables: dict[str, str] | None = Field(None, repr=False)

    def body(self) -> dict[str, Any]:
        """The JSON object sent: the fields set, under the gateway's names."""
        body: dict[str, Any] = {
            table.field(name).wire: value for name, value in self.settings.items()
        }
        if self.build_variables is not None:
            body["build_variables"] = dict(self.build_variables)
        return body

    def sent(self) -> list[str]:
        """The gateway field names this update writes, sorted."""
        return sorted(self.body())

    def __repr_args__(self) -> Any:
        yield from super().__repr_args__()
        if self.build_variables is not None:
            yield "build_keys", _env_keys(self.build_variables)
