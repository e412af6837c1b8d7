"""The ``odiac`` executable against ``odiac emulator serve`` on loopback.

The emulator runs at time_scale 20 with an immediate auto domain, so a deployment's
7 s timeline takes about 0.4 s of wall time; nothing here sleeps to hope.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from subprocess import STDOUT

import pytest
from helpers.e2e import spawn_odiac

from odiac.testing import EmulatorProcess

from .cli_kit import CONFIG, api, make_app, odiac


def test_apply_then_plan_is_clean(tmp_path: Path, emulator: EmulatorProcess, token: str) -> None:
    app = make_app(tmp_path / "app")
    applied = odiac(app, emulator, token, "apply", "--auto-approve")
    assert applied.returncode == 0, applied.stderr + applied.stdout
    out = applied.stdout
    assert "Plan: 3 to create" in out
    assert "Apply: 7 done, 0 failed, 0 skipped, 0 manual." in out
    assert "services:      web  " in out
    assert "https://cli-shop-web.dev.opendeploy.run" in out
    assert "status=success" in out
    assert "claim:" not in out  # a PAT, not a freshly registered agent (contract 2.4)
    assert token not in out + applied.stderr
    planned = odiac(app, emulator, token, "plan", "--detailed-exitcode")
    assert planned.returncode == 0, planned.stderr
    assert "No changes. Live state matches opendeploy.toml." in planned.stdout


def test_apply_without_a_terminal_or_auto_approve_refuses(
    tmp_path: Path, emulator: EmulatorProcess, token: str
) -> None:
    app = make_app(tmp_path / "app", CONFIG.replace("cli-shop", "cli-refuse"))
    refused = odiac(app, emulator, token, "apply")
    assert refused.returncode == 1
    assert "refusing to apply without confirmation" in refused.stderr
    assert "--auto-approve" in refused.stderr
    with api(emulator, token) as client:
        projects = client.get("/v1/projects/").json()["data"]
    assert projects == []


def test_drift_exits_2_with_github_annotations_and_apply_restores(
    tmp_path: Path, emulator: EmulatorProcess, token: str
) -> None:
    app = make_app(tmp_path / "app", CONFIG.replace("cli-shop", "cli-drift"))
    assert odiac(app, emulator, token, "apply", "--auto-approve").returncode == 0
    with api(emulator, token) as client:
        project = client.get("/v1/projects/").json()["data"][0]
        service = client.get(f"/v1/projects/{project['id']}/services/").json()["data"][0]
        resized = client.put(f"/v1/services/{service['id']}", json={"cpu_limit": "250m"})
        assert resized.status_code == 200
    drift = odiac(app, emulator, token, "plan", "--detailed-exitcode", "--format", "github")
    assert drift.returncode == 2, drift.stderr
    assert "::warning file=opendeploy.toml,line=9::" in drift.stdout  # the cpu key
    assert "cpu_limit" in drift.stdout
    as_json = odiac(app, emulator, token, "plan", "--json")
    assert as_json.returncode == 0
    kinds = [c["kind"] for c in json.loads(as_json.stdout)["resource_changes"]]
    assert kinds == ["update_service"]
    assert odiac(app, emulator, token, "apply", "--auto-approve").returncode == 0
    again = odiac(app, emulator, token, "plan", "--detailed-exitcode")
    assert again.returncode == 0, again.stdout


def test_stale_saved_plan_is_refused_naming_what_changed(
    tmp_path: Path, emulator: EmulatorProcess, token: str
) -> None:
    app = make_app(tmp_path / "app", CONFIG.replace("cli-shop", "cli-stale"))
    assert odiac(app, emulator, token, "apply", "--auto-approve").returncode == 0
    (app / "app.py").write_text("print('v2')\n")
    saved = odiac(app, emulator, token, "plan", "-o", "plan.json")
    assert saved.returncode == 0, saved.stderr
    assert "Saved the plan to plan.json" in saved.stdout
    with api(emulator, token) as client:
        project = client.get("/v1/projects/").json()["data"][0]
        service = client.get(f"/v1/projects/{project['id']}/services/").json()["data"][0]
        client.put(f"/v1/services/{service['id']}", json={"replicas": 1, "cpu_limit": "500m"})
    stale = odiac(app, emulator, token, "apply", "plan.json")
    assert stale.returncode == 1
    assert "stale" in stale.stderr
    assert "service.web changed on the gateway" in stale.stderr
    fresh = odiac(app, emulator, token, "plan", "-o", "plan.json")
    assert fresh.returncode == 0
    # plan.json lies in the source folder; it is not part of the archive it describes.
    applied = odiac(app, emulator, token, "apply", "plan.json")
    assert applied.returncode == 0, applied.stderr + applied.stdout
    (app / "plan.json").unlink()
    assert odiac(app, emulator, token, "plan", "--detailed-exitcode").returncode == 0


def agent_odiac(
    cwd: Path, emulator: EmulatorProcess, *args: str
) -> subprocess.CompletedProcess[str]:
    """Run without OPENDEPLOY_TOKEN: odiac registers (or reuses) a client agent."""
    return odiac(cwd, emulator, "", *args)


@pytest.fixture
def fresh_emulator(emulator: EmulatorProcess) -> EmulatorProcess:
    """Registration replays per source IP and User-Agent (Q27): start from a clean slate."""
    control = emulator.control()
    control.reset()
    control.configure(auto_domain_delay_s=0, time_scale=20)
    return emulator


def test_fresh_agent_prints_the_claim_url_with_the_app_url_once_2_4(
    tmp_path: Path, fresh_emulator: EmulatorProcess
) -> None:
    emulator = fresh_emulator
    app = make_app(tmp_path / "app", CONFIG.replace("cli-shop", "cli-agent"))
    first = agent_odiac(app, emulator, "apply", "--auto-approve")
    assert first.returncode == 0, first.stderr + first.stdout
    claim = next(line for line in first.stdout.splitlines() if line.startswith("claim:"))
    assert f"{emulator.origin}/claim/" in claim
    assert "?h=" in claim
    assert claim.endswith("&url=https%3A%2F%2Fcli-agent-web.dev.opendeploy.run")
    assert "expires:       6h" in first.stdout
    second = agent_odiac(app, emulator, "apply", "--auto-approve")
    assert second.returncode == 0, second.stderr
    assert "claim:" not in second.stdout  # the auth file was loaded, not registered


def test_pending_agent_caps_refuse_before_anything_is_created_5_1(
    tmp_path: Path, fresh_emulator: EmulatorProcess
) -> None:
    emulator = fresh_emulator
    app = make_app(
        tmp_path / "app", CONFIG.replace("cli-shop", "cli-quota").replace('cpu = "1"', 'cpu = "2"')
    )
    planned = agent_odiac(app, emulator, "plan")  # no credential yet: a fresh agent's caps
    assert planned.returncode == 1
    assert "opendeploy.toml:9: services.web.cpu = '2' is above the anonymous cap '1'" in (
        planned.stderr
    )
    assert "memory_request" not in planned.stderr  # 1Gi limit: the default request follows
    result = agent_odiac(app, emulator, "apply", "--auto-approve")
    assert result.returncode == 1
    assert "services.web.cpu = '2' is above the anonymous cap '1'" in result.stderr
    assert "Lower the values to fit" in result.stderr
    assert "OPENDEPLOY_TOKEN" in result.stderr
    # This run registered the agent: its claim URL is shown (once, with the bind signature).
    assert result.stderr.count(f"  Claim URL: {emulator.origin}/claim/") == 1
    assert result.stderr.count("is above the anonymous cap") == 1  # each failure once
    assert "Traceback" not in result.stderr
    state = emulator.control().state()
    assert not state.get("project")
    assert not state.get("service")
    assert state.get("agent")  # the agent itself was registered (it owns nothing)
    again = agent_odiac(app, emulator, "plan")  # the auth file is loaded now
    assert again.returncode == 1
    assert "Claim URL" not in again.stderr
    assert "?h=" not in again.stderr
    assert "odiac auth claim" in again.stderr


def test_follow_logs_streams_deployment_logs(
    tmp_path: Path, emulator: EmulatorProcess, token: str
) -> None:
    app = make_app(tmp_path / "app", CONFIG.replace("cli-shop", "cli-logs"))
    result = odiac(app, emulator, token, "apply", "--auto-approve", "--follow-logs")
    assert result.returncode == 0, result.stderr
    assert "[web] buildctl:" in result.stdout


def test_markdown_format_and_github_step_summary(
    tmp_path: Path, emulator: EmulatorProcess, token: str
) -> None:
    app = make_app(tmp_path / "app", CONFIG.replace("cli-shop", "cli-md"))
    markdown = odiac(app, emulator, token, "plan", "--format", "markdown")
    assert markdown.returncode == 0, markdown.stderr
    assert "| Resource | Action | Impact |" in markdown.stdout
    summary = tmp_path / "summary.md"
    github = odiac(
        app,
        emulator,
        token,
        "plan",
        "--format",
        "github",
        extra_env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert github.returncode == 0, github.stderr
    assert "::notice" in github.stdout
    assert "| Resource | Action | Impact |" in summary.read_text()


def test_a_second_apply_of_the_same_folder_waits_for_the_lock(
    tmp_path: Path, emulator: EmulatorProcess, token: str
) -> None:
    from odiac.apply.lock import ApplyLock

    app = make_app(tmp_path / "app", CONFIG.replace("cli-shop", "cli-lock"))
    with ApplyLock.acquire(app, command="odiac apply"):
        locked = odiac(app, emulator, token, "apply", "--auto-approve")
    assert locked.returncode == 1
    assert "Traceback" not in locked.stderr
    with api(emulator, token) as client:
        assert client.get("/v1/projects/").json()["data"] == []
    assert odiac(app, emulator, token, "apply", "--auto-approve").returncode == 0


def test_ctrl_c_stops_scheduling_reports_and_a_rerun_converges(
    tmp_path: Path, emulator: EmulatorProcess, token: str
) -> None:
    """SIGINT while the deployment create is held by the gateway (an injected timeout)."""
    import signal

    app = make_app(tmp_path / "app", CONFIG.replace("cli-shop", "cli-sigint"))
    control = emulator.control()
    control.configure(timeout_hold_s=3)
    control.fault("timeout", match={"method": "POST", "path": "/v1/deployments/"})
    process = spawn_odiac(
        app, "apply", "--auto-approve", gateway=emulator.base_url, token=token, stderr=STDOUT
    )
    assert process.stdout is not None
    lines = []
    try:
        for line in process.stdout:
            lines.append(line)
            if line.startswith("service.web.deploy: started"):
                process.send_signal(signal.SIGINT)
                break
        lines.extend(process.stdout)
        code = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
        control.configure(timeout_hold_s=30)
    output = "".join(lines)
    assert code == 130, output
    assert "Stopping: no new action starts" in output
    assert "service.web.subdomain: skipped" in output
    assert "Interrupted." in output
    rerun = odiac(app, emulator, token, "apply", "--auto-approve")
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert odiac(app, emulator, token, "plan", "--detailed-exitcode").returncode == 0
