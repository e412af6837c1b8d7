"""Multipart upload (contract 3.7.3)."""

from __future__ import annotations

import asyncio
import hashlib
import math
from pathlib import Path

import httpx

from emulator.driver import REGION, Gateway, make_zip
from odiac.emulator import create_app


def _init(
    gw: Gateway, token: str, pid: str, data: bytes, part: int, key: str = "k1"
) -> dict[str, object]:
    body = {
        "project_id": pid,
        "project_name": "app",
        "region_id": REGION,
        "total_size": len(data),
        "part_size": part,
        "total_parts": math.ceil(len(data) / part),
        "total_sha256": hashlib.sha256(data).hexdigest(),
    }
    r = gw.post("/api/v1/upload/multipart/init", token, json=body, headers={"Idempotency-Key": key})
    assert r.status_code == 200, r.text
    return dict(r.json())


def _put(gw: Gateway, token: str, uid: str, n: int, chunk: bytes, sha: str | None = None) -> object:
    return gw.put(
        f"/api/v1/upload/multipart/{uid}/parts/{n}",
        token,
        content=chunk,
        headers={"X-Part-SHA256": sha or hashlib.sha256(chunk).hexdigest()},
    )


def test_multipart_round_trip_binds_source_and_deploys(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    sid = gw.service(token, pid)
    noise = b"".join(hashlib.sha256(str(i).encode()).digest() for i in range(400))
    data = make_zip({"package.json": "{}", "big.bin": noise})
    part = 4096
    up = _init(gw, token, pid, data, part)
    again = _init(gw, token, pid, data, part)  # same Idempotency-Key replays
    assert again == up
    uid = str(up["upload_id"])
    chunks = [data[i : i + part] for i in range(0, len(data), part)]
    for n in reversed(range(1, len(chunks) + 1)):  # any order
        r = _put(gw, token, uid, n, chunks[n - 1])
        assert r.status_code == 200
        assert r.json() == {"received": True, "part_number": n}
    assert _put(gw, token, uid, 1, chunks[0]).status_code == 200  # type: ignore[attr-defined]
    done = gw.post(
        f"/api/v1/upload/multipart/{uid}/complete",
        token,
        json={"total_sha256": hashlib.sha256(data).hexdigest()},
        headers={"Idempotency-Key": "c1"},
    )
    assert done.status_code == 200
    assert done.json()["source_status"] == "ready"
    assert done.json()["source_path"]
    did = gw.deploy(token, pid, sid)["id"]
    gw.advance(10)
    assert gw.deployment(token, did)["status"] == "success"


def test_multipart_errors(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    noise = b"".join(hashlib.sha256(str(i).encode()).digest() for i in range(100))  # incompressible
    data = make_zip({"index.html": noise})
    assert len(data) > 2048
    up = _init(gw, token, pid, data, 1024)
    uid = str(up["upload_id"])
    assert _put(gw, token, uid, 0, b"x").status_code == 416  # type: ignore[attr-defined]
    assert _put(gw, token, uid, 99, b"x").status_code == 416  # type: ignore[attr-defined]
    assert _put(gw, token, uid, 1, data[:1024], sha="0" * 64).status_code == 400  # type: ignore[attr-defined]
    assert _put(gw, token, uid, 1, data[:1000]).status_code == 400  # type: ignore[attr-defined]
    assert _put(gw, token, uid, 1, data[:2048]).status_code == 413  # type: ignore[attr-defined]
    _put(gw, token, uid, 1, data[:1024])
    r = gw.post(
        f"/api/v1/upload/multipart/{uid}/complete",
        token,
        json={"total_sha256": hashlib.sha256(data).hexdigest()},
        headers={"Idempotency-Key": "c"},
    )
    assert r.status_code == 409
    assert r.json()["error"] == "missing parts"
    assert r.json()["missing_parts"][0] == 2
    r = gw.post(f"/api/v1/upload/multipart/{uid}/abort", token, headers={"Idempotency-Key": "a"})
    assert r.json() == {"aborted": True}
    assert _put(gw, token, uid, 2, data[1024:2048]).status_code == 409  # type: ignore[attr-defined]
    r = gw.post("/api/v1/upload/multipart/init", token, json={})
    assert r.status_code == 400


def test_concurrent_parts_are_all_kept(tmp_path: Path) -> None:
    app = create_app(data_dir=tmp_path / "d", settings={"time_scale": 0.0})
    noise = b"".join(hashlib.sha256(str(i).encode()).digest() for i in range(300))
    data = make_zip({"index.html": noise})
    part = 1024
    chunks = [data[i : i + part] for i in range(0, len(data), part)]

    async def scenario() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw.test") as client:
            token = (await client.post("/api/v1/client-agents/register")).json()["api_key"]
            auth = {"Authorization": f"Bearer {token}"}
            body = {"name": "a", "repo_url": "file://upload", "skip_validation": True}
            pid = (await client.post("/api/v1/projects/", headers=auth, json=body)).json()["id"]
            init = {
                "project_id": pid,
                "project_name": "a",
                "region_id": REGION,
                "total_size": len(data),
                "part_size": part,
                "total_parts": len(chunks),
                "total_sha256": hashlib.sha256(data).hexdigest(),
            }
            uid = (
                await client.post(
                    "/api/v1/upload/multipart/init",
                    headers={**auth, "Idempotency-Key": "i"},
                    json=init,
                )
            ).json()["upload_id"]

            async def put(n: int) -> int:
                chunk = chunks[n - 1]
                headers = {**auth, "X-Part-SHA256": hashlib.sha256(chunk).hexdigest()}
                r = await client.put(
                    f"/api/v1/upload/multipart/{uid}/parts/{n}", headers=headers, content=chunk
                )
                return r.status_code

            codes = await asyncio.gather(*(put(n) for n in range(1, len(chunks) + 1)))
            assert set(codes) == {200}
            done = await client.post(
                f"/api/v1/upload/multipart/{uid}/complete",
                headers={**auth, "Idempotency-Key": "c"},
                json={"total_sha256": init["total_sha256"]},
            )
            assert done.status_code == 200, done.text

    asyncio.run(scenario())
