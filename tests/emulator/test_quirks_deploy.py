"""Quirks of deployments: listing, cancel, rollback, build-log socket (contract 3.8, 4.1)."""

from __future__ import annotations

import pytest
from starlette.testclient import WebSocketDenialResponse

from emulator.driver import Gateway


def test_q37_listing_wrapped_newest_first(gw: Gateway) -> None:
    token = gw.agent()
    pid, sid = gw.stack(token)
    first = gw.deploy(token, pid, sid)["id"]
    gw.advance(1)
    second = gw.deploy(token, pid, sid)["id"]
    body = gw.get(f"/api/v1/deployments/?project_id={pid}", token).json()
    assert [d["id"] for d in body["data"]] == [second, first]
    assert body["total"] == 2
    other = gw.get(f"/api/v1/projects/{pid}/deployments", token).json()
    assert [d["id"] for d in other["data"]] == [second, first]


def test_q44_cancel_building_freezes_progress_and_success_is_409(gw: Gateway) -> None:
    token = gw.agent()
    pid, sid = gw.stack(token)
    did = gw.deploy(token, pid, sid)["id"]
    gw.advance(2.0)
    dep = gw.deployment(token, did)
    assert dep["status"] == "building"
    r = gw.post(f"/api/v1/deployments/{did}/cancel", token)
    assert r.status_code == 200
    assert r.json()["status"] == "cancelled"
    frozen = r.json()["progress"]
    assert frozen == dep["progress"]
    gw.advance(30)
    after = gw.deployment(token, did)
    assert (after["status"], after["progress"]) == ("cancelled", frozen)
    assert after["completed_at"]
    again = gw.post(f"/api/v1/deployments/{did}/cancel", token)
    assert again.status_code == 409
    assert again.json()["status"] == "cancelled"
    ok = gw.deploy(token, pid, sid)["id"]
    gw.advance(10)
    r = gw.post(f"/api/v1/deployments/{ok}/cancel", token)
    assert r.status_code == 409
    assert r.json() == {"error": "deployment is not cancellable", "status": "success"}


def test_q45_build_log_socket_refused_for_no_source_failure(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    sid = gw.service(token, pid)
    did = gw.deploy(token, pid, sid)["id"]
    gw.advance(2)
    with pytest.raises(WebSocketDenialResponse) as info:
        gw.client.websocket_connect(
            f"/api/v1/deployments/{did}/build-logs/stream",
            headers={"Authorization": f"Bearer {token}"},
        ).__enter__()
    assert info.value.status_code == 400
    assert not info.value.headers["content-type"].startswith("application/json")
    assert info.value.text


def test_q48_rollback_creates_deployment_and_marks_previous_rolled_back(gw: Gateway) -> None:
    token = gw.agent()
    pid, sid = gw.stack(token)
    old = gw.deploy(token, pid, sid)["id"]
    gw.advance(10)
    live = gw.deploy(token, pid, sid)["id"]
    gw.advance(10)
    r = gw.post(f"/api/v1/deployments/{old}/rollback", token)
    assert r.status_code == 201
    new = r.json()["deployment_id"]
    assert new
    assert r.json()["id"] == new
    assert r.json()["is_rollback"] is True
    assert r.json()["rollback_of"] == old
    gw.advance(0.6)
    assert gw.deployment(token, new)["status"] == "deploying"
    assert gw.deployment(token, new)["progress"] == 70
    gw.advance(10)
    assert gw.deployment(token, new)["status"] == "success"
    assert gw.deployment(token, live)["status"] == "rolled_back"
    assert gw.deployment(token, old)["status"] == "success"
    failed_target = gw.deploy(token, pid, sid)["id"]
    gw.post(f"/api/v1/deployments/{failed_target}/cancel", token)
    r = gw.post(f"/api/v1/deployments/{failed_target}/rollback", token)
    assert r.status_code == 409
    assert r.json() == {"error": "only successful deployments can be rolled back to"}


@pytest.mark.parametrize("kw", [{}, {"json": {}}, {"json": {"reason": "x"}}])
def test_q56_cancel_and_rollback_ignore_body(gw: Gateway, kw: dict[str, object]) -> None:
    token = gw.agent()
    pid, sid = gw.stack(token)
    target = gw.deploy(token, pid, sid)["id"]
    gw.advance(10)
    running = gw.deploy(token, pid, sid)["id"]
    assert gw.post(f"/api/v1/deployments/{running}/cancel", token, **kw).status_code == 200
    assert gw.post(f"/api/v1/deployments/{target}/rollback", token, **kw).status_code == 201
