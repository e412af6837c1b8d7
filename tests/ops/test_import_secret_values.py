"""``odiac import`` never writes a secret value, attacked with the real executable against
``odiac emulator serve``: a secret under an innocent key name (``GREETING``) applied
from a secret reference, and values the gateway stores encrypted, come back as
``env:`` references; the file and the output never hold them."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers.e2e import write_app

from odiac.testing import EmulatorProcess, serve_emulator

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    with serve_emulator(
        tmp_path_factory.mktemp("emulator"), extra_args=("--time-scale", "20")
    ) as emu:
        emu.control().configure(auto_domain_delay_s=0)
        yield emu


def _odiac(
    cwd: Path, emulator: EmulatorProcess, env: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "odiac", "--gateway", emulator.base_url, *args],
        cwd=cwd,
        env={**{k: v for k, v in os.environ.items() if k != "CI"}, "NO_COLOR": "1", **env},
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def test_imported_file_and_output_hold_no_secret_value(
    tmp_path: Path, emulator: EmulatorProcess, leak_scan: Any
) -> None:
    token = str(emulator.control().create_user(f"imp-{uuid.uuid4().hex[:6]}@x.test")["api_key"])
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
    env = {"OPENDEPLOY_TOKEN": token, "ODIAC_T_GREETING": greeting}
    applied = _odiac(app, emulator, env, "apply", "--auto-approve")
    assert applied.returncode == 0, applied.stdout + applied.stderr

    # 1. In the project folder: the value equals what a reference of the file resolves to.
    here = _odiac(app, emulator, env, "import", "--project", name, "-o", "imported.toml")
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
    api = httpx.Client(
        base_url=emulator.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=15
    )
    with api:
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
    fresh = _odiac(elsewhere, emulator, {"OPENDEPLOY_TOKEN": token}, "import", "--project", name)
    assert fresh.returncode == 0, fresh.stderr
    text = (elsewhere / "opendeploy.toml").read_text()
    env_table = tomllib.loads(text)["services"]["web"]["env"]
    assert "secret" in env_table["MOTTO"]
    assert "secret" in env_table["GREETING"]
    assert "MOTTO" in fresh.stdout  # the user is told which variables to set
    for where, out in (("file", text), ("stdout", fresh.stdout), ("stderr", fresh.stderr)):
        leak_scan.add(f"import elsewhere: {where}", out)
