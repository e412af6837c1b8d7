"""examples/ci/github-actions-deploy.yml runs end to end on a push to main."""

from __future__ import annotations

import json

import httpx
import pytest

from odiac.testing import EmulatorProcess

from .conftest import EXAMPLES, RunnerFactory

pytestmark = pytest.mark.e2e
WORKFLOW = EXAMPLES / "ci" / "github-actions-deploy.yml"


def test_push_to_main_saves_the_plan_then_applies_it(
    runner_factory: RunnerFactory, emulator: EmulatorProcess, token: str
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
    assert "flask-postgres" in job.summary, job.summary
    assert "web" in job.summary, job.summary
    events = [
        json.loads(line)
        for line in (runner.workspace / "apply-events.jsonl").read_text().splitlines()
    ]
    assert events[0]["type"] == "plan"
    assert events[-1]["type"] == "summary"
    assert events[-1]["ok"] is True
    assert events[-1]["text"] in job.summary
    assert token not in job.output_text()
    with httpx.Client(
        base_url=emulator.base_url, headers={"Authorization": f"Bearer {token}"}
    ) as api:
        projects = api.get("/v1/projects/").json()
    assert projects, "the apply created nothing"
