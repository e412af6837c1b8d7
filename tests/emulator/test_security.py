"""Secrets never reach the emulator's log; control surface key; token storage."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from starlette.testclient import TestClient

from emulator.driver import Gateway
from odiac.emulator import create_app


def test_no_token_or_signature_in_emulator_logs(
    gw: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="odiac.emulator")
    reg = gw.register("odiac/logs")
    token = reg["api_key"]
    pat = gw.user()["api_key"]
    gw.get("/api/v1/regions/", token)
    gw.get("/api/v1/profile", pat)
    gw.get(f"/claim/{reg['agent_id']}?h={reg['bind_sig']}")
    gw.get(f"/api/v1/client-agents/{reg['agent_id']}/status?h={reg['bind_sig']}")
    gw.get(f"/api/v1/regions/?token={token}")
    logging.getLogger("odiac.emulator").info("debug %s %s", token, f"h={reg['bind_sig']}")
    assert "GET /api/v1/regions/ -> 200" in caplog.text  # the access log is there
    assert token not in caplog.text
    assert pat not in caplog.text
    assert reg["bind_sig"] not in caplog.text


def test_state_dump_shows_token_hashes_only(gw: Gateway) -> None:
    reg = gw.register("odiac/state")
    pat = gw.user()["api_key"]
    dump = gw.client.get("/_emulator/state").text
    assert reg["api_key"] not in dump
    assert pat not in dump
    assert reg["bind_sig"] not in dump


def test_control_surface_requires_key_when_configured(tmp_path: Any) -> None:
    app = create_app(data_dir=tmp_path / "d", key="s3cret-key")
    with TestClient(app) as client:
        assert client.get("/_emulator/state").status_code == 401
        assert (
            client.get("/_emulator/state", headers={"X-Emulator-Key": "wrong"}).status_code == 401
        )
        token = client.post("/api/v1/client-agents/register").json()["api_key"]
        assert (
            client.get("/_emulator/state", headers={"Authorization": f"Bearer {token}"}).status_code
            == 401
        )
        assert (
            client.get("/_emulator/state", headers={"X-Emulator-Key": "s3cret-key"}).status_code
            == 200
        )


def test_control_surface_is_not_under_api(gw: Gateway) -> None:
    token = gw.agent()
    assert (
        gw.post("/api/_emulator/reset").status_code == 401
    )  # authentication runs before route lookup
    assert gw.post("/api/_emulator/reset", token).text == "404 page not found"
    assert gw.get("/api/v1/regions/", token).status_code == 200  # nothing was reset
    assert gw.client.post("/_emulator/nope").status_code == 404
