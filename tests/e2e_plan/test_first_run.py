"""A first ``odiac plan`` with no credential plans against an empty project.

Plan is read-only: it never registers a client agent. ``odiac apply`` does, and a
fresh agent owns no project, so a plan saved before it still applies.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers.e2e import OdiacExe, fast_local_gateway

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NOTE = "No credential yet: planned against an empty project; `odiac apply` will register"
# Nothing listens on the discard port: a request sent there fails the command.
UNREACHABLE = "http://127.0.0.1:9/api"
Run = Callable[..., subprocess.CompletedProcess[str]]


def _site(tmp_path: Path, *, local_apply: bool = False) -> Path:
    """The static-site example; ``local_apply``: its local gateway runs a fast clock."""
    app = tmp_path / "site"
    shutil.copytree(EXAMPLES / "static-site", app, ignore=shutil.ignore_patterns(".opendeploy"))
    return fast_local_gateway(app) if local_apply else app


@pytest.fixture
def odiac(odiac_exe: OdiacExe) -> Run:
    """``odiac`` with no credential of any kind (a first run) and no terminal."""

    def run(cwd: Path, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
        return odiac_exe.run(cwd, *args, extra_env=extra_env)

    return run


def test_first_local_plan_apply_plan(tmp_path: Path, odiac: Run) -> None:
    app = _site(tmp_path, local_apply=True)
    first = odiac(app, "plan", "--detailed-exitcode")
    assert first.returncode == 2, first.stderr
    assert NOTE in first.stderr
    assert "OPENDEPLOY_TOKEN" not in first.stderr  # the local gateway never reads it
    assert "+ project static-site" in first.stdout
    assert not (app / ".opendeploy" / "local-auth.json").exists()  # nothing registered
    applied = odiac(app, "apply", "--auto-approve")
    assert applied.returncode == 0, applied.stderr + applied.stdout
    again = odiac(app, "plan", "--detailed-exitcode")
    assert again.returncode == 0, again.stderr + again.stdout
    assert NOTE not in again.stderr


def test_plan_saved_before_any_credential_applies_after_registering(
    tmp_path: Path, odiac: Run
) -> None:
    app = _site(tmp_path, local_apply=True)
    saved = odiac(app, "plan", "--json", "-o", "plan.json")
    assert saved.returncode == 0, saved.stderr
    assert json.loads(saved.stdout)["resource_changes"][0]["kind"] == "create_project"
    applied = odiac(app, "apply", "plan.json")
    assert applied.returncode == 0, applied.stderr + applied.stdout
    assert "stale" not in applied.stderr


def test_saved_empty_state_plan_is_refused_once_the_project_exists(
    tmp_path: Path, odiac: Run
) -> None:
    app = _site(tmp_path, local_apply=True)
    saved = odiac(app, "plan", "-o", "plan.json")
    assert saved.returncode == 0, saved.stderr
    assert odiac(app, "apply", "--auto-approve").returncode == 0
    stale = odiac(app, "apply", "plan.json")
    assert stale.returncode == 1
    assert "is stale" in stale.stderr


def test_first_remote_plan_sends_nothing_and_names_the_token(tmp_path: Path, odiac: Run) -> None:
    app = _site(tmp_path)
    result = odiac(app, "--gateway", UNREACHABLE, "plan", "--detailed-exitcode")
    assert result.returncode == 2, result.stderr
    assert f"{NOTE} a client agent (or set OPENDEPLOY_TOKEN)." in result.stderr
    assert not (app / ".opendeploy" / "auth.json").exists()


def test_ci_without_a_token_is_a_misconfiguration_not_a_first_run(
    tmp_path: Path, odiac: Run
) -> None:
    app = _site(tmp_path)
    result = odiac(app, "--gateway", UNREACHABLE, "plan", "--detailed-exitcode", CI="true")
    assert result.returncode == 1
    assert "No OpenDeploy credential" in result.stderr
    assert "OPENDEPLOY_TOKEN" in result.stderr
    assert NOTE not in result.stderr


def test_a_set_but_missing_auth_file_is_still_a_first_run(tmp_path: Path, odiac: Run) -> None:
    app = _site(tmp_path)
    result = odiac(
        app,
        "--gateway",
        UNREACHABLE,
        "plan",
        OPDEPLOY_AUTH_FILE=str(tmp_path / "nowhere" / "auth.json"),
    )
    assert result.returncode == 0, result.stderr
    assert NOTE in result.stderr


def test_a_bad_token_is_reported_not_ignored(tmp_path: Path, odiac: Run) -> None:
    app = _site(tmp_path)
    result = odiac(app, "--gateway", UNREACHABLE, "plan", OPENDEPLOY_TOKEN="not-a-key")
    assert result.returncode == 1
    assert "is not an OpenDeploy key" in result.stderr
    assert NOTE not in result.stderr
