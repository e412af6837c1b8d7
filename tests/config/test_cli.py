"""``odiac validate`` and ``odiac schema`` through the real command line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from odiac.cli import cli
from odiac.config.schema import render_schema

ROOT = Path(__file__).resolve().parents[2]
MANY_ERRORS = Path(__file__).parent / "fixtures" / "invalid" / "many_errors.toml"
GOOD = '[project]\nname = "shop"\n[dependencies.db]\ntype = "postgres"\n[services.web]\nuses = ["db"]\n[services.jobs]\ntype = "worker"\n'


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OD_GATEWAY", raising=False)
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_validate_valid_file(folder: Path) -> None:
    (folder / "opendeploy.toml").write_text(GOOD)
    assert run("validate") == (
        0,
        "opendeploy.toml is valid (environment staging: 2 services, 1 dependency).\n",
    )


def test_validate_invalid_file_lists_everything_and_exits_1(folder: Path) -> None:
    shutil.copy(MANY_ERRORS, folder / "opendeploy.toml")
    code, output = run("validate")
    lines = output.splitlines()
    assert code == 1
    assert len(lines) == 28
    assert lines[0].startswith("opendeploy.toml:5:7 gateway.url: ")
    assert lines[-1] == "opendeploy.toml is invalid: 26 errors, 1 warning."


def test_validate_json(folder: Path) -> None:
    (folder / "opendeploy.toml").write_text(
        '[project]\nname = "shop"\n[services.web]\ncpu = "two"\n'
    )
    code, output = run("validate", "--json")
    assert code == 1
    assert json.loads(output) == {
        "valid": False,
        "diagnostics": [
            {
                "file": "opendeploy.toml",
                "line": 4,
                "column": 7,
                "key_path": ["services", "web", "cpu"],
                "path": "services.web.cpu",
                "severity": "error",
                "message": '"two" is not a Kubernetes CPU quantity (e.g. "500m", "1")',
            }
        ],
    }
    (folder / "opendeploy.toml").write_text(GOOD)
    assert run("validate", "--json") == (
        0,
        json.dumps({"valid": True, "diagnostics": []}, indent=2) + "\n",
    )


def test_warnings_fail_only_with_strict(folder: Path) -> None:
    (folder / "opendeploy.toml").write_text(
        GOOD + '[services.web.env]\nAPI_TOKEN = "literal-token"\n'
    )
    code, output = run("validate")
    assert code == 0
    assert output.splitlines()[0].startswith(
        "opendeploy.toml:10:13 services.web.env.API_TOKEN: warning:"
    )
    assert "literal-token" not in output
    code, output = run("validate", "--strict")
    assert code == 1
    assert output.splitlines()[-1] == "opendeploy.toml is invalid: 0 errors, 1 warning."


def test_validate_uses_global_config_env_and_gateway_options(folder: Path) -> None:
    (folder / "app.toml").write_text(
        GOOD + "[environments.production.services.web]\nreplicas = 2\n"
    )
    assert run("--config", "app.toml", "--env", "production", "validate")[1] == (
        "app.toml is valid (environment production: 2 services, 1 dependency).\n"
    )
    assert run("--config", "app.toml", "--env", "qa", "validate") == (
        0,
        "app.toml is valid (environment qa: 2 services, 1 dependency).\n",
    )
    code, output = run("--config", "app.toml", "--gateway", "http://gw/api/", "validate")
    assert code == 1
    assert output.startswith('<overrides> gateway.url: "http://gw/api/" must not end with')


def test_validate_missing_file(folder: Path) -> None:
    assert run("validate") == (
        1,
        "opendeploy.toml: file not found; run `odiac init` in the app folder to write one\n"
        "opendeploy.toml is invalid: 1 error.\n",
    )


def test_schema_prints_the_schema(folder: Path) -> None:
    assert run("schema") == (0, render_schema())
    assert run("schema", "-o", "out.json") == (0, "Wrote out.json.\n")
    assert (folder / "out.json").read_text(encoding="utf-8") == render_schema()


def test_real_executable_exit_code_and_no_network_imports(folder: Path) -> None:
    """`odiac validate` runs offline: the HTTP client and emulator are never imported."""
    (folder / "opendeploy.toml").write_text('[project]\nname = "Bad"\n')
    probe = (
        "import sys\n"
        "from odiac.cli import main\n"
        "try:\n    main(['validate'])\n"
        "finally:\n"
        "    heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('httpx', 'deepdiff')"
        " or m.startswith('odiac.emulator') or m.startswith('odiac.gateway'))\n"
        "    print('IMPORTED', heavy, file=sys.stderr)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 1, done.stderr
    assert "IMPORTED []" in done.stderr
    assert done.stdout.startswith(
        'opendeploy.toml:2:8 project.name: "Bad" is not a valid project name'
    )
