"""The CI workflows shipped in examples/ci run odiac commands and flags that exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from odiac.cli import cli

CI_DIR = Path(__file__).resolve().parents[2] / "examples" / "ci"
WORKFLOWS = sorted(CI_DIR.glob("*.yml"))
_ODIAC_CALL = re.compile(r"(?:^|[;&|]\s*|\s)(odiac\s[^;&|>\n]*)")


def odiac_calls(workflow: Path) -> list[str]:
    """Every `odiac ...` invocation in the workflow's `run:` steps."""
    calls: list[str] = []
    for line in workflow.read_text().splitlines():
        text = line.strip()
        if text.startswith(("#", "- uses:", "uses:", "name:")):
            continue
        text = text.removeprefix("- ").removeprefix("run: ").removeprefix("run: |")
        calls.extend(match.group(1).strip() for match in _ODIAC_CALL.finditer(" " + text))
    return [c for c in calls if not c.startswith("odiac pip")]


def _rest(ctx: click.Context) -> list[str]:
    # A group keeps its subcommand's name apart from the remaining arguments.
    return [*getattr(ctx, "_protected_args", []), *ctx.args]


def parse(call: str) -> click.Context:
    """Parse a command line exactly as the `odiac` entry point would, without running it."""
    args = shlex.split(call)[1:]
    with cli.make_context("odiac", args, resilient_parsing=False) as ctx:
        name, command, rest = cli.resolve_command(ctx, _rest(ctx))
        assert command is not None, f"no such command: {name}"
        sub = command.make_context(name or "", rest, parent=ctx)
        while isinstance(command, click.Group) and _rest(sub):
            name, command, rest = command.resolve_command(sub, _rest(sub))
            assert command is not None
            sub = command.make_context(name or "", rest, parent=sub)
        return sub


def test_every_workflow_is_shipped() -> None:
    assert [w.name for w in WORKFLOWS] == [
        "github-actions-deploy.yml",
        "github-actions-drift.yml",
        "github-actions-preview.yml",
    ]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_odiac_command_and_flag_exists(workflow: Path) -> None:
    calls = odiac_calls(workflow)
    assert calls, "the workflow runs no odiac command"
    for call in calls:
        parse(call)  # raises click.UsageError on an unknown command, option or value


def test_the_parser_rejects_what_odiac_rejects() -> None:
    with pytest.raises(click.UsageError):
        parse("odiac plan --no-such-flag")
    with pytest.raises(click.UsageError):
        parse("odiac plan --format yaml")


def test_drift_workflow_uses_the_drift_alarm() -> None:
    calls = odiac_calls(CI_DIR / "github-actions-drift.yml")
    assert any("--all-envs" in c and "--detailed-exitcode" in c for c in calls)


def test_deploy_workflow_applies_the_saved_plan() -> None:
    calls = odiac_calls(CI_DIR / "github-actions-deploy.yml")
    assert any(c.startswith("odiac plan") and "-o plan.json" in c for c in calls)
    assert any(c.startswith("odiac apply") and c.split()[-1] == "plan.json" for c in calls)
