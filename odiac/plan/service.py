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

if TYPE_CHECKING:
    from collections.abc import Mapping

    from odiac.plan.inputs import DesiredState, DesiredValue
    from odiac.plan.model import Impact, Scalar


def field_impacts() -> dict[str, Impact]:
    """What an update of each field does to the workload (``PUT /v1/services/{id}``)."""
    return {row.name: row.impact for row in table.SERVICE_FIELDS}


def desired_fields(svc: DesiredService) -> dict[str, Scalar]:
    """The managed fields of a desired service, normalised (defaults filled in)."""
    fields: dict[str, Scalar] = {}
    for row in table.SERVICE_FIELDS:
        value = row.compared(svc.get(row.name))
        if value is not None:
            fields[row.name] = value
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
            resolved[key] = EnvTarget(value.value.get_secret_value(), value.sensitive)
            continue
        source = f"dependency.{value.dependency}.{value.key}"
        if value.dependency not in desired.dependencies:
            raise PlanError(
                f"{where}.{key} refers to dependency {value.dependency!r}, not declared"
            )
        dep = live.dependencies.get(value.dependency)
        if dep is None or live.project is None:
            resolved[key] = EnvTarget(None, value.sensitive, source)
        elif value.key not in dep.env_vars:
            raise PlanError(
                f"{where}.{key}: dependency {value.dependency!r} has no connection key {value.key!r}",
                hint=f"Its keys are: {', '.join(sorted(dep.env_vars)) or '(none)'}.",
            )
        else:
            resolved[key] = EnvTarget(dep.env_vars[value.key].get_secret_value(), value.sensitive)
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
