"""``odiac import`` never writes a secret value, attacked with the real executable against
``odiac emulator serve``: a secret under an innocent key name (``GREETING``) applied
from a secret reference, and values the gateway stores encrypted, come back as
``env:`` references; the file and the output never hold them."""

from __future__ import annotations

import subprocess
import tomllib
import uuid
from pathlib import Path
from typing import Any

from helpers.e2e import bearer_client, run_odiac, write_app

from odiac.testing import EmulatorProcess


def _odiac(
    cwd: Path, emulator: EmulatorProcess, token: str, *args: str, **extra: str
) -> subprocess.CompletedProcess[str]:
    return run_odiac(
        cwd, *args, gateway=emulator.base_url, token=token, extra_env=extra, timeout=180
    )


def test_imported_file_and_output_hold_no_secret_value(
    tmp_path: Path, emulator: EmulatorProcess, token: str, leak_scan: Any
) -> None:
    greeting = f"CANARY-greeting-{uuid.uuid4().hex[:8]}"
    name = f"imp-{uuid.uuid4().hex[:8]}"
    app = tmp_path / "app"
    write_app(
        app,
        f"""
            version = 1
            [project]
            name = "{name}"
            [services.web]
            type = "web"
            port = 8000
            [services.web.env]
            GREETING = {{ secret = "env:ODIAC_T_GREETING" }}
            COLOR = "blue"
        """,
    )
    applied = _odiac(app, emulator, token, "apply", "--auto-approve", ODIAC_T_GREETING=greeting)
    assert applied.returncode == 0, applied.stdout + applied.stderr

    # 1. In the project folder: the value equals what a reference of the file resolves to.
    here = _odiac(
        app,
        emulator,
        token,
        "import",
        "--project",
        name,
        "-o",
        "imported.toml",
        ODIAC_T_GREETING=greeting,
    )
    assert here.returncode == 0, here.stderr
    imported = (app / "imported.toml").read_text()
    web = tomllib.loads(imported)["services"]["web"]["env"]
    assert isinstance(web["GREETING"], dict)
    assert web["GREETING"]["secret"].startswith("env:")
    assert web["COLOR"] == "blue"  # plain values stay plain
    for where, text in (("file", imported), ("stdout", here.stdout), ("stderr", here.stderr)):
        leak_scan.add(f"import in the folder: {where}", text)

    # 2. Elsewhere (no file to resolve), after a value was stored encrypted by the gateway:
    #    every value written by a full env replace is stored encrypted.
    with bearer_client(emulator.base_url, token) as api:
        pid = next(p["id"] for p in api.get("/v1/projects/").json()["data"] if p["name"] == name)
        sid = api.get(f"/v1/projects/{pid}/services/").json()["data"][0]["id"]
        stored = api.get(f"/v1/projects/{pid}/services/{sid}/env").json()["variables"]
        values = {row["key"]: row["value"] for row in stored}
        values["MOTTO"] = f"CANARY-motto-{uuid.uuid4().hex[:8]}"
        put = api.put(f"/v1/projects/{pid}/services/{sid}/env", json={"variables": values})
        assert put.status_code == 200, put.text
        assert all(row["is_encrypted"] for row in put.json()["variables"])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    fresh = _odiac(elsewhere, emulator, token, "import", "--project", name)
    assert fresh.returncode == 0, fresh.stderr
    text = (elsewhere / "opendeploy.toml").read_text()
    env_table = tomllib.loads(text)["services"]["web"]["env"]
    assert "secret" in env_table["MOTTO"]
    assert "secret" in env_table["GREETING"]
    assert "MOTTO" in fresh.stdout  # the user is told which variables to set
    for where, out in (("file", text), ("stdout", fresh.stdout), ("stderr", fresh.stderr)):
        leak_scan.add(f"import elsewhere: {where}", out)
