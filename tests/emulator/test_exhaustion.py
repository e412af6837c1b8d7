"""Resource exhaustion: archive budgets, body limits, disk budget, a free event loop."""

from __future__ import annotations

import io
import json
import random
import socket
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulator.driver import REGION, Gateway, make_zip
from odiac.emulator import archive


def _zeros_zip(entries: int, size: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for i in range(entries):
            zf.writestr(f"blob{i}.bin", bytes(size))
    return buf.getvalue()


def _bind(gw: Gateway, token: str, pid: str, temp: str) -> httpx.Response:
    return gw.post(
        "/api/v1/upload/update-source", token, json={"project_id": pid, "temp_file_path": temp}
    )


def test_many_small_zero_entries_are_refused_by_the_whole_archive_ratio(
    gw: Gateway, tmp_path: Path
) -> None:
    bomb = _zeros_zip(500, 1024 * 1024)  # about 0.5 MB packed, 500 MiB unpacked
    assert len(bomb) < 1024 * 1024
    token = gw.agent()
    pid = gw.project(token)["id"]
    r = _bind(gw, token, pid, gw.upload(token, bomb))
    assert r.status_code == 400
    assert "compression ratio for the whole archive" in r.json()["error"]
    written = sum(p.stat().st_size for p in (tmp_path / "data").rglob("*") if p.is_file())
    assert written < 2 * 1024 * 1024  # the parked upload only


def test_json_description_of_100_mb_is_refused_with_413(gw: Gateway) -> None:
    pat = str(gw.user()["api_key"])
    before = gw.client.get("/_emulator/state").json()
    body = {"name": "big", "repo_url": "file://upload", "skip_validation": True}
    raw = json.dumps({**body, "description": "x" * (100 * 1024 * 1024)}).encode()
    r = gw.post("/api/v1/projects/", pat, content=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.json() == {"error": "request body too large", "limit": 1024 * 1024}
    assert gw.client.get("/_emulator/state").json() == before


def test_control_route_body_limit(gw: Gateway) -> None:
    r = gw.client.post(
        "/_emulator/users",
        content=b'{"email": "' + b"a" * (2 * 1024 * 1024) + b'@x"}',
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 413
    assert r.json()["error"] == "request body too large"


def _raw_chunked(base: str, path: str, headers: dict[str, str], chunk: bytes, chunks: int) -> str:
    """Send ``chunks`` chunks of a chunked body and never the final one; return the status line.

    A server that waits for the whole body never answers: the read times out.
    """
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        lines = [f"POST {path} HTTP/1.1", f"Host: {host}", "Transfer-Encoding: chunked"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        try:
            for _ in range(chunks):
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        except OSError:
            pass  # the server may close as soon as it has answered
        try:
            head = sock.recv(4096)
        except TimeoutError:
            return "no answer"
        return head.split(b"\r\n", 1)[0].decode()


def _register(base: str) -> str:
    r = httpx.post(f"{base}/api/v1/client-agents/register", headers={"User-Agent": "odiac/x"})
    return str(r.json()["api_key"])


def test_chunked_upload_is_cut_off_while_it_streams(served: str) -> None:
    httpx.post(f"{served}/_emulator/config", json={"upload_max_bytes": 1024 * 1024})
    token = _register(served)
    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="project_file"; '
        'filename="app.zip"\r\nContent-Type: application/zip\r\n\r\nPK\x03\x04'
    ).encode()
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }
    chunk = head + b"\0" * (256 * 1024)
    status = _raw_chunked(served, "/api/v1/upload/upload-only", headers, chunk, 8)
    assert status == "HTTP/1.1 504 Gateway Timeout"


def test_chunked_json_is_cut_off_with_413(served: str) -> None:
    token = _register(served)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    chunk = b'{"name": "' + b"x" * (512 * 1024)
    status = _raw_chunked(served, "/api/v1/projects/", headers, chunk, 4)
    assert status == "HTTP/1.1 413 Request Entity Too Large"


def test_rebinding_removes_the_superseded_copy(gw: Gateway, tmp_path: Path) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    temp = gw.upload(token)
    for _ in range(4):
        assert _bind(gw, token, pid, temp).status_code == 200
    kept = sorted(p.name for p in (tmp_path / "data" / "projects" / pid).iterdir())
    assert len(kept) == 2  # one source folder and its archive
    key = gw.get(f"/api/v1/projects/{pid}", token).json()["source_path"].rsplit("/", 1)[-1]
    assert kept == sorted([key, f"{key}.zip"])


def test_account_disk_budget(gw: Gateway) -> None:
    noise = random.Random(0).randbytes(100_000)  # incompressible: about 100 kB packed
    archive_bytes = make_zip({"package.json": "{}", "data.bin": noise})
    gw.config(account_disk_max_bytes=3 * 110_000)
    token = gw.agent()
    pid = gw.project(token)["id"]
    first = gw.upload(token, archive_bytes)
    assert _bind(gw, token, pid, first).status_code == 200
    assert _bind(gw, token, pid, first).status_code == 200  # a rebind frees what it replaces
    r = gw.post(
        "/api/v1/upload/upload-only",
        token,
        data={"project_name": "app", "region_id": REGION},
        files={"project_file": ("app.zip", archive_bytes, "application/zip")},
    )
    assert r.status_code == 413
    assert r.json()["error"] == "account disk budget exceeded"


def test_account_disk_budget_caps_extraction(gw: Gateway) -> None:
    gw.config(account_disk_max_bytes=200_000)
    token = gw.agent()
    pid = gw.project(token)["id"]
    big = make_zip({"package.json": "{}", "data.bin": bytes(range(256)) * 1000})
    r = _bind(gw, token, pid, gw.upload(token, big))
    assert r.status_code == 400
    assert "disk budget of 200000 bytes" in r.json()["error"]


def test_extraction_does_not_block_other_clients(
    served: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While one archive extracts, another client is answered (extraction is off the loop)."""
    extracting, answered = threading.Event(), threading.Event()
    real = archive.extract

    def slow_extract(*args: Any) -> int:
        # Holds the extraction until another request has been answered (bounded wait).
        extracting.set()
        answered.wait(timeout=10)
        return real(*args)

    monkeypatch.setattr("odiac.emulator.sources.extract", slow_extract)
    token = _register(served)
    auth = {"Authorization": f"Bearer {token}"}
    pid = httpx.post(
        f"{served}/api/v1/projects/",
        headers=auth,
        json={"name": "app", "repo_url": "file://upload", "skip_validation": True},
    ).json()["id"]
    temp = httpx.post(
        f"{served}/api/v1/upload/upload-only",
        headers=auth,
        data={"project_name": "app", "region_id": REGION},
        files={"project_file": ("app.zip", make_zip(), "application/zip")},
    ).json()["temp_file_path"]
    result: dict[str, Any] = {}

    def bind() -> None:
        result["r"] = httpx.post(
            f"{served}/api/v1/upload/update-source",
            headers=auth,
            json={"project_id": pid, "temp_file_path": temp},
            timeout=30,
        )

    worker = threading.Thread(target=bind)
    worker.start()
    assert extracting.wait(timeout=10)
    started = time.monotonic()
    other = httpx.get(f"{served}/api/v1/regions/", headers=auth, timeout=30)
    waited = time.monotonic() - started
    answered.set()
    worker.join(timeout=30)
    assert other.status_code == 200
    assert waited < 5, "the other client waited for the extraction"
    assert result["r"].status_code == 200


def _mp_init(gw: Gateway, token: str, pid: str, total: int, part: int) -> httpx.Response:
    body = {
        "project_id": pid,
        "project_name": "app",
        "region_id": REGION,
        "total_size": total,
        "part_size": part,
        "total_parts": -(-total // part),
        "total_sha256": "0" * 64,
    }
    return gw.post(
        "/api/v1/upload/multipart/init", token, json=body, headers={"Idempotency-Key": "k"}
    )


def test_multipart_counts_against_the_disk_budget(gw: Gateway) -> None:
    gw.config(account_disk_max_bytes=10 * 1024 * 1024)
    token = gw.agent()
    pid = gw.project(token)["id"]
    r = _mp_init(gw, token, pid, 11 * 1024 * 1024, 1024 * 1024)
    assert r.status_code == 409
    assert r.json()["error"] == "upload exceeds the account disk budget"


def test_multipart_part_is_never_buffered_beyond_the_upload_limit(gw: Gateway) -> None:
    gw.config(upload_max_bytes=64 * 1024)
    token = gw.agent()
    pid = gw.project(token)["id"]
    r = _mp_init(gw, token, pid, 2 * 1024 * 1024, 1024 * 1024)
    assert r.status_code == 200, r.text
    uid = r.json()["upload_id"]

    def body() -> Any:
        for _ in range(16):
            yield bytes(64 * 1024)

    r = gw.put(f"/api/v1/upload/multipart/{uid}/parts/1", token, content=body())
    assert r.status_code == 413
    assert r.json() == {"error": "part too large", "limit": 64 * 1024}
