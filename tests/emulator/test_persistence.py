"""Restarting on the same SQLite file loses nothing; timelines continue (issue item 3, 4)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from starlette.testclient import TestClient

from emulator.driver import Gateway
from odiac.emulator import create_app


def _gateway(db: Path) -> TestClient:
    return TestClient(create_app(db, settings={"time_scale": 0.0}), follow_redirects=False)


def test_restart_keeps_everything_and_deployments_continue(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    with _gateway(db) as client:
        gw = Gateway(client)
        token = gw.agent()
        pid, sid = gw.stack(token)
        did = gw.deploy(token, pid, sid)["id"]
        gw.advance(2.0)
        assert gw.deployment(token, did)["status"] == "building"
        pat = gw.user()["api_key"]
    assert (tmp_path / "state-data").is_dir()  # default data dir beside the file
    with _gateway(db) as client:
        gw = Gateway(client)
        assert gw.deployment(token, did)["status"] == "building"  # frozen clock survived
        gw.advance(10)
        assert gw.deployment(token, did)["status"] == "success"
        assert gw.get("/api/v1/profile", pat).status_code == 200
        second = gw.deploy(token, pid, sid)["id"]  # the extracted source is still on disk
        gw.advance(10)
        assert gw.deployment(token, second)["status"] == "success"
        assert gw.get(f"/api/v1/service-domains?service_id={sid}", token).json()


def test_settings_persist_across_restart(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with _gateway(db) as client:
        client.post("/_emulator/config", json={"auto_domain_delay_s": 7})
    with TestClient(create_app(db)) as client:
        assert client.get("/_emulator/config").json()["auto_domain_delay_s"] == 7


def test_reset_wipes_state_and_resets_the_clock(gw: Gateway) -> None:
    token = gw.agent()
    gw.project(token)
    gw.advance(10_000)
    before = gw.client.get("/_emulator/clock").json()["epoch"]
    assert gw.client.post("/_emulator/reset").status_code == 200
    after = gw.client.get("/_emulator/clock").json()["epoch"]
    assert after < before
    assert gw.get("/api/v1/regions/", token).status_code == 401
    assert gw.client.get("/_emulator/state").json().get("project", []) == []


def test_in_process_asgi_transport_and_concurrent_requests(tmp_path: Path) -> None:
    app = create_app(tmp_path / "c.db", settings={"time_scale": 0.0})

    async def scenario() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw.test") as client:
            user = (await client.post("/_emulator/users", json={"email": "a@b.test"})).json()
            auth = {"Authorization": f"Bearer {user['api_key']}"}

            async def create(i: int | str) -> int:
                body = {"name": f"p{i}", "repo_url": "file://upload", "skip_validation": True}
                return (await client.post("/api/v1/projects/", headers=auth, json=body)).status_code

            codes = await asyncio.gather(*(create(i) for i in range(25)))
            assert codes == [201] * 25
            listing = (await client.get("/api/v1/projects/", headers=auth)).json()
            assert listing["total"] == 25
            race = await asyncio.gather(*(create("race") for _ in range(5)))
            assert sorted(race) == [201, 409, 409, 409, 409]

    asyncio.run(scenario())


def test_time_scale_drives_the_clock(gw: Gateway) -> None:
    first = gw.client.get("/_emulator/clock").json()["epoch"]
    assert gw.client.get("/_emulator/clock").json()["epoch"] == first  # frozen at scale 0
    gw.config(time_scale=1000.0)
    gw.get("/api/v1/regions/")
    later = gw.client.get("/_emulator/clock").json()
    assert later["epoch"] > first
    assert later["time_scale"] == 1000.0


def test_clock_advance_rejects_bad_values(gw: Gateway) -> None:
    for bad in (-1, 1e308, "10", True, None):
        assert (
            gw.client.post("/_emulator/clock/advance", json={"seconds": bad}).status_code == 400
        ), bad
