"""The applier's public API is pinned (other commands and plugins import it)."""

from __future__ import annotations

import inspect

import odiac.apply
from odiac.state import refresh as refresh_module


def test_apply_exports() -> None:
    assert sorted(odiac.apply.__all__) == [
        "ActionResult",
        "ApplyResult",
        "DEFAULT_PARALLELISM",
        "Reporter",
        "SilentReporter",
        "Timing",
        "apply_plan",
    ]
    params = list(inspect.signature(odiac.apply.apply_plan).parameters)
    assert params == [
        "plan",
        "client",
        "desired",
        "live",
        "archive_path",
        "git_token",
        "reporter",
        "parallelism",
        "follow_logs",
        "timing",
    ]


def test_refresh_signature() -> None:
    params = list(inspect.signature(refresh_module.refresh).parameters)
    assert params == [
        "client",
        "desired_project_name",
        "environment",
        "dependencies",
        "volume_services",
    ]
