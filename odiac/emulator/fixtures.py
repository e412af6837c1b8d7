"""Fixed data the emulator serves: regions, dependency catalog, reserved labels."""

from __future__ import annotations

from typing import Any

REGIONS: list[dict[str, Any]] = [
    {
        "id": "00000000-0000-4000-8000-000000000001",
        "name": "east-us-1",
        "code": "us-east-1",
        "status": "active",
        "environment": "staging",
    },
    {
        "id": "00000000-0000-4000-8000-000000000002",
        "name": "west-eu-1",
        "code": "eu-west-1",
        "status": "inactive",
        "environment": "staging",
    },
]
DEFAULT_REGION = REGIONS[0]["id"]

# name -> (catalog id, display name, version, port)
CATALOG: dict[str, tuple[str, str, str, int]] = {
    "postgres": ("00000000-0000-4000-8000-0000000000d1", "PostgreSQL", "16", 5432),
    "mysql": ("00000000-0000-4000-8000-0000000000d2", "MySQL", "8.0", 3306),
    "mongodb": ("00000000-0000-4000-8000-0000000000d3", "MongoDB", "7.0", 27017),
    "redis": ("00000000-0000-4000-8000-0000000000d4", "Redis", "7.2", 6379),
    "clickhouse": ("00000000-0000-4000-8000-0000000000d5", "ClickHouse", "24.8", 9000),
}
ENGINE_ALIASES = {"mongo": "mongodb"}

RESERVED_LABELS = frozenset(
    [
        "www",
        "api",
        "admin",
        "dashboard",
        "console",
        "billing",
        "login",
        "auth",
        "status",
        "health",
        "ingress",
        "registry",
        "monitor",
        "grafana",
        "root",
        "ns1",
        "ns2",
        "mx",
    ]
)
APP_SUFFIX = "dev.opendeploy.run"
CNAME_TARGET = "edge.dev.opendeploy.run"
GUEST_NAMESPACE = "guest-claims"
GC_HORIZON_S = 21_600
REPLAY_WINDOW_S = 86_400
RATE_WINDOW_S = 3_600
RATE_LIMIT = 5
UPLOAD_ROOT = "/var/lib/minions/uploads"
PROJECT_ROOT = "/var/lib/minions/projects"
SINGLE_UPLOAD_MAX = 104_857_600


def region(region_id: str) -> dict[str, Any] | None:
    """The region fixture with this id."""
    return next((r for r in REGIONS if r["id"] == region_id), None)


def active_region(region_id: str) -> bool:
    """True for a known region whose status is ``active``."""
    found = region(region_id)
    return found is not None and found["status"] == "active"


def engine_for(dependency_id: str) -> str | None:
    """Resolve an engine name, alias or catalog id to the engine name."""
    key = ENGINE_ALIASES.get(dependency_id, dependency_id)
    if key in CATALOG:
        return key
    for name, (cat_id, *_rest) in CATALOG.items():
        if cat_id == dependency_id.lower():
            return name
    return None


def catalog_list() -> list[dict[str, Any]]:
    """The dependency catalog as served by ``GET /v1/dependencies``."""
    return [
        {"id": cat_id, "name": name, "display_name": display, "type": name, "version": version}
        for name, (cat_id, display, version, _port) in CATALOG.items()
    ]
