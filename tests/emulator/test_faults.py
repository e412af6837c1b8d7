"""Fault injection and latency (contract 3.13)."""

from __future__ import annotations

import time

import httpx
import pytest

from emulator.driver import REGION, Gateway


def test_http_fault_honours_count_and_match(gw: Gateway) -> None:
    token = gw.agent()
    gw.fault("http_503", count=2, match={"method": "GET", "path": "/v1/regions"})
    assert gw.get("/api/v1/projects/", token).status_code == 200  # not matched
    assert [gw.get("/api/v1/regions/", token).status_code for _ in range(3)] == [503, 503, 200]
    gw.fault("http_500")
    assert gw.get("/api/v1/projects/", token).status_code == 500
    assert gw.get("/api/v1/projects/", token).status_code == 200


def test_timeout_fault_holds_and_does_not_mutate(gw: Gateway) -> None:
    gw.config(timeout_hold_s=0.05)
    token = gw.agent()
    gw.fault("timeout", match={"method": "POST", "path": "/api/v1/projects/"})
    started = time.monotonic()
    r = gw.post(
        "/api/v1/projects/",
        token,
        json={"name": "a", "repo_url": "file://upload", "skip_validation": True},
    )
    assert time.monotonic() - started >= 0.05
    assert r.status_code == 504
    assert gw.get("/api/v1/projects/", token).json()["total"] == 0


def test_drop_after_commit_performs_the_mutation(gw: Gateway) -> None:
    token = gw.agent()
    gw.fault("drop_after_commit", match={"method": "POST"})
    r = gw.post(
        "/api/v1/projects/",
        token,
        json={"name": "a", "repo_url": "file://upload", "skip_validation": True},
    )
    assert r.status_code == 502
    listing = gw.get("/api/v1/projects/", token).json()
    assert listing["total"] == 1
    assert listing["data"][0]["name"] == "a"


def test_build_and_deploy_faults(gw: Gateway) -> None:
    token = gw.user()["api_key"]
    pid, sid = gw.stack(token)
    gw.fault("build_fail")
    failed = gw.deploy(token, pid, sid)["id"]
    gw.fault("deploy_fail")
    failed2 = gw.deploy(token, pid, sid)["id"]
    ok = gw.deploy(token, pid, sid)["id"]
    gw.advance(10)
    assert gw.deployment(token, failed)["error_msg"] == "Build failed"
    assert gw.deployment(token, failed2)["error_msg"] == "Deployment failed"
    assert gw.deployment(token, ok)["status"] == "success"


def test_dependency_extraction_and_queue_faults(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    gw.fault("dependency_fail")
    dep = gw.post(
        "/api/v1/dependencies/create", token, json={"project_id": pid, "dependency_id": "mysql"}
    )
    assert dep.status_code == 200
    gw.advance(5)
    status = gw.get(f"/api/v1/dependencies/status/{pid}", token).json()["dependencies"]
    assert status[0]["status"] == "failed"
    temp = gw.upload(token)
    gw.fault("upload_queue_full")
    r = gw.post(
        "/api/v1/upload/update-source", token, json={"project_id": pid, "temp_file_path": temp}
    )
    assert r.status_code == 503
    assert r.json() == {"error": "Upload queue full, please retry shortly"}
    gw.fault("extraction_fail")
    r = gw.post(
        "/api/v1/upload/update-source", token, json={"project_id": pid, "temp_file_path": temp}
    )
    assert r.status_code == 400
    assert r.json()["error"].startswith("failed to extract archive:")
    r = gw.post(
        "/api/v1/upload/update-source", token, json={"project_id": pid, "temp_file_path": temp}
    )
    assert r.status_code == 200


def test_unknown_fault_kind_rejected(gw: Gateway) -> None:
    r = gw.client.post("/_emulator/faults", json={"kind": "meteor"})
    assert r.status_code == 400
    r = gw.client.post("/_emulator/faults", json={"kind": "http_500", "count": 0})
    assert r.status_code == 400


def test_latency_is_added_to_api_responses(gw: Gateway) -> None:
    gw.config(latency_ms=60)
    started = time.monotonic()
    gw.post("/api/v1/client-agents/register", headers={"User-Agent": "lat"})
    assert time.monotonic() - started >= 0.06
    started = time.monotonic()
    gw.client.get("/_emulator/config")
    assert time.monotonic() - started < 0.06


def test_request_log_counts_round_trips(gw: Gateway) -> None:
    token = gw.agent()
    gw.client.post("/_emulator/requests/clear")
    gw.get("/api/v1/regions/", token)
    gw.get("/api/v1/regions", token)
    log = gw.client.get("/_emulator/requests").json()["requests"]
    assert [(e["method"], e["path"], e["status"]) for e in log] == [
        ("GET", "/api/v1/regions/", 200),
        ("GET", "/api/v1/regions", 301),
    ]


def test_git_repo_fixture_drives_validation(gw: Gateway) -> None:
    pat = gw.user()["api_key"]
    url = "https://github.com/acme/shop.git"
    gw.client.post(
        "/_emulator/git/repos",
        json={"url": url, "branches": ["main", "dev"], "default_branch": "main"},
    )
    ok = gw.post("/api/v1/projects/", pat, json={"name": "shop", "repo_url": url, "branch": "dev"})
    assert ok.status_code == 201
    assert ok.json()["branch"] == "dev"
    bad = gw.post(
        "/api/v1/projects/", pat, json={"name": "shop2", "repo_url": url, "branch": "nope"}
    )
    assert bad.status_code == 400
    assert bad.json()["error_code"] == "branch_not_found"
    assert bad.json()["available_branches"] == ["main", "dev"]
    local = gw.post("/api/v1/projects/", pat, json={"name": "x", "repo_url": "file://upload"})
    assert local.json()["error_code"] == "invalid_repo_url"
    git = gw.post(
        "/api/v1/upload/upload-only",
        pat,
        data={"project_name": "s", "region_id": REGION, "git_url": url, "branch": "dev"},
    )
    assert git.status_code == 200
    assert git.json()["is_git"] is True
    r = gw.post(
        "/api/v1/upload/update-source",
        pat,
        json={"project_id": ok.json()["id"], "temp_file_path": git.json()["temp_file_path"]},
    )
    assert r.status_code == 200
    assert r.json()["source_status"] == "ready"
    pid = ok.json()["id"]
    sid = gw.service(pat, pid)
    did = gw.deploy(pat, pid, sid, source="git", branch="dev")["id"]
    gw.advance(10)
    assert gw.deployment(pat, did)["status"] == "success"


def test_timeout_fault_returns_promptly_when_the_client_gives_up(served: str) -> None:
    with httpx.Client(base_url=served, timeout=5) as control:
        control.post("/_emulator/config", json={"timeout_hold_s": 30})
        token = control.post("/api/v1/client-agents/register").json()["api_key"]
        control.post(
            "/_emulator/faults", json={"kind": "timeout", "match": {"path": "/api/v1/regions"}}
        )
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(
                f"{served}/api/v1/regions/",
                headers={"Authorization": f"Bearer {token}"},
                timeout=0.3,
            )
        deadline = started + 10
        while True:  # the held request ends as soon as the server sees the disconnect
            log = control.get("/_emulator/requests").json()["requests"]
            if any(e["path"] == "/api/v1/regions/" for e in log):
                break
            assert time.monotonic() < deadline, "held request never finished"
            time.sleep(0.02)
        assert time.monotonic() - started < 10  # far below the 30 s hold
        assert [e["status"] for e in log if e["path"] == "/api/v1/regions/"] == [504]
