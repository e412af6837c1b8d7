"""``odiac apply --json``: JSON Lines events for tooling (docs/events.md)."""

from __future__ import annotations

import json
from pathlib import Path

from odiac.testing import EmulatorProcess

from .cli_kit import CONFIG, make_app, odiac

CANARY = "CANARY-events-3c1f9a7d"
EVENT_TYPES = {
    "plan",
    "action_started",
    "action_finished",
    "deployment_progress",
    "log",
    "note",
    "summary",
}


def test_apply_json_emits_one_event_per_line_in_order(
    tmp_path: Path, emulator: EmulatorProcess, token: str
) -> None:
    config = CONFIG.replace("cli-shop", "cli-events") + '    API_KEY = { secret = "env:API_KEY" }\n'
    app = make_app(tmp_path / "app", config)
    applied = odiac(
        app,
        emulator,
        token,
        "apply",
        "--auto-approve",
        "--json",
        "--follow-logs",
        extra_env={"API_KEY": CANARY},
    )
    assert applied.returncode == 0, applied.stderr
    events = [json.loads(line) for line in applied.stdout.splitlines()]
    assert {e["type"] for e in events} <= EVENT_TYPES
    assert all(e["version"] == 1 and e["timestamp"].endswith("Z") for e in events)
    assert events[0]["type"] == "plan"
    assert events[-1]["type"] == "summary"
    summary = events[-1]
    assert summary["ok"] is True
    assert summary["counts"] == {"done": 7, "failed": 0, "skipped": 0, "manual": 0}
    assert summary["claim"] is None  # a PAT: nothing to claim (contract 2.4)
    assert [s["name"] for s in summary["services"]] == ["web"]
    assert summary["services"][0]["url"] == "https://cli-events-web.dev.opendeploy.run"
    started = [e["action"] for e in events if e["type"] == "action_started"]
    finished = [e["action"] for e in events if e["type"] == "action_finished"]
    assert sorted(started) == sorted(finished)
    assert len(started) == 7
    # Every action starts before it finishes, and the deploy reports its progress.
    for action in started:
        kinds = [
            e["type"]
            for e in events
            if e.get("action") == action and e["type"].startswith("action_")
        ]
        assert kinds == ["action_started", "action_finished"]
    progress = [e for e in events if e["type"] == "deployment_progress"]
    assert progress
    assert progress[-1]["status"] == "success"
    assert CANARY not in applied.stdout + applied.stderr


def test_apply_json_without_approval_is_a_usage_error(
    tmp_path: Path, emulator: EmulatorProcess, token: str
) -> None:
    app = make_app(tmp_path / "app", CONFIG.replace("cli-shop", "cli-events-usage"))
    refused = odiac(app, emulator, token, "apply", "--json")
    assert refused.returncode == 64
    assert "--auto-approve" in refused.stderr
    assert refused.stdout == ""
