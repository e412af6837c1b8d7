"""Credentials at rest and in transit, attacked through the ``odiac`` executable against
``odiac emulator serve``: the ``.opendeploy/`` folder never reaches ``git add``, a
malformed auth file is never replaced by a fresh registration (its key is never
lost), and the key never travels in clear ``http://`` to another host unless the
user opts in."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.e2e import e2e_fixture, run_odiac, served_emulator, write_app

from odiac.testing import EmulatorProcess


@e2e_fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """A server for this module: a gateway hands one machine a single anonymous agent a
    day, and other tests register theirs on the shared one."""
    yield from served_emulator(tmp_path_factory.mktemp("emulator"))


def _app(root: Path) -> Path:
    app = root / "app"
    write_app(
        app,
        f"""
            version = 1
            [project]
            name = "rest-{uuid.uuid4().hex[:8]}"
            [services.web]
            type = "web"
            port = 8000
            cpu_request = "500m"
            cpu = "1"
            memory_request = "512Mi"
            memory = "1Gi"
        """,
    )
    return app


def _odiac(
    app: Path, gateway: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return run_odiac(app, *args, gateway=gateway, extra_env=env, timeout=180)


def _registrations(emulator: EmulatorProcess) -> int:
    return sum(r["path"].endswith("/client-agents/register") for r in emulator.control().requests())


def test_the_state_folder_is_git_ignored_from_the_moment_it_is_created(
    tmp_path: Path, emulator: EmulatorProcess
) -> None:
    app = _app(tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=app, check=True)
    done = _odiac(app, emulator.base_url, "apply", "--auto-approve")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (app / ".opendeploy" / "auth.json").is_file()  # a key was registered and kept
    assert (app / ".opendeploy" / ".gitignore").read_text().splitlines()[-1] == "*"
    subprocess.run(["git", "add", "-A"], cwd=app, check=True)
    staged = subprocess.run(
        ["git", "diff", "--cached", "--name-only"],
        cwd=app,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert "app.py" in staged
    assert not [name for name in staged if name.startswith(".opendeploy")]


@pytest.mark.parametrize(
    "api_key",
    [["CANARY-in-a-list"], {"key": "CANARY-in-an-object"}, 12345, True],
    ids=["list", "object", "number", "bool"],
)
def test_a_malformed_auth_file_is_refused_never_replaced(
    tmp_path: Path, emulator: EmulatorProcess, api_key: object, leak_scan: object
) -> None:
    app = _app(tmp_path)
    folder = app / ".opendeploy"
    folder.mkdir(mode=0o700)
    auth = folder / "auth.json"
    original = json.dumps({"version": 1, "api_key": api_key, "agent_id": "agt_1"}) + "\n"
    auth.write_text(original)
    auth.chmod(0o600)
    before = _registrations(emulator)
    done = _odiac(app, emulator.base_url, "apply", "--auto-approve")
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert f"The auth file {Path('.opendeploy/auth.json')}" in done.stderr or (
        "auth file" in done.stderr and "malformed" in done.stderr
    )
    assert "api_key is" in done.stderr
    assert auth.read_text() == original  # the old key is never lost
    assert _registrations(emulator) == before  # no fresh registration in its place
    assert "CANARY-" not in done.stdout + done.stderr


def test_plain_http_to_another_host_is_refused_unless_opted_in(
    tmp_path: Path, emulator: EmulatorProcess
) -> None:
    app = _app(tmp_path)
    token = emulator.control().create_user(f"http-{uuid.uuid4().hex[:6]}@x.test")["api_key"]
    # 0.0.0.0 is not a loopback name, yet on this machine it reaches the emulator: the
    # refusal must come before any byte is sent.
    remote = emulator.base_url.replace("127.0.0.1", "0.0.0.0")
    assert remote != emulator.base_url
    emulator.control().clear_requests()
    refused = _odiac(app, remote, "apply", "--auto-approve", env={"OPENDEPLOY_TOKEN": token})
    assert refused.returncode != 0
    assert "plain http:// sends your OpenDeploy key unencrypted" in refused.stderr
    assert "ODIAC_ALLOW_INSECURE_HTTP=1" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert token not in refused.stdout + refused.stderr
    assert emulator.control().requests() == []  # nothing reached the gateway
    assert not (app / ".opendeploy" / "auth.json").exists()

    allowed = _odiac(
        app,
        remote,
        "apply",
        "--auto-approve",
        env={"OPENDEPLOY_TOKEN": token, "ODIAC_ALLOW_INSECURE_HTTP": "1"},
    )
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr

    loopback = _odiac(app, emulator.base_url, "plan", env={"OPENDEPLOY_TOKEN": token})
    assert loopback.returncode == 0, loopback.stderr
