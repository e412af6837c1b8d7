"""examples/ci/github-actions-preview.yml: a pull request gets its own environment.

Opened: `pr-<number>` is applied as its own project and its URL is commented on the
pull request; synchronize: the same comment is updated; closed: the preview project
is destroyed and nothing else is touched.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from odiac.testing import EmulatorProcess

from .conftest import EXAMPLES, RunnerFactory, app_copy, odiac_cli, projects

pytestmark = pytest.mark.e2e
WORKFLOW = EXAMPLES / "ci" / "github-actions-preview.yml"
GITHUB_TOKEN = "ghs_CANARY-github-token-0123456789"


def _event(action: str, number: int = 42) -> dict[str, object]:
    return {
        "action": action,
        "number": number,
        "pull_request": {"number": number, "state": "closed" if action == "closed" else "open"},
    }


def _comments(tmp_path: Path) -> list[dict[str, object]]:
    log = tmp_path / "gh-comments.jsonl"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_preview_is_created_commented_updated_and_destroyed(
    runner_factory: RunnerFactory, emulator: EmulatorProcess, token: str, tmp_path: Path
) -> None:
    secrets = {"OPENDEPLOY_TOKEN": token, "GITHUB_TOKEN": GITHUB_TOKEN}
    # The default environment is live before the pull request: the preview never touches it.
    staging = app_copy("flask-postgres", tmp_path / "staging-checkout", emulator)
    applied = odiac_cli(staging, token, "apply", "--auto-approve")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    before = projects(emulator, token)

    opened = runner_factory(event_name="pull_request", event=_event("opened"), secrets=secrets)
    jobs = opened.run_workflow(WORKFLOW)
    assert jobs["cleanup"].conclusion == "skipped"
    job = jobs["preview"]
    assert job.conclusion == "success", job.log()
    url = job.step("preview").outputs["url"]
    assert url.startswith("http"), job.log()
    created = set(projects(emulator, token)) - set(before)
    assert len(created) == 1, created
    assert "pr-42" in next(iter(created)), created
    (comment,) = _comments(tmp_path)
    assert comment["pr"] == 42
    assert url in str(comment["body"])
    assert "Production plan" in str(comment["body"])
    assert url in job.summary
    for text in (job.output_text(), str(comment["body"])):
        assert token not in text
        assert GITHUB_TOKEN not in text

    synced = runner_factory(event_name="pull_request", event=_event("synchronize"), secrets=secrets)
    job = synced.run_workflow(WORKFLOW)["preview"]
    assert job.conclusion == "success", job.log()
    (comment,) = _comments(tmp_path)  # the same comment, edited
    assert comment["edits"] == 1
    assert url in str(comment["body"])
    assert set(projects(emulator, token)) == set(before) | created

    closed = runner_factory(event_name="pull_request", event=_event("closed"), secrets=secrets)
    jobs = closed.run_workflow(WORKFLOW)
    assert jobs["preview"].conclusion == "skipped"
    job = jobs["cleanup"]
    assert job.conclusion == "success", job.log()
    assert projects(emulator, token) == before  # the preview is gone, the rest untouched
    assert "removed" in str(_comments(tmp_path)[-1]["body"])
    replanned = odiac_cli(staging, token, "plan", "--detailed-exitcode")
    assert replanned.returncode == 0, replanned.stdout + replanned.stderr
