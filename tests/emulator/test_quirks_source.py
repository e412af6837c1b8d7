"""Quirks of source upload and binding (contract 3.7, 4.1 no-source signature)."""

from __future__ import annotations

import io
import tarfile

from emulator.driver import INACTIVE_REGION, REGION, Gateway, make_zip


def _assert_q9_failure(gw: Gateway, token: str, did: str) -> None:
    gw.advance(1.5)
    dep = gw.deployment(token, did)
    assert dep["status"] == "failed"
    assert dep["progress"] == 10
    assert dep["error_msg"] == "Service failed"
    assert dep["message"] == "Service failed to deploy"
    logs = gw.get(f"/api/v1/deployments/{did}/logs", token).json()
    assert logs["logs"] is None
    assert logs["total"] == 0


def test_q09_no_source_deployment_fails_fast(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    sid = gw.service(token, pid)
    dep = gw.deploy(token, pid, sid)
    assert dep["status"] == "pending"
    assert dep["progress"] == 0
    _assert_q9_failure(gw, token, dep["id"])


def test_q10_upload_only_binds_nothing(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    sid = gw.service(token, pid)
    temp = gw.upload(token)
    assert gw.get(f"/api/v1/projects/{pid}", token).json()["source_path"] == ""
    did = gw.deploy(token, pid, sid, temp_file_path=temp)["id"]
    _assert_q9_failure(gw, token, did)


def test_q11_update_source_binds_and_deployment_succeeds(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    sid = gw.service(token, pid)
    temp = gw.upload(token)
    r = gw.post(
        "/api/v1/upload/update-source", token, json={"project_id": pid, "temp_file_path": temp}
    )
    assert r.status_code == 200
    assert r.json()["source_status"] == "ready"
    assert r.json()["message"] == "Project source updated successfully"
    project = gw.get(f"/api/v1/projects/{pid}", token).json()
    assert project["source_path"] != ""
    assert project["source_status"] == "ready"
    did = gw.deploy(token, pid, sid)["id"]
    gw.advance(10)
    dep = gw.deployment(token, did)
    assert dep["status"] == "success"
    assert dep["progress"] == 100
    assert dep["completed_at"]


def test_q12_unknown_temp_path_without_source_is_400(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    r = gw.post(
        "/api/v1/upload/update-source",
        token,
        json={"project_id": pid, "temp_file_path": "/var/lib/minions/uploads/nope/app.zip"},
    )
    assert r.status_code == 400
    assert r.json() == {"error": "Uploaded file not found or expired, please re-upload"}


def test_q12_expired_temp_upload_is_400(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    temp = gw.upload(token)
    gw.advance(3601)
    r = gw.post(
        "/api/v1/upload/update-source", token, json={"project_id": pid, "temp_file_path": temp}
    )
    assert r.status_code == 400


def test_q13_stale_temp_path_keeps_old_source(gw: Gateway) -> None:
    token = gw.agent()
    pid, _sid = gw.stack(token)
    old = gw.get(f"/api/v1/projects/{pid}", token).json()["source_path"]
    r = gw.post(
        "/api/v1/upload/update-source",
        token,
        json={"project_id": pid, "temp_file_path": "/var/lib/minions/uploads/gone/app.zip"},
    )
    assert r.status_code == 200
    assert r.json()["message"] == "Project source already up to date"
    assert r.json()["source_path"] == old
    assert gw.get(f"/api/v1/projects/{pid}", token).json()["source_path"] == old


def _upload(gw: Gateway, token: str, **kw: object) -> object:
    return gw.post("/api/v1/upload/upload-only", token, **kw)


def test_q14_upload_only_rejects_non_zip_inputs(gw: Gateway) -> None:
    token = gw.agent()
    form = {"project_name": "app", "region_id": REGION}
    tgz = io.BytesIO()
    with tarfile.open(fileobj=tgz, mode="w:gz") as tf:
        info = tarfile.TarInfo("a.txt")
        tf.addfile(info, io.BytesIO(b""))
    cases = [
        {"files": {"project_file": ("app.tar.gz", tgz.getvalue(), "application/gzip")}},
        {"files": {"project_file": ("app.tgz", make_zip(), "application/zip")}},
        {"files": {"project_file": ("x.zip", b"not a zip at all", "application/zip")}},
    ]
    for case in cases:
        r = _upload(gw, token, data=form, **case)
        assert r.status_code == 400  # type: ignore[attr-defined]
        assert r.json() == {"error": "only .zip archives are supported"}  # type: ignore[attr-defined]
    r = _upload(gw, token, data=form, files={"other": ("a.txt", b"x", "text/plain")})
    assert r.status_code == 400  # type: ignore[attr-defined]
    assert r.json() == {"error": "project_file or git_url is required"}  # type: ignore[attr-defined]


def test_q14_empty_zip_archive_is_accepted(gw: Gateway) -> None:
    token = gw.agent()
    temp = gw.upload(token, make_zip({}))
    assert temp.endswith("/app.zip")


def test_q15_inactive_region_rejected(gw: Gateway) -> None:
    token = gw.agent()
    r = _upload(
        gw,
        token,
        data={"project_name": "app", "region_id": INACTIVE_REGION},
        files={"project_file": ("app.zip", make_zip(), "application/zip")},
    )
    assert r.status_code == 400  # type: ignore[attr-defined]
    assert r.json() == {"error": "invalid region"}  # type: ignore[attr-defined]


def test_q49_temp_file_path_never_checked(gw: Gateway) -> None:
    token = gw.agent()
    pid, sid = gw.stack(token)
    dids = [
        gw.deploy(token, pid, sid)["id"],
        gw.deploy(token, pid, sid, temp_file_path="")["id"],
        gw.deploy(token, pid, sid, temp_file_path="/var/lib/minions/uploads/stale/app.zip")["id"],
    ]
    gw.advance(10)
    assert [gw.deployment(token, d)["status"] for d in dids] == ["success"] * 3


def test_q49_no_source_project_fails_whatever_temp_path_says(gw: Gateway) -> None:
    pat = gw.user()["api_key"]
    pid = gw.project(pat)["id"]
    sid = gw.service(pat, pid)
    temp = gw.upload(pat)
    did = gw.deploy(pat, pid, sid, temp_file_path=temp)["id"]
    _assert_q9_failure(gw, pat, did)
