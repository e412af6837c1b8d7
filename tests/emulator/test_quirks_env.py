"""Quirks of service environment variables (contract 3.6, 9)."""

from __future__ import annotations

import json

from emulator.driver import Gateway


def _env(gw: Gateway, token: str, pid: str, sid: str) -> dict[str, object]:
    r = gw.get(f"/api/v1/projects/{pid}/services/{sid}/env", token)
    assert r.status_code == 200
    return dict(r.json())


def _put(gw: Gateway, token: str, pid: str, sid: str, body: object) -> object:
    return gw.put(f"/api/v1/projects/{pid}/services/{sid}/env", token, json=body)


def test_q33_put_env_is_full_replace(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    sid = gw.service(token, pid, build_variables={"NEXT_PUBLIC_X": "1"})
    assert _put(gw, token, pid, sid, {"variables": {"A": "1", "B": "2"}}).status_code == 200  # type: ignore[attr-defined]
    assert _put(gw, token, pid, sid, {"variables": {"B": "3"}}).status_code == 200  # type: ignore[attr-defined]
    env = _env(gw, token, pid, sid)
    assert env["count"] == 1
    assert env["variables"] == [{"key": "B", "value": "3", "is_encrypted": True, "source": "user"}]
    assert _put(gw, token, pid, sid, {"variables": {}}).status_code == 200  # type: ignore[attr-defined]
    assert _env(gw, token, pid, sid)["count"] == 0
    service = gw.get(f"/api/v1/services/{sid}", token).json()
    assert service["build_variables"] == {"NEXT_PUBLIC_X": "1"}
    assert service["runtime_variables"] == {}


def test_q34_env_limits(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    sid = gw.service(token, pid)
    assert _put(gw, token, pid, sid, {"variables": {"K" * 129: "v"}}).status_code == 400  # type: ignore[attr-defined]
    assert _put(gw, token, pid, sid, {"variables": {"K": "v" * 32769}}).status_code == 400  # type: ignore[attr-defined]
    ok = _put(gw, token, pid, sid, {"variables": {"K" * 128: "v" * 32768}})
    assert ok.status_code == 200  # type: ignore[attr-defined]
    r = _put(gw, token, pid, sid, {"variables": {"PORT": 3000}})
    assert r.status_code == 400  # type: ignore[attr-defined]
    assert "cannot unmarshal number" in r.json()["error"]  # type: ignore[attr-defined]
    for missing in ({}, {"variables": None}):
        assert _put(gw, token, pid, sid, missing).status_code == 400  # type: ignore[attr-defined]


def test_q35_plaintext_reads_and_sensitive_classification(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    env = {
        "DATABASE_URL": "postgresql://u:p@h/db",
        "DB_PASSWORD": "hunter22",
        "GITHUB_TOKEN": "ghp_x",
        "PORT": "3000",
    }
    sid = gw.service(token, pid, runtime_variables=env)
    rows = {row["key"]: row for row in _env(gw, token, pid, sid)["variables"]}  # type: ignore[union-attr, index]
    assert {k: r["value"] for k, r in rows.items()} == env
    assert {k: r["is_encrypted"] for k, r in rows.items()} == {
        "DATABASE_URL": True,
        "DB_PASSWORD": True,
        "GITHUB_TOKEN": True,
        "PORT": False,
    }
    _put(gw, token, pid, sid, {"variables": env})
    assert all(row["is_encrypted"] for row in _env(gw, token, pid, sid)["variables"])  # type: ignore[union-attr, index]


def test_q35_values_are_not_stored_in_plaintext(gw: Gateway) -> None:
    token = gw.agent()
    pid, sid = gw.stack(token)
    _put(gw, token, pid, sid, {"variables": {"API_SECRET": "s3cr3t-value-xyz"}})
    did = gw.deploy(token, pid, sid)["id"]
    dep = {"project_id": pid, "dependency_id": "postgres", "password": "db-pass-4242"}
    created = gw.post("/api/v1/dependencies/create", token, json=dep).json()
    assert "db-pass-4242" in created["env_vars"]["DATABASE_URL"]
    assert "s3cr3t-value-xyz" in gw.deployment(token, did)["runtime_variables"]
    state = gw.client.get("/_emulator/state").text
    assert "s3cr3t-value-xyz" not in state
    assert "db-pass-4242" not in state


def test_q36_deployment_snapshots_env_as_json_string(gw: Gateway) -> None:
    token = gw.agent()
    pid, sid = gw.stack(token)
    _put(gw, token, pid, sid, {"variables": {"A": "1"}})
    did = gw.deploy(token, pid, sid)["id"]
    _put(gw, token, pid, sid, {"variables": {"A": "2", "B": "3"}})
    snapshot = gw.deployment(token, did)["runtime_variables"]
    assert isinstance(snapshot, str)
    assert json.loads(snapshot) == {"A": "1"}
