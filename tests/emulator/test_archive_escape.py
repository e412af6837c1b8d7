"""Archive extraction cannot leave its root, whatever earlier entries created.

The attacks are performed for real, through ``update-source`` with an anonymous
agent, against a canary directory that sits outside the emulator's data folder.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from emulator.driver import Gateway

DEPTH = 40
CANARY_TEXT = "CANARY-outside-the-extraction-root"


def _symlink(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (0o120777 << 16) & 0xFFFF0000
    return info, target.encode()


def _archive(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("package.json", "{}")
        for info, data in entries:
            zf.writestr(info, data)
    return buf.getvalue()


def _chain_to(outside: Path) -> tuple[str, list[tuple[zipfile.ZipInfo | str, bytes]]]:
    """The chain of the attack: ``d0/../d39/up`` -> root, then ``up/esc`` -> ``outside``.

    Each link passes a per-entry textual check: ``up`` resolves (as text) to the
    archive root, ``esc`` to ``<root>/<outside without its leading slash>``.
    """
    deep = "/".join(f"d{i}" for i in range(DEPTH))
    up = f"{deep}/up"
    esc = f"{up}/esc"
    relative_outside = str(outside.resolve()).lstrip("/")
    entries: list[tuple[zipfile.ZipInfo | str, bytes]] = [
        _symlink(up, "/".join([".."] * DEPTH)),
        _symlink(esc, "/".join([".."] * (DEPTH + 1)) + "/" + relative_outside),
    ]
    return esc, entries


def _bind(gw: Gateway, token: str, pid: str, archive: bytes) -> int:
    temp = gw.upload(token, archive)
    r = gw.post(
        "/api/v1/upload/update-source", token, json={"project_id": pid, "temp_file_path": temp}
    )
    return r.status_code


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else b"<dir>")
        for p in sorted(folder.rglob("*"))
    }


def test_symlink_chain_cannot_write_outside_the_root(gw: Gateway, tmp_path: Path) -> None:
    canary = tmp_path / "canary"
    canary.mkdir()
    (canary / "victim.txt").write_text(CANARY_TEXT)
    before = _snapshot(canary)
    esc, entries = _chain_to(canary)
    entries += [
        (f"{esc}/planted.txt", b"written by an archive"),
        (f"{esc}/victim.txt", b"overwritten by an archive"),
    ]
    token = gw.agent()  # anonymous: a pending agent is enough
    pid = gw.project(token)["id"]
    status = _bind(gw, token, pid, _archive(entries))
    assert status == 400
    assert _snapshot(canary) == before
    assert not list(tmp_path.parent.rglob("planted.txt"))


def test_symlink_chain_cannot_read_outside_into_build_log(gw: Gateway, tmp_path: Path) -> None:
    secret = tmp_path / "outside"
    secret.mkdir()
    (secret / "passwd").write_text(CANARY_TEXT)
    esc, entries = _chain_to(secret)
    entries.append(_symlink("OPENDEPLOY_EMULATOR_FAIL_BUILD", f"{esc}/passwd"))
    token = gw.agent()
    pid = gw.project(token)["id"]
    sid = gw.service(token, pid)
    status = _bind(gw, token, pid, _archive(entries))
    if status == 200:  # whatever the emulator kept, the build log must not hold the file
        r = gw.post(
            "/api/v1/deployments/",
            token,
            json={"project_id": pid, "service_id": sid, "source": "zip"},
        )
        did = r.json()["id"]
        gw.advance(30)
        logs = gw.get(f"/api/v1/deployments/{did}/logs", token).text
        assert CANARY_TEXT not in logs
    else:
        assert status == 400


def test_no_link_is_ever_materialised(gw: Gateway, tmp_path: Path) -> None:
    """An inner link becomes a plain file holding its target text, never a link."""
    token = gw.agent()
    pid = gw.project(token)["id"]
    entries: list[tuple[zipfile.ZipInfo | str, bytes]] = [
        ("src/a.txt", b"a"),
        _symlink("src/b.txt", "a.txt"),
        _symlink("src/dir", "."),
    ]
    assert _bind(gw, token, pid, _archive(entries)) == 200
    root = tmp_path / "data" / "projects" / pid
    found = [p for p in root.rglob("*") if p.is_symlink()]
    assert found == []
    (b,) = root.rglob("src/b.txt")
    assert b.read_text() == "a.txt"


def test_build_marker_read_refuses_links_on_disk(gw: Gateway, tmp_path: Path) -> None:
    """A link already on disk (a data folder from an older emulator) is never followed."""
    secret = tmp_path / "outside.txt"
    secret.write_text(CANARY_TEXT)
    token = gw.agent()
    pid = gw.project(token)["id"]
    sid = gw.service(token, pid, source_path="apps/web")
    gw.bind_source(token, pid, _archive([("apps/web/package.json", b"{}")]))
    (source,) = (p for p in (tmp_path / "data" / "projects" / pid).iterdir() if p.is_dir())
    os.symlink(secret, source / "OPENDEPLOY_EMULATOR_FAIL_BUILD")
    os.symlink(secret, source / "apps" / "web" / "OPENDEPLOY_EMULATOR_FAIL_DEPLOY")
    did = gw.deploy(token, pid, sid)["id"]
    gw.advance(30)
    assert gw.deployment(token, did)["status"] == "success"
    logs = gw.get(f"/api/v1/deployments/{did}/logs", token).text
    assert CANARY_TEXT not in logs


def test_subfolder_that_is_a_link_is_not_followed(gw: Gateway, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "OPENDEPLOY_EMULATOR_FAIL_BUILD").write_text(CANARY_TEXT)
    token = gw.agent()
    pid = gw.project(token)["id"]
    sid = gw.service(token, pid, source_path="apps/web")
    gw.bind_source(token, pid, _archive([("README.md", b"x")]))
    (source,) = (p for p in (tmp_path / "data" / "projects" / pid).iterdir() if p.is_dir())
    (source / "apps").mkdir()
    os.symlink(outside, source / "apps" / "web")
    did = gw.deploy(token, pid, sid)["id"]
    gw.advance(30)
    assert CANARY_TEXT not in gw.get(f"/api/v1/deployments/{did}/logs", token).text
