"""Route details beyond the numbered quirks (contract 3.1 - 3.9)."""

from __future__ import annotations

import json

from emulator.driver import INACTIVE_REGION, Gateway


def test_register_name_echo_and_limit(gw: Gateway) -> None:
    body = gw.register("odiac/name", json={"name": "  laptop  ", "source_hint": "odiac/Linux"})
    assert body["name"] == "laptop"
    r = gw.post(
        "/api/v1/client-agents/register",
        headers={"User-Agent": "odiac/long"},
        json={"name": "x" * 65},
    )
    assert r.status_code == 400


def test_project_validation_errors(gw: Gateway) -> None:
    pat = gw.user()["api_key"]
    gw.project(pat, name="shop")
    dup = gw.post(
        "/api/v1/projects/",
        pat,
        json={"name": "shop", "repo_url": "file://upload", "skip_validation": True},
    )
    assert dup.status_code == 409
    assert dup.json() == {"error": "project name already exists"}
    bad_region = {
        "name": "x",
        "repo_url": "file://upload",
        "skip_validation": True,
        "region_id": INACTIVE_REGION,
    }
    assert gw.post("/api/v1/projects/", pat, json=bad_region).json() == {"error": "invalid region"}
    r = gw.post(
        "/api/v1/projects/",
        pat,
        json={"name": "Shop", "repo_url": "file://upload", "skip_validation": True},
    )
    assert r.status_code == 400
    assert "CreateProjectRequest.Name" in r.json()["error"]
    listing = gw.get("/api/v1/projects/", pat).json()
    assert listing["total"] == 1
    assert listing["data"][0]["repo_url"] == "file://upload"
    assert "token" not in listing["data"][0]


def test_service_listing_and_readback(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    sid = gw.service(token, pid, runtime_variables={"PORT": "3000"}, build_variables={"B": "1"})
    listing = gw.get(f"/api/v1/projects/{pid}/services/", token).json()
    assert listing["total"] == 1
    service = listing["data"][0]
    assert service["id"] == sid
    assert service["status"] == "created"
    assert service["runtime_variables"] == {"PORT": "3000"}
    assert service["build_variables"] == {"B": "1"}
    assert (service["cpu_request"], service["cpu_limit"], service["replicas"]) == ("500m", "1", 1)
    foreign = gw.post(
        f"/api/v1/projects/{pid}/services/", gw.user()["api_key"], json={"name": "w", "type": "web"}
    )
    assert foreign.status_code == 403


def test_deployment_validation(gw: Gateway) -> None:
    pat = gw.user()["api_key"]
    pid, sid = gw.stack(pat)
    other = gw.project(pat, name="other")["id"]
    foreign_sid = gw.service(pat, other)
    base = {"project_id": pid, "service_id": sid, "source": "zip"}
    r = gw.post("/api/v1/deployments/", pat, json={**base, "service_id": foreign_sid})
    assert r.json() == {"error": "service does not belong to project"}
    r = gw.post("/api/v1/deployments/", pat, json={**base, "strategy": "blue-green"})
    assert r.json() == {"error": "invalid strategy"}
    r = gw.post("/api/v1/deployments/", pat, json={**base, "source": "tarball"})
    assert "'oneof'" in r.json()["error"]
    r = gw.post("/api/v1/deployments/", pat, json={**base, "dependencies": ["nope"]})
    assert r.status_code == 400
    dep = gw.post(
        "/api/v1/dependencies/create", pat, json={"project_id": pid, "dependency_id": "redis"}
    ).json()
    made = gw.deploy(
        pat, pid, sid, dependencies=[dep["id"]], env_vars={"EXTRA": "1"}, source="upload"
    )
    assert made["dependencies"] == [dep["id"]]
    assert made["source"] == "upload"
    assert json.loads(made["runtime_variables"]) == {"EXTRA": "1"}
    assert made["source_path"] == gw.get(f"/api/v1/projects/{pid}", pat).json()["source_path"]


def test_catalog_and_dns_check(gw: Gateway) -> None:
    token = gw.agent()
    catalog = gw.get("/api/v1/dependencies", token).json()["dependencies"]
    assert [d["name"] for d in catalog] == ["postgres", "mysql", "mongodb", "redis", "clickhouse"]
    assert catalog[0]["id"] == "00000000-0000-4000-8000-0000000000d1"
    dns = gw.get("/api/v1/dns/check?domain=x.dev.opendeploy.run&domain_type=auto", token).json()
    assert dns["propagated"] is True
    assert gw.get("/api/v1/dns/check?domain=x.example.com", token).json()["propagated"] is False


def test_domain_flag_update(gw: Gateway) -> None:
    pat = gw.user()["api_key"]
    _pid, sid, _did = gw.live(pat)
    row = gw.auto_domain(pat, sid)
    r = gw.put(
        f"/api/v1/service-domains/{row['id']}",
        pat,
        json={"is_primary": False, "ssl_enabled": False},
    )
    assert r.status_code == 200
    assert (r.json()["is_primary"], r.json()["ssl_enabled"]) == (False, False)
    assert gw.get(f"/api/v1/service-domains/{row['id']}", pat).json()["is_primary"] is False
