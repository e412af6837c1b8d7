"""HTTP driver and archive helpers shared by the emulator tests."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import httpx
from starlette.testclient import TestClient

REGION = "00000000-0000-4000-8000-000000000001"
INACTIVE_REGION = "00000000-0000-4000-8000-000000000002"
GOOD_CAPS = {
    "cpu_request": "500m",
    "cpu_limit": "1",
    "memory_request": "512Mi",
    "memory_limit": "1Gi",
    "replicas": 1,
}


def make_zip(files: dict[str, str | bytes] | None = None) -> bytes:
    """A ZIP archive holding ``files`` (default: a tiny Node app)."""
    files = (
        files if files is not None else {"package.json": '{"name":"app"}', "index.js": "// app\n"}
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


class Gateway:
    """A thin HTTP driver over the emulator app (black box: HTTP only)."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def request(
        self, method: str, path: str, token: str | None = None, **kw: Any
    ) -> httpx.Response:
        headers = dict(kw.pop("headers", {}) or {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return self.client.request(method, path, headers=headers, **kw)

    def get(self, path: str, token: str | None = None, **kw: Any) -> httpx.Response:
        return self.request("GET", path, token, **kw)

    def post(self, path: str, token: str | None = None, **kw: Any) -> httpx.Response:
        return self.request("POST", path, token, **kw)

    def put(self, path: str, token: str | None = None, **kw: Any) -> httpx.Response:
        return self.request("PUT", path, token, **kw)

    def delete(self, path: str, token: str | None = None, **kw: Any) -> httpx.Response:
        return self.request("DELETE", path, token, **kw)

    # control surface -------------------------------------------------------

    def advance(self, seconds: float) -> None:
        r = self.client.post("/_emulator/clock/advance", json={"seconds": seconds})
        assert r.status_code == 200, r.text

    def config(self, **values: Any) -> None:
        r = self.client.post("/_emulator/config", json=values)
        assert r.status_code == 200, r.text

    def fault(self, kind: str, **extra: Any) -> None:
        r = self.client.post("/_emulator/faults", json={"kind": kind, **extra})
        assert r.status_code == 201, r.text

    def user(self, email: str = "dev@example.test") -> dict[str, Any]:
        r = self.client.post("/_emulator/users", json={"email": email})
        assert r.status_code == 201, r.text
        return dict(r.json())

    def bind(self, agent_id: str, user_id: str) -> None:
        r = self.client.post(f"/_emulator/agents/{agent_id}/bind", json={"user_id": user_id})
        assert r.status_code == 200, r.text

    # gateway flows ---------------------------------------------------------

    def register(self, user_agent: str = "odiac/test", **kw: Any) -> dict[str, Any]:
        headers = {"User-Agent": user_agent, **kw.pop("headers", {})}
        r = self.client.post("/api/v1/client-agents/register", headers=headers, **kw)
        assert r.status_code == 200, r.text
        return dict(r.json())

    def agent(self, user_agent: str | None = None) -> str:
        """A fresh pending agent token (unique User-Agent so no replay)."""
        import uuid

        return str(self.register(user_agent or f"odiac/{uuid.uuid4()}")["api_key"])

    def project(self, token: str, name: str = "app", **body: Any) -> dict[str, Any]:
        payload = {"name": name, "repo_url": "file://upload", "skip_validation": True, **body}
        r = self.post("/api/v1/projects/", token, json=payload)
        assert r.status_code == 201, r.text
        return dict(r.json())

    def service(self, token: str, pid: str, name: str = "web", **body: Any) -> str:
        payload = {"name": name, "type": "web", "port": 3000, **GOOD_CAPS, **body}
        r = self.post(f"/api/v1/projects/{pid}/services/", token, json=payload)
        assert r.status_code == 201, r.text
        return str(r.json()["service_id"])

    def upload(self, token: str, archive: bytes | None = None, filename: str = "app.zip") -> str:
        r = self.post(
            "/api/v1/upload/upload-only",
            token,
            data={"project_name": "app", "region_id": REGION},
            files={
                "project_file": (
                    filename,
                    archive if archive is not None else make_zip(),
                    "application/zip",
                )
            },
        )
        assert r.status_code == 200, r.text
        return str(r.json()["temp_file_path"])

    def bind_source(self, token: str, pid: str, archive: bytes | None = None) -> dict[str, Any]:
        temp = self.upload(token, archive)
        r = self.post(
            "/api/v1/upload/update-source", token, json={"project_id": pid, "temp_file_path": temp}
        )
        assert r.status_code == 200, r.text
        return dict(r.json())

    def deploy(self, token: str, pid: str, sid: str, **body: Any) -> dict[str, Any]:
        payload = {"project_id": pid, "service_id": sid, "source": "zip", **body}
        r = self.post("/api/v1/deployments/", token, json=payload)
        assert r.status_code == 201, r.text
        return dict(r.json())

    def deployment(self, token: str, did: str) -> dict[str, Any]:
        r = self.get(f"/api/v1/deployments/{did}", token)
        assert r.status_code == 200, r.text
        return dict(r.json())

    def stack(self, token: str, archive: bytes | None = None) -> tuple[str, str]:
        """Project + service + bound source; returns (pid, sid)."""
        pid = self.project(token)["id"]
        sid = self.service(token, pid)
        self.bind_source(token, pid, archive)
        return pid, sid

    def live(self, token: str, archive: bytes | None = None) -> tuple[str, str, str]:
        """A successful deployment with its auto domain; returns (pid, sid, did)."""
        pid, sid = self.stack(token, archive)
        did = self.deploy(token, pid, sid)["id"]
        self.advance(30)
        assert self.deployment(token, did)["status"] == "success"
        return pid, sid, did

    def auto_domain(self, token: str, sid: str) -> dict[str, Any]:
        r = self.get(f"/api/v1/service-domains?service_id={sid}&type=auto", token)
        assert r.status_code == 200, r.text
        rows = r.json()
        assert len(rows) == 1, rows
        return dict(rows[0])
