"""Helpers for end-to-end tests: a raw HTTP client and small fixtures of data."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import httpx

from odiac.redact import register


class Api:
    """A raw HTTP client for one credential, the way an outside caller sees the gateway."""

    def __init__(self, base_url: str, token: str | None = None, *, user_agent: str = "e2e/1"):
        headers = {"User-Agent": user_agent}
        if token:
            register(token)
            headers["Authorization"] = f"Bearer {token}"
        self.http = httpx.Client(base_url=base_url, headers=headers, timeout=15)

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def call(
        self, method: str, path: str, *, expect: int | None = 200, **kwargs: Any
    ) -> httpx.Response:
        response = self.http.request(method, path, **kwargs)
        if expect is not None:
            assert response.status_code == expect, (
                f"{method} {path}: {response.status_code} {response.text[:300]}"
            )
        return response

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.call("GET", path, **kwargs).json()

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.call("POST", path, json=json, **kwargs).json()

    def put(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.call("PUT", path, json=json, **kwargs).json()


def register_agent(base_url: str, *, user_agent: str = "e2e/1") -> dict[str, Any]:
    """Register a fresh pending client agent (its api_key and bind_sig become registered secrets)."""
    with Api(base_url, user_agent=user_agent) as api:
        body: dict[str, Any] = api.post("/v1/client-agents/register", json={"name": "e2e"})
    register(body["api_key"])
    register(body["bind_sig"])
    return body


def zip_bytes(files: dict[str, str]) -> bytes:
    """A small ZIP archive holding ``files`` (name -> text)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in sorted(files.items()):
            archive.writestr(name, text)
    return buffer.getvalue()


FLASK_APP = {
    "app.py": "from flask import Flask\napp = Flask(__name__)\n\n@app.get('/')\ndef index():\n"
    "    return 'ok'\n",
    "requirements.txt": "flask>=3\n",
}

GUEST_SIZES = {
    "cpu_request": "500m",
    "cpu_limit": "1",
    "memory_request": "512Mi",
    "memory_limit": "1Gi",
    "replicas": 1,
}
