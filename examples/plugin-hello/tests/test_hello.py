"""Tests for the odiac-hello plugin, through odiac's own plugin manager."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from odiac.config.model import Config
from odiac.errors import SecretError
from odiac.plugin import PolicySubject, SecretContext
from odiac.plugin.manager import PluginManager

import odiac_hello

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def manager() -> PluginManager:
    pm = PluginManager()
    pm.register(odiac_hello, name="hello", distribution="odiac-hello", version="0.1.0")
    return pm


def _subject(services: dict[str, dict[str, object]], tmp_path: Path) -> PolicySubject:
    config = Config.model_validate({"project": {"name": "hello-demo"}, "services": services})
    return PolicySubject(config=config, environment="staging", root=tmp_path)


def test_entry_point_is_declared() -> None:
    meta = tomllib.loads((PACKAGE_ROOT / "pyproject.toml").read_text())
    assert meta["project"]["entry-points"]["odiac"] == {"hello": "odiac_hello"}


def test_hello_scheme_resolves_to_greeting(manager: PluginManager, tmp_path: Path) -> None:
    backend = manager.secret_backend("hello")
    ctx = SecretContext(workdir=tmp_path)
    assert backend.resolve("hello:world", ctx) == "hello-world"
    assert backend.resolve("odiac", ctx) == "hello-odiac"


def test_empty_reference_is_a_secret_error(manager: PluginManager, tmp_path: Path) -> None:
    with pytest.raises(SecretError, match="hello: needs a name"):
        manager.secret_backend("hello").resolve("hello:", SecretContext(workdir=tmp_path))


def test_policy_warns_only_for_web_services_without_health_check(
    manager: PluginManager, tmp_path: Path
) -> None:
    subject = _subject(
        {
            "web": {"type": "web", "port": 8000},
            "api": {"type": "web", "port": 3000, "health_check_path": "/healthz"},
            "worker": {"type": "worker"},
        },
        tmp_path,
    )
    findings = manager.check_policies(subject)
    assert [(f.policy, f.severity, f.key_path) for f in findings] == [
        ("hello-health-check", "warning", ("services", "web", "health_check_path"))
    ]
    assert "service web has no health_check_path" in findings[0].message


def test_policy_is_silent_when_every_web_service_has_a_health_check(
    manager: PluginManager, tmp_path: Path
) -> None:
    subject = _subject({"web": {"type": "web", "health_check_path": "/"}}, tmp_path)
    assert manager.check_policies(subject) == []


def test_records_are_listed_with_their_distribution(manager: PluginManager) -> None:
    rows = {(row.name, row.kind, row.distribution) for row in manager.listing()}
    assert rows == {
        ("gleam", "analyzer", "odiac-hello"),
        ("hello", "secret-backend", "odiac-hello"),
        ("hello-health-check", "policy", "odiac-hello"),
    }
