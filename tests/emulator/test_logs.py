"""Deployment logs: one-shot, SSE stream over a real socket, build-log WebSocket (3.8.5-3.8.7)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from emulator.driver import Gateway, make_zip


def test_logs_tail_since_and_total(gw: Gateway) -> None:
    token = gw.agent()
    pid, sid = gw.stack(token)
    did = gw.deploy(token, pid, sid)["id"]
    early = gw.get(f"/api/v1/deployments/{did}/logs", token).json()
    assert early == {"deployment_id": did, "logs": [], "total": 0}
    gw.advance(10)
    full = gw.get(f"/api/v1/deployments/{did}/logs", token).json()
    lines = full["logs"]
    assert full["total"] == len(lines) > 5
    assert {line["source"] for line in lines} == {"system", "buildctl", "deploy"}
    assert all(set(line) == {"timestamp", "level", "source", "message"} for line in lines)
    assert [line["timestamp"] for line in lines] == sorted(line["timestamp"] for line in lines)
    tail = gw.get(f"/api/v1/deployments/{did}/logs?tail=2", token).json()
    assert tail["logs"] == lines[-2:]
    assert tail["total"] == len(lines)
    since = lines[3]["timestamp"]
    later = gw.get(f"/api/v1/deployments/{did}/logs", token, params={"since": since}).json()
    assert later["logs"] == [line for line in lines if line["timestamp"] >= since]
    for bad in ("tail=abc", "tail=-1", "tail=5001", "since=yesterday"):
        assert gw.get(f"/api/v1/deployments/{did}/logs?{bad}", token).status_code == 400, bad


def test_build_failure_without_manifest_is_logged_by_buildctl(gw: Gateway) -> None:
    token = gw.agent()
    pid, sid = gw.stack(token, make_zip({"README.md": "nothing to run"}))
    did = gw.deploy(token, pid, sid)["id"]
    gw.advance(10)
    dep = gw.deployment(token, did)
    assert (dep["status"], dep["error_msg"]) == ("failed", "Build failed")
    lines = gw.get(f"/api/v1/deployments/{did}/logs", token).json()["logs"]
    build = [line for line in lines if line["source"] == "buildctl"]
    assert any("no Dockerfile" in line["message"] for line in build)
    assert any("manifest" in line["message"] and line["level"] == "error" for line in build)
    assert not any(line["source"] == "deploy" for line in lines)


def test_sse_stream_of_a_finished_deployment(gw: Gateway) -> None:
    token = gw.agent()
    _pid, _sid, did = gw.live(token)
    r = gw.get(f"/api/v1/deployments/{did}/logs/stream", token)
    assert r.headers["content-type"].startswith("text/event-stream")
    events = _parse_sse(r.text)
    assert [name for name, _ in events if name != "log"] == ["status", "end"]
    assert events[-2][1] == {"status": "success", "progress": 100}
    logs = [data for name, data in events if name == "log"]
    assert logs == gw.get(f"/api/v1/deployments/{did}/logs", token).json()["logs"]


def _parse_sse(text: str) -> list[tuple[str, Any]]:
    events = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((fields["event"], json.loads(fields["data"])))
    return events


def test_sse_stream_follows_the_virtual_clock_live(served: str) -> None:
    with httpx.Client(base_url=served, timeout=10) as http:
        token = http.post("/api/v1/client-agents/register", headers={"User-Agent": "sse"}).json()[
            "api_key"
        ]
        auth = {"Authorization": f"Bearer {token}"}
        pid = http.post(
            "/api/v1/projects/",
            headers=auth,
            json={"name": "a", "repo_url": "file://upload", "skip_validation": True},
        ).json()["id"]
        body = {
            "name": "web",
            "type": "web",
            "cpu_limit": "1",
            "memory_limit": "1Gi",
            "memory_request": "512Mi",
        }
        sid = http.post(f"/api/v1/projects/{pid}/services/", headers=auth, json=body).json()[
            "service_id"
        ]
        temp = http.post(
            "/api/v1/upload/upload-only",
            headers=auth,
            data={"project_name": "a", "region_id": "00000000-0000-4000-8000-000000000001"},
            files={"project_file": ("a.zip", make_zip(), "application/zip")},
        ).json()["temp_file_path"]
        http.post(
            "/api/v1/upload/update-source",
            headers=auth,
            json={"project_id": pid, "temp_file_path": temp},
        )
        did = http.post(
            "/api/v1/deployments/",
            headers=auth,
            json={"project_id": pid, "service_id": sid, "source": "zip"},
        ).json()["id"]
        seen: list[str] = []
        with http.stream("GET", f"/api/v1/deployments/{did}/logs/stream", headers=auth) as stream:
            event = ""
            for line in stream.iter_lines():
                if line.startswith("event: "):
                    event = line.removeprefix("event: ")
                elif line.startswith("data: ") and event == "status":
                    status = json.loads(line.removeprefix("data: "))["status"]
                    seen.append(status)
                    # The clock is frozen: the stream only moves when we advance it.
                    step = {"pending": 2.0, "building": 3.0, "deploying": 3.0}.get(status)
                    if step:
                        http.post("/_emulator/clock/advance", json={"seconds": step})
                elif event == "end":
                    break
        assert seen == ["pending", "building", "deploying", "success"]


def test_build_log_websocket_streams_build_lines_then_closes(gw: Gateway) -> None:
    token = gw.agent()
    pid, sid = gw.stack(token)
    did = gw.deploy(token, pid, sid)["id"]
    gw.advance(2.0)
    frames = []
    with gw.client.websocket_connect(
        f"/api/v1/deployments/{did}/build-logs/stream", headers={"Authorization": f"Bearer {token}"}
    ) as ws:
        frames.append(json.loads(ws.receive_text()))
        gw.advance(5)
        while True:
            message = ws.receive()
            if message["type"] == "websocket.close":
                assert message["code"] == 1000
                break
            frames.append(json.loads(message["text"]))
    assert all(frame["source"] == "buildctl" for frame in frames)
    logs = gw.get(f"/api/v1/deployments/{did}/logs", token).json()["logs"]
    assert frames == [line for line in logs if line["source"] == "buildctl"]


def test_build_log_websocket_requires_auth(gw: Gateway) -> None:
    from starlette.testclient import WebSocketDenialResponse

    token = gw.agent()
    pid, sid = gw.stack(token)
    did = gw.deploy(token, pid, sid)["id"]
    with pytest.raises(WebSocketDenialResponse) as info:
        gw.client.websocket_connect(f"/api/v1/deployments/{did}/build-logs/stream").__enter__()
    assert info.value.status_code == 401
