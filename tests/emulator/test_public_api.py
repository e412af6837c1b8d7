"""The emulator's public surface other packages depend on."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from starlette.applications import Starlette

import odiac.emulator
from odiac.emulator import create_app
from odiac.emulator.errors import EmulatorSettingsError


def test_exported_members() -> None:
    assert odiac.emulator.__all__ == ["create_app"]


def test_create_app_signature() -> None:
    params = inspect.signature(create_app).parameters
    assert list(params) == ["db_path", "data_dir", "key", "public_base_url", "settings"]
    assert params["db_path"].default == ":memory:"
    assert params["db_path"].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    for name in ("data_dir", "key", "public_base_url", "settings"):
        assert params[name].kind is inspect.Parameter.KEYWORD_ONLY
        assert params[name].default is None


def test_create_app_returns_starlette_and_validates_settings(tmp_path: Path) -> None:
    assert isinstance(create_app(data_dir=tmp_path), Starlette)
    with pytest.raises(EmulatorSettingsError, match="latency_ms"):
        create_app(data_dir=tmp_path, settings={"latency_ms": -1})
    with pytest.raises(EmulatorSettingsError, match="unknown setting"):
        create_app(data_dir=tmp_path, settings={"nope": 1})


def test_public_base_url_is_reported(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    app = create_app(data_dir=tmp_path, public_base_url="https://gw.example.test/api")
    with TestClient(app) as client:
        body = client.post("/api/v1/client-agents/register").json()
    assert body["gateway"] == "https://gw.example.test/api"
    assert body["claim_url"].startswith(f"https://gw.example.test/claim/{body['agent_id']}?h=")
