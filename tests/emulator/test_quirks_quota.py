"""Quirks of pending-agent caps and gates (contract 5)."""

from __future__ import annotations

from emulator.driver import GOOD_CAPS, Gateway


def _svc(gw: Gateway, token: str, pid: str, **body: object) -> object:
    return gw.post(f"/api/v1/projects/{pid}/services/", token, json=body)


def test_q19_cap_checked_before_validation(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    r = _svc(gw, token, pid, name="web", **{**GOOD_CAPS, "cpu_limit": "2"})  # type missing too
    assert r.status_code == 403  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert body["error"] == "agent_quota_exceeded"
    assert (body["field"], body["requested"], body["limit"]) == ("cpu_limit", "2", "1")
    assert body["message"]


def test_q20_limits_are_inclusive(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    ok = {**GOOD_CAPS, "cpu_limit": "1000m", "memory_limit": "1024Mi", "replicas": 1}
    over_mem = _svc(gw, token, pid, name="a", type="web", **{**ok, "memory_limit": "1025Mi"})
    assert over_mem.status_code == 403
    assert over_mem.json()["field"] == "memory_limit"
    over_rep = _svc(gw, token, pid, name="a", type="web", **{**ok, "replicas": 2}).json()  # type: ignore[attr-defined]
    assert (over_rep["field"], over_rep["requested"], over_rep["limit"]) == ("replicas", 2, 1)
    assert _svc(gw, token, pid, name="a", type="web", **ok).status_code == 201  # type: ignore[attr-defined]


def test_q20_decimal_gigabyte_passes(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    r = _svc(gw, token, pid, name="a", type="web", **{**GOOD_CAPS, "memory_limit": "1G"})
    assert r.status_code == 201  # type: ignore[attr-defined]


def test_q21_second_service_refused_but_dependency_allowed(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    gw.service(token, pid, name="web")
    r = _svc(gw, token, pid, name="worker", type="worker", **GOOD_CAPS)
    body = r.json()  # type: ignore[attr-defined]
    assert r.status_code == 403  # type: ignore[attr-defined]
    assert (body["field"], body["requested"], body["limit"]) == ("services", 2, 1)
    dep = gw.post(
        "/api/v1/dependencies/create", token, json={"project_id": pid, "dependency_id": "postgres"}
    )
    assert dep.status_code == 200


def test_q22_omitted_cpu_limit_takes_create_default(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    caps = {k: v for k, v in GOOD_CAPS.items() if k != "cpu_limit"}
    body = _svc(gw, token, pid, name="web", type="web", **caps).json()  # type: ignore[attr-defined]
    assert (body["field"], body["requested"]) == ("cpu_limit", "2")


def test_q23_second_project_conflict_wins_over_validation(gw: Gateway) -> None:
    token = gw.agent()
    first = gw.project(token)["id"]
    r = gw.post(
        "/api/v1/projects/",
        token,
        json={"name": "other", "repo_url": "file://upload", "skip_validation": True},
    )
    assert r.status_code == 409
    assert r.json()["project_id"] == first
    assert r.json()["error"] == "agent_project_limit"
    r = gw.post("/api/v1/projects/", token, json={"repo_url": "file://upload"})  # lacks name
    assert r.status_code == 409
    assert r.json()["project_id"] == first
    r = gw.post(
        "/api/v1/projects/", token, content=b"{bad", headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400
    assert gw.get("/api/v1/projects/", token).json()["total"] == 1


def test_q30_tier_gate_for_custom_domains_and_billing(gw: Gateway) -> None:
    token = gw.agent()
    for method, path in (("POST", "/api/v1/service-domains/"), ("GET", "/api/v1/billing/plans")):
        r = gw.request(method, path, token, json={})
        assert r.status_code == 403, path
        assert r.json()["error"] == "bind_required"
    pat = gw.user()["api_key"]
    assert gw.get("/api/v1/billing/plans", pat).text == "404 page not found"


def test_q31_delete_gate_for_pending_agents(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    r = gw.delete(f"/api/v1/projects/{pid}", token)
    assert r.status_code == 403
    body = r.json()
    assert body["error"] == "agent_delete_forbidden"
    assert (body["method"], body["path"]) == ("DELETE", f"/api/v1/projects/{pid}")
    assert gw.get(f"/api/v1/projects/{pid}", token).status_code == 200
    assert gw.delete("/api/v1/does-not-exist", token).status_code == 403


def test_q31_pat_may_delete_unless_gate_is_all(gw: Gateway) -> None:
    pat = gw.user()["api_key"]
    keep = gw.project(pat, name="keep")["id"]
    gw.config(delete_gate="all")
    assert gw.delete(f"/api/v1/projects/{keep}", pat).status_code == 403
    gw.config(delete_gate="pending")
    r = gw.delete(f"/api/v1/projects/{keep}", pat)
    assert r.status_code == 200
    assert r.json() == {"message": "Project deleted successfully"}
    assert gw.get(f"/api/v1/projects/{keep}", pat).status_code == 404


def test_q52_put_service_checks_caps_with_current_values(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    sid = gw.service(token, pid)
    assert gw.put(f"/api/v1/services/{sid}", token, json={"cpu_limit": "1"}).status_code == 200
    r = gw.put(f"/api/v1/services/{sid}", token, json={"memory_limit": "2Gi"})
    assert r.status_code == 403
    assert r.json()["field"] == "memory_limit"
