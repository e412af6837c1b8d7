"""Newer-profile switches (contract 10), custom domains (3.9.5-3.9.10) and volumes (3.10)."""

from __future__ import annotations

from emulator.driver import Gateway, make_zip


def test_newer_profile_async_extraction(gw: Gateway) -> None:
    gw.config(profile="newer")
    token = gw.agent()
    pid = gw.project(token)["id"]
    sid = gw.service(token, pid)
    temp = gw.upload(token)
    r = gw.post(
        "/api/v1/upload/update-source", token, json={"project_id": pid, "temp_file_path": temp}
    )
    assert r.json()["source_status"] == "extracting"
    assert r.json()["source_path"] == ""
    assert r.json()["message"] == "Source upload accepted, extraction in progress"
    busy = gw.post(
        "/api/v1/deployments/", token, json={"project_id": pid, "service_id": sid, "source": "zip"}
    )
    assert busy.status_code == 409
    assert busy.headers["retry-after"] == "5"
    gw.advance(2)
    project = gw.get(f"/api/v1/projects/{pid}", token).json()
    assert project["source_status"] == "ready"
    assert project["source_path"]
    assert gw.deploy(token, pid, sid)["status"] == "pending"


def test_newer_profile_failed_extraction_is_422(gw: Gateway) -> None:
    gw.config(profile="newer")
    token = gw.agent()
    pid = gw.project(token)["id"]
    sid = gw.service(token, pid)
    temp = gw.upload(token, make_zip({"../evil": "x"}))
    r = gw.post(
        "/api/v1/upload/update-source", token, json={"project_id": pid, "temp_file_path": temp}
    )
    assert r.status_code == 200
    assert r.json()["source_status"] == "extracting"
    gw.advance(3)
    project = gw.get(f"/api/v1/projects/{pid}", token).json()
    assert project["source_status"] == "failed"
    assert "escapes" in project["extraction_error"]
    r = gw.post(
        "/api/v1/deployments/", token, json={"project_id": pid, "service_id": sid, "source": "zip"}
    )
    assert r.status_code == 422
    assert r.json()["error"] == "source extraction failed"


def test_newer_profile_caps_and_delete_gate(gw: Gateway) -> None:
    gw.config(profile="newer")
    token = gw.agent()
    for i in range(10):
        gw.project(token, name=f"p{i}")
    r = gw.post(
        "/api/v1/projects/",
        token,
        json={"name": "p10", "repo_url": "file://upload", "skip_validation": True},
    )
    assert r.status_code == 409
    pat = gw.user()["api_key"]
    pid = gw.project(pat)["id"]
    assert gw.delete(f"/api/v1/projects/{pid}", pat).status_code == 403


def _bound(gw: Gateway) -> str:
    reg = gw.register("odiac/bound")
    gw.bind(reg["agent_id"], gw.user()["user_id"])
    return str(reg["api_key"])


def test_custom_domain_lifecycle(gw: Gateway) -> None:
    token = _bound(gw)
    _pid, sid, _did = gw.live(token)
    body = {"service_id": sid, "domain": "shop.example.com", "type": "custom"}
    r = gw.post("/api/v1/service-domains/", token, json=body)
    assert r.status_code == 201
    row = r.json()
    assert (row["status"], row["cname_target"]) == ("pending", "edge.dev.opendeploy.run")
    gw.advance(2)
    assert gw.get(f"/api/v1/service-domains/{row['id']}", token).json()["status"] == "verified"
    gw.advance(2)
    assert gw.get(f"/api/v1/service-domains/{row['id']}", token).json()["status"] == "active"
    dns = gw.get("/api/v1/dns/check?domain=shop.example.com&domain_type=custom", token).json()
    assert dns["propagated"] is True
    assert gw.post("/api/v1/service-domains", token, json=body).status_code == 409
    for bad in ("nodot", "x.dev.opendeploy.run", "co.uk", "UPPER.example.com"):
        r = gw.post("/api/v1/service-domains/", token, json={**body, "domain": bad})
        assert r.status_code == 400, bad
        assert r.json() == {"error": "Invalid domain format"}
    r = gw.post(
        "/api/v1/service-domains/", token, json={**body, "type": "auto", "domain": "a.example.com"}
    )
    assert r.json() == {"error": "auto domains are managed by the platform"}
    r = gw.put(f"/api/v1/service-domains/{row['id']}/subdomain", token, json={"subdomain": "abc"})
    assert r.json() == {"error": "only auto domains can be renamed"}
    ssl = gw.post(
        f"/api/v1/service-domains/{row['id']}/ssl",
        token,
        json={"certificate": "x", "private_key": "y"},
    )
    assert ssl.status_code == 400
    r = gw.delete(f"/api/v1/service-domains/{row['id']}", token)
    assert r.json() == {"message": "Domain deleted successfully, resources are being cleaned up"}
    assert gw.get(f"/api/v1/service-domains/{row['id']}", token).status_code == 404


def test_custom_domain_failure_and_retry_window(gw: Gateway) -> None:
    token = _bound(gw)
    _pid, sid, _did = gw.live(token)
    gw.fault("domain_fail", count=1)
    row = gw.post(
        "/api/v1/service-domains/",
        token,
        json={"service_id": sid, "domain": "a.example.com", "type": "custom"},
    ).json()
    r = gw.post(f"/api/v1/service-domains/{row['id']}/retry", token)
    assert r.json() == {"error": "Only failed domains can be retried"}
    gw.advance(2)
    failed = gw.get(f"/api/v1/service-domains/{row['id']}", token).json()
    assert failed["status"] == "failed"
    assert failed["failed_at"]
    assert failed["error_msg"]
    r = gw.post(f"/api/v1/service-domains/{row['id']}/retry", token)
    assert r.status_code == 200
    assert r.json()["status"] == "pending"
    assert r.json()["retry_count"] == 1
    gw.fault("domain_fail", count=1)
    other = gw.post(
        "/api/v1/service-domains/",
        token,
        json={"service_id": sid, "domain": "b.example.com", "type": "custom"},
    ).json()
    gw.advance(2 + 1801)
    r = gw.post(f"/api/v1/service-domains/{other['id']}/retry", token)
    assert r.json() == {"error": "Retry window expired (30 minutes)"}


def test_volume_lifecycle(gw: Gateway) -> None:
    pat = gw.user()["api_key"]
    _pid, sid, _did = gw.live(pat)
    base = f"/api/v1/services/{sid}/volumes"
    r = gw.post(base, pat, json={"name": "data", "mount_path": "/data", "size": "5Gi"})
    assert r.status_code == 201
    created = r.json()
    assert created["workload_conversion"] is True
    assert created["deployment_id"]
    assert gw.post(
        base, pat, json={"name": "data2", "mount_path": "/d2", "size": "1Gi"}
    ).json() == {"error": "conversion_in_progress"}
    gw.advance(31)
    assert gw.post(base, pat, json={"name": "data", "mount_path": "/x", "size": "1Gi"}).json() == {
        "error": "duplicate_name"
    }
    assert gw.post(base, pat, json={"name": "x", "mount_path": "/data", "size": "1Gi"}).json() == {
        "error": "duplicate_mount"
    }
    assert (
        gw.post(base, pat, json={"name": "x", "mount_path": "/etc/x", "size": "1Gi"}).status_code
        == 400
    )
    assert gw.post(base, pat, json={"name": "x", "mount_path": "/x", "size": 5}).json() == {
        "error": "volume size is required"
    }
    assert gw.get(f"/api/v1/services/{sid}", pat).json()["replicas"] == 1
    vid = created["volume_id"]
    assert gw.request("PATCH", f"/api/v1/volumes/{vid}/size", pat, json={"size": "1Gi"}).json() == {
        "error": "cannot_shrink"
    }
    grown = gw.request("PATCH", f"/api/v1/volumes/{vid}/size", pat, json={"size": "10Gi"})
    assert grown.status_code == 200
    assert grown.json()["size"] == "10Gi"
    assert gw.delete(f"/api/v1/volumes/{vid}?force=true", pat).json() == {
        "error": "force_requires_orphaned"
    }
    orphan = gw.delete(f"/api/v1/volumes/{vid}", pat).json()
    assert orphan["status"] == "orphaned"
    assert orphan["expires_at"]
    restored = gw.post(f"/api/v1/volumes/{vid}/restore", pat)
    assert restored.status_code == 200
    assert restored.json()["status"] == "active"
    gw.delete(f"/api/v1/volumes/{vid}", pat)
    gw.advance(7 * 86400 + 1)
    assert gw.post(f"/api/v1/volumes/{vid}/restore", pat).status_code == 410


def test_pending_agent_volume_rules(gw: Gateway) -> None:
    token = gw.agent()
    _pid, sid, _did = gw.live(token)
    base = f"/api/v1/services/{sid}/volumes"
    r = gw.post(base, token, json={"name": "big", "mount_path": "/data", "size": "6Gi"})
    assert r.status_code == 403
    assert r.json() == {"error": "quota_exceeded"}
    vid = gw.post(base, token, json={"name": "data", "mount_path": "/data", "size": "1Gi"}).json()[
        "volume_id"
    ]
    assert gw.delete(f"/api/v1/volumes/{vid}", token).json()["error"] == "agent_delete_forbidden"
    assert len(gw.get(base, token).json()["volumes"]) == 1


def test_newer_profile_consent_gate(gw: Gateway) -> None:
    gw.config(profile="newer")
    token = gw.agent()
    pid, sid = gw.stack(token)
    gw.advance(2)  # asynchronous extraction settles
    did = gw.deploy(token, pid, sid)["id"]
    r = gw.post(f"/api/v1/deployments/{did}/cancel", token)
    assert r.status_code == 403
    assert (r.json()["error_code"], r.json()["required_consent"]) == (
        "consent_required",
        "live_service_change",
    )
    ok = gw.post(
        f"/api/v1/deployments/{did}/cancel",
        token,
        headers={"X-OpenDeploy-Consent": "paid, live_service_change"},
    )
    assert ok.status_code == 200
    gw.config(profile="primary")
    other = gw.deploy(token, pid, sid)["id"]
    assert gw.post(f"/api/v1/deployments/{other}/cancel", token).status_code == 200
