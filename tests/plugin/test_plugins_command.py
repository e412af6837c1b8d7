"""``odiac plugins [--json]``."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from odiac.cli import cli


def test_json_lists_every_kind_with_distribution_and_version() -> None:
    result = CliRunner().invoke(cli, ["plugins", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    kinds = {(r["name"], r["kind"]) for r in rows}
    assert {
        ("node", "analyzer"),
        ("env", "secret-backend"),
        ("refusal-checklist", "policy"),
    } <= kinds
    assert all(r["distribution"] == "odiac" and r["version"] for r in rows)


def test_table_and_disabled_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ODIAC_DISABLE_PLUGINS", "node")
    result = CliRunner().invoke(cli, ["plugins"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["NAME", "KIND", "VERSION", "DISTRIBUTION", "DESCRIPTION"]
    assert not any(line.startswith("node ") for line in lines)
    assert any(line.startswith("python ") for line in lines)
