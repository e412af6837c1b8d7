"""End-to-end happy path over HTTP: register, project, service, source, deploy, domain."""

from __future__ import annotations

from emulator.driver import Gateway


def test_first_deploy_happy_path(gw: Gateway) -> None:
    token = gw.agent()
    assert gw.get("/api/v1/regions/", token).status_code == 200
    pid, sid, did = gw.live(token)
    row = gw.auto_domain(token, sid)
    assert row["domain"].endswith(".dev.opendeploy.run")
    project = gw.get(f"/api/v1/projects/{pid}", token).json()
    assert project["source_path"]
    assert gw.deployment(token, did)["progress"] == 100
