"""One service: its desired fields and env, normalised, against what is live.

Kubernetes quantities are compared in canonical spelling (``"1000m"`` == ``"1"``);
an unset resource or replica count means the gateway default.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from odiac.errors import PlanError
from odiac.plan.diff import EnvTarget
from odiac.plan.inputs import (
    SERVICE_DEFAULTS,
    DesiredService,
    FromDependency,
    LiveService,
    LiveState,
    format_deployment_description,
)
from odiac.quantity import (
    QuantityError,
    cpu_millicores,
    memory_bytes,
    normalize_cpu,
    normalize_memory,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from odiac.plan.inputs import DesiredState, DesiredValue
    from odiac.plan.model import Impact, Scalar

#: Fields ``PUT /v1/services/{id}`` changes, with what the change does to the workload.
FIELD_IMPACT: dict[str, Impact] = {
    "cpu_limit": "rolling restart",
    "cpu_request": "rolling restart",
    "memory_limit": "rolling restart",
    "memory_request": "rolling restart",
    "replicas": "in place",
    "port": "rolling restart",
    "health_check_path": "rolling restart",
    "path": "redeploy",
    "language": "redeploy",
    "framework": "redeploy",
    "build_command": "redeploy",
    "start_command": "redeploy",
    "dockerfile": "redeploy",
}
_CPU = ("cpu_limit", "cpu_request")
_MEMORY = ("memory_limit", "memory_request")
#: Fields that only take effect with a new build/deployment (part of the config digest).
BUILD_FIELDS = (
    "type",
    "path",
    "language",
    "framework",
    "build_command",
    "start_command",
    "dockerfile",
)


def _quantity(field: str, text: str) -> str:
    try:
        return normalize_cpu(text) if field in _CPU else normalize_memory(text)
    except QuantityError:
        return text  # shown as-is; it differs from any valid desired value


def _path(text: str | None) -> str:
    cleaned = (text or "").strip().strip("/")
    while cleaned.startswith("./"):
        cleaned = cleaned[2:]
    cleaned = "" if cleaned == "." else cleaned
    return cleaned or "."


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
    default = str(SERVICE_DEFAULTS[name])
    other = getattr(svc, _PAIRED[name])
    if not other:
        return default
    parse = cpu_millicores if name in _CPU else memory_bytes
    try:
        smaller = parse(other) < parse(default)
    except QuantityError:
        return default
    is_request = name.endswith("_request")
    return other if smaller == is_request else default


def desired_fields(svc: DesiredService) -> dict[str, Scalar]:
    """The managed fields of a desired service, normalised (defaults filled in)."""
    fields: dict[str, Scalar] = {}
    for name in FIELD_IMPACT:
        value = getattr(svc, name)
        if name in _CPU + _MEMORY:
            fields[name] = _quantity(name, str(value or default_quantity(svc, name)))
        elif name == "replicas":
            fields[name] = SERVICE_DEFAULTS["replicas"] if value is None else value
        elif name == "path":
            fields[name] = _path(value)
        elif value is not None:
            fields[name] = value
    return fields


def live_fields(svc: LiveService) -> dict[str, Scalar]:
    """The same fields as the gateway reports them, normalised the same way."""
    fields: dict[str, Scalar] = {}
    for name in FIELD_IMPACT:
        value = getattr(svc, name)
        if name in _CPU + _MEMORY:
            fields[name] = _quantity(name, str(value or SERVICE_DEFAULTS[name]))
        elif name == "replicas":
            fields[name] = SERVICE_DEFAULTS["replicas"] if value is None else value
        elif name == "path":
            fields[name] = _path(value)
        else:
            fields[name] = value
    return fields


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
        "fields": {name: fields.get(name) for name in BUILD_FIELDS if name != "type"},
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
