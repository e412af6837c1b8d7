"""Names ``odiac import`` gives to live things: dependency keys and secret variables."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from odiac.config import rules

if TYPE_CHECKING:
    from collections.abc import Sequence

    from odiac.gateway.models import DependencyStatus

_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def dependency_keys(deps: Sequence[DependencyStatus]) -> dict[str, tuple[str, str | None]]:
    """``id -> (key in the file, display_name to write or None)``.

    odiac creates a dependency with ``display_name`` = its key in the file, so a
    display name that is a valid key is used as is; anything else keeps its label
    as ``display_name`` under a key named after the engine.
    """
    out: dict[str, tuple[str, str | None]] = {}
    taken: set[str] = set()
    ordered = sorted(deps, key=lambda d: (d.created_at or "", d.id))
    labelled = [d for d in ordered if _valid(d.display_name or d.name)]
    for dep in labelled:
        label = dep.display_name or dep.name
        if label not in taken:
            out[dep.id] = (label, None)
            taken.add(label)
    for dep in ordered:
        if dep.id in out:
            continue
        base = "mongodb" if dep.type == "mongo" else (dep.type or "db")
        key, n = base, 2
        while key in taken:
            key, n = f"{base}-{n}", n + 1
        taken.add(key)
        out[dep.id] = (key, dep.display_name or dep.name or None)
    return out


def _valid(label: str) -> bool:
    return bool(label) and rules.dns_label_problem(label, "dependency") is None


def secret_variable(service: str, key: str, taken: set[str]) -> str:
    """An environment variable name for a secret: the key itself when free, else
    prefixed with the service name (``WORKER_API_TOKEN``), else numbered."""
    base = _UNSAFE.sub("_", key) or "SECRET"
    if base[0].isdigit():
        base = f"_{base}"
    if base not in taken:
        return base
    prefixed = _UNSAFE.sub("_", f"{service}_{key}").upper()
    name, n = prefixed, 2
    while name in taken:
        name, n = f"{prefixed}_{n}", n + 1
    return name
