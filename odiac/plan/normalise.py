"""One service: its desired fields and env, normalised, against what is live.

The fields and how each is compared come from :data:`odiac.plan.fields.SERVICE_FIELDS`:
Kubernetes quantities in canonical spelling (``"1000m"`` == ``"1"``); an unset
resource or replica count means the gateway default.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from odiac.errors import PlanError
from odiac.plan import fields as table
from odiac.plan.diff import EnvTarget
from odiac.plan.inputs import (
    DesiredService,
    FromDependency,
    LiveService,
    LiveState,
    format_deployment_description,
)
from odiac.quantity import QuantityError, cpu_millicores, memory_bytes

if TYPE_CHECKING:
    from collections.abc import Mapping

    from odiac.plan.inputs import DesiredState, DesiredValue
    from odiac.plan.model import Impact, Scalar


def field_impacts() -> dict[str, Impact]:
    """What an update of each field does to the workload (``PUT /v1/services/{id}``)."""
    return {row.name: row.impact for row in table.SERVICE_FIELDS}


#: Each resource field and the field that bounds it (request <= limit).
_PAIRED = {
    "cpu_request": "cpu_limit",
    "memory_request": "memory_limit",
    "cpu_limit": "cpu_request",
    "memory_limit": "memory_request",
}


def default_quantity(svc: DesiredService, name: str) -> str:
    """The value sent for an unset resource field: the gateway default, kept valid.

    A default request never exceeds the limit the file sets (``memory = "512Mi"`` gets
    a 512Mi request, not the 1Gi default), and a default limit never falls below the
    request the file sets.
    """
    default = str(table.field(name).default)
    paired = svc.get(_PAIRED[name])
    if not paired:
        return default
    other = str(paired)
    parse = cpu_millicores if name.startswith("cpu") else memory_bytes
    try:
        smaller = parse(other) < parse(default)
    except QuantityError:
        return default
    is_request = name.endswith("_request")
    return other if smaller == is_request else default


def desired_fields(svc: DesiredService) -> dict[str, Scalar]:
    """The managed fields of a desired service, normalised (defaults filled in)."""
    fields: dict[str, Scalar] = {}
    for row in table.SERVICE_FIELDS:
        value = svc.get(row.name)
        if value is None and row.name in _PAIRED:
            value = default_quantity(svc, row.name)
        compared = row.compared(value)
        if compared is not None:
            fields[row.name] = compared
    return fields


def live_fields(svc: LiveService) -> dict[str, Scalar]:
    """The same fields as the gateway reports them, normalised the same way."""
    return {row.name: row.compared(svc.get(row.name)) for row in table.SERVICE_FIELDS}


def resolve_env(
    values: Mapping[str, DesiredValue], desired: DesiredState, live: LiveState, where: str
) -> dict[str, EnvTarget]:
    """Resolve dependency references against live dependencies (unknown if not live yet)."""
    resolved: dict[str, EnvTarget] = {}
    for key, value in values.items():
        if not isinstance(value, FromDependency):
            resolved[key] = EnvTarget(
                value.value.get_secret_value(), value.sensitive, ref=value.ref
            )
            continue
        source = f"dependency.{value.dependency}.{value.key}"
        if value.dependency not in desired.dependencies:
            raise PlanError(
                f"{where}.{key} refers to dependency {value.dependency!r}, not declared"
            )
        dep = live.dependencies.get(value.dependency)
        if dep is None or live.project is None:
            resolved[key] = EnvTarget(None, value.sensitive, source, ref=value.ref)
        elif value.key not in dep.env_vars:
            raise PlanError(
                f"{where}.{key}: dependency {value.dependency!r} has no connection key {value.key!r}",
                hint=f"Its keys are: {', '.join(sorted(dep.env_vars)) or '(none)'}.",
            )
        else:
            known = dep.env_vars[value.key].get_secret_value()
            resolved[key] = EnvTarget(known, value.sensitive, ref=value.ref)
    return resolved


def config_digest(svc: DesiredService) -> str:
    """Digest of what a deployment bakes in (build fields, runtime and build env).

    Recorded in the deployment description so a later plan can tell whether the
    running deployment has the current config. Dependency values enter by reference,
    so the digest is the same before and after the dependency exists.
    """
    fields = desired_fields(svc)
    doc = {
        "fields": {
            row.name: fields.get(row.name)
            for row in table.SERVICE_FIELDS
            if row.rebuild and (row.digest_when_unset or fields.get(row.name) is not None)
        },
        "type": svc.type,
        "env": _value_tokens(svc.env),
        "build_env": _value_tokens(svc.build_env),
    }
    blob = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return "sha256:" + hashlib.sha256(blob).hexdigest()


def deployment_description(desired: DesiredState, service: str) -> str:
    """The description the applier sends with a deployment of ``service``."""
    return format_deployment_description(
        desired.source.digest, config_digest(desired.services[service])
    )


def _value_tokens(values: Mapping[str, DesiredValue]) -> dict[str, str]:
    tokens = {}
    for key, value in sorted(values.items()):
        if isinstance(value, FromDependency):
            tokens[key] = f"dependency.{value.dependency}.{value.key}"
        else:
            raw = value.value.get_secret_value().encode("utf-8")
            tokens[key] = hashlib.sha256(raw).hexdigest()
    return tokens
