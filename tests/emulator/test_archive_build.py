"""Safe extraction (update-source) and build-plan detection (contract 3.7.2, 3.13 markers)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from emulator.driver import Gateway, make_zip


def _zip_with(
    entries: list[tuple[zipfile.ZipInfo | str, bytes]], method: int = zipfile.ZIP_DEFLATED
) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        zf.writestr("package.json", "{}")
        for info, data in entries:
            zf.writestr(info, data)
    return buf.getvalue()


def _symlink(name: str, target: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (0o120777 << 16) & 0xFFFF0000
    return info


def _bind(gw: Gateway, token: str, pid: str, archive: bytes) -> object:
    temp = gw.upload(token, archive)
    return gw.post(
        "/api/v1/upload/update-source", token, json={"project_id": pid, "temp_file_path": temp}
    )


@pytest.mark.parametrize(
    ("entries", "reason"),
    [
        ([("/abs/evil.txt", b"x")], "absolute path"),
        ([("../evil.txt", b"x")], "escapes the archive root"),
        ([("a/../../evil.txt", b"x")], "escapes the archive root"),
        ([(_symlink("link", "../../outside"), b"../../outside")], "symlink escapes"),
        ([(_symlink("link2", "/etc/passwd"), b"/etc/passwd")], "symlink escapes"),
        ([("bomb.bin", b"\0" * (4 * 1024 * 1024))], "compression ratio"),
    ],
)
def test_unsafe_archives_rejected_and_nothing_written(
    gw: Gateway, tmp_path: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]], reason: str
) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    r = _bind(gw, token, pid, _zip_with(entries))
    assert r.status_code == 400  # type: ignore[attr-defined]
    error = r.json()["error"]  # type: ignore[attr-defined]
    assert error.startswith("failed to extract archive: ")
    assert reason in error
    assert gw.get(f"/api/v1/projects/{pid}", token).json()["source_path"] == ""
    projects = tmp_path / "data" / "projects"
    assert not projects.exists() or not list(projects.rglob("*"))
    assert not list(tmp_path.parent.rglob("evil.txt"))


def test_total_size_limit_is_configurable(gw: Gateway) -> None:
    gw.config(archive_max_bytes=1000)
    token = gw.agent()
    pid = gw.project(token)["id"]
    r = _bind(gw, token, pid, _zip_with([("data.bin", bytes(range(256)) * 8)], zipfile.ZIP_STORED))
    assert r.status_code == 400  # type: ignore[attr-defined]
    assert "expands beyond 1000 bytes" in r.json()["error"]  # type: ignore[attr-defined]


def test_corrupt_zip_rejected(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    r = _bind(gw, token, pid, b"PK\x03\x04 truncated garbage")
    assert r.status_code == 400  # type: ignore[attr-defined]
    assert r.json() == {"error": "failed to extract archive: zip: not a valid zip file"}  # type: ignore[attr-defined]


def test_inner_symlink_is_allowed(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    r = _bind(
        gw, token, pid, _zip_with([("src/a.txt", b"a"), (_symlink("src/b.txt", "a.txt"), b"a.txt")])
    )
    assert r.status_code == 200  # type: ignore[attr-defined]


def test_fail_build_marker_text_is_last_buildctl_line(gw: Gateway) -> None:
    token = gw.agent()
    archive = make_zip(
        {"package.json": "{}", "OPENDEPLOY_EMULATOR_FAIL_BUILD": "npm ERR! missing script: build"}
    )
    pid, sid = gw.stack(token, archive)
    did = gw.deploy(token, pid, sid)["id"]
    gw.advance(10)
    dep = gw.deployment(token, did)
    assert (dep["status"], dep["error_msg"]) == ("failed", "Build failed")
    assert 10 < dep["progress"] < 70
    logs = gw.get(f"/api/v1/deployments/{did}/logs", token).json()["logs"]
    build = [line for line in logs if line["source"] == "buildctl"]
    assert build[-1]["message"] == "npm ERR! missing script: build"
    assert build[-1]["level"] == "error"


def test_fail_deploy_marker_fails_in_deploy_phase(gw: Gateway) -> None:
    token = gw.agent()
    pid, sid = gw.stack(
        token, make_zip({"Dockerfile": "FROM x", "OPENDEPLOY_EMULATOR_FAIL_DEPLOY": ""})
    )
    did = gw.deploy(token, pid, sid)["id"]
    gw.advance(4.5)
    assert gw.deployment(token, did)["status"] == "deploying"
    gw.advance(5)
    dep = gw.deployment(token, did)
    assert (dep["status"], dep["error_msg"]) == ("failed", "Deployment failed")
    logs = gw.get(f"/api/v1/deployments/{did}/logs", token).json()["logs"]
    assert any(line["source"] == "deploy" and line["level"] == "error" for line in logs)
    assert gw.get(f"/api/v1/services/{sid}", token).json()["status"] == "created"


@pytest.mark.parametrize(
    "files",
    [
        {"Dockerfile": "FROM scratch"},
        {"requirements.txt": "flask"},
        {"go.mod": "module x"},
        {"app.csproj": "<Project/>"},
        {"index.html": "<h1>hi</h1>"},
    ],
)
def test_recognised_sources_build(gw: Gateway, files: dict[str, str]) -> None:
    token = gw.agent()
    pid, sid = gw.stack(token, make_zip(files))
    did = gw.deploy(token, pid, sid)["id"]
    gw.advance(10)
    assert gw.deployment(token, did)["status"] == "success"
    assert gw.get(f"/api/v1/services/{sid}", token).json()["status"] == "running"


def test_monorepo_service_source_path(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    sid = gw.service(token, pid, source_path="apps/api")
    gw.bind_source(token, pid, make_zip({"apps/api/go.mod": "module api", "README.md": "x"}))
    did = gw.deploy(token, pid, sid)["id"]
    gw.advance(10)
    assert gw.deployment(token, did)["status"] == "success"


def test_timeline_phases_and_progress(gw: Gateway) -> None:
    token = gw.agent()
    pid, sid = gw.stack(token)
    did = gw.deploy(token, pid, sid)["id"]
    seen = []
    for step in (0.0, 0.6, 0.5, 1.5, 2.0, 1.0, 1.0, 1.0):
        gw.advance(step)
        dep = gw.deployment(token, did)
        seen.append((dep["status"], dep["progress"]))
    assert seen[0] == ("pending", 0)
    assert seen[1] == ("pending", 10)
    assert seen[2][0] == "building"
    assert seen[2][1] >= 15
    assert seen[4][0] == "deploying"
    assert seen[4][1] >= 70
    assert seen[-1] == ("success", 100)
    progress = [p for _s, p in seen]
    assert progress == sorted(progress)
