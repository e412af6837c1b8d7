"""Offline checks of reference variables against the names a document declares."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from odiac.config.diagnostics import Problem
from odiac.config.messages import did_you_mean
from odiac.config.refs import ENGINE_ENV_KEYS, SERVICE_ATTRIBUTES, Reference, parse_ref
from odiac.config.rules import quote

if TYPE_CHECKING:
    from collections.abc import Iterator


def ref_checks(
    name: str, service: dict[str, Any], dependencies: dict[str, Any], services: dict[str, Any]
) -> Iterator[Problem]:
    """Every reference of one service checked against the declared names."""
    for table in ("env", "build_env"):
        values = service.get(table)
        if not isinstance(values, dict):
            continue
        for key, value in values.items():
            text = value.get("ref") if isinstance(value, dict) else None
            ref = parse_ref(text) if isinstance(text, str) else None
            if ref is None:
                continue  # malformed: reported by the value's own rule
            problem = _check(name, ref, dependencies, services)
            if problem is not None:
                yield Problem(("services", name, table, key, "ref"), problem)


def _check(
    owner: str, ref: Reference, dependencies: dict[str, Any], services: dict[str, Any]
) -> str | None:
    if ref.kind == "service":
        return _check_service(owner, ref, services)
    dependency = dependencies.get(ref.name)
    if not isinstance(dependency, dict):
        declared = ", ".join(quote(d) for d in dependencies) or "none"
        return (
            f"unknown dependency {quote(ref.name)}{did_you_mean(ref.name, dependencies)};"
            f" declared dependencies: {declared}"
        )
    keys = ENGINE_ENV_KEYS.get(str(dependency.get("type")), ())
    if keys and ref.key not in keys:
        return (
            f"dependency {quote(ref.name)} has no variable {quote(ref.key)}"
            f"{did_you_mean(ref.key, keys)}; it provides: {', '.join(keys)}"
        )
    return None


def _check_service(owner: str, ref: Reference, services: dict[str, Any]) -> str | None:
    target = services.get(ref.name)
    if not isinstance(target, dict):
        return (
            f"unknown service {quote(ref.name)}{did_you_mean(ref.name, services)};"
            f" declared services: {', '.join(quote(s) for s in services)}"
        )
    if ref.key not in SERVICE_ATTRIBUTES:
        return (
            f"a service reference names {quote('url')} or {quote('host')}, not"
            f" {quote(ref.key)}{did_you_mean(ref.key, SERVICE_ATTRIBUTES)}"
        )
    if ref.name == owner:
        return "a service cannot refer to itself"
    if ref.key == "url":
        if target.get("type", "web") not in ("web", "static"):
            return f"service {quote(ref.name)} is a {target.get('type')} and has no public URL"
        if not isinstance(target.get("subdomain"), str):
            return (
                f"the URL of service {quote(ref.name)} is known before it is deployed only"
                f" with a fixed label: set services.{ref.name}.subdomain"
            )
    return None
