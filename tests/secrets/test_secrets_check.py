"""``odiac secrets check``: offline, every reference reported, no value printed."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from odiac.cli import cli

CANARY_ENV = "CANARY-check-env-5b0c"
CANARY_FILE = "CANARY-check-file-91e2"

CONFIG = """
    version = 1
    [gateway]
    url = "http://127.0.0.1:9/api"
    [project]
    name = "shop"
    [services.web.env]
    STRIPE_KEY = { secret = "env:ODIAC_CHECK_STRIPE" }
    SIGNING_KEY = { secret = "file:keys/signing" }
    [services.web.build_env]
    NPM_TOKEN = { secret = "env:ODIAC_CHECK_NPM" }
    [environments.production.services.web.env]
    STRIPE_KEY = { secret = "dotenv:.env.production#STRIPE" }
"""


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "opendeploy.toml").write_text(textwrap.dedent(CONFIG).lstrip())
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "signing").write_text(CANARY_FILE + "\n")
    (tmp_path / "keys" / "signing").chmod(0o600)
    monkeypatch.setenv("ODIAC_CHECK_STRIPE", CANARY_ENV)
    monkeypatch.delenv("ODIAC_CHECK_NPM", raising=False)
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _no_canary(result: Result) -> None:
    assert "CANARY" not in result.stdout + result.stderr


def test_reports_each_reference_and_fails_on_a_missing_one(folder: Path) -> None:
    result = run("secrets", "check")
    assert result.exit_code == 1
    _no_canary(result)
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ok", "services.web.env.STRIPE_KEY", "env:ODIAC_CHECK_STRIPE"]
    assert lines[1].split() == ["ok", "services.web.env.SIGNING_KEY", "file:keys/signing"]
    assert lines[2].split() == ["FAILED", "services.web.build_env.NPM_TOKEN", "env:ODIAC_CHECK_NPM"]
    assert lines[3].strip() == "environment variable ODIAC_CHECK_NPM is not set"
    assert lines[-1] == "3 secret references in environment staging: 2 resolve, 1 failed."


def test_passes_when_everything_resolves(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ODIAC_CHECK_NPM", "CANARY-check-npm")
    result = run("secrets", "check")
    assert result.exit_code == 0, result.output
    _no_canary(result)
    assert "3 resolve, 0 failed" in result.stdout


def test_the_environment_overlay_is_checked(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ODIAC_CHECK_NPM", "x-npm-value")
    (folder / ".env.production").write_text(f"STRIPE='{CANARY_ENV}-prod'\n")
    result = run("secrets", "check", "--env", "production", "--json")
    assert result.exit_code == 0, result.output
    _no_canary(result)
    document = json.loads(result.stdout)
    assert document["environment"] == "production"
    assert document["ok"] is True
    assert {r["key_path"]: r["reference"] for r in document["references"]} == {
        "services.web.env.STRIPE_KEY": "dotenv:.env.production#STRIPE",
        "services.web.env.SIGNING_KEY": "file:keys/signing",
        "services.web.build_env.NPM_TOKEN": "env:ODIAC_CHECK_NPM",
    }


def test_json_report_names_the_failure(folder: Path) -> None:
    result = run("--env", "production", "secrets", "check", "--json")
    assert result.exit_code == 1
    _no_canary(result)
    document = json.loads(result.stdout)
    assert document["ok"] is False
    failed = {r["key_path"]: r["error"] for r in document["references"] if not r["resolved"]}
    assert failed == {
        "services.web.env.STRIPE_KEY": f"no such file: {folder.resolve() / '.env.production'}",
        "services.web.build_env.NPM_TOKEN": "environment variable ODIAC_CHECK_NPM is not set",
    }


def test_warnings_go_to_stderr(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ODIAC_CHECK_NPM", "x-npm-value")
    (folder / "keys" / "signing").chmod(0o640)
    result = run("secrets", "check")
    assert result.exit_code == 0
    assert "mode 0640, looser than 0600" in result.stderr
    assert "may be uploaded with the source" in result.stderr
    _no_canary(result)


def test_a_cmd_timeout_is_a_failure_with_a_hint(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ODIAC_SECRET_CMD_TIMEOUT", "0.3")
    (folder / "slow.py").write_text("import time\ntime.sleep(30)\n")
    (folder / "opendeploy.toml").write_text(
        '[project]\nname = "shop"\n[services.web.env]\n'
        f'SLOW_SECRET = {{ secret = "cmd:{sys.executable} slow.py" }}\n'
    )
    result = run("secrets", "check")
    assert result.exit_code == 1
    assert "command did not finish within 0.3 s" in result.stdout
    assert "Hint: Raise the limit with ODIAC_SECRET_CMD_TIMEOUT" in result.stdout


def test_show_values_prints_them_with_a_loud_warning(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ODIAC_CHECK_NPM", "x-npm-value")
    result = run("secrets", "check", "--show-values")
    assert result.exit_code == 0
    assert f"= {CANARY_ENV}" in result.stdout
    assert result.stderr.startswith("WARNING: --show-values prints secret values in clear text")


def test_show_values_is_refused_with_json(folder: Path) -> None:
    result = CliRunner().invoke(cli, ["secrets", "check", "--json", "--show-values"])
    assert result.exit_code == 2
    assert "--show-values cannot be combined with --json" in result.output


def test_no_references(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "opendeploy.toml").write_text('[project]\nname = "shop"\n[services.web]\n')
    result = run("secrets", "check")
    assert (result.exit_code, result.stdout) == (
        0,
        "No secret references in environment staging.\n",
    )


def test_a_resolved_dependency_password_the_gateway_would_refuse_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Contract 3.4.2: >= 8 characters, no shell metacharacters; caught before apply."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "opendeploy.toml").write_text(
        textwrap.dedent(
            """
            [project]
            name = "shop"
            [dependencies.db]
            type = "postgres"
            password = { secret = "env:ODIAC_CHECK_DB_PASSWORD" }
            """
        ).lstrip()
    )
    monkeypatch.setenv("ODIAC_CHECK_DB_PASSWORD", "CANARY;x")
    refused = run("secrets", "check")
    assert refused.exit_code == 1
    _no_canary(refused)
    assert "FAILED" in refused.stdout
    assert "not a usable password" in refused.stdout
    monkeypatch.setenv("ODIAC_CHECK_DB_PASSWORD", "CANARY-check-db-6d1e")
    accepted = run("secrets", "check", "--env", "staging")
    assert accepted.exit_code == 0
    _no_canary(accepted)
