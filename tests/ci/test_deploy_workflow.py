"""examples/ci/github-actions-deploy.yml runs end to end on a push to main."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from odiac.testing import EmulatorProcess

from .conftest import EXAMPLES, RunnerFactory, app_copy, odiac_cli, projects

pytestmark = pytest.mark.e2e
WORKFLOW = EXAMPLES / "ci" / "github-actions-deploy.yml"


def test_push_to_main_saves_the_plan_then_applies_it(
    runner_factory: RunnerFactory, emulator: EmulatorProcess, token: str, tmp_path: Path
) -> None:
    runner = runner_factory(
        event_name="push",
        event={"ref": "refs/heads/main", "after": "0" * 40},
        secrets={"OPENDEPLOY_TOKEN": token},
    )
    jobs = runner.run_workflow(WORKFLOW)
    job = jobs["deploy"]
    assert job.conclusion == "success", job.log()
    assert [s.outcome for s in job.steps] == ["success"] * len(job.steps), job.log()
    # The Markdown plan is in the job summary; the events file is in the checkout.
    assert "Plan: 3 to create" in job.summary, job.summary
    assert "flask-postgres-production" in job.summary, job.summary  # production's own project
    events = [
        json.loads(line)
        for line in (runner.workspace / "apply-events.jsonl").read_text().splitlines()
    ]
    assert events[0]["type"] == "plan"
    assert events[-1]["type"] == "summary"
    assert events[-1]["ok"] is True
    assert events[-1]["text"] in job.summary
    assert token not in job.output_text()
    assert set(projects(emulator, token)) == {"flask-postgres-production"}
    replanned = odiac_cli(
        app_copy("flask-postgres", tmp_path / "after", emulator),
        token,
        "--env",
        "production",
        "plan",
        "--detailed-exitcode",
    )
    assert replanned.returncode == 0, replanned.stdout + replanned.stderr
