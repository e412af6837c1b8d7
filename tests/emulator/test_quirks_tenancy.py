"""Q43: tenancy isolation for every resource type (contract 2.2)."""

from __future__ import annotations

import uuid

import pytest

from emulator.driver import GOOD_CAPS, Gateway


@pytest.fixture
def two_tenants(gw: Gateway) -> dict[str, str]:
    owner = gw.agent()
    pid, sid, did = gw.live(owner)
    dep = gw.post(
        "/api/v1/dependencies/create", owner, json={"project_id": pid, "dependency_id": "redis"}
    )
    assert dep.status_code == 200
    row = gw.auto_domain(owner, sid)
    volume = gw.post(
        f"/api/v1/services/{sid}/volumes",
        owner,
        json={"name": "data", "mount_path": "/data", "size": "1Gi"},
    )
    assert volume.status_code == 201
    return {
        "owner": owner,
        "pid": pid,
        "sid": sid,
        "did": did,
        "domain": row["id"],
        "volume": volume.json()["volume_id"],
    }


def _foreign_calls(t: dict[str, str]) -> list[tuple[str, str, dict[str, object] | None]]:
    pid, sid, did, dom = t["pid"], t["sid"], t["did"], t["domain"]
    return [
        ("GET", f"/api/v1/projects/{pid}", None),
        ("GET", f"/api/v1/projects/{pid}/services/", None),
        ("POST", f"/api/v1/projects/{pid}/services/", {"name": "x", "type": "web", **GOOD_CAPS}),
        ("GET", f"/api/v1/services/{sid}", None),
        ("PUT", f"/api/v1/services/{sid}", {"port": 1}),
        ("GET", f"/api/v1/projects/{pid}/services/{sid}/env", None),
        ("PUT", f"/api/v1/projects/{pid}/services/{sid}/env", {"variables": {}}),
        ("GET", f"/api/v1/deployments/{did}", None),
        ("GET", f"/api/v1/deployments/?project_id={pid}", None),
        ("GET", f"/api/v1/projects/{pid}/deployments", None),
        ("GET", f"/api/v1/deployments/{did}/logs", None),
        ("GET", f"/api/v1/deployments/{did}/logs/stream", None),
        ("POST", f"/api/v1/deployments/{did}/cancel", None),
        ("POST", f"/api/v1/deployments/{did}/rollback", None),
        ("POST", "/api/v1/deployments/", {"project_id": pid, "service_id": sid, "source": "zip"}),
        ("GET", f"/api/v1/dependencies/status/{pid}", None),
        ("POST", "/api/v1/dependencies/create", {"project_id": pid, "dependency_id": "redis"}),
        ("GET", f"/api/v1/service-domains?service_id={sid}", None),
        ("GET", f"/api/v1/service-domains/{dom}", None),
        ("PUT", f"/api/v1/service-domains/{dom}/subdomain", {"subdomain": "stolen"}),
        ("POST", "/api/v1/upload/update-source", {"project_id": pid, "temp_file_path": "/x"}),
        ("GET", f"/api/v1/services/{sid}/volumes", None),
        (
            "POST",
            f"/api/v1/services/{sid}/volumes",
            {"name": "data", "mount_path": "/data", "size": "1Gi"},
        ),
        ("PATCH", f"/api/v1/volumes/{t['volume']}/size", {"size": "2Gi"}),
        ("POST", f"/api/v1/volumes/{t['volume']}/restore", None),
    ]


def test_q43_pending_agent_cannot_touch_another_agents_rows(
    gw: Gateway, two_tenants: dict[str, str]
) -> None:
    intruder = gw.agent()
    for method, path, body in _foreign_calls(two_tenants):
        r = gw.request(method, path, intruder, json=body)
        assert r.status_code == 403, (method, path, r.text)
        assert r.json() == {"error": "access denied"}
    assert gw.get("/api/v1/projects/", intruder).json()["total"] == 0
    assert gw.get("/api/v1/deployments/", intruder).json()["total"] == 0


def test_q43_user_cannot_touch_pending_agents_rows(
    gw: Gateway, two_tenants: dict[str, str]
) -> None:
    pat = gw.user()["api_key"]
    for method, path, body in _foreign_calls(two_tenants):
        r = gw.request(method, path, pat, json=body)
        assert r.status_code == 403, (method, path, r.text)
    assert gw.request("DELETE", f"/api/v1/projects/{two_tenants['pid']}", pat).status_code == 403
    assert (
        gw.request("DELETE", f"/api/v1/service-domains/{two_tenants['domain']}", pat).status_code
        == 403
    )
    volume = two_tenants["volume"]
    assert gw.request("DELETE", f"/api/v1/volumes/{volume}", pat).status_code == 403
    # Nothing changed for the owner.
    owner = two_tenants["owner"]
    assert gw.get(f"/api/v1/projects/{two_tenants['pid']}", owner).status_code == 200
    assert gw.deployment(owner, two_tenants["did"])["status"] == "success"
    assert gw.auto_domain(owner, two_tenants["sid"])["domain"] != "stolen.dev.opendeploy.run"
    volumes = gw.get(f"/api/v1/services/{two_tenants['sid']}/volumes", owner).json()["volumes"]
    assert [(v["status"], v["size"]) for v in volumes] == [("active", "1Gi")]


def test_q43_unknown_ids_are_json_404(gw: Gateway) -> None:
    token = gw.agent()
    ghost = str(uuid.uuid4())
    for path, text in (
        (f"/api/v1/projects/{ghost}", "project not found"),
        (f"/api/v1/services/{ghost}", "service not found"),
        (f"/api/v1/deployments/{ghost}", "deployment not found"),
        (f"/api/v1/service-domains/{ghost}", "domain not found"),
        (f"/api/v1/dependencies/status/{ghost}", "project not found"),
    ):
        r = gw.get(path, token)
        assert r.status_code == 404, path
        assert r.json() == {"error": text}


def test_q43_temp_upload_of_another_tenant_cannot_be_bound(gw: Gateway) -> None:
    owner = gw.agent()
    temp = gw.upload(owner)
    intruder = gw.agent()
    pid = gw.project(intruder)["id"]
    r = gw.post(
        "/api/v1/upload/update-source", intruder, json={"project_id": pid, "temp_file_path": temp}
    )
    assert r.status_code == 400
    assert r.json() == {"error": "Uploaded file not found or expired, please re-upload"}
    mine = gw.project(owner)["id"]
    ok = gw.post(
        "/api/v1/upload/update-source", owner, json={"project_id": mine, "temp_file_path": temp}
    )
    assert ok.status_code == 200
