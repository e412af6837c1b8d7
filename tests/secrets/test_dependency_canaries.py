"""Canary: a database password planted through ``env:`` (contract §3.4.2) reaches the
gateway's dependency and the service using it, and appears in no output and no file
odiac writes (plan text/JSON/markdown, plan file, ``-vv`` apply with ``--follow-logs``).
Rotating it afterwards is a ``manual`` item and makes a saved plan stale.
"""

from __future__ import annotations

import subprocess
import textwrap
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers.e2e import run_odiac

from odiac.testing import EmulatorProcess


class DepFlow:
    """A project whose database password is a secret reference, and the ``odiac`` executable."""

    def __init__(self, root: Path, emulator: EmulatorProcess, token: str, scan: Any) -> None:
        self.app = root / "app"
        self.emulator = emulator
        self.token = token
        self.scan = scan
        self.password = f"CANARY-dep-{uuid.uuid4().hex[:12]}"
        self.app.mkdir()
        (self.app / "requirements.txt").write_text("flask\n")
        (self.app / "app.py").write_text("print('hi')\n")
        config = f"""
            version = 1
            [project]
            name = "depcanary-{uuid.uuid4().hex[:6]}"
            [dependencies.db]
            type = "postgres"
            username = "shop_user"
            database_name = "shop"
            password = {{ secret = "env:ODIAC_CANARY_DB_PASSWORD" }}
            [services.web]
            type = "web"
            port = 8000
            uses = ["db"]
        """
        (self.app / "opendeploy.toml").write_text(textwrap.dedent(config).lstrip())

    def odiac(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = run_odiac(
            self.app,
            *args,
            gateway=self.emulator.base_url,
            token=self.token,
            extra_env={"ODIAC_CANARY_DB_PASSWORD": self.password},
            timeout=180,
        )
        self.scan.add(f"stdout of odiac {' '.join(args)}", done.stdout)
        self.scan.add(f"stderr of odiac {' '.join(args)}", done.stderr)
        return done

    def live(self) -> tuple[dict[str, str], dict[str, str]]:
        """(postgres env_vars, the service's runtime variables) as the gateway has them."""
        headers = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(base_url=self.emulator.base_url, headers=headers, timeout=15) as api:
            pid = api.get("/v1/projects/").json()["data"][0]["id"]
            (dep,) = api.get(f"/v1/dependencies/status/{pid}").json()["dependencies"]
            service = api.get(f"/v1/projects/{pid}/services/").json()["data"][0]
            detail = api.get(f"/v1/services/{service['id']}").json()
        return dep["env_vars"], detail["runtime_variables"]

    def written_files(self) -> None:
        for path in sorted(self.app.rglob("*")):
            if path.is_file() and path.name != "opendeploy.toml":
                self.scan.add_files(path)


@pytest.fixture
def flow(
    tmp_path: Path, emulator: EmulatorProcess, leak_scan: Any, request: pytest.FixtureRequest
) -> DepFlow:
    user = emulator.control().create_user(f"{request.node.name[:30]}-{uuid.uuid4().hex[:6]}@x.test")
    return DepFlow(tmp_path, emulator, str(user["api_key"]), leak_scan)


def test_planted_database_password_reaches_the_gateway_and_no_output(flow: DepFlow) -> None:
    shown = flow.odiac("plan")
    assert shown.returncode == 0, shown.stderr
    assert "      password      = (sensitive value)\n" in shown.stdout
    assert '      username      = "shop_user"\n' in shown.stdout
    for args in (("plan", "--json"), ("plan", "--format", "markdown")):
        done = flow.odiac(*args)
        assert done.returncode == 0, done.stderr
    saved = flow.odiac("plan", "-o", "plan.json")
    assert saved.returncode == 0, saved.stderr
    assert '"dependencies.db.password": "hmac-sha256:' in (flow.app / "plan.json").read_text()

    applied = flow.odiac("-vv", "apply", "plan.json", "--follow-logs")
    assert applied.returncode == 0, applied.stderr + applied.stdout
    assert "http: -> POST " in applied.stderr  # the create body was logged (and scanned)
    db_env, runtime = flow.live()
    assert db_env["POSTGRES_PASSWORD"] == flow.password
    assert db_env["POSTGRES_USER"] == "shop_user"
    assert db_env["POSTGRES_DB"] == "shop"
    assert runtime["POSTGRES_PASSWORD"] == flow.password
    flow.written_files()

    (flow.app / "plan.json").unlink()  # in the folder it would be new source
    clean = flow.odiac("plan", "--detailed-exitcode")
    assert clean.returncode == 0, clean.stdout + clean.stderr


def test_a_rotated_database_password_is_manual_and_refuses_the_saved_plan(
    flow: DepFlow,
) -> None:
    first = flow.odiac("apply", "--auto-approve")
    assert first.returncode == 0, first.stderr + first.stdout
    saved = flow.odiac("plan", "-o", "plan.json")
    assert saved.returncode == 0, saved.stderr

    planted = flow.password
    flow.password = planted.replace("CANARY-dep-", "CANARY-dep-rotated-")
    stale = flow.odiac("apply", "plan.json")
    assert stale.returncode == 1
    assert "the value of dependencies.db.password changed" in stale.stderr
    flow.written_files()
    (flow.app / "plan.json").unlink()

    shown = flow.odiac("plan", "--detailed-exitcode")
    assert shown.returncode == 2, shown.stdout + shown.stderr
    assert "! dependency db: the gateway cannot change the credentials" in shown.stdout
    assert "password: (sensitive value) -> (sensitive value changed)" in shown.stdout
    db_env, _ = flow.live()
    assert db_env["POSTGRES_PASSWORD"] == planted  # odiac changed nothing
