"""The day-2 API other code and the CLI rely on, pinned."""

from __future__ import annotations

import importlib
import inspect

import click
import pytest

from odiac.cli import COMMANDS
from odiac.errors import OdiacError

PINNED = {
    "odiac.ops.lookup": {
        "OperationError",
        "find_project",
        "find_service",
        "service_deployments",
        "source_identity",
        "short_digest",
        "human_age",
    },
    "odiac.ops.status": {"gather_status", "render_status", "ProjectStatus"},
    "odiac.ops.logs": {
        "parse_duration",
        "fetch_lines",
        "follow",
        "pick_deployment",
        "register_service_secrets",
        "LogFilter",
    },
    "odiac.ops.deploys": {
        "choose_rollback",
        "start_rollback",
        "cancel_target",
        "cancel",
        "plan_redeploy",
        "start_redeploy",
        "watch",
        "request_cancel",
        "read_back_cancelled",
    },
    "odiac.ops.runner": {"Operation", "Proposal", "Outcome", "run_operation"},
    "odiac.ops.operations": {"Rollback", "Redeploy", "Cancel", "CancelProposal"},
    "odiac.ops.outcomes": {
        "CancelOutcome",
        "RedeployOutcome",
        "RollbackOutcome",
        "DeploymentState",
    },
    "odiac.ops.importer": {"read_live_project", "build_document", "detect_uses"},
    "odiac.cli.prompt": {"confirm_or_refuse", "run_interruptible"},
}


@pytest.mark.parametrize("module", sorted(PINNED))
def test_pinned_names_exist(module: str) -> None:
    loaded = importlib.import_module(module)
    missing = {name for name in PINNED[module] if not hasattr(loaded, name)}
    assert not missing


def test_operation_error_is_an_odiac_error() -> None:
    from odiac.ops.lookup import OperationError

    assert issubclass(OperationError, OdiacError)


@pytest.mark.parametrize("name", ["status", "logs", "rollback", "cancel", "redeploy", "import"])
def test_each_day2_command_is_mapped_and_named(name: str) -> None:
    module_name, attr = COMMANDS[name][0].split(":")
    command = getattr(importlib.import_module(module_name), attr)
    assert isinstance(command, click.Command)
    assert command.name == name
    assert inspect.getdoc(command.callback)
