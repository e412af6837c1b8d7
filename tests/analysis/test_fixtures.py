"""Every fixture app: a JSON snapshot of the analysis and its hand-written facts.

The fixture's ``expected.toml`` is not part of the analysed tree (it is copied
away first), so its comments cannot influence detection.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from odiac.analysis.result import ProjectAnalysisResult
from odiac.plugin.manager import PluginManager

APPS = Path(__file__).resolve().parents[1] / "fixtures" / "apps"
NAMES = (
    sorted(p.name for p in APPS.iterdir() if (p / "expected.toml").is_file())
    if APPS.is_dir()
    else []
)


@pytest.fixture
def snapshot_json(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


def _analyse(pm: PluginManager, name: str, tmp_path: Path) -> ProjectAnalysisResult:
    copy = tmp_path / name
    shutil.copytree(
        APPS / name, copy, ignore=shutil.ignore_patterns("expected.toml"), symlinks=True
    )
    return pm.analyze(copy)


def _facts(result: ProjectAnalysisResult) -> dict[str, dict[str, Any]]:
    return {
        svc.name: {
            "path": svc.source_path,
            "framework": svc.framework,
            "language": svc.language,
            "port": svc.port,
            "type": svc.project_type,
            "databases": sorted(svc.dependencies),
            "env": sorted(v.name for v in svc.runtime_vars),
            "build_env": sorted(v.name for v in svc.build_time_vars),
            "build_tool": svc.build_tool,
        }
        for svc in result.services
    }


def test_there_are_fixture_apps() -> None:
    assert len(NAMES) >= 30


@pytest.mark.parametrize("name", NAMES)
def test_fixture_matches_snapshot(
    name: str, pm: PluginManager, tmp_path: Path, snapshot_json: SnapshotAssertion
) -> None:
    result = _analyse(pm, name, tmp_path)
    document = {
        "payload": result.payload(),
        "review": sorted({f"{item.severity}:{item.service}:{item.code}" for item in result.review}),
    }
    assert document == snapshot_json


@pytest.mark.parametrize("name", NAMES)
def test_fixture_matches_expected_facts(name: str, pm: PluginManager, tmp_path: Path) -> None:
    expected = tomllib.loads((APPS / name / "expected.toml").read_text())
    result = _analyse(pm, name, tmp_path)
    if expected.get("refused"):
        assert result.refusal is not None, "§11: the analysis must refuse"
        assert expected.get("reason", "") in result.refusal.reason
        assert set(expected.get("evidence", [])) <= set(result.refusal.evidence)
        assert result.payload()["refused"] is True
        return
    assert result.refusal is None, result.refusal
    facts = _facts(result)
    assert sorted(facts) == sorted(s["name"] for s in expected["services"])
    for want in expected["services"]:
        got = facts[want["name"]]
        assert got["path"] == want["path"]
        assert got["framework"] == want["framework"]
        assert got["language"] == want["language"]
        assert got["type"] == want["type"]
        assert got["port"] == want.get("port"), "an omitted port means null (§9.2)"
        assert got["databases"] == sorted(want["databases"])
        assert got["env"] == sorted(want["env"])
        if "build_env" in want:
            assert got["build_env"] == sorted(want["build_env"])
        if "build_tool" in want:
            assert got["build_tool"] == want["build_tool"]
        _check_details(result, want)


def _check_details(result: ProjectAnalysisResult, want: dict[str, Any]) -> None:
    """The optional expectations: start, required/optional, settings, defaults, refs,
    volume suggestions and review codes."""
    svc = result.service(want["name"])
    extras = result.extras[want["name"]]
    env = {v.name: v for v in svc.runtime_vars + svc.build_time_vars}
    if "start" in want:
        assert svc.scripts_start == want["start"]
    for name in want.get("required", []):
        assert env[name].required, f"{name} must be required"
    for name in want.get("optional", []):
        assert not env[name].required, f"{name} must be optional"
    for name in want.get("settings", []):
        assert name in extras.config_vars, f"{name} is a setting, never a secret"
    for name, default in want.get("defaults", {}).items():
        assert env[name].default == default, name
    assert extras.env_aliases == want.get("refs", extras.env_aliases)
    if "volumes" in want:
        assert [v.mount_path for v in extras.volumes] == want["volumes"]
    codes = {item.code for item in result.review if item.service == svc.name}
    assert set(want.get("review", [])) <= codes
