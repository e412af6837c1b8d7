"""opendeploy.toml.example and the valid fixtures load cleanly, so they never rot."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from odiac.config.loader import load_config
from odiac.config.model import EnvRef, SecretRef, ServiceSection

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "opendeploy.toml.example"
VALID = sorted((Path(__file__).parent / "fixtures" / "valid").glob("*.toml"))


def _environments(path: Path) -> list[str]:
    return ["staging", *tomllib.loads(path.read_text(encoding="utf-8")).get("environments", {})]


@pytest.mark.parametrize("path", [EXAMPLE, *VALID], ids=lambda p: p.name)
def test_loads_in_every_environment_without_warnings(path: Path) -> None:
    for environment in _environments(path):
        loaded = load_config(path, environment)
        assert loaded.warnings == (), [str(w) for w in loaded.warnings]
        assert loaded.environment == environment


def test_example_uses_every_feature() -> None:
    raw = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    config = load_config(EXAMPLE).config
    assert config.gateway.url == "local"
    assert {"name", "region", "description"} <= raw["project"].keys()
    assert {"path", "exclude"} <= raw["source"].keys()
    assert {d.type for d in config.dependencies.values()} == {"postgres", "redis"}
    assert any(d.template for d in config.dependencies.values())
    assert any(d.display_name for d in config.dependencies.values())
    used_keys = set().union(*(service.keys() for service in raw["services"].values()))
    assert used_keys >= set(ServiceSection.model_fields) - {"dockerfile"}
    secrets = [
        v for s in config.services.values() for v in s.env.values() if isinstance(v, SecretRef)
    ]
    assert secrets
    assert all(ref.scheme == "env" for ref in secrets)
    refs = [
        v.ref for s in config.services.values() for v in s.env.values() if isinstance(v, EnvRef)
    ]
    assert refs == ["db.DATABASE_URL", "cache.REDIS_HOST"]
    assert "production" in raw["environments"]


def test_example_production_overlay_changes_replicas_and_subdomain() -> None:
    staging = load_config(EXAMPLE, "staging").config.services["web"]
    production = load_config(EXAMPLE, "production").config.services["web"]
    assert (staging.replicas, staging.subdomain) == (1, "bookshelf-staging")
    assert (production.replicas, production.subdomain) == (3, "bookshelf")
    assert production.env["SECRET_KEY"] == staging.env["SECRET_KEY"]


def test_example_names_its_schema_for_editors() -> None:
    assert EXAMPLE.read_text(encoding="utf-8").startswith("#:schema ./opendeploy.schema.json\n")
