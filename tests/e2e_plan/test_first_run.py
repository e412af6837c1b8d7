"""A first ``odiac plan`` with no credential plans against an empty project.

Plan is read-only: it never registers a client agent. ``odiac apply`` does, and a
fresh agent owns no project, so a plan saved before it still applies.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NOTE = "No credential yet: planned against an empty project; `odiac apply` will register"
# Nothing listens on the discard port: a request sent there fails the command.
UNREACHABLE = "http://127.0.0.1:9/api"


def _site(tmp_path: Path) -> Path:
    app = tmp_path / "site"
    shutil.copytree(EXAMPLES / "static-site", app)
    return app


def _odiac(cwd: Path, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    drop = ("OPENDEPLOY_TOKEN", "OPDEPLOY_AUTH_FILE", "CI", "GITHUB_STEP_SUMMARY")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    return subprocess.run(
        [sys.executable, "-m", "odiac", *args],
        cwd=cwd,
        env={**env, "NO_COLOR": "1", **extra_env},
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def test_first_local_plan_apply_plan(tmp_path: Path) -> None:
    app = _site(tmp_path)
    first = _odiac(app, "plan", "--detailed-exitcode")
    assert first.returncode == 2, first.stderr
    assert NOTE in first.stderr
    assert "OPENDEPLOY_TOKEN" not in first.stderr  # the local gateway never reads it
    assert "+ project static-site" in first.stdout
    assert not (app / ".opendeploy" / "local-auth.json").exists()  # nothing registered
    applied = _odiac(app, "apply", "--auto-approve")
    assert applied.returncode == 0, applied.stderr + applied.stdout
    again = _odiac(app, "plan", "--detailed-exitcode")
    assert again.returncode == 0, again.stderr + again.stdout
    assert NOTE not in again.stderr


def test_plan_saved_before_any_credential_applies_after_registering(tmp_path: Path) -> None:
    app = _site(tmp_path)
    saved = _odiac(app, "plan", "--json", "-o", "plan.json")
    assert saved.returncode == 0, saved.stderr
    assert json.loads(saved.stdout)["resource_changes"][0]["kind"] == "create_project"
    applied = _odiac(app, "apply", "plan.json")
    assert applied.returncode == 0, applied.stderr + applied.stdout
    assert "stale" not in applied.stderr


def test_saved_empty_state_plan_is_refused_once_the_project_exists(tmp_path: Path) -> None:
    app = _site(tmp_path)
    saved = _odiac(app, "plan", "-o", "plan.json")
    assert saved.returncode == 0, saved.stderr
    assert _odiac(app, "apply", "--auto-approve").returncode == 0
    stale = _odiac(app, "apply", "plan.json")
    assert stale.returncode == 1
    assert "is stale" in stale.stderr


def test_first_remote_plan_sends_nothing_and_names_the_token(tmp_path: Path) -> None:
    app = _site(tmp_path)
    result = _odiac(app, "--gateway", UNREACHABLE, "plan", "--detailed-exitcode")
    assert result.returncode == 2, result.stderr
    assert f"{NOTE} a client agent (or set OPENDEPLOY_TOKEN)." in result.stderr
    assert not (app / ".opendeploy" / "auth.json").exists()


def test_ci_without_a_token_is_a_misconfiguration_not_a_first_run(tmp_path: Path) -> None:
    app = _site(tmp_path)
    result = _odiac(app, "--gateway", UNREACHABLE, "plan", "--detailed-exitcode", CI="true")
    assert result.returncode == 1
    assert "No OpenDeploy credential" in result.stderr
    assert "OPENDEPLOY_TOKEN" in result.stderr
    assert NOTE not in result.stderr


def test_a_set_but_missing_auth_file_is_still_a_first_run(tmp_path: Path) -> None:
    app = _site(tmp_path)
    result = _odiac(
        app,
        "--gateway",
        UNREACHABLE,
        "plan",
        OPDEPLOY_AUTH_FILE=str(tmp_path / "nowhere" / "auth.json"),
    )
    assert result.returncode == 0, result.stderr
    assert NOTE in result.stderr


def test_a_bad_token_is_reported_not_ignored(tmp_path: Path) -> None:
    app = _site(tmp_path)
    result = _odiac(app, "--gateway", UNREACHABLE, "plan", OPENDEPLOY_TOKEN="not-a-key")
    assert result.returncode == 1
    assert "is not an OpenDeploy key" in result.stderr
    assert NOTE not in result.stderr
