"""Canaries: unique secret values planted through env:, dotenv:, file: and cmd: (plus a
literal sensitive value and the database credentials) go through plan, saved plans,
apply with -vv and --follow-logs, a failing deployment and ``odiac logs``, and appear
in no output and no file odiac writes. A rotated secret shows as ``(sensitive value
changed)``, makes a saved plan stale (naming the key) and redeploys.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers.e2e import run_odiac

from odiac.testing import EmulatorProcess

# Files the test writes itself (holding canaries on purpose); everything else is odiac's.
PLANTED_FILES = ("opendeploy.toml", ".env.production", "OPENDEPLOY_EMULATOR_FAIL_DEPLOY")
SECRET_KEYS = ("API_KEY", "STRIPE_SECRET", "SIGNING_KEY", "PAYMENT_TOKEN", "DB_PASSWORD")


class Flow:
    """A project folder, its vault outside it, and the ``odiac`` executable."""

    def __init__(self, root: Path, emulator: EmulatorProcess, token: str, scan: Any) -> None:
        self.app = root / "app"
        self.vault = root / "vault"
        self.emulator = emulator
        self.token = token
        self.scan = scan
        self.summary = root / "step-summary.md"
        run_id = uuid.uuid4().hex[:10]
        self.values = {
            "API_KEY": f"CANARY-env-{run_id}",
            "STRIPE_SECRET": f"CANARY-dotenv-{run_id}",
            "SIGNING_KEY": f"CANARY-file-{run_id}",
            "PAYMENT_TOKEN": f"CANARY-cmd-{run_id}",
            "DB_PASSWORD": f"CANARY-literal-{run_id}",
            "NPM_TOKEN": f"CANARY-build-{run_id}",
        }
        self._write()

    def _write(self) -> None:
        self.app.mkdir()
        self.vault.mkdir()
        (self.app / "requirements.txt").write_text("flask\n")
        (self.app / "app.py").write_text("print('hi')\n")
        (self.app / ".env.production").write_text(
            f'# dotenv secrets\nexport STRIPE="{self.values["STRIPE_SECRET"]}"\n'
        )
        signing = self.vault / "signing.key"
        signing.write_text(self.values["SIGNING_KEY"] + "\n")
        signing.chmod(0o600)
        self.rotate_cmd(self.values["PAYMENT_TOKEN"])
        tool = self.vault / "tool.py"
        tool.write_text(
            "import pathlib, sys\n"
            f"sys.stdout.write(pathlib.Path({str(self.vault / 'payment')!r}).read_text())\n"
        )
        config = f"""
            version = 1
            [project]
            name = "canary-{uuid.uuid4().hex[:6]}"
            [dependencies.db]
            type = "postgres"
            [services.web]
            type = "web"
            port = 8000
            uses = ["db"]
            [services.web.env]
            API_KEY = {{ secret = "env:ODIAC_CANARY_API_KEY" }}
            STRIPE_SECRET = {{ secret = "dotenv:.env.production#STRIPE" }}
            SIGNING_KEY = {{ secret = "file:{signing}" }}
            PAYMENT_TOKEN = {{ secret = "cmd:{sys.executable} {tool}" }}
            DB_PASSWORD = "{self.values["DB_PASSWORD"]}"
            [services.web.build_env]
            NPM_TOKEN = {{ secret = "env:ODIAC_CANARY_NPM" }}
        """
        (self.app / "opendeploy.toml").write_text(textwrap.dedent(config).lstrip())

    def rotate_cmd(self, value: str) -> None:
        self.values["PAYMENT_TOKEN"] = value
        (self.vault / "payment").write_text(value + "\n")

    def odiac(self, *args: str) -> subprocess.CompletedProcess[str]:
        extra = {
            "ODIAC_CANARY_API_KEY": self.values["API_KEY"],
            "ODIAC_CANARY_NPM": self.values["NPM_TOKEN"],
            "GITHUB_STEP_SUMMARY": str(self.summary),
        }
        done = run_odiac(
            self.app,
            *args,
            gateway=self.emulator.base_url,
            token=self.token,
            extra_env=extra,
            timeout=180,
        )
        self.scan.add(f"stdout of odiac {' '.join(args)}", done.stdout)
        self.scan.add(f"stderr of odiac {' '.join(args)}", done.stderr)
        return done

    def api(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.emulator.base_url,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=15,
        )

    def live(self) -> tuple[dict[str, Any], dict[str, Any], list[Any]]:
        """(service detail, postgres env_vars, deployments) as the gateway has them."""
        with self.api() as client:
            project = client.get("/v1/projects/").json()["data"][0]
            pid = project["id"]
            service = client.get(f"/v1/projects/{pid}/services/").json()["data"][0]
            detail = client.get(f"/v1/services/{service['id']}").json()
            deps = client.get(f"/v1/dependencies/status/{pid}").json()["dependencies"]
            deployments = client.get(f"/v1/projects/{pid}/deployments").json()
        rows = deployments["data"]
        return detail, deps[0]["env_vars"], list(rows)

    def written_files(self) -> None:
        """Everything odiac wrote: plan files, .opendeploy/*, the job summary."""
        for path in sorted(self.app.rglob("*")):
            if path.is_file() and path.name not in PLANTED_FILES:
                self.scan.add_files(path)
        if self.summary.exists():
            self.scan.add_files(self.summary)


@pytest.fixture
def flow(
    tmp_path: Path, emulator: EmulatorProcess, leak_scan: Any, request: pytest.FixtureRequest
) -> Flow:
    user = emulator.control().create_user(f"{request.node.name[:30]}-{uuid.uuid4().hex[:6]}@x.test")
    return Flow(tmp_path, emulator, str(user["api_key"]), leak_scan)


def test_planted_secrets_reach_the_gateway_and_no_output_or_file(flow: Flow) -> None:
    for args in (
        ("plan",),
        ("plan", "--json"),
        ("plan", "--format", "markdown"),
        ("plan", "--format", "github"),
    ):
        done = flow.odiac(*args)
        assert done.returncode == 0, done.stderr
    assert "odiac plan" in flow.summary.read_text()  # the job summary was written

    saved = flow.odiac("plan", "-o", "plan.json")
    assert saved.returncode == 0, saved.stderr
    plan_text = (flow.app / "plan.json").read_text()
    assert "hmac-sha256:" in plan_text  # digests stand in for the values

    applied = flow.odiac("-vv", "apply", "plan.json", "--follow-logs")
    assert applied.returncode == 0, applied.stderr + applied.stdout
    assert "http: -> POST " in applied.stderr  # -vv traffic was logged (and scanned)
    # The dotenv file is read locally and never part of the uploaded source.
    assert "left out 1 sensitive file, never uploaded: .env.production" in applied.stderr
    assert "Readiness probe passed" in applied.stdout + applied.stderr  # logs were followed

    detail, db_env, _ = flow.live()
    runtime = detail["runtime_variables"]
    for key in SECRET_KEYS:
        assert runtime[key] == flow.values[key], key  # the real values were delivered
    assert detail["build_variables"]["NPM_TOKEN"] == flow.values["NPM_TOKEN"]
    assert runtime["POSTGRES_PASSWORD"] == db_env["POSTGRES_PASSWORD"]

    flow.written_files()
    # The saved plan stays in the folder: a plan file is never source, so nothing changed.
    clean = flow.odiac("plan", "--detailed-exitcode")
    assert clean.returncode == 0, clean.stdout + clean.stderr


def test_app_output_with_secrets_is_masked_in_follow_logs_and_odiac_logs(flow: Flow) -> None:
    first = flow.odiac("apply", "--auto-approve")
    assert first.returncode == 0, first.stderr + first.stdout
    _, db_env, _ = flow.live()
    # The next deployment "crashes" printing its secrets, as a careless app would.
    boot = (
        f"boot failed: API_KEY={flow.values['API_KEY']} db={db_env['POSTGRES_PASSWORD']}"
        f" url={db_env['DATABASE_URL']} pay={flow.values['PAYMENT_TOKEN']}"
        f" sign={flow.values['SIGNING_KEY']} pw={flow.values['DB_PASSWORD']}"
    )
    (flow.app / "OPENDEPLOY_EMULATOR_FAIL_DEPLOY").write_text(boot + "\n")

    failed = flow.odiac("apply", "--auto-approve", "--follow-logs")
    assert failed.returncode == 1
    assert "boot failed: API_KEY=[redacted] db=[redacted]" in failed.stdout + failed.stderr

    for args in (("logs", "web"), ("logs", "web", "--json"), ("-vv", "logs", "web", "--tail", "5")):
        logs = flow.odiac(*args)
        assert logs.returncode == 0, logs.stderr
        assert "boot failed: API_KEY=[redacted]" in logs.stdout, args
        assert db_env["POSTGRES_PASSWORD"] not in logs.stdout + logs.stderr
        assert db_env["DATABASE_URL"] not in logs.stdout + logs.stderr
    flow.written_files()


def test_a_rotated_secret_is_a_change_refuses_the_saved_plan_and_redeploys(flow: Flow) -> None:
    first = flow.odiac("apply", "--auto-approve")
    assert first.returncode == 0, first.stderr + first.stdout
    _, _, before = flow.live()
    saved = flow.odiac("plan", "-o", "plan.json")
    assert saved.returncode == 0, saved.stderr

    old = flow.values["PAYMENT_TOKEN"]
    flow.rotate_cmd(old.replace("CANARY-cmd-", "CANARY-cmd-rotated-"))

    stale = flow.odiac("apply", "plan.json")
    assert stale.returncode == 1
    assert "the value of services.web.env.PAYMENT_TOKEN changed" in stale.stderr
    flow.written_files()
    (flow.app / "plan.json").unlink()  # in the folder it would be new source

    shown = flow.odiac("plan", "--detailed-exitcode")
    assert shown.returncode == 2, shown.stdout + shown.stderr
    assert "~ PAYMENT_TOKEN: (sensitive value changed)" in shown.stdout
    assert ">> deploy web: env changed" in shown.stdout

    as_json = flow.odiac("plan", "--json")
    assert as_json.returncode == 0
    assert "PAYMENT_TOKEN" in as_json.stdout

    applied = flow.odiac("apply", "--auto-approve")
    assert applied.returncode == 0, applied.stderr + applied.stdout
    detail, _, after = flow.live()
    assert detail["runtime_variables"]["PAYMENT_TOKEN"] == flow.values["PAYMENT_TOKEN"]
    assert len(after) == len(before) + 1  # exactly one new deployment carries the new value
    assert flow.odiac("plan", "--detailed-exitcode").returncode == 0
    flow.written_files()
    assert json.loads(as_json.stdout)["has_changes"] is True
