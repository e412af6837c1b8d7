"""docs/environments.md is executed, not parsed: its file and every command it shows run.

The ``toml`` block becomes ``opendeploy.toml`` of an app; each ``odiac`` line of the
``sh`` blocks runs, in order, against ``odiac emulator serve`` and must succeed. An
interactive ``odiac destroy`` runs on a pseudo-terminal and is answered by typing
the project name, as the page says.
"""

from __future__ import annotations

import os
import pty
import re
import select
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

from odiac.testing import EmulatorProcess

from .cli_kit import api, make_app, odiac

pytestmark = pytest.mark.e2e

DOC = Path(__file__).resolve().parents[2] / "docs" / "environments.md"
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)
PROMPT = b"to delete it:"


def _blocks(kind: str) -> list[str]:
    return [body for lang, body in BLOCK.findall(DOC.read_text()) if lang == kind]


def _commands() -> list[list[str]]:
    commands = []
    for body in _blocks("sh"):
        for line in body.splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                commands.append(shlex.split(line))
    return commands


def _typed(app: Path, emulator: EmulatorProcess, token: str, args: list[str], answer: str) -> int:
    """Run ``odiac`` on a pty and type ``answer`` at the destroy prompt."""
    master, slave = pty.openpty()
    env = {**os.environ, "OPENDEPLOY_TOKEN": token, "NO_COLOR": "1", "TERM": "dumb"}
    env.pop("CI", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "odiac", "--gateway", emulator.base_url, *args],
        cwd=app,
        env=env,
        stdin=slave,
        stdout=slave,
        stderr=slave,
    )
    os.close(slave)
    output, answered = b"", False
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                output += chunk
                if not answered and PROMPT in output:
                    os.write(master, answer.encode() + b"\n")
                    answered = True
            elif process.poll() is not None:
                break
        code = process.wait(timeout=30)
    finally:
        os.close(master)
    assert answered, output.decode(errors="replace")
    return code


def test_the_page_shows_commands_and_one_file() -> None:
    commands = _commands()
    assert len(_blocks("toml")) == 1
    assert ["odiac", "destroy", "--env", "pr-42"] in commands
    assert ["odiac", "plan", "--all-envs", "--detailed-exitcode"] in commands
    assert all(command[0] == "odiac" for command in commands)


def test_every_command_of_the_page_runs(
    tmp_path: Path, emulator: EmulatorProcess, token: str
) -> None:
    (config,) = _blocks("toml")
    # The live project the import section brings in: same source, its own label.
    legacy = config.replace('"shop"', '"shop-legacy"').split("[environments")[0]
    assert (
        odiac(
            make_app(tmp_path / "legacy", legacy), emulator, token, "apply", "--auto-approve"
        ).returncode
        == 0
    )
    app = make_app(tmp_path / "shop", config)
    for command in _commands():
        args = command[1:]
        if args[0] == "destroy" and "--auto-approve" not in args:
            code = _typed(app, emulator, token, args, "shop-pr-42")
        else:
            result = odiac(app, emulator, token, *args)
            code = result.returncode
            assert "Traceback" not in result.stderr
        assert code == 0, f"{shlex.join(command)} exited {code}"
    with api(emulator, token) as client:
        names = {p["name"] for p in client.get("/v1/projects/").json()["data"]}
    # The preview was created and destroyed; the others are untouched.
    assert names == {"shop", "shop-live", "shop-legacy"}
