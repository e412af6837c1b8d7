"""Quirks of routing, redirects and authentication (contract 1.3 - 1.5, 2.1)."""

from __future__ import annotations

from emulator.driver import Gateway

PLAIN_404 = "404 page not found"


def _is_plain_404(response: object) -> bool:
    r = response
    return (
        r.status_code == 404  # type: ignore[attr-defined]
        and r.headers["content-type"].startswith("text/plain")  # type: ignore[attr-defined]
        and r.text == PLAIN_404  # type: ignore[attr-defined]
    )


def test_q01_slashless_post_projects_redirects_and_creates_nothing(gw: Gateway) -> None:
    token = gw.agent()
    body = {"name": "app", "repo_url": "file://upload", "skip_validation": True}
    r = gw.post("/api/v1/projects", token, json=body)
    assert r.status_code == 301
    assert r.headers["location"].endswith("/api/v1/projects/")
    listing = gw.get("/api/v1/projects/", token).json()
    assert listing["data"] == []
    assert listing["total"] == 0


def test_q02_slashless_collections_redirect_before_auth_keeping_query(gw: Gateway) -> None:
    for path, query in (
        ("/api/v1/regions", "a=1"),
        ("/api/v1/deployments", "project_id=x&status=success"),
        ("/api/v1/projects/0000/services", "b=2"),
    ):
        r = gw.get(f"{path}?{query}")  # no Authorization header at all
        assert r.status_code == 301, path
        assert r.headers["location"] == f"{path}/?{query}"
    r = gw.post("/api/v1/projects/0000/services", json={"name": "x"})
    assert r.status_code == 301
    assert r.headers["location"] == "/api/v1/projects/0000/services/"


def test_q03_item_paths_redirect_to_slashless_and_domains_accept_both(gw: Gateway) -> None:
    token = gw.agent()
    pid, sid = gw.stack(token)
    r = gw.get(f"/api/v1/service-domains?service_id={sid}", token)
    assert r.status_code == 200
    assert r.json() == []
    r = gw.get(f"/api/v1/service-domains/?service_id={sid}", token)
    assert r.status_code == 200
    r = gw.get(f"/api/v1/projects/{pid}/?x=1")
    assert r.status_code == 301
    assert r.headers["location"].endswith(f"/api/v1/projects/{pid}?x=1")
    assert _is_plain_404(gw.get("/api/v1/does-not-exist/", token))


def test_q04_status_alias_routes_are_plain_404(gw: Gateway) -> None:
    token = gw.agent()
    pid, sid = gw.stack(token)
    did = gw.deploy(token, pid, sid)["id"]
    assert gw.get(f"/api/v1/deployments/{did}", token).status_code == 200
    assert _is_plain_404(gw.get(f"/api/v1/deployments/{did}/status", token))
    assert _is_plain_404(gw.get(f"/api/v1/deployments/status/{did}", token))


def test_q05_project_resources_route_missing_but_service_put_resizes(gw: Gateway) -> None:
    token = gw.agent()
    pid, sid = gw.stack(token)
    r = gw.put(f"/api/v1/projects/{pid}/resources", token, json={"cpu_limit": "1"})
    assert _is_plain_404(r)
    r = gw.put(f"/api/v1/services/{sid}", token, json={"cpu_limit": "1", "memory_limit": "512Mi"})
    assert r.status_code == 200
    assert r.json()["id"] == sid
    assert r.json()["memory_limit"] == "512Mi"


def test_q46_malformed_and_unknown_tokens_are_401(gw: Gateway) -> None:
    for token in ("od_x" + "A" * 43, "od_a" + "A" * 42, "od_k" + "B" * 43):
        r = gw.get("/api/v1/regions/", token)
        assert r.status_code == 401, token
        assert r.json()["error"] == "unauthorized"
    assert gw.get("/api/v1/regions/").status_code == 401
    assert gw.get("/api/v1/regions/", headers={"Authorization": "Basic abc"}).status_code == 401


def test_q46_bearer_scheme_is_case_insensitive(gw: Gateway) -> None:
    token = gw.agent()
    r = gw.get("/api/v1/regions/", headers={"Authorization": f"bearer {token}"})
    assert r.status_code == 200


def test_q47_dashboard_bind_refuses_any_bearer_token(gw: Gateway) -> None:
    reg = gw.register("odiac/q47")
    r = gw.post(
        f"/api/v1/client-agents/{reg['agent_id']}/bind",
        reg["api_key"],
        json={"sig": reg["bind_sig"]},
    )
    assert r.status_code == 401
    pat = gw.user()["api_key"]
    assert (
        gw.post(
            f"/api/v1/client-agents/{reg['agent_id']}/bind", pat, json={"sig": reg["bind_sig"]}
        ).status_code
        == 401
    )
    assert gw.post("/api/v1/user/api-key", pat).status_code == 401


def test_q50_tenant_type_header(gw: Gateway) -> None:
    pending = gw.agent()
    pat = gw.user()["api_key"]
    assert gw.get("/api/v1/regions/", pending).headers["x-tenant-type"] == "guest"
    assert gw.get("/api/v1/regions/", pat).headers["x-tenant-type"] == "user"
    # Also on error answers produced after authentication.
    assert gw.get("/api/v1/profile", pending).headers["x-tenant-type"] == "guest"


def test_unregistered_prefixes_are_plain_404(gw: Gateway) -> None:
    assert _is_plain_404(gw.get("/"))
    assert _is_plain_404(gw.get("/v1/regions/"))
    token = gw.agent()
    for path in (
        "/api/v1/logs/deployment/abc",
        "/api/v1/upload/analyze-only",
        "/api/v1/analyze",
    ):
        assert _is_plain_404(gw.get(path, token)), path
