"""First-hour behaviour of the real `odiac` executable: one gateway order for every
command, a missing file, and every missing secret at once."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from helpers.e2e import e2e_fixture, run_odiac


@e2e_fixture(autouse=True)
def _runs_the_odiac_executable() -> None:
    """Marks this module's tests ``e2e``: each starts odiac processes."""


REMOTE_FILE = '[gateway]\nurl = "https://gw.invalid/api"\n[project]\nname = "shop"\n'
LOCAL_MARK = "local-auth.json"  # the local gateway keeps its own credentials
REMOTE_MARK = ".opendeploy/auth.json"


def _odiac(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``odiac`` with no token, no CI and no OD_GATEWAY of the runner's, plus ``env``."""
    return run_odiac(cwd, *args, extra_env=dict(env))


@pytest.mark.parametrize(
    "command", [("auth", "status"), ("import", "--project", "p", "-o", "x.toml")]
)
def test_gateway_order_is_flag_then_env_then_file(tmp_path: Path, command: tuple[str, ...]) -> None:
    (tmp_path / "opendeploy.toml").write_text(REMOTE_FILE, encoding="utf-8")
    from_file = _odiac(tmp_path, *command)
    assert REMOTE_MARK in from_file.stderr  # the file's gateway (import used to ignore it)
    from_env = _odiac(tmp_path, *command, OD_GATEWAY="local")
    assert LOCAL_MARK in from_env.stderr  # OD_GATEWAY over the file
    from_flag = _odiac(
        tmp_path, "--gateway", "https://other.invalid/api", *command, OD_GATEWAY="local"
    )
    assert REMOTE_MARK in from_flag.stderr  # --gateway over OD_GATEWAY


def test_od_gateway_overrides_a_local_file_for_plan(tmp_path: Path) -> None:
    (tmp_path / "opendeploy.toml").write_text(
        '[gateway]\nurl = "local"\n[project]\nname = "shop"\n', encoding="utf-8"
    )
    local = _odiac(tmp_path, "plan", CI="1")
    assert local.returncode == 0, local.stderr  # the local gateway needs no token, even in CI
    remote = _odiac(tmp_path, "plan", OD_GATEWAY="http://127.0.0.1:9/api", CI="1")
    assert remote.returncode == 1
    assert "OPENDEPLOY_TOKEN" in remote.stderr  # CI against a remote gateway needs a token


def test_a_missing_file_suggests_init_and_apply_leaves_the_folder_alone(tmp_path: Path) -> None:
    for args in (("plan",), ("apply",), ("validate",)):
        done = _odiac(tmp_path, *args)
        assert done.returncode == 1
        output = done.stdout + done.stderr
        assert "file not found; run `odiac init`" in output
        assert "no terminal" not in output  # the file is read before the terminal is asked for
    assert list(tmp_path.iterdir()) == []  # no .opendeploy, no lock


def test_plan_lists_every_missing_or_empty_secret_at_once(tmp_path: Path) -> None:
    (tmp_path / "opendeploy.toml").write_text(
        '[gateway]\nurl = "local"\n[project]\nname = "shop"\n'
        '[services.web]\nport = 8000\ncpu = "1"\nmemory = "1Gi"\nstart_command = "python app.py"\n'
        "[services.web.env]\n"
        'A_KEY = { secret = "env:ODIAC_T_A" }\n'
        'B_KEY = { secret = "env:ODIAC_T_B" }\n'
        'C_KEY = { secret = "env:ODIAC_T_C" }\n',
        encoding="utf-8",
    )
    (tmp_path / "app.py").write_text("print('hi')\n", encoding="utf-8")
    done = _odiac(tmp_path, "plan", ODIAC_T_B="", ODIAC_T_C="CANARY-set-3b1")
    assert done.returncode == 1
    assert "2 secret references cannot be resolved:" in done.stderr
    assert "opendeploy.toml:11: services.web.env.A_KEY:" in done.stderr
    assert "environment variable ODIAC_T_A is not set" in done.stderr
    assert "opendeploy.toml:12: services.web.env.B_KEY:" in done.stderr
    assert "it is set but empty" in done.stderr
    assert "C_KEY" not in done.stderr
    assert "CANARY-set-3b1" not in done.stdout + done.stderr
    assert done.stderr.count("secret reference env:ODIAC_T_A") == 1  # said once
