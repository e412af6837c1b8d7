"""Cross-key rules of one service: volumes, sibling dependencies, build and exposure.

Like :mod:`odiac.config.checks`, they run on the parsed TOML and skip values that
are malformed (those have their own diagnostic).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from odiac.config.diagnostics import Problem
from odiac.config.messages import did_you_mean
from odiac.config.rules import mount_path, mount_path_problem, quote

if TYPE_CHECKING:
    from collections.abc import Iterator


def service_checks(name: str, service: dict[str, Any], services: dict[str, Any]) -> list[Problem]:
    """Every cross-key problem of ``services.<name>``."""
    return [
        *_exposure(name, service),
        *_build(name, service),
        *_depends_on(name, service, services),
        *_volumes(name, service),
    ]


def _exposure(name: str, service: dict[str, Any]) -> Iterator[Problem]:
    if service.get("internal_only") is True and "subdomain" in service:
        yield Problem(
            ("services", name, "subdomain"),
            "an internal-only service has no public URL, so it cannot have a subdomain;"
            " remove subdomain or internal_only",
            at_key=True,
        )


def _build(name: str, service: dict[str, Any]) -> Iterator[Problem]:
    if "dockerfile" in service and "dockerfile_inline" in service:
        yield Problem(
            ("services", name, "dockerfile_inline"),
            'set either "dockerfile" (a path) or "dockerfile_inline" (the content), not both',
            at_key=True,
        )
    inline = service.get("dockerfile_inline")
    if isinstance(inline, str) and not inline.strip():
        yield Problem(("services", name, "dockerfile_inline"), "must not be empty")


def _depends_on(name: str, service: dict[str, Any], services: dict[str, Any]) -> Iterator[Problem]:
    listed = service.get("depends_on")
    if not isinstance(listed, list):
        return
    seen: set[str] = set()
    siblings = [s for s in services if s != name]
    for number, other in enumerate(listed):
        if not isinstance(other, str):
            continue
        where = ("services", name, "depends_on", number)
        if other == name:
            yield Problem(where, f"service {quote(name)} cannot depend on itself")
        elif other in seen:
            yield Problem(where, f"service {quote(other)} is listed twice")
        elif other not in services:
            known = ", ".join(quote(s) for s in siblings) or "none"
            yield Problem(
                where,
                f"unknown service {quote(other)}{did_you_mean(other, siblings)};"
                f" services in this file: {known}",
            )
        seen.add(other)


def _volumes(name: str, service: dict[str, Any]) -> Iterator[Problem]:
    volumes = service.get("volumes")
    if not isinstance(volumes, dict):
        return
    mounts: dict[str, str] = {}
    attached = 0
    for key, volume in volumes.items():
        if not isinstance(volume, dict):
            continue
        where = ("services", name, "volumes", key)
        if volume.get("detach") is True:
            continue
        attached += 1
        for required in ("mount_path", "size"):
            if required not in volume:
                yield Problem(where, f"volume {quote(key)} needs {quote(required)}")
        path = volume.get("mount_path")
        if isinstance(path, str) and mount_path_problem(path) is None:
            clean = mount_path(path)
            if clean in mounts:
                yield Problem(
                    (*where, "mount_path"),
                    f"mount path {quote(clean)} is already used by volume {quote(mounts[clean])}",
                )
            else:
                mounts[clean] = key
    replicas = service.get("replicas")
    if attached and isinstance(replicas, int) and not isinstance(replicas, bool) and replicas > 1:
        yield Problem(
            ("services", name, "replicas"),
            f"a service with a volume runs exactly 1 replica; replicas = {replicas} is not"
            " possible (remove the volume or set replicas = 1)",
        )
