"""Multipart upload (contract 3.7.3)."""

from __future__ import annotations

import hashlib
import math

from emulator_helpers import REGION, Gateway, make_zip


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
