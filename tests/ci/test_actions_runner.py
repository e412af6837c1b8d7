"""The test runner itself behaves as GitHub Actions does for what our workflows use."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from .actions_runner import ActionsRunner, parse_key_values
from .expressions import ExpressionError, condition, evaluate, substitute

CONTEXT: dict[str, Any] = {
    "github": {"event": {"action": "closed", "pull_request": {"number": 42}}},
    "steps": {"a": {"outputs": {"url": "https://x.test"}}},
    "job": {"status": "success"},
    "env": {},
}


def _runner(tmp_path: Path, **kwargs: Any) -> ActionsRunner:
    (tmp_path / "ws").mkdir(exist_ok=True)
    return ActionsRunner(
        tmp_path / "ws",
        tmp_path / "temp",
        event_name=kwargs.pop("event_name", "pull_request"),
        event=kwargs.pop("event", {"action": "opened", "pull_request": {"number": 3}}),
        secrets=kwargs.pop("secrets", {"TOKEN": "s3cret"}),
        base_env={"PATH": os.environ["PATH"], "HOME": str(tmp_path)},
        **kwargs,
    )


def test_expressions() -> None:
    assert substitute("pr-${{ github.event.pull_request.number }}", CONTEXT) == "pr-42"
    assert substitute("${{ steps.a.outputs.url }}/${{ steps.b.outputs.url }}", CONTEXT) == (
        "https://x.test/"
    )
    assert evaluate("github.event.action == 'CLOSED'", CONTEXT) is True  # case-insensitive
    assert evaluate("github.event['action'] != 'closed' || 'fallback'", CONTEXT) == "fallback"
    assert evaluate("contains(format('{0}-x', 'pr'), 'PR-')", CONTEXT) is True
    assert condition("github.event.action == 'opened'", CONTEXT) is False
    assert condition("${{ always() }}", {**CONTEXT, "job": {"status": "failure"}}) is True
    assert condition("true", {**CONTEXT, "job": {"status": "failure"}}) is False
    with pytest.raises(ExpressionError):
        evaluate("vars.X", CONTEXT)
    with pytest.raises(ExpressionError):
        evaluate("hashFiles('x')", CONTEXT)


def test_output_files() -> None:
    assert parse_key_values("a=1\nb<<EOF\nline 1\nline=2\nEOF\nc=x=y\n") == {
        "a": "1",
        "b": "line 1\nline=2",
        "c": "x=y",
    }
    with pytest.raises(ValueError, match="unterminated"):
        parse_key_values("b<<EOF\nno end\n")


def test_steps_share_outputs_env_path_and_summary(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    tool = tmp_path / "bin" / "hello-tool"
    tool.write_text("#!/bin/sh\necho hello\n")
    tool.chmod(0o755)
    workflow = {
        "on": {"pull_request": {}},
        "env": {"PR": "pr-${{ github.event.pull_request.number }}"},
        "jobs": {
            "one": {
                "steps": [
                    {
                        "id": "first",
                        "run": 'echo "name=$PR" >> "$GITHUB_OUTPUT"\n'
                        'echo "LATER=from-env" >> "$GITHUB_ENV"\n'
                        f'echo "{tmp_path / "bin"}" >> "$GITHUB_PATH"\n'
                        'echo "# one" >> "$GITHUB_STEP_SUMMARY"',
                    },
                    {
                        "id": "second",
                        "env": {"GOT": "${{ steps.first.outputs.name }}"},
                        "run": 'echo "got=$GOT $LATER $(hello-tool) '
                        '${{ secrets.TOKEN }} $GITHUB_EVENT_NAME" >> "$GITHUB_OUTPUT"\n'
                        'jq -r .pull_request.number "$GITHUB_EVENT_PATH" >> "$GITHUB_STEP_SUMMARY"',
                    },
                ]
            }
        },
    }
    job = _runner(tmp_path).run_workflow(workflow)["one"]
    assert job.conclusion == "success", job.log()
    assert job.step("second").outputs == {"got": "pr-3 from-env hello s3cret pull_request"}
    assert job.summary == "# one\n3\n"


def test_a_failing_step_fails_the_job_and_skips_the_rest_but_always_runs(tmp_path: Path) -> None:
    workflow = {
        "on": ["pull_request"],
        "jobs": {
            "one": {
                "steps": [
                    {"name": "fails", "run": "false\necho not reached"},
                    {"name": "skipped", "run": "echo no"},
                    {"name": "cleanup", "if": "always()", "run": "echo yes"},
                    {"name": "on failure", "if": "failure()", "run": "exit 3"},
                ]
            },
            "two": {"needs": "one", "steps": [{"run": "true"}]},
            "three": {"if": "github.event.action == 'closed'", "steps": [{"run": "true"}]},
        },
    }
    jobs = _runner(tmp_path).run_workflow(workflow)
    one = jobs["one"]
    assert one.conclusion == "failure"
    assert [s.outcome for s in one.steps] == ["failure", "skipped", "success", "failure"]
    assert one.step("fails").stdout == ""  # bash -e stopped at `false`
    assert one.step("on failure").exit_code == 3
    assert jobs["two"].conclusion == "skipped"
    assert jobs["three"].conclusion == "skipped"


def test_pipefail_only_with_shell_bash(tmp_path: Path) -> None:
    workflow = {
        "on": "pull_request",
        "jobs": {
            "one": {
                "steps": [
                    {"id": "default", "run": "false | true", "continue-on-error": True},
                    {"id": "bash", "shell": "bash", "run": "false | true"},
                ]
            }
        },
    }
    job = _runner(tmp_path).run_workflow(workflow)["one"]
    assert job.step("default").outcome == "success"
    assert job.step("bash").outcome == "failure"


def test_composite_action_inputs_outputs_and_unknown_uses(tmp_path: Path) -> None:
    action = tmp_path / "ws" / "act"
    action.mkdir(parents=True)
    (tmp_path / "ws" / "world").mkdir()
    (action / "action.yml").write_text(
        "name: t\ninputs:\n  who:\n    default: world\n  times:\n    required: true\n"
        "outputs:\n  said:\n    value: ${{ steps.say.outputs.text }}\n"
        "runs:\n  using: composite\n  steps:\n"
        "    - id: say\n      shell: bash\n      working-directory: ${{ inputs.who }}\n"
        '      run: echo "text=${{ inputs.who }} x${{ inputs.times }} $(basename $GITHUB_ACTION_PATH) $(basename $PWD)"'
        ' >> "$GITHUB_OUTPUT"\n'
    )
    workflow = {
        "on": "pull_request",
        "jobs": {
            "one": {
                "steps": [
                    {"id": "a", "uses": "./act", "with": {"times": 2}},
                    {"run": "test '${{ steps.a.outputs.said }}' = 'world x2 act world'"},
                ]
            }
        },
    }
    job = _runner(tmp_path).run_workflow(workflow)["one"]
    assert job.conclusion == "success", job.log()
    with pytest.raises(ValueError, match="missing required input"):
        _runner(tmp_path).run_workflow(
            {"on": "pull_request", "jobs": {"x": {"steps": [{"uses": "./act"}]}}}
        )
    with pytest.raises(ValueError, match="no handler"):
        _runner(tmp_path).run_workflow(
            {"on": "pull_request", "jobs": {"x": {"steps": [{"uses": "some/thing@v1"}]}}}
        )


def test_only_a_triggering_event_runs_a_workflow(tmp_path: Path) -> None:
    workflow = {
        "on": {"pull_request": {"types": ["closed"]}, "push": {"branches": ["main"]}},
        "jobs": {"x": {"steps": [{"run": "true"}]}},
    }
    with pytest.raises(ValueError, match="does not trigger"):
        _runner(tmp_path).run_workflow(workflow)  # an `opened` pull request
    closed = {"action": "closed", "pull_request": {"number": 3}}
    assert _runner(tmp_path, event=closed).run_workflow(workflow)["x"].conclusion == "success"
    other = {"ref": "refs/heads/feature"}
    with pytest.raises(ValueError, match="does not trigger"):
        _runner(tmp_path, event_name="push", event=other).run_workflow(workflow)
    main = {"ref": "refs/heads/main"}
    assert _runner(tmp_path, event_name="push", event=main).run_workflow(workflow)["x"].ran
