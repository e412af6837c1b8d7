"""examples/ci/github-actions-drift.yml: the nightly `--all-envs` drift check.

Exit 0 (job succeeds) while every declared environment matches the file; exit 2
(job fails, the summary names the environment) once one of them drifted.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from odiac.testing import EmulatorProcess

from .conftest import EXAMPLES, RunnerFactory, app_copy, listed, odiac_cli, projects

pytestmark = pytest.mark.e2e
WORKFLOW = EXAMPLES / "ci" / "github-actions-drift.yml"


def test_drift_check_passes_clean_and_fails_with_exit_2_on_drift(
    runner_factory: RunnerFactory, emulator: EmulatorProcess, token: str, tmp_path: Path
) -> None:
    setup = app_copy("flask-postgres", tmp_path / "setup", emulator)
    for env in ("staging", "production"):
        applied = odiac_cli(setup, token, "--env", env, "apply", "--auto-approve")
        assert applied.returncode == 0, applied.stdout + applied.stderr
    live = projects(emulator, token)
    assert len(live) == 2, live  # one project per environment

    event = {"schedule": "17 6 * * *"}
    clean = runner_factory(event_name="schedule", event=event, secrets={"OPENDEPLOY_TOKEN": token})
    job = clean.run_workflow(WORKFLOW)["drift"]
    assert job.conclusion == "success", job.log()
    assert job.step("Plan every environment").exit_code == 0

    # Someone scales production by hand.
    (production,) = [pid for name, pid in live.items() if "production" in name]
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=emulator.base_url, headers=headers, timeout=15) as api:
        services = api.get(f"/v1/projects/{production}/services/").json()
        (web,) = [s for s in listed(services) if s["name"] == "web"]
        api.put(f"/v1/services/{web['id']}", json={"replicas": 5}).raise_for_status()

    drifted = runner_factory(
        event_name="schedule", event=event, secrets={"OPENDEPLOY_TOKEN": token}
    )
    job = drifted.run_workflow(WORKFLOW)["drift"]
    assert job.conclusion == "failure"
    step = job.step("Plan every environment")
    assert step.exit_code == 2, job.log()
    assert "production" in job.summary, job.summary
    assert "replicas" in job.summary, job.summary
    assert token not in job.output_text()
