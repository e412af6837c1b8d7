"""Environments are isolated stacks: the ``odiac`` executable against ``odiac emulator serve``.

Each environment is its own project; applying or destroying one never changes
another. The gateway's own ``environment`` field stays ``staging`` for every odiac
environment (the client obligation of the primary flow; Q55 reads domains with it).
"""

from __future__ import annotations

import json
import tomllib
import uuid
from pathlib import Path

import httpx
import pytest
from helpers.e2e import reference_config

from odiac.testing import EmulatorProcess

from .cli_kit import api, make_app, odiac

pytestmark = pytest.mark.e2e

# The reference app, with a production overlay and a pattern overlay for previews.
OVERLAYS = """
    [environments.production.services.web]
    replicas = 3
    subdomain = "{name}-live"

    [environments.production.services.web.env]
    LOG_LEVEL = "warning"

    [environments."pr-*".services.web]
    cpu = "500m"
    memory = "512Mi"
"""


def _config(name: str) -> str:
    return reference_config(name, subdomain=name) + OVERLAYS.format(name=name)


def _app(tmp_path: Path, name: str) -> Path:
    return make_app(tmp_path / name, _config(name))


def _projects(emulator: EmulatorProcess, token: str) -> dict[str, dict[str, object]]:
    with api(emulator, token) as client:
        rows = client.get("/v1/projects/").json()["data"]
    return {row["name"]: row for row in rows}


def _services(emulator: EmulatorProcess, token: str, pid: str) -> list[dict[str, object]]:
    with api(emulator, token) as client:
        return list(client.get(f"/v1/projects/{pid}/services/").json()["data"])


def _domains(emulator: EmulatorProcess, token: str, sid: str) -> list[dict[str, object]]:
    with api(emulator, token) as client:
        return list(client.get("/v1/service-domains", params={"service_id": sid}).json())


def _apply(app: Path, emulator: EmulatorProcess, token: str, *env: str) -> str:
    result = odiac(app, emulator, token, *env, "apply", "--auto-approve")
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout


def _clean(app: Path, emulator: EmulatorProcess, token: str, *env: str) -> str:
    result = odiac(app, emulator, token, "plan", *env, "--detailed-exitcode")
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout


def test_applying_two_environments_leaves_each_clean_both_ways(
    tmp_path: Path, emulator: EmulatorProcess, token: str
) -> None:
    app = _app(tmp_path, "iso")
    out = _apply(app, emulator, token)
    assert 'project "iso" (environment staging)' in out
    out = _apply(app, emulator, token, "--env", "production")
    assert 'project "iso-production" (environment production)' in out
    assert "https://iso-live.dev.opendeploy.run" in out  # the overlay's label converged
    # Each environment is clean after the other was applied, in both directions.
    staging = _clean(app, emulator, token)
    assert 'Environment staging, project "iso"' in staging
    production = _clean(app, emulator, token, "--env", "production")
    assert 'Environment production, project "iso-production"' in production
    _apply(app, emulator, token)
    _clean(app, emulator, token, "--env", "production")

    projects = _projects(emulator, token)
    assert set(projects) == {"iso", "iso-production"}
    sizes = {}
    for name, project in projects.items():
        (svc,) = _services(emulator, token, str(project["id"]))
        sizes[name] = svc["replicas"]
        (domain,) = _domains(emulator, token, str(svc["id"]))
        # The gateway's own environment field stays "staging" (Q55) for every stack.
        assert domain["environment"] == "staging"
    assert sizes == {"iso": 1, "iso-production": 3}


def test_a_preview_uses_the_pattern_overlay_and_is_destroyed_alone(
    tmp_path: Path, emulator: EmulatorProcess, token: str
) -> None:
    app = _app(tmp_path, "pv")
    _apply(app, emulator, token)
    out = _apply(app, emulator, token, "--env", "pr-7")
    assert 'project "pv-pr-7" (environment pr-7)' in out
    assert "https://pv-pr-7.dev.opendeploy.run" in out  # derived from the base label
    projects = _projects(emulator, token)
    (svc,) = _services(emulator, token, str(projects["pv-pr-7"]["id"]))
    assert (svc["cpu_limit"], svc["memory_limit"]) == ("500m", "512Mi")  # the "pr-*" overlay
    _clean(app, emulator, token, "--env", "pr-7")

    preview = odiac(app, emulator, token, "plan", "--destroy", "--env", "pr-7")
    assert preview.returncode == 0, preview.stderr
    assert 'Environment "pr-7", project "pv-pr-7"' in preview.stdout
    assert "database db (postgres)" in preview.stdout
    assert "ALL THEIR DATA" in preview.stdout
    assert "pv-pr-7.dev.opendeploy.run" in preview.stdout
    assert set(_projects(emulator, token)) == {"pv", "pv-pr-7"}  # a preview deletes nothing

    destroyed = odiac(app, emulator, token, "destroy", "--env", "pr-7", "--auto-approve", "--json")
    assert destroyed.returncode == 0, destroyed.stderr
    report = json.loads(destroyed.stdout)
    assert (report["destroyed"], report["project"], report["services"]) == (
        True,
        "pv-pr-7",
        ["web"],
    )
    assert set(_projects(emulator, token)) == {"pv"}
    _clean(app, emulator, token)  # the default environment is untouched
    again = odiac(app, emulator, token, "destroy", "--env", "pr-7", "--auto-approve")
    assert again.returncode == 0
    assert "does not exist; nothing to destroy" in again.stdout


def test_a_derived_label_is_checked_for_availability_at_plan_time(
    tmp_path: Path, emulator: EmulatorProcess, token: str
) -> None:
    other = str(emulator.control().create_user("label-owner@example.test")["api_key"])
    squatter_config = _config("squat").replace('subdomain = "squat"\n', 'subdomain = "av-pr-1"\n')
    squatter = make_app(tmp_path / "squat", squatter_config)
    _apply(squatter, emulator, other)  # another account holds the label av-pr-1
    app = _app(tmp_path, "av")
    planned = odiac(app, emulator, token, "plan", "--env", "pr-1")
    assert planned.returncode == 1
    assert "'av-pr-1' is not available (taken)" in planned.stderr
    assert _projects(emulator, token) == {}


def test_destroy_without_a_terminal_or_auto_approve_deletes_nothing(
    tmp_path: Path, emulator: EmulatorProcess, token: str
) -> None:
    app = _app(tmp_path, "ask")
    _apply(app, emulator, token)
    refused = odiac(app, emulator, token, "destroy")
    assert refused.returncode == 1
    assert "refusing to destroy without confirmation" in refused.stderr
    assert "ask" in _projects(emulator, token)


def test_destroy_is_refused_for_a_pending_agent_before_anything_is_deleted(
    tmp_path: Path, emulator: EmulatorProcess
) -> None:
    """A pending agent may not DELETE (Q31): destroy stops first and names the dashboard."""
    with httpx.Client(base_url=emulator.base_url, timeout=15) as client:
        registered = client.post(
            "/v1/client-agents/register",
            json={},
            headers={"User-Agent": f"odiac-test/{uuid.uuid4()}"},
        )
    agent = str(registered.json()["api_key"])
    app = _app(tmp_path, "pend")
    _apply(app, emulator, agent)
    before = _projects(emulator, agent)
    (pid,) = [str(p["id"]) for p in before.values()]
    refused = odiac(app, emulator, agent, "destroy", "--auto-approve")
    assert refused.returncode == 1
    assert "nothing was deleted" in refused.stderr
    assert f"/projects/{pid}" in refused.stderr  # the dashboard link
    assert agent not in refused.stdout + refused.stderr
    assert _projects(emulator, agent) == before
    previewed = odiac(app, emulator, agent, "plan", "--destroy")
    assert "Destroy would be refused" in previewed.stdout


def test_destroy_stops_when_the_gateway_keeps_deletes_for_the_dashboard(
    tmp_path: Path, emulator: EmulatorProcess, token: str
) -> None:
    """Gateways that refuse every token's DELETE (agent_delete_forbidden): nothing is lost."""
    app = _app(tmp_path, "gate")
    _apply(app, emulator, token)
    before = _projects(emulator, token)
    emulator.control().configure(delete_gate="all")
    try:
        refused = odiac(app, emulator, token, "destroy", "--auto-approve", "--json")
    finally:
        emulator.control().configure(delete_gate="pending")
    assert refused.returncode == 1
    assert "keeps deletes for the dashboard" in refused.stderr
    assert f"/projects/{before['gate']['id']}" in refused.stderr
    report = json.loads(refused.stdout)
    assert (report["destroyed"], report["project"]) == (False, "gate")
    assert _projects(emulator, token) == before


def test_an_unusable_environment_name_is_a_usage_error(
    tmp_path: Path, emulator: EmulatorProcess, token: str
) -> None:
    app = _app(tmp_path, "bad")
    for name in ("PR_1", "pr-" + "9" * 40):
        result = odiac(app, emulator, token, "plan", "--env", name)
        assert result.returncode == 64, result.stderr
        assert "Traceback" not in result.stderr
        assert "environment" in result.stderr
    assert _projects(emulator, token) == {}


def test_all_envs_reports_the_one_drifted_environment(
    tmp_path: Path, emulator: EmulatorProcess, token: str
) -> None:
    app = _app(tmp_path, "all")
    _apply(app, emulator, token)
    _apply(app, emulator, token, "--env", "production")
    clean = odiac(app, emulator, token, "plan", "--all-envs", "--detailed-exitcode")
    assert clean.returncode == 0, clean.stderr + clean.stdout
    assert "2 environments: 0 with changes" in clean.stdout

    production = _projects(emulator, token)["all-production"]
    (svc,) = _services(emulator, token, str(production["id"]))
    with api(emulator, token) as client:
        assert client.put(f"/v1/services/{svc['id']}", json={"replicas": 1}).status_code == 200

    drift = odiac(app, emulator, token, "plan", "--all-envs", "--detailed-exitcode")
    assert drift.returncode == 2, drift.stderr + drift.stdout
    summary = drift.stdout.split("Summary, ", 1)[1]
    assert "2 environments: 1 with changes" in summary
    assert "staging     all             no changes" in summary
    assert "production  all-production  Plan: 0 to create, 1 to update" in summary

    markdown = odiac(app, emulator, token, "plan", "--all-envs", "--format", "markdown")
    assert markdown.returncode == 0
    assert "| `production` | `all-production` | Plan: 0 to create, 1 to update" in markdown.stdout
    assert "environment <code>staging</code>, project <code>all</code>" in markdown.stdout

    summary_file = tmp_path / "summary.md"
    github = odiac(
        app,
        emulator,
        token,
        "plan",
        "--all-envs",
        "--format",
        "github",
        extra_env={"GITHUB_STEP_SUMMARY": str(summary_file)},
    )
    assert github.returncode == 0
    assert "::group::Environment production (project all-production)" in github.stdout
    assert "replicas" in github.stdout.split("::group::Environment production")[1]
    assert "all-production" in summary_file.read_text()

    as_json = json.loads(odiac(app, emulator, token, "plan", "--all-envs", "--json").stdout)
    assert [(e["environment"], e["has_changes"]) for e in as_json["environments"]] == [
        ("staging", False),
        ("production", True),
    ]

    status = odiac(app, emulator, token, "status", "--all-envs")
    assert status.returncode == 0, status.stderr
    assert 'Project "all" (environment staging)' in status.stdout
    assert 'Project "all-production" (environment production)' in status.stdout
    assert "Drift:" in status.stdout


def test_import_writes_a_live_project_as_an_environment_of_an_existing_file(
    tmp_path: Path, emulator: EmulatorProcess, token: str
) -> None:
    app = _app(tmp_path, "imp")
    _apply(app, emulator, token)
    legacy_config = _config("legacy").replace('LOG_LEVEL = "info"', 'LOG_LEVEL = "debug"')
    legacy = make_app(tmp_path / "legacy", legacy_config)  # the same source files as app
    _apply(legacy, emulator, token)
    base_before = (app / "opendeploy.toml").read_text()

    imported = odiac(app, emulator, token, "import", "--project", "legacy", "--env", "qa")
    assert imported.returncode == 0, imported.stderr + imported.stdout
    assert 'Wrote [environments.qa] of opendeploy.toml for project "legacy"' in imported.stdout
    text = (app / "opendeploy.toml").read_text()
    assert text.startswith(base_before)  # the base and the other overlays are kept as written
    overlay = tomllib.loads(text)["environments"]["qa"]
    assert overlay["project"]["name"] == "legacy"
    assert overlay["services"]["web"]["subdomain"] == "legacy"
    assert "gateway" not in overlay

    planned = _clean(app, emulator, token, "--env", "qa")
    assert 'Environment qa, project "legacy"' in planned
    _clean(app, emulator, token)  # the default environment still plans its own project
    again = odiac(app, emulator, token, "import", "--project", "legacy", "--env", "qa")
    assert again.returncode == 1
    assert "already has [environments.qa]" in again.stderr
