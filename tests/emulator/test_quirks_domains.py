"""Quirks of service domains and managed dependencies (contract 3.4, 3.9, 8)."""

from __future__ import annotations

from emulator.driver import Gateway


def test_q38_auto_row_appears_after_delay(gw: Gateway) -> None:
    gw.config(auto_domain_delay_s=20)
    token = gw.agent()
    pid, sid = gw.stack(token)
    did = gw.deploy(token, pid, sid)["id"]
    gw.advance(7)
    assert gw.deployment(token, did)["status"] == "success"
    url = f"/api/v1/service-domains?service_id={sid}&type=auto"
    assert gw.get(url, token).json() == []
    gw.advance(19)
    assert gw.get(url, token).json() == []
    gw.advance(1)
    rows = gw.get(url, token).json()
    assert len(rows) == 1
    row = rows[0]
    assert (row["type"], row["status"]) == ("auto", "active")
    assert row["domain"].endswith(".dev.opendeploy.run")
    assert row["ssl_enabled"] is True
    assert row["is_primary"] is True
    gw.deploy(token, pid, sid)
    gw.advance(60)
    assert len(gw.get(url, token).json()) == 1  # one auto row per service and environment


def test_q38_no_auto_row_after_failed_deployment(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    sid = gw.service(token, pid)
    gw.deploy(token, pid, sid)
    gw.advance(60)
    assert gw.get(f"/api/v1/service-domains?service_id={sid}", token).json() == []


def _rename(gw: Gateway, token: str, row_id: str, label: str) -> object:
    return gw.put(f"/api/v1/service-domains/{row_id}/subdomain", token, json={"subdomain": label})


def test_q39_subdomain_format_reserved_and_taken(gw: Gateway) -> None:
    token = gw.agent()
    _pid, sid, _did = gw.live(token)
    row = gw.auto_domain(token, sid)
    assert _rename(gw, token, row["id"], "ab").status_code == 200  # type: ignore[attr-defined]
    for bad in ("a", "a" * 33, "-ab", "ab-", "Ab", "a_b"):
        r = _rename(gw, token, row["id"], bad)
        assert r.status_code == 400, bad  # type: ignore[attr-defined]
        assert r.json() == {"error": "invalid subdomain format"}  # type: ignore[attr-defined]
    r = _rename(gw, token, row["id"], "api")
    assert r.status_code == 400
    assert r.json() == {"error": "subdomain is reserved"}
    other = gw.user()["api_key"]
    _p2, sid2, _d2 = gw.live(other)
    row2 = gw.auto_domain(other, sid2)
    r = _rename(gw, other, row2["id"], "ab")
    assert r.status_code == 409
    assert r.json() == {"error": "subdomain already taken"}
    assert _rename(gw, token, row["id"], "a" * 32).status_code == 200  # type: ignore[attr-defined]
    assert _rename(gw, token, row["id"], "a--b").status_code == 200  # type: ignore[attr-defined]


def test_q40_rename_frees_old_label(gw: Gateway) -> None:
    token = gw.agent()
    _pid, sid, _did = gw.live(token)
    row = gw.auto_domain(token, sid)
    old = row["domain"].split(".")[0]
    r = _rename(gw, token, row["id"], "myapp")
    assert r.status_code == 200  # type: ignore[attr-defined]
    assert r.json()["domain"] == "myapp.dev.opendeploy.run"  # type: ignore[attr-defined]
    assert r.json()["status"] == "active"
    assert r.json()["id"] == row["id"]
    check = "/api/v1/service-domains/check-subdomain/"
    assert gw.get(check + old, token).json() == {"available": True}
    assert gw.get(check + "myapp", token).json() == {"available": False, "reason": "taken"}
    assert gw.get(check + "admin", token).json() == {"available": False, "reason": "reserved"}
    assert gw.get(check + "A", token).status_code == 400


def test_q41_retry_on_auto_row_is_400(gw: Gateway) -> None:
    reg = gw.register("odiac/q41")
    user = gw.user()
    gw.bind(reg["agent_id"], user["user_id"])
    token = reg["api_key"]
    _pid, sid, _did = gw.live(token)
    row = gw.auto_domain(token, sid)
    r = gw.post(f"/api/v1/service-domains/{row['id']}/retry", token)
    assert r.status_code == 400
    assert r.json() == {"error": "Only custom domains can be retried"}


def test_q42_dependency_ids_and_status(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    create = "/api/v1/dependencies/create"
    r = gw.post(create, token, json={"project_id": pid, "dependency_id": "postgres"})
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "provisioning"
    assert body["type"] == "postgres"
    assert body["env_vars"]["DATABASE_URL"].startswith("postgresql://")
    assert ".guest-claims.svc.cluster.local" in body["env_vars"]["DATABASE_URL"]
    by_uuid = gw.post(
        create,
        token,
        json={"project_id": pid, "dependency_id": "00000000-0000-4000-8000-0000000000d1"},
    )
    assert by_uuid.status_code == 200
    mongo = gw.post(create, token, json={"project_id": pid, "dependency_id": "mongo"})
    assert mongo.status_code == 200
    assert mongo.json()["type"] == "mongodb"
    for bad in ("oracle", "00000000-0000-4000-8000-0000000000ff"):
        r = gw.post(create, token, json={"project_id": pid, "dependency_id": bad})
        assert r.status_code == 400
        assert r.json() == {"error": "Invalid dependency_id format"}
    gw.advance(3)
    status = gw.get(f"/api/v1/dependencies/status/{pid}", token).json()["dependencies"]
    assert {d["status"] for d in status} == {"running"}
    assert len(status) == 3


def test_q55_environment_filter_is_exact(gw: Gateway) -> None:
    token = gw.agent()
    _pid, sid, _did = gw.live(token)
    row = gw.auto_domain(token, sid)
    assert row["environment"] == "staging"
    base = f"/api/v1/service-domains?service_id={sid}"
    assert len(gw.get(base + "&environment=staging", token).json()) == 1
    assert gw.get(base + "&environment=production", token).json() == []
    assert gw.get(base + "&environment=Staging", token).json() == []
    assert gw.get(base + "&type=bogus", token).status_code == 400
    assert gw.get("/api/v1/service-domains", token).status_code == 400
