"""action.yml (the composite action) runs for real, through the snippets of docs/ci.md."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from odiac.testing import EmulatorProcess

from .actions_runner import load_yaml
from .conftest import ROOT, RunnerFactory, app_copy, projects

pytestmark = pytest.mark.e2e
DOC = ROOT / "docs" / "ci.md"
GITHUB_TOKEN = "ghs_CANARY-github-token-action-0123"


def doc_workflows() -> dict[str, dict[str, Any]]:
    """The YAML workflows docs/ci.md shows, by their `name:`."""
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(), re.DOTALL)
    found: dict[str, dict[str, Any]] = {}
    for block in blocks:
        document = yaml.safe_load(block)
        if "jobs" in document:
            document["on"] = document.pop(True)
            found[document["name"]] = document
    return found


def test_the_action_declares_its_interface() -> None:
    action = load_yaml(ROOT / "action.yml")
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"command", "env", "working-directory", "odiac-spec", "token"}
    assert set(action["outputs"]) == {"exit-code", "has-changes", "url"}
    assert set(doc_workflows()) == {"deploy", "preview"}


def test_deploy_snippet_plans_applies_then_skips_apply_when_clean(
    runner_factory: RunnerFactory, emulator: EmulatorProcess, token: str
) -> None:
    workflow = doc_workflows()["deploy"]
    secrets = {"OPENDEPLOY_TOKEN": token}
    event = {"ref": "refs/heads/main"}
    first = runner_factory(event_name="push", event=event, secrets=secrets)
    job = first.run_workflow(workflow)["deploy"]
    assert job.conclusion == "success", job.log()
    plan = job.step("plan")
    assert plan.outputs == {"exit-code": "2", "has-changes": "true", "url": ""}, job.log()
    applied = job.step("apply")
    assert applied.outcome == "success", job.log()
    assert applied.outputs["exit-code"] == "0", job.log()
    url = applied.outputs["url"]
    assert url.startswith("http"), job.log()
    assert f"Deployed to {url}" in job.summary
    assert "flask-postgres" in job.summary, job.summary
    assert "Apply:" in job.summary, job.summary
    assert token not in job.output_text()
    assert any("production" in name for name in projects(emulator, token))

    again = runner_factory(event_name="push", event=event, secrets=secrets)
    job = again.run_workflow(workflow)["deploy"]
    assert job.conclusion == "success", job.log()
    assert job.step("plan").outputs["has-changes"] == "false", job.log()
    assert job.step("apply").outcome == "skipped"


def test_preview_snippet_applies_comments_and_destroys(
    runner_factory: RunnerFactory, emulator: EmulatorProcess, token: str, tmp_path: Path
) -> None:
    workflow = doc_workflows()["preview"]
    secrets = {"OPENDEPLOY_TOKEN": token, "GITHUB_TOKEN": GITHUB_TOKEN}
    before = projects(emulator, token)
    opened = {"action": "opened", "number": 7, "pull_request": {"number": 7}}
    job = runner_factory(event_name="pull_request", event=opened, secrets=secrets).run_workflow(
        workflow
    )["preview"]
    assert job.conclusion == "success", job.log()
    url = job.step("deploy").outputs["url"]
    assert url.startswith("http"), job.log()
    log = tmp_path / "gh-comments.jsonl"
    (comment,) = [json.loads(line) for line in log.read_text().splitlines()]
    assert comment == {"pr": 7, "body": f"Preview: {url}", "edits": 0}
    created = set(projects(emulator, token)) - set(before)
    assert len(created) == 1, created
    assert "pr-7" in next(iter(created)), created

    closed = {"action": "closed", "number": 7, "pull_request": {"number": 7}}
    jobs = runner_factory(event_name="pull_request", event=closed, secrets=secrets).run_workflow(
        workflow
    )
    assert jobs["preview"].conclusion == "skipped"
    assert jobs["cleanup"].conclusion == "success", jobs["cleanup"].log()
    assert projects(emulator, token) == before
    assert token not in jobs["cleanup"].output_text()


def test_an_unknown_command_fails_the_step_with_a_usage_error(
    runner_factory: RunnerFactory, token: str
) -> None:
    workflow = {
        "on": "push",
        "jobs": {
            "bad": {
                "steps": [
                    {"uses": "actions/setup-python@v5"},
                    {"id": "odiac", "uses": "your-org/odiac@v0", "with": {"command": "deploy"}},
                ]
            }
        },
    }
    runner = runner_factory(event_name="push", event={}, secrets={"OPENDEPLOY_TOKEN": token})
    job = runner.run_workflow(workflow)["bad"]
    assert job.conclusion == "failure"
    step = job.step("odiac")
    assert [c.outcome for c in step.children] == ["success", "failure"], job.log()
    assert step.children[1].exit_code == 64
    assert "must be plan, apply or destroy" in step.children[1].stderr


def test_plan_in_a_subfolder_reports_changes_in_its_outputs(
    runner_factory: RunnerFactory, emulator: EmulatorProcess, token: str, tmp_path: Path
) -> None:
    workspace = tmp_path / "monorepo"
    app_copy("flask-postgres", workspace / "apps" / "guestbook", emulator)
    workflow = {
        "on": "push",
        "jobs": {
            "plan": {
                "steps": [
                    {"uses": "actions/setup-python@v5"},
                    {
                        "id": "odiac",
                        "uses": "your-org/odiac@v0",
                        "with": {
                            "env": "staging",
                            "working-directory": "apps/guestbook",
                            "token": "${{ secrets.OPENDEPLOY_TOKEN }}",
                        },
                    },
                ]
            }
        },
    }
    runner = runner_factory(
        event_name="push", event={}, secrets={"OPENDEPLOY_TOKEN": token}, workspace=workspace
    )
    job = runner.run_workflow(workflow)["plan"]
    assert job.conclusion == "success", job.log()
    assert job.step("odiac").outputs == {"exit-code": "2", "has-changes": "true", "url": ""}
    # staging: production's fixed subdomain belongs to another test's account here
    assert "project <code>flask-postgres</code>" in job.summary, job.summary
    assert "Plan: 3 to create" in job.summary, job.summary
    assert projects(emulator, token) == {}  # a plan changes nothing
