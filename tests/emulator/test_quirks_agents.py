"""Quirks of client agents: register, replay, rate limit, GC, binding (contract 2, 3.1)."""

from __future__ import annotations

import re

from emulator.driver import GOOD_CAPS, Gateway

TOKEN_RE = re.compile(r"^od_a[0-9A-Za-z]{43}$")


def test_q06_pending_profile_401_but_regions_200(gw: Gateway) -> None:
    token = gw.agent()
    r = gw.get("/api/v1/profile", token)
    assert r.status_code == 401
    assert r.json()["error"] == "unauthorized"
    r = gw.get("/api/v1/regions/", token)
    assert r.status_code == 200
    regions = r.json()
    assert isinstance(regions, list)
    assert [x["status"] for x in regions] == ["active", "inactive"]


def test_q24_idle_project_collected_after_six_hours(gw: Gateway) -> None:
    token = gw.agent()
    pid, sid, did = gw.live(token)
    dep = gw.post(
        "/api/v1/dependencies/create", token, json={"project_id": pid, "dependency_id": "redis"}
    ).json()
    domain = gw.auto_domain(token, sid)
    label = domain["domain"].split(".")[0]
    assert (
        gw.get(f"/api/v1/service-domains/check-subdomain/{label}", token).json()["available"]
        is False
    )
    gw.advance(6 * 3600)
    for path in (
        f"/api/v1/projects/{pid}",
        f"/api/v1/services/{sid}",
        f"/api/v1/deployments/{did}",
        f"/api/v1/dependencies/status/{pid}",
        f"/api/v1/service-domains/{domain['id']}",
    ):
        r = gw.get(path, token)
        assert r.status_code == 404, path
        assert r.headers["content-type"].startswith("application/json")
    assert dep["id"]
    assert gw.get(f"/api/v1/service-domains/check-subdomain/{label}", token).json() == {
        "available": True
    }
    assert gw.get("/api/v1/regions/", token).status_code == 200
    gw.project(token, name="again")


def test_q25_deploy_activity_moves_gc_deadline(gw: Gateway) -> None:
    token = gw.agent()
    pid, sid = gw.stack(token)
    gw.advance(5 * 3600)
    assert gw.get(f"/api/v1/projects/{pid}", token).status_code == 200
    gw.deploy(token, pid, sid)
    gw.advance(5 * 3600 + 59 * 60)  # t = 10 h 59 min
    assert gw.get(f"/api/v1/projects/{pid}", token).status_code == 200
    gw.advance(2 * 60)  # t = 11 h 01 min
    assert gw.get(f"/api/v1/projects/{pid}", token).status_code == 404


def test_q26_sixth_register_per_hour_is_rate_limited(gw: Gateway) -> None:
    for i in range(5):
        gw.register(f"odiac/ua-{i}")
    r = gw.post("/api/v1/client-agents/register", headers={"User-Agent": "odiac/ua-6"})
    assert r.status_code == 429
    retry = r.headers["retry-after"]
    assert retry.isdigit()
    assert int(retry) >= 1
    body = r.json()
    assert body["error"] == "rate_limited"
    assert body["retry_after_seconds"] == int(retry)
    gw.advance(3601)
    assert (
        gw.post("/api/v1/client-agents/register", headers={"User-Agent": "odiac/ua-7"}).status_code
        == 200
    )


def test_q27_replay_returns_same_agent_without_api_key(gw: Gateway) -> None:
    first = gw.register("odiac/replay")
    second = gw.register("odiac/replay")
    assert "api_key" not in second
    assert second["agent_id"] == first["agent_id"]
    assert second["bind_sig"] == first["bind_sig"]
    assert second["claim_url"] == first["claim_url"]


def test_q28_other_user_agent_gets_fresh_agent(gw: Gateway) -> None:
    first = gw.register("odiac/one")
    second = gw.register("odiac/two")
    assert second["agent_id"] != first["agent_id"]
    assert TOKEN_RE.match(second["api_key"])


def test_q29_claim_url_shape(gw: Gateway) -> None:
    reg = gw.register()
    assert reg["gateway"].endswith("/api")
    dashboard = reg["gateway"].removesuffix("/api")
    assert reg["claim_url"] == f"{dashboard}/claim/{reg['agent_id']}?h={reg['bind_sig']}"
    assert re.fullmatch(r"[0-9a-f]{16}", reg["bind_sig"])
    assert reg["expires_in_seconds"] == 21600


def test_q32_binding_lifts_every_guest_restriction(gw: Gateway) -> None:
    reg = gw.register("odiac/bind")
    token = reg["api_key"]
    first = gw.project(token)["id"]
    user = gw.user()
    gw.bind(reg["agent_id"], user["user_id"])
    assert gw.get("/api/v1/profile", token).status_code == 200
    r = gw.post(
        f"/api/v1/projects/{first}/services/",
        token,
        json={"name": "big", "type": "web", "cpu_limit": "2"},
    )
    assert r.status_code == 201
    gw.project(token, name="second")
    read = gw.get(f"/api/v1/projects/{first}", user["api_key"])
    assert read.status_code == 200
    assert read.json()["agent_id"] == reg["agent_id"]
    gw.advance(7 * 3600)
    assert gw.get(f"/api/v1/projects/{first}", token).status_code == 200
    assert gw.get("/api/v1/regions/", token).headers["x-tenant-type"] == "user"


def test_q51_gateway_derived_from_host_header(gw: Gateway) -> None:
    r = gw.post(
        "/api/v1/client-agents/register",
        headers={"Host": "gw.example.test:8080", "User-Agent": "odiac/q51"},
    )
    body = r.json()
    assert body["gateway"] == "http://gw.example.test:8080/api"
    assert body["claim_url"].startswith("http://gw.example.test:8080/claim/")


def test_q54_forwarded_for_ignored_by_default_and_reset_clears_counters(gw: Gateway) -> None:
    for i in range(5):
        r = gw.post(
            "/api/v1/client-agents/register",
            headers={"User-Agent": "odiac/q54", "X-Forwarded-For": f"10.0.0.{i}"},
        )
        assert r.status_code == 200
    sixth = gw.post(
        "/api/v1/client-agents/register",
        headers={"User-Agent": "odiac/q54", "X-Forwarded-For": "10.0.0.9"},
    )
    assert sixth.status_code == 429
    before = r.json()["agent_id"]
    assert gw.client.post("/_emulator/reset").status_code == 200
    after = gw.register("odiac/q54")
    assert after["agent_id"] != before
    assert TOKEN_RE.match(after["api_key"])


def test_forwarded_for_trusted_only_when_enabled(gw: Gateway) -> None:
    gw.config(trust_forwarded_for=True)
    for i in range(7):
        r = gw.post(
            "/api/v1/client-agents/register",
            headers={"User-Agent": "odiac/xff", "X-Forwarded-For": f"10.0.0.{i}, 1.1.1.1"},
        )
        assert r.status_code == 200, i


def test_revoked_agent_token_is_401_everywhere(gw: Gateway) -> None:
    reg = gw.register("odiac/revoke")
    assert gw.client.post(f"/_emulator/agents/{reg['agent_id']}/revoke").status_code == 200
    assert gw.get("/api/v1/regions/", reg["api_key"]).status_code == 401


def test_rotated_pat_old_one_is_401(gw: Gateway) -> None:
    user = gw.user()
    r = gw.client.post(f"/_emulator/users/{user['user_id']}/rotate-pat")
    new = r.json()["api_key"]
    assert gw.get("/api/v1/regions/", user["api_key"]).status_code == 401
    assert gw.get("/api/v1/profile", new).json()["email"] == user["email"]


def test_agent_status_route_checks_signature(gw: Gateway) -> None:
    reg = gw.register("odiac/status")
    gw.project(reg["api_key"])
    r = gw.get(f"/api/v1/client-agents/{reg['agent_id']}/status?h={reg['bind_sig']}")
    assert r.status_code == 200
    assert r.json()["state"] == "pending"
    assert r.json()["expires_at"]
    bad = gw.get(f"/api/v1/client-agents/{reg['agent_id']}/status?h=0000000000000000")
    assert bad.status_code == 403
    assert bad.json() == {"error": "invalid signature"}


def test_dashboard_bind_with_emulator_user_header(gw: Gateway) -> None:
    reg = gw.register("odiac/dash")
    pid = gw.project(reg["api_key"])["id"]
    user = gw.user()
    path = f"/api/v1/client-agents/{reg['agent_id']}/bind"
    wrong = gw.post(
        path, headers={"X-Emulator-User": user["user_id"]}, json={"sig": "ffffffffffffffff"}
    )
    assert wrong.status_code == 403
    r = gw.post(
        path,
        headers={"X-Emulator-User": user["user_id"]},
        json={"sig": reg["bind_sig"], "name": "laptop"},
    )
    assert r.status_code == 200
    assert r.json()["project_ids"] == [pid]
    assert r.json()["name"] == "laptop"
    again = gw.post(
        path, headers={"X-Emulator-User": user["user_id"]}, json={"sig": reg["bind_sig"]}
    )
    assert again.status_code == 409
    r = gw.post(
        f"/api/v1/projects/{pid}/services/",
        reg["api_key"],
        json={"name": "w", "type": "web", **GOOD_CAPS},
    )
    assert r.status_code == 201
